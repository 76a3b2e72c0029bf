// MinHash over word n-gram shingles with 32-bit Math.imul hashing, and the text normalisation
// shared by exact and near dedup (lower case, punctuation and whitespace collapsed). Not the
// LSH stages (signatures.ts → buckets.ts → clusters.ts). Reference: Broder 1997 (min-wise
// independent permutations), datatrove pipeline/dedup/minhash.py (shingles, bands, buckets).
//
// Hashing and collisions: words hash to 32 bits (murmur3-style mixing over UTF-16 units) and
// shingles to 32 bits, so two distinct shingles of one document collide with probability
// ~k²/2^33 (k = shingles): 10^4 shingles → 1%-chance of a single collision, which moves the
// estimated Jaccard by < 10^-4. The 112 hash functions are h_i(x) = fmix32(a_i·x + b_i) with
// (a_i odd, b_i) drawn from a seeded splitmix32 stream: same seed → same signatures everywhere.
import { createHash } from 'node:crypto';
import { fmix32, splitmix32 } from '../../util/rng.js';
import { dataKernels } from '../../util/native-data.js';

// Word characters: letters, marks and numbers (a 64K table over UTF-16 units, built once);
// surrogate halves count as word characters so astral letters stay inside their word.
const WORD_CHAR = new Uint8Array(65536);
{
  const re = /[\p{L}\p{M}\p{N}]/u;
  for (let c = 0; c < 65536; c++) WORD_CHAR[c] = (c >= 0xd800 && c <= 0xdfff) || re.test(String.fromCharCode(c)) ? 1 : 0;
}

export interface Words {
  /** 32-bit hash of every word of the normalised text, in order. */
  hashes: Uint32Array;
  count: number;
  /**
   * Exact-dedup key: the first 64 bits of sha256 of the normalised text (words joined by single
   * spaces) as [hi, lo] uint32. The text is fed to the hash in chunks, never built whole.
   */
  exact: [number, number];
}

const EXACT_CHUNK = 4096;

/** Lower-cases, splits on every non-word character, hashes each word and the normalised text. */
export function words(text: string): Words {
  const lower = text.toLowerCase();
  const n = lower.length;
  let hashes = new Uint32Array(Math.max(16, n >>> 3));
  let count = 0;
  const sha = createHash('sha256');
  let parts: string[] = [];
  let i = 0;
  while (i < n) {
    while (i < n && !WORD_CHAR[lower.charCodeAt(i)]) i++;
    if (i >= n) break;
    const s = i;
    let h = 0x9747b28c;
    while (i < n) {
      const c = lower.charCodeAt(i);
      if (!WORD_CHAR[c]) break;
      h = Math.imul(h ^ c, 0xcc9e2d51);
      h = (h << 15) | (h >>> 17);
      i++;
    }
    if (count === hashes.length) {
      const g = new Uint32Array(count * 2);
      g.set(hashes);
      hashes = g;
    }
    hashes[count++] = fmix32(h ^ (i - s));
    parts.push(lower.slice(s, i));
    if (parts.length === EXACT_CHUNK) {
      // chunks joined with the same single space that separates words inside a chunk
      sha.update(count > EXACT_CHUNK ? ' ' + parts.join(' ') : parts.join(' '));
      parts = [];
    }
  }
  if (parts.length) sha.update(count > parts.length ? ' ' + parts.join(' ') : parts.join(' '));
  const d = sha.digest();
  return { hashes, count, exact: [d.readUInt32BE(0), d.readUInt32BE(4)] };
}

/** sha256-based exact key of an already normalised text (words joined by single spaces). */
export function exactKey(normalized: string): [number, number] {
  const d = createHash('sha256').update(normalized).digest();
  return [d.readUInt32BE(0), d.readUInt32BE(4)];
}

/** Hashes of the word n-grams (one shingle of all words when the text is shorter than n). */
export function shingles(w: Words, n: number): Uint32Array {
  if (w.count === 0) return new Uint32Array(0);
  const m = Math.max(1, w.count - n + 1);
  const k = Math.min(n, w.count);
  const out = new Uint32Array(m);
  const hs = w.hashes;
  for (let i = 0; i < m; i++) {
    let h = 0x1b873593 ^ k;
    for (let j = i; j < i + k; j++) {
      h = Math.imul(h ^ hs[j]!, 0x5bd1e995);
      h ^= h >>> 15;
    }
    out[i] = fmix32(h);
  }
  return out;
}

/** The seeded hash family: numHashes pairs (a odd, b). */
interface HashFamily {
  a: Uint32Array;
  b: Uint32Array;
}

export function hashFamily(numHashes: number, seed: number): HashFamily {
  const next = splitmix32(seed ^ 0x5eed5eed);
  const a = new Uint32Array(numHashes);
  const b = new Uint32Array(numHashes);
  for (let i = 0; i < numHashes; i++) {
    a[i] = (next() | 1) >>> 0;
    b[i] = next();
  }
  return { a, b };
}

/**
 * MinHash signature: sig[i] = min over shingles of fmix32(a_i·s + b_i). Writes into `out`
 * (length = numHashes); with no shingles every slot is 0xffffffff (callers skip such docs).
 */
export function minhash(sh: Uint32Array, fam: HashFamily, out: Uint32Array): Uint32Array {
  const native = dataKernels();
  if (native) {
    // the same loop in C (src/data/native/data.cc), vectorised where the CPU has AVX2
    native.minhash(sh, fam.a, fam.b, out);
    return out;
  }
  return minhashTs(sh, fam, out);
}

/** The TypeScript MinHash loop (the reference; used without the native addon). */
export function minhashTs(sh: Uint32Array, fam: HashFamily, out: Uint32Array): Uint32Array {
  const H = fam.a.length;
  const m = sh.length;
  const A = fam.a;
  const B = fam.b;
  // Four hash functions per pass over the shingles (a quarter of the shingle loads and loop
  // overhead). Hashes are compared as int32 with the sign bit flipped, which orders them as uint32.
  let i = 0;
  for (; i + 4 <= H; i += 4) {
    const a0 = A[i]! | 0,
      a1 = A[i + 1]! | 0,
      a2 = A[i + 2]! | 0,
      a3 = A[i + 3]! | 0;
    const b0 = B[i]! | 0,
      b1 = B[i + 1]! | 0,
      b2 = B[i + 2]! | 0,
      b3 = B[i + 3]! | 0;
    let m0 = 0x7fffffff,
      m1 = 0x7fffffff,
      m2 = 0x7fffffff,
      m3 = 0x7fffffff;
    for (let j = 0; j < m; j++) {
      const x = sh[j]! | 0;
      let h = fmixSigned((Math.imul(x, a0) + b0) | 0);
      if (h < m0) m0 = h;
      h = fmixSigned((Math.imul(x, a1) + b1) | 0);
      if (h < m1) m1 = h;
      h = fmixSigned((Math.imul(x, a2) + b2) | 0);
      if (h < m2) m2 = h;
      h = fmixSigned((Math.imul(x, a3) + b3) | 0);
      if (h < m3) m3 = h;
    }
    out[i] = (m0 ^ 0x80000000) >>> 0;
    out[i + 1] = (m1 ^ 0x80000000) >>> 0;
    out[i + 2] = (m2 ^ 0x80000000) >>> 0;
    out[i + 3] = (m3 ^ 0x80000000) >>> 0;
  }
  for (; i < H; i++) {
    const a = A[i]! | 0;
    const b = B[i]! | 0;
    let min = 0x7fffffff;
    for (let j = 0; j < m; j++) {
      const h = fmixSigned((Math.imul(sh[j]! | 0, a) + b) | 0);
      if (h < min) min = h;
    }
    out[i] = (min ^ 0x80000000) >>> 0;
  }
  return out;
}

/** fmix32 (murmur3 finaliser) of an int32, returned with the sign bit flipped (uint32 order as int32 order). */
function fmixSigned(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16) ^ 0x80000000) | 0;
}

/**
 * 64-bit bucket key [hi, lo] of band `band` (rows r·band … r·band+r-1): two independent 32-bit
 * hashes of the rows. Two different bands collide with probability 2^-64 per pair.
 */
export function bandKey(sig: Uint32Array, band: number, rows: number, out: Uint32Array, at: number): void {
  let hi = 0x243f6a88 ^ band;
  let lo = 0x85a308d3 ^ Math.imul(band, 0x9e3779b9);
  const s = band * rows;
  for (let j = s; j < s + rows; j++) {
    const v = sig[j]!;
    hi = Math.imul(hi ^ v, 0xcc9e2d51);
    hi = (hi << 13) | (hi >>> 19);
    lo = Math.imul(lo ^ v, 0x1b873593);
    lo = (lo << 17) | (lo >>> 15);
  }
  out[at] = fmix32(hi ^ rows);
  out[at + 1] = fmix32(lo + hi);
}

/** Jaccard similarity of two sets of shingle hashes (the all-pairs baseline and tests). */
export function jaccard(a: Uint32Array, b: Uint32Array): number {
  const sa = new Set(a);
  const sb = new Set(b);
  let inter = 0;
  for (const x of sa) if (sb.has(x)) inter++;
  const uni = sa.size + sb.size - inter;
  return uni === 0 ? 1 : inter / uni;
}

/** Probability that a pair with Jaccard s shares at least one bucket: 1 - (1 - s^r)^b. */
export function candidateProbability(s: number, bands: number, rows: number): number {
  return 1 - Math.pow(1 - Math.pow(s, rows), bands);
}
