// Dedup stage 2: for one band (or a range of bands), a k-way merge of the per-rank sorted
// sections of every signature file; documents that share a bucket key become pairs (each
// member paired with the bucket's first, which union-find makes transitive). Bands are
// independent, so stage 2 runs as one task per band. Not the clustering (clusters.ts).
// Reference: datatrove MinhashDedupBuckets.
//
// Pair file layout (little-endian):
//   0 magic "OEDP"  u32 version=1  u32 pairCount  u32 metaLength  meta (JSON: sigFiles relative
//     to the pair file's folder, bands)
//   pairs: pairCount × {u32 rankA, u32 indexA, u32 rankB, u32 indexB, u32 kind (0 near, 1 exact)}
//   magic "OEND"
import { closeSync, openSync, readSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { ConfigError, FormatError } from '../../util/errors.js';
import { RecordReader, fileSize } from './io.js';
import { AtomicFile } from '../../util/fs.js';
import { ENTRY_BYTES, readSignatureHeader, type SignatureHeader } from './signatures.js';

const PAIR_MAGIC = 'OEDP';
const PAIR_VERSION = 1;
export const PAIR_BYTES = 20;

export interface PairStats {
  bands: number[];
  pairs: number;
  exactPairs: number;
}

/** Checks that signature files agree on parameters and have distinct ranks; returns headers sorted by rank. */
export function checkSignatureSet(sigFiles: string[]): SignatureHeader[] {
  if (sigFiles.length === 0) throw new ConfigError([{ path: 'sigFiles', message: 'no signature files given' }]);
  const hs = sigFiles.map((f) => readSignatureHeader(f)).sort((a, b) => a.rank - b.rank);
  const h0 = hs[0]!;
  for (const h of hs) {
    for (const k of ['bands', 'rows', 'ngram', 'seed', 'exact', 'minhash'] as const) {
      if (h[k] !== h0[k]) throw new FormatError(`signature files disagree on ${k}`, { file: h.file, expected: `${String(h0[k])} (as in ${h0.file})`, found: String(h[k]), hint: 'rebuild all ranks with the same dedup config' });
    }
  }
  for (let i = 1; i < hs.length; i++) {
    if (hs[i]!.rank === hs[i - 1]!.rank) throw new FormatError(`two signature files have rank ${hs[i]!.rank}`, { file: hs[i]!.file, hint: `also ${hs[i - 1]!.file}; give each rank its own file` });
  }
  return hs;
}

/**
 * Stage 2: emits the pairs of one band, an inclusive range [from, to] of bands, or 'all'.
 * Band index `bands` (one past the last MinHash band) is the exact-hash section.
 */
export function findBucketPairs(sigFiles: string[], band: number | [number, number] | 'all', outFile: string): PairStats {
  const hs = checkSignatureSet(sigFiles);
  const S = hs[0]!.bands + 1;
  const [from, to] = band === 'all' ? [0, S - 1] : typeof band === 'number' ? [band, band] : band;
  if (!(Number.isInteger(from) && Number.isInteger(to) && from >= 0 && to < S && from <= to)) {
    throw new ConfigError([{ path: 'band', message: `band ${JSON.stringify(band)} is outside 0..${S - 1} (${S - 1} is the exact-hash band)` }]);
  }
  const fds = hs.map((h) => openSync(h.file, 'r'));
  const w = new AtomicFile(outFile);
  try {
    const meta = Buffer.from(JSON.stringify({ sigFiles: hs.map((h) => relative(dirname(resolve(outFile)), resolve(h.file))), bands: [from, to] }), 'utf8');
    const head = Buffer.alloc(16);
    head.write(PAIR_MAGIC, 0, 'latin1');
    head.writeUInt32LE(PAIR_VERSION, 4);
    head.writeUInt32LE(meta.length, 12);
    w.write(head);
    w.write(meta);
    let pairs = 0;
    let exactPairs = 0;
    const rec = Buffer.alloc(PAIR_BYTES * 4096);
    let used = 0;
    const emit = (ra: number, ia: number, rb: number, ib: number, kind: number): void => {
      if (used === rec.length) {
        w.write(rec);
        used = 0;
      }
      rec.writeUInt32LE(ra, used);
      rec.writeUInt32LE(ia, used + 4);
      rec.writeUInt32LE(rb, used + 8);
      rec.writeUInt32LE(ib, used + 12);
      rec.writeUInt32LE(kind, used + 16);
      used += PAIR_BYTES;
      pairs++;
      exactPairs += kind;
    };
    for (let s = from; s <= to; s++) {
      const kind = s === S - 1 ? 1 : 0;
      const readers = hs.map((h, k) => new RecordReader(fds[k]!, h.offsets[s]!, h.counts[s]!, ENTRY_BYTES, h.file));
      // Binary min-heap of reader indices ordered by (hi, lo, rank, index): a deterministic merge.
      const heap: number[] = [];
      const hi = new Float64Array(readers.length);
      const lo = new Float64Array(readers.length);
      const ix = new Float64Array(readers.length);
      const load = (k: number): boolean => {
        const at = readers[k]!.current();
        if (at < 0) return false;
        const b = readers[k]!.buffer;
        hi[k] = b.readUInt32LE(at);
        lo[k] = b.readUInt32LE(at + 4);
        ix[k] = b.readUInt32LE(at + 8);
        return true;
      };
      // Readers are sorted by rank, so the reader index breaks ties in rank order.
      const less = (a: number, b: number): boolean => hi[a]! < hi[b]! || (hi[a] === hi[b] && (lo[a]! < lo[b]! || (lo[a] === lo[b] && (a < b || (a === b && ix[a]! < ix[b]!)))));
      const up = (i: number): void => {
        while (i > 0) {
          const p = (i - 1) >> 1;
          if (!less(heap[i]!, heap[p]!)) break;
          [heap[i], heap[p]] = [heap[p]!, heap[i]!];
          i = p;
        }
      };
      const down = (i: number): void => {
        for (;;) {
          const l = 2 * i + 1;
          const r = l + 1;
          let m = i;
          if (l < heap.length && less(heap[l]!, heap[m]!)) m = l;
          if (r < heap.length && less(heap[r]!, heap[m]!)) m = r;
          if (m === i) return;
          [heap[i], heap[m]] = [heap[m]!, heap[i]!];
          i = m;
        }
      };
      for (let k = 0; k < readers.length; k++) {
        if (load(k)) {
          heap.push(k);
          up(heap.length - 1);
        }
      }
      let curHi = -1;
      let curLo = -1;
      let firstRank = 0;
      let firstIdx = 0;
      while (heap.length) {
        const k = heap[0]!;
        const rank = hs[k]!.rank;
        const idx = ix[k]!;
        if (hi[k] === curHi && lo[k] === curLo) emit(firstRank, firstIdx, rank, idx, kind);
        else {
          curHi = hi[k]!;
          curLo = lo[k]!;
          firstRank = rank;
          firstIdx = idx;
        }
        readers[k]!.advance();
        if (load(k)) down(0);
        else {
          heap[0] = heap[heap.length - 1]!;
          heap.pop();
          if (heap.length) down(0);
        }
      }
    }
    if (used) w.write(rec.subarray(0, used));
    w.write(Buffer.from('OEND', 'latin1'));
    const cnt = Buffer.alloc(4);
    cnt.writeUInt32LE(pairs);
    w.patch(8, cnt);
    w.commit();
    return { bands: Array.from({ length: to - from + 1 }, (_, i) => from + i), pairs, exactPairs };
  } catch (e) {
    w.abort();
    throw e;
  } finally {
    for (const fd of fds) closeSync(fd);
  }
}

interface PairFile {
  file: string;
  sigFiles: string[];
  bands: [number, number];
  count: number;
  fd: number;
  pairsOffset: number;
}

/** Opens a pair file and validates its header and length (caller closes `fd`). */
export function openPairFile(file: string): PairFile {
  const fd = openSync(file, 'r');
  try {
    const size = fileSize(fd);
    const head = Buffer.alloc(16);
    if (size < 20 || readSync(fd, head, 0, 16, 0) !== 16) throw new FormatError('not a dedup pair file (too short)', { file, hint: 'regenerate it with stage 2 (findBucketPairs)' });
    const magic = head.toString('latin1', 0, 4);
    if (magic !== PAIR_MAGIC) throw new FormatError('not a dedup pair file', { file, expected: PAIR_MAGIC, found: JSON.stringify(magic) });
    if (head.readUInt32LE(4) !== PAIR_VERSION) throw new FormatError('unsupported pair file version', { file, expected: String(PAIR_VERSION), found: String(head.readUInt32LE(4)) });
    const count = head.readUInt32LE(8);
    const metaLen = head.readUInt32LE(12);
    const metaBuf = Buffer.alloc(metaLen);
    readSync(fd, metaBuf, 0, metaLen, 16);
    const meta = JSON.parse(metaBuf.toString('utf8')) as { sigFiles: string[]; bands: [number, number] };
    const pairsOffset = 16 + metaLen;
    if (size !== pairsOffset + count * PAIR_BYTES + 4) throw new FormatError('pair file length does not match its pair count', { file, expected: String(pairsOffset + count * PAIR_BYTES + 4), found: String(size), hint: 'regenerate it with stage 2' });
    return { file, sigFiles: meta.sigFiles.map((s) => resolve(dirname(resolve(file)), s)), bands: meta.bands, count, fd, pairsOffset };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}
