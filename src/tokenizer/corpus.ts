// Training input: streams a dataset dir (`shards/<lang>/*.jsonl.zst`), text folders or files,
// pre-tokenizes every document and keeps one word-count table per language, then weights the
// languages by temperature (p_l ∝ n_l^(1/T) × weight_l) into one integer-weighted word table.
// Not the trainer (trainer.ts). Memory is bounded by `maxUniqueWords` (rarest words pruned).
// Reference: XLM-R / mT5 temperature sampling (Conneau et al. 2020, α = 1/T), applied to counts.
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { codecOf, decompressor } from '../util/compress.js';
import { OellmError } from '../util/errors.js';
import { findLanguage, UND } from '../lang/index.js';
import { compilePattern, LLAMA3_PATTERN } from './pretokenize.js';

export interface CorpusOptions {
  /** Dataset dirs, text dirs or files. */
  inputs: string[];
  /** Temperature over languages: 1 = proportional to bytes, larger = flatter. Default 5. */
  temperature?: number;
  /** Per-language multipliers on the sampling probability (`{ en: 0.5, mt: 2 }`). */
  langWeights?: Record<string, number>;
  /** Fraction of documents kept (hash of seed + source + line), default 1. */
  sample?: number;
  seed?: number;
  /** Cap on unique words kept over all languages (memory bound), default 4M. */
  maxUniqueWords?: number;
  /** Pre-tokenizer regex (Oniguruma / HF syntax), default Llama 3's. */
  pattern?: string;
  onProgress?: (bytesRead: number, bytesTotal: number) => void;
}

export interface LangStats {
  docs: number;
  bytes: number;
  words: number;
  uniqueWords: number;
  /** Target share of the language in the weighted sample. */
  share: number;
  /** Multiplier applied to this language's word counts. */
  factor: number;
  /** Words dropped by pruning (rare words, memory bound). */
  prunedWords: number;
}

export interface CorpusStats {
  files: number;
  docs: number;
  bytes: number;
  /** Byte sequences that were not valid UTF-8, replaced by U+FFFD. */
  invalidUtf8: number;
  /** JSONL lines that did not parse or had no string `text`. */
  malformedRecords: number;
  langs: Record<string, LangStats>;
}

export interface WordTable {
  words: string[];
  weights: Float64Array;
  stats: CorpusStats;
}

interface Source {
  path: string;
  kind: 'jsonl' | 'text';
  lang: string;
  size: number;
}

function langOf(name: string): string | undefined {
  const l = findLanguage(name.split('.')[0]!);
  return l && /^[a-z]{2,3}([_-][A-Za-z]{4})?$/.test(name.split('.')[0]!) ? l.code : undefined;
}

/** Expands inputs into files in a deterministic (sorted) order. */
export function listSources(inputs: string[]): Source[] {
  const out: Source[] = [];
  const add = (p: string, dirLang?: string) => {
    const name = basename(p);
    const kind = /\.jsonl(\.(zst|gz))?$/i.test(name) ? 'jsonl' : 'text';
    const lang = langOf(name) ?? dirLang ?? langOf(basename(dirname(p))) ?? UND;
    out.push({ path: p, kind, lang, size: statSync(p).size });
  };
  const walk = (dir: string, dirLang?: string) => {
    for (const name of readdirSync(dir).sort()) {
      if (name.startsWith('.') || name === 'manifest.json' || name === 'stats.json' || name.endsWith('.done')) continue;
      const p = join(dir, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p, langOf(name) ?? dirLang);
      else if (/\.(txt|text|jsonl|md)(\.(zst|gz))?$/i.test(name)) add(p, dirLang);
    }
  };
  for (const input of inputs) {
    const p = resolve(input);
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new OellmError(`input not found: ${input}`, { file: input, code: 'E_INPUT', hint: 'pass a dataset dir (with shards/), a folder of .txt/.jsonl files, or files' });
    }
    if (st.isDirectory()) {
      let shards: string | undefined;
      try {
        if (statSync(join(p, 'shards')).isDirectory()) shards = join(p, 'shards');
      } catch {
        /* not a dataset dir */
      }
      walk(shards ?? p);
    } else add(p);
  }
  return out;
}

/** Lines of a (possibly compressed) file as raw bytes, without the trailing \n / \r\n. */
async function* byteLines(path: string, onBytes: (n: number) => void): AsyncGenerator<Buffer> {
  const stream = createReadStream(path);
  stream.on('data', (c) => onBytes((c as Buffer).length));
  const dec = stream.pipe(decompressor(codecOf(path)));
  let rest: Buffer | null = null;
  for await (const chunk of dec as AsyncIterable<Buffer>) {
    const buf: Buffer = rest ? Buffer.concat([rest, chunk]) : chunk;
    let from = 0;
    for (;;) {
      const nl = buf.indexOf(10, from);
      if (nl < 0) break;
      const end = nl > from && buf[nl - 1] === 13 ? nl - 1 : nl;
      yield buf.subarray(from, end);
      from = nl + 1;
    }
    rest = from < buf.length ? Buffer.from(buf.subarray(from)) : null;
  }
  if (rest && rest.length) yield rest;
}

const FFFD = Buffer.from([0xef, 0xbf, 0xbd]);

/** UTF-8 decode with replacement; returns the text and how many invalid sequences were replaced. */
export function decodeUtf8(buf: Buffer): { text: string; invalid: number } {
  const text = buf.toString('utf8');
  if (!text.includes('\uFFFD')) return { text, invalid: 0 };
  let inText = 0;
  for (let i = text.indexOf('\uFFFD'); i >= 0; i = text.indexOf('\uFFFD', i + 1)) inText++;
  let inBytes = 0;
  for (let i = buf.indexOf(FFFD); i >= 0; i = buf.indexOf(FFFD, i + 3)) inBytes++;
  return { text, invalid: inText - inBytes };
}

function keep(seed: number, path: string, line: number, rate: number): boolean {
  if (rate >= 1) return true;
  const h = createHash('sha256').update(`${seed}\0${path}\0${line}`).digest();
  return h.readUInt32BE(0) / 2 ** 32 < rate;
}

/** Streams all inputs into per-language word counts and returns the temperature-weighted table. */
export async function countWords(opts: CorpusOptions): Promise<WordTable> {
  const sources = listSources(opts.inputs);
  const T = opts.temperature ?? 5;
  if (!(T > 0)) throw new OellmError(`temperature must be > 0 (got ${T})`, { code: 'E_CONFIG' });
  const rate = opts.sample ?? 1;
  const seed = opts.seed ?? 0;
  const maxUnique = opts.maxUniqueWords ?? 4_000_000;
  const re = compilePattern(opts.pattern ?? LLAMA3_PATTERN);
  const tables = new Map<string, Map<string, number>>();
  const prune = new Map<string, number>();
  const stats: CorpusStats = { files: sources.length, docs: 0, bytes: 0, invalidUtf8: 0, malformedRecords: 0, langs: {} };
  const totalBytes = sources.reduce((s, f) => s + f.size, 0);
  let read = 0;
  let unique = 0;
  const langStat = (l: string): LangStats => (stats.langs[l] ??= { docs: 0, bytes: 0, words: 0, uniqueWords: 0, share: 0, factor: 0, prunedWords: 0 });

  const addDoc = (lang: string, text: string, bytes: number) => {
    let t = tables.get(lang);
    if (!t) tables.set(lang, (t = new Map()));
    const st = langStat(lang);
    st.docs++;
    st.bytes += bytes;
    stats.docs++;
    stats.bytes += bytes;
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) {
      const w = m[0];
      const c = t.get(w);
      if (c === undefined) {
        t.set(w, 1);
        unique++;
      } else t.set(w, c + 1);
      st.words++;
    }
    if (unique > maxUnique) unique = pruneLargest(tables, prune, stats, unique, maxUnique);
  };

  for (const src of sources) {
    let lineNo = 0;
    for await (const raw of byteLines(src.path, (n) => {
      read += n;
      opts.onProgress?.(read, totalBytes);
    })) {
      lineNo++;
      if (raw.length === 0) continue;
      if (!keep(seed, src.path, lineNo, rate)) continue;
      const { text, invalid } = decodeUtf8(raw);
      stats.invalidUtf8 += invalid;
      if (src.kind === 'text') {
        addDoc(src.lang, text, raw.length);
        continue;
      }
      let rec: { text?: unknown; lang?: unknown };
      try {
        rec = JSON.parse(text);
      } catch {
        stats.malformedRecords++;
        continue;
      }
      if (!rec || typeof rec.text !== 'string') {
        stats.malformedRecords++;
        continue;
      }
      const lang = typeof rec.lang === 'string' ? (findLanguage(rec.lang)?.code ?? rec.lang) : src.lang;
      addDoc(lang, rec.text, Buffer.byteLength(rec.text));
    }
  }
  if (stats.bytes === 0) {
    throw new OellmError(`empty corpus: no text in ${opts.inputs.join(', ')} (${sources.length} files)`, {
      code: 'E_EMPTY',
      hint: 'pass a dataset dir with shards/<lang>/*.jsonl.zst, or .txt/.jsonl files with text',
    });
  }

  // Temperature weighting: share_l ∝ (n_l)^(1/T) · w_l; factor_l = share_l / (n_l / N), scaled
  // so the smallest factor is 1 (weights stay integers ≥ the raw counts of that language).
  const langs = [...tables.keys()].sort();
  for (const [l, w] of Object.entries(opts.langWeights ?? {})) {
    if (!tables.has(l)) {
      throw new OellmError(`language weight given for "${l}", but the corpus has no documents in it (languages: ${langs.join(' ')})`, {
        code: 'E_CONFIG',
        hint: 'use the registry codes the corpus uses (`oellm langs`), e.g. --lang-weight en=0.5',
      });
    }
    if (!(w >= 0) || !Number.isFinite(w)) throw new OellmError(`language weight for "${l}" must be a finite number ≥ 0 (got ${w})`, { code: 'E_CONFIG' });
  }
  const N = stats.bytes;
  let z = 0;
  const raw: Record<string, number> = {};
  for (const l of langs) {
    const w = opts.langWeights?.[l] ?? 1;
    raw[l] = Math.pow(stats.langs[l]!.bytes, 1 / T) * w;
    z += raw[l];
  }
  let minF = Infinity;
  for (const l of langs) {
    const st = stats.langs[l]!;
    st.share = raw[l]! / z;
    st.factor = st.share / (st.bytes / N);
    if (st.factor > 0) minF = Math.min(minF, st.factor);
  }
  const merged = new Map<string, number>();
  for (const l of langs) {
    const st = stats.langs[l]!;
    st.factor = st.factor / minF;
    const t = tables.get(l)!;
    st.uniqueWords = t.size;
    if (st.factor === 0) continue;
    for (const [w, c] of t) {
      const v = Math.max(1, Math.round(c * st.factor));
      merged.set(w, (merged.get(w) ?? 0) + v);
    }
  }
  const words = [...merged.keys()];
  const weights = new Float64Array(words.length);
  for (let i = 0; i < words.length; i++) weights[i] = merged.get(words[i]!)!;
  return { words, weights, stats };
}

/** Drops the rarest words of the largest table until the total is under the cap. */
function pruneLargest(tables: Map<string, Map<string, number>>, prune: Map<string, number>, stats: CorpusStats, unique: number, cap: number): number {
  while (unique > cap * 0.9) {
    let big = '';
    let size = -1;
    for (const [l, t] of tables) if (t.size > size) [big, size] = [l, t.size];
    const t = tables.get(big)!;
    const th = (prune.get(big) ?? 0) + 1;
    prune.set(big, th);
    for (const [w, c] of t) {
      if (c <= th) {
        t.delete(w);
        unique--;
        stats.langs[big]!.prunedWords++;
      }
    }
  }
  return unique;
}
