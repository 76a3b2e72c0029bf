// The quality filter: Gopher quality + Gopher repetition + FineWeb quality heuristics in one
// pass over a document, with per-language thresholds (thresholds.ts) and stop words
// (stopwords.ts). Not a classifier or perplexity filter. Definitions follow datatrove
// gopher_quality_filter.py, gopher_repetition_filter.py and fineweb_quality_filter.py
// (Rae et al. 2021 Table A1; Penedo et al. 2024), with a Unicode word tokenizer instead of
// spaCy/NLTK and n-grams counted over interned word ids instead of joined strings.
import type { Doc, Verdict } from '../doc.js';
import { Filter } from '../step.js';
import { QualityConfigSchema, type QualityConfig, type Thresholds } from './config.js';
import { stopWordSet } from './stopwords.js';
import { thresholdsFor } from './thresholds.js';

// A token is a run of letters/marks/digits (with inner apostrophes or hyphens: l'été, e-mail)
// or a run of other non-space characters (punctuation and symbols), as NLTK/spaCy split them.
const TOKEN_RE = /[\p{L}\p{M}\p{N}]+(?:['’\-][\p{L}\p{M}\p{N}]+)*|[^\s\p{L}\p{M}\p{N}]+/gu;
const WORD_START_RE = /[\p{L}\p{M}\p{N}]/u;
const LETTER_RE = /\p{L}/u;
const PARA_RE = /\n{2,}/;
const LINES_RE = /\n+/;
const BULLETS = new Set(['•', '-', '‣', '▪', '●', '◦', '*', '–', '·']);
// Terminal punctuation for the FineWeb line check, extended for European typography: the
// ellipsis, closing quotes (” ’ » «) and ';' (the Greek question mark after NFC).
const TERMINAL = new Set(['.', '!', '?', '…', '"', "'", '”', '’', '»', '«', ';']);

export interface Tokens {
  /** Interned id of every token (lower-cased), in order. */
  ids: Int32Array;
  /** Length in UTF-16 code units of every token. */
  lens: Int32Array;
  /** 1 where the token is a word (has a letter, mark or digit), 0 for a symbol run. */
  isWord: Uint8Array;
  /** 1 where the token contains a letter. */
  isAlpha: Uint8Array;
  /** Distinct token strings; ids index into it. */
  vocab: string[];
  count: number;
}

/** Splits lower-cased text into tokens with interned ids (the n-gram checks work on ids). */
export function tokenize(text: string): Tokens {
  const lower = text.toLowerCase();
  const cap = Math.max(16, Math.ceil(lower.length / 3));
  let ids = new Int32Array(cap);
  let lens = new Int32Array(cap);
  let isWord = new Uint8Array(cap);
  let isAlpha = new Uint8Array(cap);
  const intern = new Map<string, number>();
  const vocab: string[] = [];
  let n = 0;
  TOKEN_RE.lastIndex = 0;
  for (let m = TOKEN_RE.exec(lower); m !== null; m = TOKEN_RE.exec(lower)) {
    const t = m[0];
    if (n === ids.length) {
      const grow = <T extends Int32Array | Uint8Array>(a: T, b: T): T => (b.set(a), b);
      ids = grow(ids, new Int32Array(n * 2));
      lens = grow(lens, new Int32Array(n * 2));
      isWord = grow(isWord, new Uint8Array(n * 2));
      isAlpha = grow(isAlpha, new Uint8Array(n * 2));
    }
    let id = intern.get(t);
    if (id === undefined) {
      id = vocab.length;
      intern.set(t, id);
      vocab.push(t);
    }
    ids[n] = id;
    lens[n] = t.length;
    const w = WORD_START_RE.test(t[0]!) ? 1 : 0;
    isWord[n] = w;
    isAlpha[n] = w && LETTER_RE.test(t) ? 1 : 0;
    n++;
  }
  return { ids, lens, isWord, isAlpha, vocab, count: n };
}

/** Number of repeated elements and their total length (datatrove find_duplicates). */
function findDuplicates(xs: string[]): [number, number] {
  const seen = new Set<string>();
  let dup = 0;
  let chars = 0;
  for (const x of xs) {
    if (seen.has(x)) {
      dup++;
      chars += x.length;
    } else seen.add(x);
  }
  return [dup, chars];
}

// 53-bit key of the n-gram of token ids starting at i: two independent 32-bit multiplicative
// hashes, 32 + 21 bits. Distinct n-grams in one document collide with probability ~k²/2^54
// (k = 10^5 n-grams: ~5·10^-7), which can only over-count a repetition slightly.
function ngramKey(ids: Int32Array, i: number, n: number): number {
  let a = 0x811c9dc5 | 0;
  let b = 0x01000193 | 0;
  for (let j = i; j < i + n; j++) {
    const x = ids[j]!;
    a = Math.imul(a ^ x, 0x85ebca6b);
    a ^= a >>> 13;
    b = Math.imul(b ^ (x + 0x9e3779b9), 0xc2b2ae35);
    b ^= b >>> 16;
  }
  return (a >>> 0) * 0x200000 + (b & 0x1fffff);
}

/** Character length of the most frequent n-gram times its count (datatrove find_top_duplicate). */
function topNgramChars(t: Tokens, n: number, prefix: Float64Array): number {
  const counts = new Map<number, number>();
  let best = 0;
  let bestStart = -1;
  for (let i = 0; i + n <= t.count; i++) {
    const k = ngramKey(t.ids, i, n);
    const c = (counts.get(k) ?? 0) + 1;
    counts.set(k, c);
    if (c > best) {
      best = c;
      bestStart = i;
    }
  }
  if (bestStart < 0) return 0;
  // " ".join(ngram): the words plus n-1 spaces.
  return best * (prefix[bestStart + n]! - prefix[bestStart]! + n - 1);
}

/** Characters in repeated n-grams, skipping past each repeat (datatrove find_all_duplicate). */
function dupNgramChars(t: Tokens, n: number, prefix: Float64Array): number {
  const seen = new Set<number>();
  let chars = 0;
  let i = 0;
  while (i + n <= t.count) {
    const k = ngramKey(t.ids, i, n);
    if (seen.has(k)) {
      chars += prefix[i + n]! - prefix[i]!;
      i += n;
    } else {
      seen.add(k);
      i++;
    }
  }
  return chars;
}

export interface QualityResult {
  /** First failing check as a drop reason without the `quality.` prefix, or null. */
  reason: string | null;
  scores: Record<string, number>;
}

const r4 = (x: number): number => Math.round(x * 1e4) / 1e4;

/** Measures a text and applies the thresholds; pure, used by the filter and tests. */
export function assessQuality(text: string, lang: string, th: Thresholds, enable = { gopherQuality: true, gopherRepetition: true, fineweb: true }): QualityResult {
  const scores: Record<string, number> = {};
  let reason: string | null = null;
  const fail = (r: string): void => {
    if (reason === null) reason = r;
  };
  const t = tokenize(text);
  let nWords = 0;
  let wordChars = 0;
  let nAlpha = 0;
  for (let i = 0; i < t.count; i++) {
    if (t.isWord[i]) {
      nWords++;
      wordChars += t.lens[i]!;
    }
    nAlpha += t.isAlpha[i]!;
  }
  const nTokens = Math.max(1, t.count);
  const lines = text.split('\n');
  scores.words = nWords;

  if (enable.gopherQuality) {
    if (th.minWords !== null && nWords < th.minWords) fail('too_few_words');
    if (th.maxWords !== null && nWords > th.maxWords) return { reason: 'too_many_words', scores };
    const mean = nWords ? wordChars / nWords : 0;
    scores.mean_word_length = r4(mean);
    if (th.minMeanWordLength !== null && mean < th.minMeanWordLength) fail('mean_word_length_low');
    if (th.maxMeanWordLength !== null && mean > th.maxMeanWordLength) fail('mean_word_length_high');
    let hashes = 0;
    let ellipses = 0;
    for (let i = text.indexOf('#'); i >= 0; i = text.indexOf('#', i + 1)) hashes++;
    for (let i = text.indexOf('...'); i >= 0; i = text.indexOf('...', i + 3)) ellipses++;
    for (let i = text.indexOf('…'); i >= 0; i = text.indexOf('…', i + 1)) ellipses++;
    scores.hash_ratio = r4(hashes / nTokens);
    scores.ellipsis_ratio = r4(ellipses / nTokens);
    if (th.maxSymbolWordRatio !== null && hashes / nTokens > th.maxSymbolWordRatio) fail('hash_ratio');
    if (th.maxSymbolWordRatio !== null && ellipses / nTokens > th.maxSymbolWordRatio) fail('ellipsis_ratio');
    let bullets = 0;
    let ellLines = 0;
    for (const l of lines) {
      const s = l.trimStart();
      if (s && BULLETS.has(s[0]!)) bullets++;
      const e = l.trimEnd();
      if (e.endsWith('...') || e.endsWith('…')) ellLines++;
    }
    scores.bullet_lines_frac = r4(bullets / lines.length);
    scores.ellipsis_lines_frac = r4(ellLines / lines.length);
    if (th.maxBulletLinesFrac !== null && bullets / lines.length > th.maxBulletLinesFrac) fail('bullet_lines');
    if (th.maxEllipsisLinesFrac !== null && ellLines / lines.length > th.maxEllipsisLinesFrac) fail('ellipsis_lines');
    scores.alpha_words_frac = r4(nAlpha / nTokens);
    if (th.minAlphaWordsFrac !== null && nAlpha / nTokens < th.minAlphaWordsFrac) fail('alpha_words');
    if (th.minStopWords !== null && lang !== 'und') {
      const sw = stopWordSet(lang);
      // Count each distinct token once via the vocabulary, weighted by occurrences.
      const isStop = new Uint8Array(t.vocab.length);
      for (let v = 0; v < t.vocab.length; v++) isStop[v] = sw.has(t.vocab[v]!) ? 1 : 0;
      let stops = 0;
      for (let i = 0; i < t.count; i++) stops += isStop[t.ids[i]!]!;
      scores.stop_words = stops;
      // A language without a list (not in the registry) cannot be checked.
      if (sw.size > 0 && stops < th.minStopWords) fail('stopwords');
    }
  }

  const len = Math.max(1, text.length);
  if (enable.gopherRepetition) {
    const paras = text.trim().split(PARA_RE);
    const [pd, pc] = findDuplicates(paras);
    scores.dup_para_frac = r4(pd / paras.length);
    scores.dup_para_char_frac = r4(pc / len);
    if (th.maxDupParaFrac !== null && pd / paras.length > th.maxDupParaFrac) fail('dup_para_frac');
    if (th.maxDupParaCharFrac !== null && pc / len > th.maxDupParaCharFrac) fail('dup_para_char_frac');
    const rlines = text.split(LINES_RE);
    const [ld, lc] = findDuplicates(rlines);
    scores.dup_line_frac = r4(ld / rlines.length);
    scores.dup_line_char_frac = r4(lc / len);
    if (th.maxDupLineFrac !== null && ld / rlines.length > th.maxDupLineFrac) fail('dup_line_frac');
    if (th.maxDupLineCharFrac !== null && lc / len > th.maxDupLineCharFrac) fail('dup_line_char_frac');
    const prefix = new Float64Array(t.count + 1);
    for (let i = 0; i < t.count; i++) prefix[i + 1] = prefix[i]! + t.lens[i]!;
    if (th.maxTopNgramFrac !== null) {
      for (let k = 0; k < 3; k++) {
        const n = k + 2;
        if (t.count < n) continue;
        const f = topNgramChars(t, n, prefix) / len;
        scores[`top_${n}_gram_frac`] = r4(f);
        if (f > th.maxTopNgramFrac[k]!) fail(`top_${n}_gram`);
      }
    }
    if (th.maxDupNgramFrac !== null) {
      for (let k = 0; k < 6; k++) {
        const n = k + 5;
        const f = dupNgramChars(t, n, prefix) / len;
        scores[`dup_${n}_gram_frac`] = r4(f);
        if (f > th.maxDupNgramFrac[k]!) fail(`dup_${n}_gram`);
      }
    }
  }

  if (enable.fineweb) {
    let punct = 0;
    let short = 0;
    const nonEmpty: string[] = [];
    for (const l of lines) {
      if (l.length && TERMINAL.has(l[l.length - 1]!)) punct++;
      if (l.length <= th.shortLineChars) short++;
      if (l.trim() !== '') nonEmpty.push(l);
    }
    scores.line_punct_frac = r4(punct / lines.length);
    scores.short_lines_frac = r4(short / lines.length);
    if (th.minLinePunctFrac !== null && punct / lines.length <= th.minLinePunctFrac) fail('line_punct');
    if (th.maxShortLinesFrac !== null && short / lines.length >= th.maxShortLinesFrac) fail('short_lines');
    const noNl = Math.max(1, text.length - (lines.length - 1));
    const cd = findDuplicates(nonEmpty)[1] / noNl;
    scores.char_dup_frac = r4(cd);
    if (th.maxCharDupFrac !== null && cd >= th.maxCharDupFrac) fail('char_dup');
    const nl = (lines.length - 1) / nTokens;
    scores.newline_ratio = r4(nl);
    if (th.maxNewlineWordRatio !== null && nl > th.maxNewlineWordRatio) fail('newline_ratio');
  }
  return { reason, scores };
}

/** Filter `quality`: drops with `quality.<check>`, records the scores in doc.quality. */
export class QualityFilter extends Filter {
  readonly name = 'quality';
  readonly config: QualityConfig;
  private readonly cache = new Map<string, Thresholds>();
  constructor(config: Partial<QualityConfig> = {}) {
    super();
    this.config = QualityConfigSchema.parse(config);
  }
  /** Thresholds in force for a language (cached per language). */
  thresholds(lang: string): Thresholds {
    let th = this.cache.get(lang);
    if (!th) {
      th = thresholdsFor(lang, this.config);
      this.cache.set(lang, th);
    }
    return th;
  }
  filter(doc: Doc): Verdict {
    if (!this.config.enabled) return { keep: true };
    const lang = doc.lang ?? 'und';
    const r = assessQuality(doc.text, lang, this.thresholds(lang), this.config);
    if (this.config.recordScores) doc.quality = { ...doc.quality, ...r.scores };
    return r.reason === null ? { keep: true } : { drop: `quality.${r.reason}` };
  }
}
