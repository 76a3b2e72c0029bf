// Dedup stage 3: union-find over every pair from stage 2 (near and exact), then one kept
// document per cluster, chosen deterministically, written as a cluster map (JSON lines, sorted
// by doc id, only documents in clusters of 2 or more). Not the filter that applies it
// (filter.ts). Reference: datatrove MinhashDedupCluster; Tarjan's union-find with path halving
// and union by size.
import { closeSync, readSync } from 'node:fs';
import { FormatError } from '../../util/errors.js';
import { PAIR_BYTES, checkSignatureSet, openPairFile } from './buckets.js';
import { readSignatureIds } from './signatures.js';
import { AtomicFile } from '../../util/fs.js';

export const CLUSTER_FORMAT = 'oellm-dedup-clusters';
export const CLUSTER_VERSION = 1;

/** Which member of a cluster is kept: the smallest Doc.id (independent of how the input was
 * split into ranks) or the first in (rank, index) order (the earliest in input order when ranks
 * are contiguous slices of the input). */
export type KeepPolicy = 'min-id' | 'first';

export interface ClusterStats {
  docs: number;
  clusters: number;
  dropped: number;
  exact: number;
  near: number;
  pairs: number;
}

export interface ClusterEntry {
  id: string;
  cluster: string;
  size: number;
  keep: boolean;
  /** For dropped members: `exact` if its normalised text equals the kept one's, else `near`. */
  reason?: 'exact' | 'near';
}

/** Union-find over 0..n-1: path halving, union by size. */
export class UnionFind {
  readonly parent: Int32Array;
  readonly size: Int32Array;
  constructor(n: number) {
    this.parent = new Int32Array(n);
    this.size = new Int32Array(n).fill(1);
    for (let i = 0; i < n; i++) this.parent[i] = i;
  }
  find(x: number): number {
    const p = this.parent;
    while (p[x] !== x) {
      p[x] = p[p[x]!]!;
      x = p[x]!;
    }
    return x;
  }
  union(a: number, b: number): void {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return;
    if (this.size[ra]! < this.size[rb]!) [ra, rb] = [rb, ra];
    this.parent[rb] = ra;
    this.size[ra]! += this.size[rb]!;
  }
}

/**
 * Stage 3: reads pair files (and the signature files they name, for the doc ids), builds the
 * clusters and writes the cluster map atomically.
 */
export function buildClusters(pairFiles: string[], outFile: string, opts: { sigFiles?: string[]; keep?: KeepPolicy } = {}): ClusterStats {
  const keep = opts.keep ?? 'min-id';
  const pfs = pairFiles.map(openPairFile);
  try {
    let sigFiles = opts.sigFiles;
    if (!sigFiles) {
      const set = new Set<string>();
      for (const p of pfs) for (const s of p.sigFiles) set.add(s);
      sigFiles = [...set];
    }
    if (sigFiles.length === 0) throw new FormatError('no signature files named by the pair files', { file: pairFiles[0], hint: 'pass opts.sigFiles' });
    const hs = checkSignatureSet(sigFiles);
    // Global index = base[rank position] + index within rank.
    const base = new Map<number, number>();
    const docsOf = new Map<number, number>();
    let n = 0;
    for (const h of hs) {
      base.set(h.rank, n);
      docsOf.set(h.rank, h.docs);
      n += h.docs;
    }
    const all = new UnionFind(n);
    const exact = new UnionFind(n);
    const g = (rank: number, idx: number, file: string): number => {
      const b = base.get(rank);
      if (b === undefined || idx >= docsOf.get(rank)!) throw new FormatError(`pair names doc ${rank}:${idx}, which no signature file has`, { file, hint: 'the pair and signature files come from different runs; regenerate stage 2' });
      return b + idx;
    };
    let pairs = 0;
    const buf = Buffer.alloc(PAIR_BYTES * 8192);
    for (const p of pfs) {
      let at = p.pairsOffset;
      let left = p.count;
      while (left > 0) {
        const m = Math.min(left, 8192);
        readSync(p.fd, buf, 0, m * PAIR_BYTES, at);
        for (let j = 0; j < m; j++) {
          const o = j * PAIR_BYTES;
          const a = g(buf.readUInt32LE(o), buf.readUInt32LE(o + 4), p.file);
          const b = g(buf.readUInt32LE(o + 8), buf.readUInt32LE(o + 12), p.file);
          all.union(a, b);
          if (buf.readUInt32LE(o + 16) === 1) exact.union(a, b);
        }
        at += m * PAIR_BYTES;
        left -= m;
        pairs += m;
      }
    }
    // Members of every non-singleton cluster, in global (rank, index) order.
    // Doc ids only of documents in clusters of 2 or more (memory ∝ duplicates, not corpus).
    const ids = new Map<number, string>();
    for (const h of hs) {
      const b = base.get(h.rank)!;
      readSignatureIds(h.file, (idx, id) => {
        if (all.size[all.find(b + idx)]! >= 2) ids.set(b + idx, id);
      });
    }
    const keeper = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const r = all.find(i);
      if (all.size[r]! < 2) continue;
      const k = keeper.get(r);
      if (k === undefined || (keep === 'min-id' && ids.get(i)! < ids.get(k)!)) keeper.set(r, i);
    }
    const entries: ClusterEntry[] = [];
    let exactN = 0;
    let nearN = 0;
    for (let i = 0; i < n; i++) {
      const r = all.find(i);
      const size = all.size[r]!;
      if (size < 2) continue;
      const k = keeper.get(r)!;
      const e: ClusterEntry = { id: ids.get(i)!, cluster: ids.get(k)!, size, keep: i === k };
      if (i !== k) {
        e.reason = exact.find(i) === exact.find(k) ? 'exact' : 'near';
        if (e.reason === 'exact') exactN++;
        else nearN++;
      }
      entries.push(e);
    }
    entries.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (let i = 1; i < entries.length; i++) {
      if (entries[i]!.id === entries[i - 1]!.id) throw new FormatError(`doc id ${entries[i]!.id} appears twice in the dedup input`, { file: sigFiles[0], hint: 'doc ids must be unique across ranks' });
    }
    const stats: ClusterStats = { docs: n, clusters: keeper.size, dropped: exactN + nearN, exact: exactN, near: nearN, pairs };
    const w = new AtomicFile(outFile);
    try {
      w.write(JSON.stringify({ format: CLUSTER_FORMAT, version: CLUSTER_VERSION, keep, ...stats }) + '\n');
      for (const e of entries) w.write(JSON.stringify(e) + '\n');
      w.commit();
    } catch (err) {
      w.abort();
      throw err;
    }
    return stats;
  } finally {
    for (const p of pfs) closeSync(p.fd);
  }
}
