// The BPE merge learner: from a table of (pre-token word, weight) to an ordered merge list over
// byte-level symbols. Works on unique words, never on the raw text, like HF tokenizers'
// BpeTrainer: pair counts, a per-pair list of the words that contain it, and a max-heap with lazy
// re-validation (a popped count that went stale is pushed back with its current value).
// Not the corpus reader (corpus.ts) nor the tokenizer.json writer (build.ts).
// Reference: Sennrich et al. 2016 (BPE for NMT); HF tokenizers `models/bpe/trainer.rs`.
import { BYTE_ORDER, utf8Into } from './bytes.js';
import { PairMap } from './pairmap.js';

export interface MergeResult {
  /** merges[i] = [left id, right id]; the new token's id is 256 + i. Ids 0..255 are bytes in GPT-2 order. */
  merges: [number, number][];
  /** Byte strings of every token id (0..255 bytes, then one per merge). */
  tokenBytes: Uint8Array[];
}

export interface LearnOptions {
  /** Number of merges to learn (vocab size − 256 − specials). */
  merges: number;
  /** Stop when the best pair's weight falls below this (default 1: a pair seen once still merges). */
  minWeight?: number;
  onProgress?: (done: number, total: number) => void;
}

/** Every word's symbols in one buffer: syms Int32Array[Σ word bytes], start/len/weight per word. */
interface WordTable {
  syms: Int32Array;
  start: Int32Array;
  len: Int32Array;
  weight: Float64Array;
}

/** Words → symbol sequences (UTF-8 bytes → byte ids in GPT-2 order). */
function encodeWords(words: readonly string[], weights: ArrayLike<number>): WordTable {
  const nW = words.length;
  const byteToId = new Int32Array(256);
  BYTE_ORDER.forEach((b, i) => (byteToId[b] = i));
  let total = 0;
  for (const w of words) total += Buffer.byteLength(w, 'utf8');
  const syms = new Int32Array(total);
  const start = new Int32Array(nW);
  const len = new Int32Array(nW);
  const weight = new Float64Array(nW);
  const scratch = new Uint8Array(4096);
  let off = 0;
  for (let w = 0; w < nW; w++) {
    const word = words[w]!;
    const buf = word.length * 3 <= scratch.length ? scratch : new Uint8Array(word.length * 3);
    const n = utf8Into(word, buf);
    start[w] = off;
    len[w] = n;
    weight[w] = weights[w]!;
    for (let i = 0; i < n; i++) syms[off + i] = byteToId[buf[i]!]!;
    off += n;
  }
  return { syms, start, len, weight };
}

const grow = <T extends Int32Array | Float64Array>(x: T, cap: number): T => {
  const y = new (x.constructor as new (n: number) => T)(cap);
  y.set(x);
  return y;
};

/** Pair table: id → (a, b, count, head of its word list, stamp); word lists as a linked pool (word, next). */
class PairTable {
  readonly index = new PairMap(1 << 16);
  private cap = 1 << 16;
  a = new Int32Array(this.cap);
  b = new Int32Array(this.cap);
  count = new Float64Array(this.cap);
  head = new Int32Array(this.cap);
  stamp = new Int32Array(this.cap);
  n = 0;
  private wlCap = 1 << 20;
  wlWord = new Int32Array(this.wlCap);
  wlNext = new Int32Array(this.wlCap);
  private nWl = 0;

  /** The id of pair (a, b), created with count 0 on first sight. */
  id(a: number, b: number): number {
    let p = this.index.get(a, b);
    if (p >= 0) return p;
    p = this.n++;
    if (p >= this.cap) {
      this.cap *= 2;
      this.a = grow(this.a, this.cap);
      this.b = grow(this.b, this.cap);
      this.count = grow(this.count, this.cap);
      this.head = grow(this.head, this.cap);
      this.stamp = grow(this.stamp, this.cap);
    }
    this.a[p] = a;
    this.b[p] = b;
    this.count[p] = 0;
    this.head[p] = -1;
    this.stamp[p] = -1;
    this.index.set(a, b, p);
    return p;
  }

  /** Adds word w to pair p's list (once per run of visits: words are visited in order). */
  addWord(p: number, w: number): void {
    const h = this.head[p]!;
    if (h >= 0 && this.wlWord[h] === w) return;
    if (this.nWl >= this.wlCap) {
      this.wlCap *= 2;
      this.wlWord = grow(this.wlWord, this.wlCap);
      this.wlNext = grow(this.wlNext, this.wlCap);
    }
    this.wlWord[this.nWl] = w;
    this.wlNext[this.nWl] = h;
    this.head[p] = this.nWl++;
  }
}

/** Counts every adjacent pair of every word, weighted, and lists the words that hold it. */
function countPairs(t: WordTable, pairs: PairTable): void {
  for (let w = 0; w < t.start.length; w++) {
    const s0 = t.start[w]!;
    const wt = t.weight[w]!;
    for (let i = 0; i + 1 < t.len[w]!; i++) {
      const p = pairs.id(t.syms[s0 + i]!, t.syms[s0 + i + 1]!);
      pairs.count[p] += wt;
      pairs.addWord(p, w);
    }
  }
}

/** Max-heap of (count, pair); ties → smaller (a, b) first, for determinism. */
class PairHeap {
  private cap: number;
  count: Float64Array;
  pair: Int32Array;
  n = 0;
  constructor(
    private readonly pairs: PairTable,
    cap: number,
  ) {
    this.cap = cap;
    this.count = new Float64Array(cap);
    this.pair = new Int32Array(cap);
  }
  private above(i: number, j: number): boolean {
    const ci = this.count[i]!;
    const cj = this.count[j]!;
    if (ci !== cj) return ci > cj;
    const { a, b } = this.pairs;
    const pi = this.pair[i]!;
    const pj = this.pair[j]!;
    return a[pi]! !== a[pj]! ? a[pi]! < a[pj]! : b[pi]! < b[pj]!;
  }
  private swap(i: number, j: number): void {
    const c = this.count[i]!;
    this.count[i] = this.count[j]!;
    this.count[j] = c;
    const p = this.pair[i]!;
    this.pair[i] = this.pair[j]!;
    this.pair[j] = p;
  }
  push(c: number, p: number): void {
    if (this.n >= this.cap) {
      this.cap *= 2;
      this.count = grow(this.count, this.cap);
      this.pair = grow(this.pair, this.cap);
    }
    this.count[this.n] = c;
    this.pair[this.n] = p;
    let i = this.n++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.above(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }
  pop(): void {
    this.n--;
    if (this.n > 0) {
      this.count[0] = this.count[this.n]!;
      this.pair[0] = this.pair[this.n]!;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.n && this.above(l, m)) m = l;
        if (r < this.n && this.above(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
  }
}

/**
 * Applies merge (a, b) → nid to every word that holds the pair (HF word.rs merge: per occurrence,
 * (prev,a)→(prev,new) and (b,next)→(new,next)); the pairs whose counts grew go to `touched`.
 */
function applyMerge(t: WordTable, pairs: PairTable, p: number, nid: number, step: number, wStamp: Int32Array, touched: number[], minWeight: number, heap: PairHeap): void {
  const a = pairs.a[p]!;
  const b = pairs.b[p]!;
  const { syms, start, len, weight } = t;
  pairs.count[p] = 0;
  touched.length = 0;
  const bump = (r: number, w: number, wt: number) => {
    pairs.count[r] += wt;
    pairs.addWord(r, w);
    if (pairs.stamp[r] !== step) {
      pairs.stamp[r] = step;
      touched.push(r);
    }
  };
  for (let e = pairs.head[p]!; e >= 0; e = pairs.wlNext[e]!) {
    const w = pairs.wlWord[e]!;
    if (wStamp[w] === step) continue;
    wStamp[w] = step;
    const s0 = start[w]!;
    let n = len[w]!;
    const wt = weight[w]!;
    for (let i = 0; i < n - 1; i++) {
      if (syms[s0 + i] !== a || syms[s0 + i + 1] !== b) continue;
      if (i > 0) {
        const prev = syms[s0 + i - 1]!;
        const q = pairs.index.get(prev, a);
        if (q >= 0) pairs.count[q] -= wt;
        bump(pairs.id(prev, nid), w, wt);
      }
      if (i + 2 < n) {
        const next = syms[s0 + i + 2]!;
        const q = pairs.index.get(b, next);
        if (q >= 0) pairs.count[q] -= wt;
        bump(pairs.id(nid, next), w, wt);
      }
      syms[s0 + i] = nid;
      for (let k = i + 1; k < n - 1; k++) syms[s0 + k] = syms[s0 + k + 1]!;
      n--;
    }
    len[w] = n;
  }
  pairs.count[p] = 0; // (a,b) self-overlaps (a a a) may have decremented it below zero
  for (const r of touched) if (pairs.count[r]! >= minWeight) heap.push(pairs.count[r]!, r);
}

/**
 * Learns merges from `words` (pre-tokens as strings) with integer `weights`: encode the words,
 * count pairs, then repeatedly take the heaviest pair off the heap (re-pushing stale counts) and
 * apply it to the words that hold it.
 */
export function learnMerges(words: readonly string[], weights: ArrayLike<number>, opts: LearnOptions): MergeResult {
  const tokenBytes: Uint8Array[] = BYTE_ORDER.map((b) => Uint8Array.of(b));
  const t = encodeWords(words, weights);
  const pairs = new PairTable();
  countPairs(t, pairs);
  const heap = new PairHeap(pairs, Math.max(1024, pairs.n * 2));
  for (let p = 0; p < pairs.n; p++) if (pairs.count[p]! > 0) heap.push(pairs.count[p]!, p);

  const minWeight = opts.minWeight ?? 1;
  const merges: [number, number][] = [];
  const wStamp = new Int32Array(words.length).fill(-1);
  const touched: number[] = [];
  while (merges.length < opts.merges && heap.n > 0) {
    const c = heap.count[0]!;
    const p = heap.pair[0]!;
    heap.pop();
    const cur = pairs.count[p]!;
    if (cur !== c) {
      if (cur >= minWeight) heap.push(cur, p);
      continue;
    }
    if (cur < minWeight) break;
    const a = pairs.a[p]!;
    const b = pairs.b[p]!;
    const nid = 256 + merges.length;
    const step = merges.length;
    merges.push([a, b]);
    const ab = new Uint8Array(tokenBytes[a]!.length + tokenBytes[b]!.length);
    ab.set(tokenBytes[a]!);
    ab.set(tokenBytes[b]!, tokenBytes[a]!.length);
    tokenBytes.push(ab);
    applyMerge(t, pairs, p, nid, step, wStamp, touched, minWeight, heap);
    if (opts.onProgress && (merges.length & 255) === 0) opts.onProgress(merges.length, opts.merges);
  }
  opts.onProgress?.(merges.length, opts.merges);
  return { merges, tokenBytes };
}
