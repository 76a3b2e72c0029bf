// Public surface of deduplication: the four stages (signatures → buckets → clusters → filter)
// and `dedupClusters`, which runs stages 2 and 3 in one process for a single machine.
// Not the pipeline orchestration (pipeline*.ts decides where the files live and which rank runs what).
import { join } from 'node:path';
import { findBucketPairs, checkSignatureSet } from './buckets.js';
import { buildClusters, type ClusterStats, type KeepPolicy } from './clusters.js';

export { DedupConfigSchema, lshThreshold, type DedupConfig } from './config.js';
export { writeSignatures, SignatureWriter, readSignatureHeader, readSignatureIds, type SignatureStats, type SignatureHeader } from './signatures.js';
export { findBucketPairs, checkSignatureSet, type PairStats } from './buckets.js';
export { buildClusters, UnionFind, type ClusterStats, type ClusterEntry, type KeepPolicy } from './clusters.js';
export { DedupFilter, readClusterMap } from './filter.js';
export { words, shingles, minhash, hashFamily, jaccard, candidateProbability, exactKey } from './minhash.js';

/** Stages 2 + 3 on one machine: one pair file per band (and the exact band) under workDir, then the cluster map. */
export function dedupClusters(sigFiles: string[], workDir: string, clusterMapFile: string, opts: { keep?: KeepPolicy } = {}): ClusterStats {
  const hs = checkSignatureSet(sigFiles);
  const pairFiles: string[] = [];
  for (let b = 0; b <= hs[0]!.bands; b++) {
    const f = join(workDir, `pairs-${String(b).padStart(2, '0')}.bin`);
    findBucketPairs(sigFiles, b, f);
    pairFiles.push(f);
  }
  return buildClusters(pairFiles, clusterMapFile, { sigFiles, ...(opts.keep ? { keep: opts.keep } : {}) });
}
