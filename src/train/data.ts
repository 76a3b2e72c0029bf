// Training data for `oellm train`: reads a dataset dir (`shards/<lang>/*.jsonl[.zst|.gz]`, one
// `{"text": …}` per line), tokenizes every document, holds out validation documents per language
// (by a hash of the text, so the split does not depend on the seed), packs each language's
// training documents into one stream with EOS separators in a seeded order, and samples
// sequences language by language with temperature-scaled weights. All state (cursors, RNG) is
// plain JSON so a resumed run continues bit for bit. With `tokenDir` the token streams live in
// files there (src/train/tokens.ts), read by position, so a corpus larger than RAM trains; the
// streams hold the same tokens in the same order either way. Not the tokenizer, not the curation.
// Reference: nanoGPT data loader; XLM/mT5 language sampling p ∝ n^(1/τ).
import { createReadStream, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { decompressor, codecOf } from '../util/compress.js';
import { OellmError } from '../util/errors.js';
import { Rng, type RngState } from '../util/rng.js';
import { FileTokens, MemoryTokens, TokenFileWriter, f64Column, i32Column, u8Column, type TokenStream } from './tokens.js';

export interface TextTokenizer {
  encode(text: string): number[];
  vocabSize: number;
}

export interface LangData {
  lang: string;
  /** Training stream: documents (seeded order) each followed by EOS (in memory or a token file). */
  train: TokenStream;
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
  /**
   * Folder for token files (created; `<lang>.train.i32` stay there while training reads them):
   * tokens stream from disk instead of memory. Without it the streams are in memory.
   */
  tokenDir?: string;
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

/**
 * The held-out split and the seeded order of one language's documents (indices in file order):
 * validation = documents whose text hash falls under valFraction (at least the last one when
 * there are ≥ 2 documents, at most maxValDocs, file order); training = the rest, shuffled.
 */
function splitDocs(valFlag: Uint8Array, n: number, o: DataOptions, lang: string): { train: Int32Array; val: Int32Array } {
  let val: number[] = [];
  for (let i = 0; i < n; i++) if (valFlag[i]) val.push(i);
  if (val.length === 0 && n >= 2 && o.valFraction > 0) {
    valFlag[n - 1] = 1;
    val = [n - 1];
  }
  for (const i of val.slice(o.maxValDocs)) valFlag[i] = 0;
  val = val.slice(0, o.maxValDocs);
  const train = new Int32Array(n - val.length);
  let k = 0;
  for (let i = 0; i < n; i++) if (!valFlag[i]) train[k++] = i;
  // Seeded document order (per language, independent of other languages).
  const rng = new Rng(o.seed ^ fnv1a(lang));
  for (let i = train.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = train[i]!;
    train[i] = train[j]!;
    train[j] = t;
  }
  return { train, val: Int32Array.from(val) };
}

/** 1 when a document's text hash falls under valFraction (a held-out candidate; splitDocs decides). */
function valCandidate(text: string, o: DataOptions): number {
  return (fnv1a(text) % 10000) / 10000 < o.valFraction ? 1 : 0;
}

/**
 * The texts of the documents the trainer holds out, per language label (file order): the same
 * documents loadTrainData reads (non-empty text with at least one token), split by splitDocs with
 * the same options. `oellm build` scores them as its eval's `text` task.
 */
export async function heldOutTexts(dataDir: string, tok: TextTokenizer, o: DataOptions): Promise<Map<string, string[]>> {
  const want = o.langs && o.langs.length ? new Set(o.langs) : undefined;
  const out = new Map<string, string[]>();
  for (const [lang, files] of listShards(dataDir)) {
    if (want && !want.has(lang) && !want.has(lang.split('_')[0]!)) continue;
    const flags: number[] = [];
    const cand = new Map<number, string>();
    let last = '';
    for (const f of files) {
      for await (const { text } of jsonlTexts(f)) {
        if (!text || tok.encode(text).length === 0) continue;
        const c = valCandidate(text, o);
        if (c) cand.set(flags.length, text);
        flags.push(c);
        last = text;
      }
    }
    if (flags.length === 0) continue;
    const split = splitDocs(Uint8Array.from(flags), flags.length, o, lang);
    out.set(
      lang,
      Array.from(split.val, (i) => cand.get(i) ?? last),
    );
  }
  return out;
}

/** Reads and tokenizes the dataset; every language keeps its documents' order by file and line. */
export async function loadTrainData(dataDir: string, tok: TextTokenizer, eosId: number, o: DataOptions, onDoc?: (n: number) => void): Promise<LangData[]> {
  const shards = listShards(dataDir);
  const want = o.langs && o.langs.length ? new Set(o.langs) : undefined;
  const out: LangData[] = [];
  const counter = { n: 0 };
  if (o.tokenDir) mkdirSync(o.tokenDir, { recursive: true });
  for (const [lang, files] of shards) {
    if (want && !want.has(lang) && !want.has(lang.split('_')[0]!)) continue;
    const d = o.tokenDir ? await loadLangToFile(lang, files, tok, eosId, o, o.tokenDir, counter, onDoc) : await loadLangInMemory(lang, files, tok, eosId, o, counter, onDoc);
    if (d) out.push(d);
  }
  if (want) for (const l of want) if (!out.some((d) => d.lang === l || d.lang.split('_')[0] === l)) throw new OellmError(`language ${l} has no documents in ${dataDir}`, { file: dataDir, code: 'E_INPUT' });
  if (out.length === 0) throw new OellmError(`the dataset is empty: no documents under ${join(dataDir, 'shards')}`, { file: dataDir, code: 'E_INPUT', hint: 'run `oellm data run` first, or check the --langs filter' });
  return out;
}

function checkIds(ids: number[], vocabSize: number): void {
  for (let i = 0; i < ids.length; i++) if (ids[i]! >= vocabSize) throw new OellmError(`token id ${ids[i]} ≥ vocabulary size ${vocabSize}`, { code: 'E_INTERNAL' });
}

async function loadLangInMemory(lang: string, files: string[], tok: TextTokenizer, eosId: number, o: DataOptions, counter: { n: number }, onDoc?: (n: number) => void): Promise<LangData | undefined> {
  const docs: { ids: number[]; bytes: number }[] = [];
  const flags: number[] = [];
  for (const f of files) {
    for await (const { text } of jsonlTexts(f)) {
      if (!text) continue;
      const ids = tok.encode(text);
      if (ids.length === 0) continue;
      checkIds(ids, tok.vocabSize);
      docs.push({ ids, bytes: Buffer.byteLength(text) });
      flags.push(valCandidate(text, o));
      onDoc?.(++counter.n);
    }
  }
  if (docs.length === 0) return undefined;
  const split = splitDocs(Uint8Array.from(flags), docs.length, o, lang);
  const pack = (order: Int32Array): Int32Array => {
    let len = 0;
    for (const i of order) len += docs[i]!.ids.length + 1;
    const a = new Int32Array(len);
    let p = 0;
    for (const i of order) {
      a.set(docs[i]!.ids, p);
      p += docs[i]!.ids.length;
      a[p++] = eosId;
    }
    return a;
  };
  const bytesOf = (order: Int32Array): number => order.reduce((s, i) => s + docs[i]!.bytes, 0);
  return { lang, train: new MemoryTokens(pack(split.train)), trainDocs: split.train.length, trainBytes: bytesOf(split.train), val: pack(split.val), valDocs: split.val.length, valBytes: bytesOf(split.val) };
}

/**
 * Same streams as loadLangInMemory, built on disk: documents are tokenized into `<lang>.docs.i32`
 * (file order) with an index (offset, length, bytes, held-out flag) in typed arrays, then copied
 * in the seeded order into `<lang>.train.i32` by positioned reads; only validation stays in memory.
 */
async function loadLangToFile(lang: string, files: string[], tok: TextTokenizer, eosId: number, o: DataOptions, dir: string, counter: { n: number }, onDoc?: (n: number) => void): Promise<LangData | undefined> {
  const docsPath = join(dir, `${lang}.docs.i32`);
  const trainPath = join(dir, `${lang}.train.i32`);
  const offs = f64Column();
  const lens = i32Column();
  const bytes = f64Column();
  const flags = u8Column();
  const w = new TokenFileWriter(docsPath);
  try {
    for (const f of files) {
      for await (const { text } of jsonlTexts(f)) {
        if (!text) continue;
        const ids = tok.encode(text);
        if (ids.length === 0) continue;
        checkIds(ids, tok.vocabSize);
        offs.push(w.count);
        lens.push(ids.length);
        bytes.push(Buffer.byteLength(text));
        flags.push(valCandidate(text, o));
        w.pushAll(ids);
        onDoc?.(++counter.n);
      }
    }
  } finally {
    w.close();
  }
  const n = lens.length;
  if (n === 0) {
    rmSync(docsPath, { force: true });
    return undefined;
  }
  const flagArr = new Uint8Array(n);
  for (let i = 0; i < n; i++) flagArr[i] = flags.get(i);
  const split = splitDocs(flagArr, n, o, lang);
  const docs = new FileTokens(docsPath);
  let buf = new Int32Array(1024);
  const doc = (i: number): Int32Array => {
    const len = lens.get(i);
    if (buf.length < len) buf = new Int32Array(len * 2);
    const v = buf.subarray(0, len);
    docs.window(offs.get(i), len, v);
    return v;
  };
  let trainBytes = 0;
  let valBytes = 0;
  let valLen = 0;
  const tw = new TokenFileWriter(trainPath);
  try {
    for (const i of split.train) {
      tw.pushAll(doc(i));
      tw.push(eosId);
      trainBytes += bytes.get(i);
    }
    for (const i of split.val) valLen += lens.get(i) + 1;
  } finally {
    tw.close();
  }
  const val = new Int32Array(valLen);
  let p = 0;
  for (const i of split.val) {
    val.set(doc(i), p);
    p += lens.get(i);
    val[p++] = eosId;
    valBytes += bytes.get(i);
  }
  docs.close();
  rmSync(docsPath, { force: true });
  return { lang, train: new FileTokens(trainPath), trainDocs: split.train.length, trainBytes, val, valDocs: split.val.length, valBytes };
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
  private readonly win: Int32Array;

  constructor(
    readonly data: LangData[],
    readonly weights: number[],
    readonly T: number,
    seed: number,
    state?: SamplerState,
  ) {
    this.rng = new Rng(seed);
    this.win = new Int32Array(T + 1);
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
      s.window(c, T + 1, this.win); // wraps around a short stream
      x.set(this.win.subarray(0, T), b * T);
      y.set(this.win.subarray(1, T + 1), b * T);
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
