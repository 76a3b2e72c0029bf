// Training data for `oellm train`: reads a dataset dir (`shards/<lang>/*.jsonl[.zst|.gz]`, one
// `{"text": …}` per line), tokenizes every document, holds out validation documents per language
// (by a hash of the text, so the split does not depend on the seed), packs each language's
// training documents into one stream with EOS separators in a seeded order, and samples
// sequences language by language with temperature-scaled weights. All state (cursors, RNG) is
// plain JSON so a resumed run continues bit for bit. Not the tokenizer and not the curation.
// Reference: nanoGPT data loader; XLM/mT5 language sampling p ∝ n^(1/τ).
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { decompressor, codecOf } from '../util/compress.js';
import { OellmError } from '../util/errors.js';
import { Rng, type RngState } from '../util/rng.js';

export interface TextTokenizer {
  encode(text: string): number[];
  vocabSize: number;
}

export interface LangData {
  lang: string;
  /** Training stream: documents (seeded order) each followed by EOS. */
  train: Int32Array;
  trainDocs: number;
  trainBytes: number;
  /** Validation stream (held-out documents, file order) and its UTF-8 byte count. */
  val: Int32Array;
  valDocs: number;
  valBytes: number;
}

export interface DataOptions {
  seed: number;
  /** Fraction of documents held out for validation (per language). */
  valFraction: number;
  /** Cap on held-out documents per language. */
  maxValDocs: number;
  /** Sampling temperature τ: p_lang ∝ tokens^(1/τ); 1 = proportional, large = uniform. */
  temperature: number;
  /** Explicit per-language weights (label → weight), multiplied into the temperature weights. */
  langWeights?: Record<string, number>;
  /** Only these languages (labels like `ces_Latn` or ISO codes as folder names). */
  langs?: string[];
}

const fnv1a = (s: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h >>> 0;
};

async function* jsonlTexts(path: string): AsyncGenerator<{ text: string; line: number }> {
  const dec = createReadStream(path).pipe(decompressor(codecOf(path)));
  let rest = '';
  let line = 0;
  const td = new TextDecoder();
  const parse = (s: string): { text: string; line: number } | null => {
    line++;
    if (s.trim() === '') return null;
    let rec: unknown;
    try {
      rec = JSON.parse(s);
    } catch (e) {
      throw new OellmError(`line ${line} is not valid JSON: ${(e as Error).message}`, { file: path, offset: line, code: 'E_FORMAT', hint: 'dataset shards hold one JSON object per line with a "text" field' });
    }
    const text = (rec as { text?: unknown })?.text;
    if (typeof text !== 'string') throw new OellmError(`line ${line} has no "text" string`, { file: path, offset: line, code: 'E_FORMAT' });
    return { text, line };
  };
  try {
    for await (const chunk of dec as AsyncIterable<Buffer>) {
      rest += td.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = rest.indexOf('\n')) >= 0) {
        const r = parse(rest.slice(0, nl));
        rest = rest.slice(nl + 1);
        if (r) yield r;
      }
    }
  } catch (e) {
    if (e instanceof OellmError) throw e;
    throw new OellmError(`cannot read shard: ${(e as Error).message}`, { file: path, code: 'E_FORMAT', hint: 'the shard is truncated or corrupt' });
  }
  rest += td.decode();
  const r = parse(rest);
  if (r) yield r;
}

/** Lists `shards/<lang>/` folders and their shard files (sorted). */
export function listShards(dataDir: string): Map<string, string[]> {
  const shards = join(dataDir, 'shards');
  if (!existsSync(shards) || !statSync(shards).isDirectory()) {
    throw new OellmError(`no shards/ folder in ${dataDir}`, { file: dataDir, code: 'E_INPUT', hint: 'pass a dataset dir written by `oellm data run` (shards/<lang>/*.jsonl.zst)' });
  }
  const out = new Map<string, string[]>();
  for (const lang of readdirSync(shards).sort()) {
    const d = join(shards, lang);
    if (!statSync(d).isDirectory()) continue;
    const files = readdirSync(d)
      .filter((n) => /\.jsonl(\.(zst|gz))?$/.test(n))
      .sort()
      .map((n) => join(d, n));
    if (files.length) out.set(lang, files);
  }
  return out;
}

/** Reads and tokenizes the dataset; every language keeps its documents' order by file and line. */
export async function loadTrainData(dataDir: string, tok: TextTokenizer, eosId: number, o: DataOptions, onDoc?: (n: number) => void): Promise<LangData[]> {
  const shards = listShards(dataDir);
  const want = o.langs && o.langs.length ? new Set(o.langs) : undefined;
  const out: LangData[] = [];
  let n = 0;
  for (const [lang, files] of shards) {
    if (want && !want.has(lang) && !want.has(lang.split('_')[0]!)) continue;
    const docs: { ids: number[]; bytes: number; val: boolean }[] = [];
    for (const f of files) {
      for await (const { text } of jsonlTexts(f)) {
        if (!text) continue;
        const ids = tok.encode(text);
        if (ids.length === 0) continue;
        docs.push({ ids, bytes: Buffer.byteLength(text), val: (fnv1a(text) % 10000) / 10000 < o.valFraction });
        onDoc?.(++n);
      }
    }
    if (docs.length === 0) continue;
    // At least one validation doc when a language has ≥ 2 documents; at most maxValDocs.
    let val = docs.filter((d) => d.val);
    if (val.length === 0 && docs.length >= 2 && o.valFraction > 0) {
      docs[docs.length - 1]!.val = true;
      val = [docs[docs.length - 1]!];
    }
    for (const d of val.slice(o.maxValDocs)) d.val = false;
    val = val.slice(0, o.maxValDocs);
    const train = docs.filter((d) => !d.val);
    // Seeded document order (per language, independent of other languages).
    const rng = new Rng(o.seed ^ fnv1a(lang));
    for (let i = train.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [train[i], train[j]] = [train[j]!, train[i]!];
    }
    const pack = (ds: typeof docs): Int32Array => {
      const a = new Int32Array(ds.reduce((s, d) => s + d.ids.length + 1, 0));
      let p = 0;
      for (const d of ds) {
        a.set(d.ids, p);
        p += d.ids.length;
        a[p++] = eosId;
      }
      return a;
    };
    out.push({
      lang,
      train: pack(train),
      trainDocs: train.length,
      trainBytes: train.reduce((s, d) => s + d.bytes, 0),
      val: pack(val),
      valDocs: val.length,
      valBytes: val.reduce((s, d) => s + d.bytes, 0),
    });
  }
  if (want) for (const l of want) if (!out.some((d) => d.lang === l || d.lang.split('_')[0] === l)) throw new OellmError(`language ${l} has no documents in ${dataDir}`, { file: dataDir, code: 'E_INPUT' });
  if (out.length === 0) throw new OellmError(`the dataset is empty: no documents under ${join(dataDir, 'shards')}`, { file: dataDir, code: 'E_INPUT', hint: 'run `oellm data run` first, or check the --langs filter' });
  for (const d of out) {
    for (let i = 0; i < d.train.length; i++) {
      if (d.train[i]! >= tok.vocabSize) throw new OellmError(`token id ${d.train[i]} ≥ vocabulary size ${tok.vocabSize}`, { code: 'E_INTERNAL' });
    }
  }
  return out;
}

/** Sampling probabilities per language: tokens^(1/τ) × explicit weight, normalised. */
export function languageWeights(data: LangData[], temperature: number, explicit?: Record<string, number>): number[] {
  const w = data.map((d) => Math.pow(d.train.length, 1 / Math.max(1e-6, temperature)) * (explicit?.[d.lang] ?? explicit?.[d.lang.split('_')[0]!] ?? 1));
  const s = w.reduce((a, b) => a + b, 0);
  if (!(s > 0)) throw new OellmError('language weights sum to zero', { code: 'E_CONFIG', hint: 'give at least one language a positive weight' });
  return w.map((x) => x / s);
}

export interface SamplerState {
  rng: RngState;
  /** Per language: next start offset in its training stream, and how often it wrapped. */
  cursor: Record<string, number>;
  epoch: Record<string, number>;
}

/** Packs batches of B sequences of T+1 tokens: language by weight, then the next window of its stream. */
export class BatchSampler {
  private readonly rng: Rng;
  readonly cursor: Record<string, number> = {};
  readonly epoch: Record<string, number> = {};
  private readonly cum: number[];
  /** Tokens drawn per language so far (for the log). */

  constructor(
    readonly data: LangData[],
    readonly weights: number[],
    readonly T: number,
    seed: number,
    state?: SamplerState,
  ) {
    this.rng = new Rng(seed);
    for (const d of data) {
      this.cursor[d.lang] = 0;
      this.epoch[d.lang] = 0;
    }
    if (state) {
      this.rng.setState(state.rng);
      Object.assign(this.cursor, state.cursor);
      Object.assign(this.epoch, state.epoch);
    }
    let c = 0;
    this.cum = weights.map((w) => (c += w));
    const total = data.reduce((s, d) => s + d.train.length, 0);
    if (total < T + 1) {
      throw new OellmError(`the dataset is too small: ${total} training tokens, one sequence needs ${T + 1}`, { code: 'E_INPUT', hint: 'add documents, or lower --seq-len' });
    }
  }

  state(): SamplerState {
    return { rng: this.rng.getState(), cursor: { ...this.cursor }, epoch: { ...this.epoch } };
  }

  /** Fills x[B*T] (inputs) and y[B*T] (targets); returns the language of each row. */
  next(x: Int32Array, y: Int32Array, B: number): string[] {
    const T = this.T;
    const langs: string[] = [];
    for (let b = 0; b < B; b++) {
      const r = this.rng.float();
      let li = this.cum.findIndex((c) => r < c);
      if (li < 0) li = this.cum.length - 1;
      // A language too short for one window borrows from the next with data (the total is ≥ T+1).
      while (this.data[li]!.train.length === 0) li = (li + 1) % this.data.length;
      const d = this.data[li]!;
      const s = d.train;
      let c = this.cursor[d.lang]!;
      for (let t = 0; t <= T; t++) {
        const v = s[(c + t) % s.length]!; // wraps around a short stream
        if (t < T) x[b * T + t] = v;
        if (t > 0) y[b * T + t - 1] = v;
      }
      c += T;
      if (c + T + 1 > s.length) {
        c = 0;
        this.epoch[d.lang]!++;
      }
      this.cursor[d.lang] = c;
      langs.push(d.lang);
    }
    return langs;
  }
}

/** Validation windows of a stream: up to `maxRows` rows of T+1 tokens (a short stream wraps). */
export function valRows(s: Int32Array, T: number, maxRows: number): { x: Int32Array; y: Int32Array; rows: number; tokens: number } {
  const rows = Math.max(1, Math.min(maxRows, Math.floor((s.length - 1) / T)));
  const x = new Int32Array(rows * T);
  const y = new Int32Array(rows * T);
  for (let r = 0; r < rows; r++) {
    for (let t = 0; t <= T; t++) {
      const v = s[(r * T + t) % s.length]!;
      if (t < T) x[r * T + t] = v;
      if (t > 0) y[r * T + t - 1] = v;
    }
  }
  return { x, y, rows, tokens: Math.min(s.length - 1, rows * T) };
}
