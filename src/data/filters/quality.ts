// The quality filter: Gopher quality + Gopher repetition + FineWeb quality heuristics in one
// pass over a document, with per-language thresholds (thresholds.ts) and stop words
// (stopwords.ts). Not a classifier or perplexity filter. Definitions follow datatrove
// gopher_quality_filter.py, gopher_repetition_filter.py and fineweb_quality_filter.py
// (Rae et al. 2021 Table A1; Penedo et al. 2024), with a Unicode word tokenizer instead of
// spaCy/NLTK and n-grams counted over 32-bit token hashes instead of joined strings (two distinct
// tokens of one document share a hash with probability ~k²/2^33 for k distinct tokens: 1% of
// 10^4-token documents get one such pair, which can only add a few repeated n-grams; the test
// against a literal datatrove port shows identical scores).
import type { Doc, Verdict } from '../doc.js';
import { Filter } from '../step.js';
import { QualityConfigSchema, type QualityConfig, type Thresholds } from './config.js';
import { stopWordSet } from './stopwords.js';
import { thresholdsFor } from './thresholds.js';

// A token is a run of letters/marks/digits (with inner apostrophes or hyphens: l'été, e-mail)
// or a run of other non-space characters (punctuation and symbols), as NLTK/spaCy split them.
// Character classes come from one 64K table over UTF-16 units (built once); surrogate halves
// count as word characters. Tokens are identified by a 32-bit hash of their lower-cased text,
// so no token string is ever allocated.
const SPACE = 0;
const WORD = 1;
const OTHER = 2;
const CLS = new Uint8Array(65536);
const ALPHA = new Uint8Array(65536);
{
  const word = /[\p{L}\p{M}\p{N}]/u;
  const letter = /\p{L}/u;
  const space = /\s/u;
  for (let c = 0; c < 65536; c++) {
    const ch = String.fromCharCode(c);
    const sur = c >= 0xd800 && c <= 0xdfff;
    CLS[c] = sur || word.test(ch) ? WORD : space.test(ch) ? SPACE : OTHER;
    ALPHA[c] = sur || letter.test(ch) ? 1 : 0;
  }
}
const JOINERS = new Set([0x27, 0x2019, 0x2d]); // ' ’ -
const PARA_RE = /\n{2,}/;
const BULLETS = new Set(['•', '-', '‣', '▪', '●', '◦', '*', '–', '·']);
// Terminal punctuation for the FineWeb line check, extended for European typography: the
// ellipsis, closing quotes (” ’ » «) and ';' (the Greek question mark after NFC).
const TERMINAL = new Set(['.', '!', '?', '…', '"', "'", '”', '’', '»', '«', ';']);

export interface Tokens {
  /** 32-bit hash of every token (lower-cased), in order. */
  ids: Int32Array;
  /** Length in UTF-16 code units of every token. */
  lens: Int32Array;
  /** 1 where the token is a word (letters, marks, digits), 0 for a symbol run. */
  isWord: Uint8Array;
  /** 1 where the token contains a letter. */
  isAlpha: Uint8Array;
  count: number;
}

/** Hash of a token's code units (murmur3-style; same function for text and stop words). */
function tokenHash(s: string, from: number, to: number): number {
  let h = 0x9747b28c;
  for (let i = from; i < to; i++) {
    h = Math.imul(h ^ s.charCodeAt(i), 0xcc9e2d51);
    h = (h << 15) | (h >>> 17);
  }
  h ^= to - from;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h | 0;
}

function grow32(a: Int32Array, cap: number): Int32Array {
  const g = new Int32Array(cap);
  g.set(a);
  return g;
}
function grow8(a: Uint8Array, cap: number): Uint8Array {
  const g = new Uint8Array(cap);
  g.set(a);
  return g;
}

/** Splits lower-cased text into word and symbol tokens (hashes, lengths, flags). */
export function tokenize(text: string): Tokens {
  const s = text.toLowerCase();
  const n = s.length;
  // ~1 token per 5 characters in prose; grown by doubling when a text is denser.
  let cap = Math.max(16, Math.ceil(n / 5));
  let ids: Int32Array = new Int32Array(cap);
  let lens: Int32Array = new Int32Array(cap);
  let isWord: Uint8Array = new Uint8Array(cap);
  let isAlpha: Uint8Array = new Uint8Array(cap);
  let k = 0;
  let i = 0;
  while (i < n) {
    const c = s.charCodeAt(i);
    const cls = CLS[c]!;
    if (cls === SPACE) {
      i++;
      continue;
    }
    const st = i;
    if (k === cap) {
      cap *= 2;
      ids = grow32(ids, cap);
      lens = grow32(lens, cap);
      isWord = grow8(isWord, cap);
      isAlpha = grow8(isAlpha, cap);
    }
    if (cls === WORD) {
      let alpha = 0;
      for (;;) {
        while (i < n && CLS[s.charCodeAt(i)] === WORD) alpha |= ALPHA[s.charCodeAt(i++)]!;
        // an inner apostrophe or hyphen followed by a word character continues the word
        if (i + 1 < n && JOINERS.has(s.charCodeAt(i)) && CLS[s.charCodeAt(i + 1)] === WORD) {
          i++;
          continue;
        }
        break;
      }
      isWord[k] = 1;
      isAlpha[k] = alpha;
    } else {
      while (i < n && CLS[s.charCodeAt(i)] === OTHER) i++;
      isWord[k] = 0;
      isAlpha[k] = 0;
    }
    ids[k] = tokenHash(s, st, i);
    lens[k] = i - st;
    k++;
  }
  return { ids, lens, isWord, isAlpha, count: k };
}

const stopHashCache = new Map<string, Set<number>>();
/** Token hashes of a language's stop words. */
function stopHashes(lang: string): Set<number> {
  let h = stopHashCache.get(lang);
  if (!h) {
    h = new Set<number>();
    for (const w of stopWordSet(lang)) {
      const t = tokenize(w);
      if (t.count === 1) h.add(t.ids[0]!);
    }
    stopHashCache.set(lang, h);
  }
  return h;
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

/**
 * Open-addressing table of n-gram keys (two 32-bit hashes per key; distinct n-grams of one
 * document collide with probability ~k²/2^65) with a count and the first position per key.
 * One table per filter call, reused for every n.
 */
class NgramTable {
  private a = new Int32Array(0);
  private b = new Int32Array(0);
  private cnt = new Int32Array(0);
  private first = new Int32Array(0);
  private mask = 0;
  reset(n: number): void {
    let cap = 16;
    while (cap < n * 2) cap <<= 1;
    if (cap > this.a.length) {
      this.a = new Int32Array(cap);
      this.b = new Int32Array(cap);
      this.cnt = new Int32Array(cap);
      this.first = new Int32Array(cap);
    } else this.cnt.fill(0, 0, cap);
    this.mask = cap - 1;
  }
  /** Adds one occurrence; returns the slot (count in `count(slot)`). */
  add(ka: number, kb: number, pos: number): number {
    let i = ka & this.mask;
    for (;;) {
      if (this.cnt[i] === 0) {
        this.a[i] = ka;
        this.b[i] = kb;
        this.cnt[i] = 1;
        this.first[i] = pos;
        return i;
      }
      if (this.a[i] === ka && this.b[i] === kb) {
        this.cnt[i]!++;
        return i;
      }
      i = (i + 1) & this.mask;
    }
  }
  /** True if present (without adding). */
  has(ka: number, kb: number): boolean {
    let i = ka & this.mask;
    for (;;) {
      if (this.cnt[i] === 0) return false;
      if (this.a[i] === ka && this.b[i] === kb) return true;
      i = (i + 1) & this.mask;
    }
  }
  count(slot: number): number {
    return this.cnt[slot]!;
  }
  firstPos(slot: number): number {
    return this.first[slot]!;
  }
}

/**
 * Rolling n-gram keys: ka/kb[i] hold two independent 32-bit hashes of tokens i..i+n-1; one
 * `extend` turns the keys of (n-1)-grams into those of n-grams (one mix per position per n).
 */
class NgramKeys {
  ka: Int32Array;
  kb: Int32Array;
  n = 0;
  constructor(
    private readonly ids: Int32Array,
    private readonly count: number,
  ) {
    this.ka = new Int32Array(count);
    this.kb = new Int32Array(count);
    this.ka.fill(0x811c9dc5 | 0);
    this.kb.fill(0x01000193);
  }
  extend(): void {
    const m = this.count - this.n;
    const { ka, kb, ids, n } = this;
    for (let i = 0; i < m; i++) {
      const x = ids[i + n]!;
      let a = Math.imul(ka[i]! ^ x, 0x85ebca6b);
      ka[i] = a ^ (a >>> 13);
      a = Math.imul(kb[i]! ^ (x + 0x9e3779b9), 0xc2b2ae35);
      kb[i] = a ^ (a >>> 16);
    }
    this.n++;
  }
  /** Advances to n-grams of length n. */
  to(n: number): void {
    while (this.n < n) this.extend();
  }
}

/**
 * Character length of the most frequent n-gram times its count (datatrove find_top_duplicate:
 * Counter.most_common(1), ties go to the n-gram seen first).
 */
function topNgramChars(t: Tokens, n: number, prefix: Float64Array, tab: NgramTable, keys: NgramKeys): number {
  const m = t.count - n + 1;
  if (m <= 0) return 0;
  keys.to(n);
  const { ka, kb } = keys;
  tab.reset(m);
  let best = 0;
  let bestFirst = 0;
  for (let i = 0; i < m; i++) {
    const slot = tab.add(ka[i]!, kb[i]!, i);
    const c = tab.count(slot);
    const f = tab.firstPos(slot);
    if (c > best || (c === best && f < bestFirst)) {
      best = c;
      bestFirst = f;
    }
  }
  // " ".join(ngram): the words plus n-1 spaces.
  return best * (prefix[bestFirst + n]! - prefix[bestFirst]! + n - 1);
}

/** Characters in repeated n-grams, skipping past each repeat (datatrove find_all_duplicate). */
function dupNgramChars(t: Tokens, n: number, prefix: Float64Array, tab: NgramTable, keys: NgramKeys): number {
  const m = t.count - n + 1;
  if (m <= 0) return 0;
  keys.to(n);
  const { ka, kb } = keys;
  tab.reset(m);
  let chars = 0;
  let i = 0;
  while (i < m) {
    if (tab.has(ka[i]!, kb[i]!)) {
      chars += prefix[i + n]! - prefix[i]!;
      i += n;
    } else {
      tab.add(ka[i]!, kb[i]!, i);
      i++;
    }
  }
  return chars;
}

const TABLE = new NgramTable();

export interface QualityResult {
  /** First failing check as a drop reason without the `quality.` prefix, or null. */
  reason: string | null;
  scores: Record<string, number>;
}

const r4 = (x: number): number => Math.round(x * 1e4) / 1e4;

/** The first failing check (later failures never replace it). */
class FirstFail {
  reason: string | null = null;
  fail(r: string): void {
    if (this.reason === null) this.reason = r;
  }
}

const TOP_KEYS = [2, 3, 4].map((n) => [`top_${n}_gram_frac`, `top_${n}_gram`] as const);
const DUP_KEYS = [5, 6, 7, 8, 9, 10].map((n) => [`dup_${n}_gram_frac`, `dup_${n}_gram`] as const);

// The checks are split into one function per filter family so that each stays small for the
// optimizing compiler (one big function was recompiled ~5 times per thread at ~0.1 s each).

/**
 * Measures a text and applies the thresholds; pure, used by the filter and tests. Checks run
 * in a fixed order; the first failing one is the reason, and every score is recorded.
 */
export function assessQuality(text: string, lang: string, th: Thresholds, enable = { gopherQuality: true, gopherRepetition: true, fineweb: true }): QualityResult {
  const scores: Record<string, number> = {};
  const v = new FirstFail();
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
  if (enable.gopherQuality && !gopherQuality(text, lines, t, nWords, wordChars, nAlpha, lang, th, scores, v)) return { reason: 'too_many_words', scores };
  if (enable.gopherRepetition) gopherRepetition(text, lines, t, th, scores, v);
  if (enable.fineweb) fineweb(text, lines, nTokens, th, scores, v);
  return { reason: v.reason, scores };
}

/** Gopher quality (word counts and lengths, symbols, bullets, alphabetic words, stop words); false: too many words (stop). */
function gopherQuality(text: string, lines: string[], t: Tokens, nWords: number, wordChars: number, nAlpha: number, lang: string, th: Thresholds, scores: Record<string, number>, v: FirstFail): boolean {
  const nTokens = Math.max(1, t.count);
  if (th.minWords !== null && nWords < th.minWords) v.fail('too_few_words');
  if (th.maxWords !== null && nWords > th.maxWords) return false;
  const mean = nWords ? wordChars / nWords : 0;
  scores.mean_word_length = r4(mean);
  if (th.minMeanWordLength !== null && mean < th.minMeanWordLength) v.fail('mean_word_length_low');
  if (th.maxMeanWordLength !== null && mean > th.maxMeanWordLength) v.fail('mean_word_length_high');
  let hashes = 0;
  let ellipses = 0;
  for (let i = text.indexOf('#'); i >= 0; i = text.indexOf('#', i + 1)) hashes++;
  for (let i = text.indexOf('...'); i >= 0; i = text.indexOf('...', i + 3)) ellipses++;
  for (let i = text.indexOf('…'); i >= 0; i = text.indexOf('…', i + 1)) ellipses++;
  scores.hash_ratio = r4(hashes / nTokens);
  scores.ellipsis_ratio = r4(ellipses / nTokens);
  if (th.maxSymbolWordRatio !== null && hashes / nTokens > th.maxSymbolWordRatio) v.fail('hash_ratio');
  if (th.maxSymbolWordRatio !== null && ellipses / nTokens > th.maxSymbolWordRatio) v.fail('ellipsis_ratio');
  const bullets = bulletLines(lines);
  const ellLines = ellipsisLines(lines);
  scores.bullet_lines_frac = r4(bullets / lines.length);
  scores.ellipsis_lines_frac = r4(ellLines / lines.length);
  if (th.maxBulletLinesFrac !== null && bullets / lines.length > th.maxBulletLinesFrac) v.fail('bullet_lines');
  if (th.maxEllipsisLinesFrac !== null && ellLines / lines.length > th.maxEllipsisLinesFrac) v.fail('ellipsis_lines');
  scores.alpha_words_frac = r4(nAlpha / nTokens);
  if (th.minAlphaWordsFrac !== null && nAlpha / nTokens < th.minAlphaWordsFrac) v.fail('alpha_words');
  if (th.minStopWords !== null && lang !== 'und') {
    const sw = stopHashes(lang);
    let stops = 0;
    for (let i = 0; i < t.count; i++) if (t.isWord[i] && sw.has(t.ids[i]!)) stops++;
    scores.stop_words = stops;
    // A language without a list (not in the registry) cannot be checked.
    if (sw.size > 0 && stops < th.minStopWords) v.fail('stopwords');
  }
  return true;
}

/** Lines whose first non-space character is a bullet. */
function bulletLines(lines: string[]): number {
  let bullets = 0;
  for (const l of lines) {
    // first non-space character without allocating a trimmed copy
    let a = 0;
    while (a < l.length && CLS[l.charCodeAt(a)] === SPACE) a++;
    if (a < l.length && BULLETS.has(l[a]!)) bullets++;
  }
  return bullets;
}

/** Lines ending (before trailing spaces) in an ellipsis (… or ...). */
function ellipsisLines(lines: string[]): number {
  let n = 0;
  for (const l of lines) {
    let a = 0;
    let b = l.length - 1;
    while (a <= b && CLS[l.charCodeAt(a)] === SPACE) a++;
    while (b >= a && CLS[l.charCodeAt(b)] === SPACE) b--;
    if (a <= b) {
      const last = l.charCodeAt(b);
      if (last === 0x2026 || (last === 0x2e && b - a >= 2 && l.charCodeAt(b - 1) === 0x2e && l.charCodeAt(b - 2) === 0x2e)) n++;
    }
  }
  return n;
}

/** Gopher repetition: duplicate paragraphs and lines, top 2..4-grams, duplicate 5..10-grams. */
function gopherRepetition(text: string, lines: string[], t: Tokens, th: Thresholds, scores: Record<string, number>, v: FirstFail): void {
  const len = Math.max(1, text.length);
  const paras = text.trim().split(PARA_RE);
  const [pd, pc] = findDuplicates(paras);
  scores.dup_para_frac = r4(pd / paras.length);
  scores.dup_para_char_frac = r4(pc / len);
  if (th.maxDupParaFrac !== null && pd / paras.length > th.maxDupParaFrac) v.fail('dup_para_frac');
  if (th.maxDupParaCharFrac !== null && pc / len > th.maxDupParaCharFrac) v.fail('dup_para_char_frac');
  // text.split(/\n+/) of datatrove: the non-empty lines (normalised text has no edge newlines)
  const rlines = lines.length === 1 ? lines : lines.filter((l) => l !== '');
  const [ld, lc] = findDuplicates(rlines);
  scores.dup_line_frac = r4(ld / rlines.length);
  scores.dup_line_char_frac = r4(lc / len);
  if (th.maxDupLineFrac !== null && ld / rlines.length > th.maxDupLineFrac) v.fail('dup_line_frac');
  if (th.maxDupLineCharFrac !== null && lc / len > th.maxDupLineCharFrac) v.fail('dup_line_char_frac');
  const prefix = new Float64Array(t.count + 1);
  for (let i = 0; i < t.count; i++) prefix[i + 1] = prefix[i]! + t.lens[i]!;
  const keys = new NgramKeys(t.ids, t.count);
  if (th.maxTopNgramFrac !== null) {
    for (let k = 0; k < 3; k++) {
      const n = k + 2;
      if (t.count < n) continue;
      const f = topNgramChars(t, n, prefix, TABLE, keys) / len;
      scores[TOP_KEYS[k]![0]] = r4(f);
      if (f > th.maxTopNgramFrac[k]!) v.fail(TOP_KEYS[k]![1]);
    }
  }
  if (th.maxDupNgramFrac !== null) {
    // No repeated 5-gram means no repeated longer n-gram (its first five tokens would repeat),
    // so the 6..10-gram passes are skipped as 0 (most prose has no repeated 5-gram).
    let none = false;
    for (let k = 0; k < 6; k++) {
      const n = k + 5;
      const c = none ? 0 : dupNgramChars(t, n, prefix, TABLE, keys);
      if (n === 5 && c === 0) none = true;
      const f = c / len;
      scores[DUP_KEYS[k]![0]] = r4(f);
      if (f > th.maxDupNgramFrac[k]!) v.fail(DUP_KEYS[k]![1]);
    }
  }
}

/** FineWeb quality: terminal punctuation, short lines, duplicated line characters, newlines per token. */
function fineweb(text: string, lines: string[], nTokens: number, th: Thresholds, scores: Record<string, number>, v: FirstFail): void {
  let punct = 0;
  let short = 0;
  const nonEmpty: string[] = [];
  for (const l of lines) {
    if (l.length && TERMINAL.has(l[l.length - 1]!)) punct++;
    if (l.length <= th.shortLineChars) short++;
    if (l.length > 0 && (CLS[l.charCodeAt(0)] !== SPACE || l.trim() !== '')) nonEmpty.push(l);
  }
  scores.line_punct_frac = r4(punct / lines.length);
  scores.short_lines_frac = r4(short / lines.length);
  if (th.minLinePunctFrac !== null && punct / lines.length <= th.minLinePunctFrac) v.fail('line_punct');
  if (th.maxShortLinesFrac !== null && short / lines.length >= th.maxShortLinesFrac) v.fail('short_lines');
  const noNl = Math.max(1, text.length - (lines.length - 1));
  const cd = findDuplicates(nonEmpty)[1] / noNl;
  scores.char_dup_frac = r4(cd);
  if (th.maxCharDupFrac !== null && cd >= th.maxCharDupFrac) v.fail('char_dup');
  const nl = (lines.length - 1) / nTokens;
  scores.newline_ratio = r4(nl);
  if (th.maxNewlineWordRatio !== null && nl > th.maxNewlineWordRatio) v.fail('newline_ratio');
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
