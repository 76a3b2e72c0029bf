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

/**
 * Learns merges from `words` (pre-tokens as strings) with integer `weights`.
 * Shapes: syms Int32Array[Σ word bytes] holds every word's symbols, start/len per word.
 */
export function learnMerges(words: readonly string[], weights: ArrayLike<number>, opts: LearnOptions): MergeResult {
  const nW = words.length;
  const byteToId = new Int32Array(256);
  BYTE_ORDER.forEach((b, i) => (byteToId[b] = i));
  const tokenBytes: Uint8Array[] = BYTE_ORDER.map((b) => Uint8Array.of(b));

  // --- words → symbol sequences (UTF-8 bytes → byte ids) ---
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

  // --- pair table: id → (a, b, count, head of its word list) ---
  const index = new PairMap(1 << 16);
  let pCap = 1 << 16;
  let pA = new Int32Array(pCap);
  let pB = new Int32Array(pCap);
  let pCount = new Float64Array(pCap);
  let pHead = new Int32Array(pCap);
  let pStamp = new Int32Array(pCap);
  let nP = 0;
  // word lists as a linked pool: entry e = (word wlWord[e], next wlNext[e])
  let wlCap = 1 << 20;
  let wlWord = new Int32Array(wlCap);
  let wlNext = new Int32Array(wlCap);
  let nWl = 0;

  const pairId = (a: number, b: number): number => {
    let p = index.get(a, b);
    if (p >= 0) return p;
    p = nP++;
    if (p >= pCap) {
      pCap *= 2;
      const g = <T extends Int32Array | Float64Array>(x: T): T => {
        const y = new (x.constructor as new (n: number) => T)(pCap);
        y.set(x);
        return y;
      };
      pA = g(pA);
      pB = g(pB);
      pCount = g(pCount);
      pHead = g(pHead);
      pStamp = g(pStamp);
    }
    pA[p] = a;
    pB[p] = b;
    pCount[p] = 0;
    pHead[p] = -1;
    pStamp[p] = -1;
    index.set(a, b, p);
    return p;
  };
  const addWord = (p: number, w: number) => {
    const h = pHead[p]!;
    if (h >= 0 && wlWord[h] === w) return; // same word just added (words are visited in order)
    if (nWl >= wlCap) {
      wlCap *= 2;
      const a = new Int32Array(wlCap);
      a.set(wlWord);
      wlWord = a;
      const b = new Int32Array(wlCap);
      b.set(wlNext);
      wlNext = b;
    }
    wlWord[nWl] = w;
    wlNext[nWl] = h;
    pHead[p] = nWl++;
  };

  for (let w = 0; w < nW; w++) {
    const s0 = start[w]!;
    const wt = weight[w]!;
    for (let i = 0; i + 1 < len[w]!; i++) {
      const p = pairId(syms[s0 + i]!, syms[s0 + i + 1]!);
      pCount[p] += wt;
      addWord(p, w);
    }
  }

  // --- max-heap of (count, pair); ties → smaller (a, b) first, for determinism ---
  let hCap = Math.max(1024, nP * 2);
  let hCount = new Float64Array(hCap);
  let hPair = new Int32Array(hCap);
  let hN = 0;
  const above = (i: number, j: number): boolean => {
    const ci = hCount[i]!;
    const cj = hCount[j]!;
    if (ci !== cj) return ci > cj;
    const pi = hPair[i]!;
    const pj = hPair[j]!;
    return pA[pi]! !== pA[pj]! ? pA[pi]! < pA[pj]! : pB[pi]! < pB[pj]!;
  };
  const swap = (i: number, j: number) => {
    const c = hCount[i]!;
    hCount[i] = hCount[j]!;
    hCount[j] = c;
    const p = hPair[i]!;
    hPair[i] = hPair[j]!;
    hPair[j] = p;
  };
  const push = (c: number, p: number) => {
    if (hN >= hCap) {
      hCap *= 2;
      const a = new Float64Array(hCap);
      a.set(hCount);
      hCount = a;
      const b = new Int32Array(hCap);
      b.set(hPair);
      hPair = b;
    }
    hCount[hN] = c;
    hPair[hN] = p;
    let i = hN++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!above(i, parent)) break;
      swap(i, parent);
      i = parent;
    }
  };
  const pop = () => {
    hN--;
    if (hN > 0) {
      hCount[0] = hCount[hN]!;
      hPair[0] = hPair[hN]!;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < hN && above(l, m)) m = l;
        if (r < hN && above(r, m)) m = r;
        if (m === i) break;
        swap(i, m);
        i = m;
      }
    }
  };
  for (let p = 0; p < nP; p++) if (pCount[p]! > 0) push(pCount[p]!, p);

  // --- merge loop ---
  const minWeight = opts.minWeight ?? 1;
  const merges: [number, number][] = [];
  const wStamp = new Int32Array(nW).fill(-1);
  const touched: number[] = [];
  while (merges.length < opts.merges && hN > 0) {
    const c = hCount[0]!;
    const p = hPair[0]!;
    pop();
    const cur = pCount[p]!;
    if (cur !== c) {
      if (cur >= minWeight) push(cur, p);
      continue;
    }
    if (cur < minWeight) break;
    const a = pA[p]!;
    const b = pB[p]!;
    const nid = 256 + merges.length;
    const step = merges.length;
    merges.push([a, b]);
    const ab = new Uint8Array(tokenBytes[a]!.length + tokenBytes[b]!.length);
    ab.set(tokenBytes[a]!);
    ab.set(tokenBytes[b]!, tokenBytes[a]!.length);
    tokenBytes.push(ab);
    pCount[p] = 0;
    touched.length = 0;
    for (let e = pHead[p]!; e >= 0; e = wlNext[e]!) {
      const w = wlWord[e]!;
      if (wStamp[w] === step) continue;
      wStamp[w] = step;
      const s0 = start[w]!;
      let n = len[w]!;
      const wt = weight[w]!;
      // HF word.rs merge: per occurrence, (prev,a)→(prev,new) and (b,next)→(new,next).
      for (let i = 0; i < n - 1; i++) {
        if (syms[s0 + i] !== a || syms[s0 + i + 1] !== b) continue;
        if (i > 0) {
          const prev = syms[s0 + i - 1]!;
          const q = index.get(prev, a);
          if (q >= 0) pCount[q] -= wt;
          const r = pairId(prev, nid);
          pCount[r] += wt;
          addWord(r, w);
          if (pStamp[r] !== step) {
            pStamp[r] = step;
            touched.push(r);
          }
        }
        if (i + 2 < n) {
          const next = syms[s0 + i + 2]!;
          const q = index.get(b, next);
          if (q >= 0) pCount[q] -= wt;
          const r = pairId(nid, next);
          pCount[r] += wt;
          addWord(r, w);
          if (pStamp[r] !== step) {
            pStamp[r] = step;
            touched.push(r);
          }
        }
        syms[s0 + i] = nid;
        for (let k = i + 1; k < n - 1; k++) syms[s0 + k] = syms[s0 + k + 1]!;
        n--;
      }
      len[w] = n;
    }
    pCount[p] = 0; // (a,b) self-overlaps (a a a) may have decremented it below zero
    for (const r of touched) if (pCount[r]! >= minWeight) push(pCount[r]!, r);
    if (opts.onProgress && (merges.length & 255) === 0) opts.onProgress(merges.length, opts.merges);
  }
  opts.onProgress?.(merges.length, opts.merges);
  return { merges, tokenBytes };
}
