// Hashed text features for the linear language identifier: character n-grams (1..maxN over
// the lower-cased text with word boundaries marked by spaces, like fastText's subwords and
// CLD3's n-gram tables) and whole words (optionally word bigrams), each hashed into a fixed
// number of buckets. Not a tokenizer; digits, punctuation and symbols are dropped.
// Reference: Joulin et al. 2016 "Bag of Tricks" (fastText); Botha et al. 2017 (CLD3).

export interface FeatureSpec {
  /** log2 of the number of hash buckets. */
  bits: number;
  /** Character n-gram orders minN..maxN (codepoints, spaces included). */
  minN: number;
  maxN: number;
  /** Whole-word features. */
  words: boolean;
  /** Word-bigram features. */
  bigrams: boolean;
  /** Marker-category features (./markers.ts): `bcms`; each hit is emitted `markerWeight` times. */
  markers?: 'bcms';
  markerWeight?: number;
}

import { BCMS_MARKERS, jatClass, markerIndex, suffixClass } from './markers.js';

// Letters and marks (\p{L}\p{M}) among UTF-16 units (a 64K table, built once; surrogates 0);
// astral code points are tested with the regular expression.
const LETTER = new Uint8Array(65536);
{
  const re = /[\p{L}\p{M}]/u;
  for (let c = 0; c < 65536; c++) LETTER[c] = c >= 0xd800 && c <= 0xdfff ? 0 : re.test(String.fromCharCode(c)) ? 1 : 0;
}
const ASTRAL_LETTER = /^[\p{L}\p{M}]$/u;

/**
 * Lower-cases and reduces the text to letters separated by single spaces, padded: ` word word `.
 * Exactly `' ' + text.toLowerCase().replace(/[^\p{L}\p{M}]+/gu, ' ').trim() + ' '` (lone
 * surrogates are separators), by one scan over a table instead of a Unicode regular expression.
 */
export function normalize(text: string): string {
  const s = text.toLowerCase();
  const n = s.length;
  let out = ' ';
  let run = -1; // start of the current run of letters
  let any = false;
  let i = 0;
  while (i < n) {
    const c = s.charCodeAt(i);
    let w = 1;
    let letter: boolean;
    if (c < 0xd800 || c > 0xdfff) letter = LETTER[c] === 1;
    else if (c <= 0xdbff && i + 1 < n && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      w = 2;
      letter = ASTRAL_LETTER.test(s.slice(i, i + 2));
    } else letter = false;
    if (letter) {
      if (run < 0) run = i;
    } else if (run >= 0) {
      out += any ? ' ' + s.slice(run, i) : s.slice(run, i);
      any = true;
      run = -1;
    }
    i += w;
  }
  if (run >= 0) out += any ? ' ' + s.slice(run, n) : s.slice(run, n);
  return out + ' ';
}

function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x45d9f3b);
  h ^= h >>> 16;
  return h;
}

const FNV_PRIME = 0x01000193;
const SEED_CHAR = 0x811c9dc5 | 0;
const SEED_WORD = 0x2c1b3c6d | 0;
const SEED_BIGRAM = 0x297a2d39 | 0;

/**
 * Writes the bucket ids of `norm` (output of normalize) into `out` and returns how many.
 * `out` must hold at least featureCapacity(norm.length, spec) entries. Repeats are kept
 * (counts are the feature values).
 */
export function extract(norm: string, spec: FeatureSpec, out: Int32Array, cps: Int32Array): number {
  const mask = (1 << spec.bits) - 1;
  // codepoints of the normalised text
  let L = 0;
  for (let i = 0; i < norm.length; i++) {
    const c = norm.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < norm.length) {
      cps[L++] = ((c - 0xd800) << 10) + (norm.charCodeAt(++i) - 0xdc00) + 0x10000;
    } else cps[L++] = c;
  }
  let n = 0;
  const { minN, maxN } = spec;
  for (let i = 0; i < L; i++) {
    let h = SEED_CHAR;
    const end = Math.min(L, i + maxN);
    for (let j = i; j < end; j++) {
      h = Math.imul(h ^ cps[j]!, FNV_PRIME);
      const len = j - i + 1;
      // the lone space unigram carries no information
      if (len >= minN && !(len === 1 && cps[i] === 32)) out[n++] = mix(h + len) & mask;
    }
  }
  if (spec.words || spec.bigrams) {
    let prev = 0;
    let hw = SEED_WORD;
    let inWord = false;
    for (let i = 1; i < L; i++) {
      const c = cps[i]!;
      if (c === 32) {
        if (inWord) {
          if (spec.words) out[n++] = mix(hw) & mask;
          if (spec.bigrams && prev !== 0) out[n++] = mix(Math.imul(prev ^ SEED_BIGRAM, FNV_PRIME) ^ hw) & mask;
          prev = hw;
        }
        hw = SEED_WORD;
        inWord = false;
      } else {
        hw = Math.imul(hw ^ c, FNV_PRIME);
        inWord = true;
      }
    }
  }
  if (spec.markers === 'bcms') n = markerFeatures(norm, spec, out, n, mask);
  return n;
}

const BCMS = markerIndex(BCMS_MARKERS);
const SEED_MARK = 0x6b43a9b5 | 0;

function markerFeatures(norm: string, spec: FeatureSpec, out: Int32Array, n: number, mask: number): number {
  const rep = spec.markerWeight ?? 1;
  const emit = (cat: number) => {
    const id = mix(Math.imul(SEED_MARK ^ cat, FNV_PRIME)) & mask;
    for (let r = 0; r < rep && n < out.length; r++) out[n++] = id;
  };
  for (const w of norm.split(' ')) {
    if (!w) continue;
    const cats = BCMS.byWord.get(w);
    if (cats) for (const c of cats) emit(c);
    const s = suffixClass(w);
    if (s >= 0) emit(100 + s);
    const j = jatClass(w);
    if (j >= 0) emit(200 + j);
  }
  return n;
}

/** Upper bound of the feature count for a normalised text of `len` UTF-16 units. */
export function featureCapacity(len: number, spec: FeatureSpec): number {
  return len * (spec.maxN - spec.minN + 1) + (spec.words || spec.bigrams ? 2 * len : 0) + (spec.markers ? len * 2 * (spec.markerWeight ?? 1) : 0) + 16;
}
