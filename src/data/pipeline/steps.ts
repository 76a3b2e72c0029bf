// The corpus chain, wired from the step modules: the reader source (files → Docs, bad records
// to the quarantine), the stage-1 steps in order (extract → normalize → lid → quality → rights →
// pii), the dedup stage functions, and the vault sink for restricted documents. The one place
// that knows which module implements which step; ranks.ts only runs what this returns.
import { dirname, join, sep } from 'node:path';
import type { Doc } from '../doc.js';
import type { Step, StepContext } from '../step.js';
import type { PlanConfig } from './plan.js';
import type { DedupConfig } from '../dedup/config.js';
import type { WrittenFile } from '../writers/jsonl.js';
import type { QuarantineRecord } from './context.js';
import { readInput } from '../readers/index.js';
import { NormalizeStep, QualityFilter } from '../filters/index.js';
import { ExtractStep } from '../extract/index.js';
import { writeSignatures, SignatureWriter, findBucketPairs, buildClusters, DedupFilter } from '../dedup/index.js';
import { RightsStep } from '../rights/index.js';
import { PiiStep } from '../pii/index.js';
import { VaultWriter, loadKey } from '../vault/index.js';
import { LidStep } from '../lid/index.js';
import { createLid, type LangId } from '../../lid/index.js';
import { rankName } from '../writers/shards.js';
import { DecontaminateFilter } from '../decontaminate/step.js';

/** Longest common folder of the inputs: doc ids hash paths relative to it (stable across cwd). */
export function idBaseOf(files: string[]): string {
  if (files.length === 0) return sep;
  let base = dirname(files[0]!);
  for (const f of files) while (base !== dirname(base) && !f.startsWith(base + sep)) base = dirname(base);
  return base;
}

/** Documents of the rank's files; every quarantined record is logged and counted as read. */
export async function* readerSource(files: string[], cfg: PlanConfig, ctx: StepContext & { quarantineRecord(q: QuarantineRecord): void }, onRecord: () => void, idBase: string): AsyncIterable<Doc> {
  for (const file of files) {
    for await (const item of readInput(file, { maxDocBytes: cfg.maxDocBytes, idBase })) {
      onRecord();
      if ('doc' in item) yield item.doc;
      else ctx.quarantineRecord({ ...item.quarantine, step: 'read' });
    }
  }
}

// One language-ID model per thread, shared by the ranks it runs (loading costs ~0.1–0.3 s).
const lids = new Map<string, Promise<LangId>>();
function lidFor(cfg: PlanConfig): Promise<LangId> {
  const k = `${cfg.lid.model}\0${cfg.lid.threshold}\0${cfg.lid.ensemble}`;
  let p = lids.get(k);
  if (!p) {
    p = createLid({ model: cfg.lid.model, threshold: cfg.lid.threshold, ensemble: cfg.lid.ensemble, splitMixed: false });
    lids.set(k, p);
  }
  return p;
}

export async function stage1Steps(cfg: PlanConfig): Promise<Step[]> {
  return [
    new ExtractStep(),
    new NormalizeStep(cfg.normalize),
    new LidStep(cfg.lid, await lidFor(cfg)),
    new QualityFilter(cfg.quality),
    ...(cfg.decontaminate.tasks.length ? [new DecontaminateFilter(cfg.decontaminate)] : []),
    new RightsStep(cfg.rights),
    new PiiStep(cfg.pii),
  ];
}

/** The file-based dedup stages (signatures per rank → pairs per band → clusters → filter), data/dedup/. */
export const dedupStages = {
  async writeSignatures(docs: AsyncIterable<Doc>, outFile: string, cfg: DedupConfig, rank: number): Promise<void> {
    await writeSignatures(docs, outFile, { rank, config: cfg });
  },
  /** The same file, one document at a time (add, then finish). */
  signatureWriter(outFile: string, cfg: DedupConfig, rank: number): { add(doc: Doc): void; finish(): void } {
    return new SignatureWriter(outFile, { rank, config: cfg });
  },
  /** Pairs of one band (band index `cfg.bands` is the exact-hash band); returns the pair count. */
  findBucketPairs(sigFiles: string[], band: number, outFile: string): number {
    return findBucketPairs(sigFiles, band, outFile).pairs;
  },
  buildClusters(pairFiles: string[], sigFiles: string[], outFile: string): Record<string, number> {
    const s = buildClusters(pairFiles, outFile, { sigFiles });
    return { docs: s.docs, clusters: s.clusters, duplicates: s.dropped, exact: s.exact, near: s.near, pairs: s.pairs };
  },
  filter(clusterFile: string): Step {
    return new DedupFilter(clusterFile);
  },
};

export interface VaultSink {
  write(doc: Doc): void;
  close(): WrittenFile[];
  commit(): void;
  abort(): void;
}

/** The vault key of the run, or undefined when no key file is configured. */
export function vaultKey(cfg: PlanConfig): Buffer | undefined {
  return cfg.rights.vaultKeyFile ? loadKey(cfg.rights.vaultKeyFile) : undefined;
}

/** The vault writer of a rank (`vault/<rank>.vault`), or undefined when no key file is configured. */
export async function openVault(out: string, rank: number, cfg: PlanConfig): Promise<VaultSink | undefined> {
  const key = vaultKey(cfg);
  if (!key) return undefined;
  const w = new VaultWriter(join(out, 'vault', `${rankName(rank)}.vault`), key, { level: cfg.zstdLevel });
  return { write: (d) => void w.write(d), close: () => [w.close()], commit: () => w.commit(), abort: () => w.abort() };
}

/** Fails before any work when the vault key file is configured but unreadable. */
export function checkVaultKey(cfg: PlanConfig): void {
  if (cfg.rights.vaultKeyFile) loadKey(cfg.rights.vaultKeyFile);
}
