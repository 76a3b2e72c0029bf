// Dedup stage 4: the filter that applies a cluster map (stage 3) to the document stream: drops
// every non-kept member with `dedup.exact` or `dedup.near` and records {cluster, size} on the
// kept ones (a document in no cluster is its own cluster of size 1). Not the clustering.
// Reference: datatrove MinhashDedupFilter.
import { readFileSync } from 'node:fs';
import type { Doc, Verdict } from '../doc.js';
import { Filter } from '../step.js';
import { FormatError } from '../../util/errors.js';
import { CLUSTER_FORMAT, CLUSTER_VERSION, type ClusterEntry } from './clusters.js';

/** Reads a cluster map into id → entry (only documents in clusters of 2 or more). */
export function readClusterMap(file: string): Map<string, ClusterEntry> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new FormatError(`cannot read cluster map: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file, hint: 'run dedup stage 3 (buildClusters) first' });
  }
  const lines = text.split('\n');
  let head: { format?: string; version?: number };
  try {
    head = JSON.parse(lines[0]!) as typeof head;
  } catch {
    head = {};
  }
  if (head.format !== CLUSTER_FORMAT || head.version !== CLUSTER_VERSION) throw new FormatError('not a dedup cluster map', { file, offset: 0, expected: `${CLUSTER_FORMAT} v${CLUSTER_VERSION}`, found: (lines[0] ?? '').slice(0, 60) });
  const map = new Map<string, ClusterEntry>();
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i]!;
    if (!l) continue;
    let e: ClusterEntry;
    try {
      e = JSON.parse(l) as ClusterEntry;
    } catch {
      throw new FormatError('corrupt cluster map line', { file, offset: i, hint: 'regenerate it with stage 3' });
    }
    map.set(e.id, e);
  }
  return map;
}

/** Filter `dedup`: constructor(clusterMapFile). */
export class DedupFilter extends Filter {
  readonly name = 'dedup';
  private readonly map: Map<string, ClusterEntry>;
  constructor(clusterMapFile: string) {
    super();
    this.map = readClusterMap(clusterMapFile);
  }
  filter(doc: Doc): Verdict {
    const e = this.map.get(doc.id);
    if (!e) {
      doc.dedup = { cluster: doc.id, size: 1 };
      return { keep: true };
    }
    if (e.keep) {
      doc.dedup = { cluster: e.cluster, size: e.size };
      return { keep: true };
    }
    return { drop: e.reason === 'exact' ? 'dedup.exact' : 'dedup.near' };
  }
}
