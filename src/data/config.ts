// The corpus pipeline's configuration (`oellm data run`, `data:` in `oellm build`): the
// orchestration dials (ranks, workers, executor, shard size, exclusion writer, size limit) plus
// every step's own schema, composed. Strict: unknown keys are an error. Not the steps' logic.
// Defaults ← YAML/JSON file ← flags via src/config/load.ts. Reference: datatrove executor args.
import { DecontaminateConfigSchema } from './decontaminate/step.js';
import { z } from 'zod';
import { DedupConfigSchema } from './dedup/config.js';
import { NormalizeConfigSchema, QualityConfigSchema } from './filters/config.js';
import { PiiConfigSchema } from './pii/config.js';
import { RightsConfigSchema } from './rights/config.js';
import { LidConfigSchema } from './lid/config.js';
import { availableParallelism } from 'node:os';

export const SlurmConfigSchema = z
  .strictObject({
    partition: z.string().optional().describe('sbatch --partition (default: the cluster default)'),
    account: z.string().optional().describe('sbatch --account'),
    time: z.string().default('04:00:00').describe('sbatch --time per array task'),
    cpusPerTask: z.number().int().positive().default(1).describe('sbatch --cpus-per-task'),
    mem: z.string().optional().describe('sbatch --mem per task (e.g. 4G); unset: the cluster default'),
    maxParallel: z.number().int().positive().optional().describe('at most this many array tasks at once (--array=…%N)'),
    extraArgs: z.array(z.string()).default([]).describe('more sbatch arguments, verbatim (e.g. ["--qos=debug"])'),
    node: z.string().optional().describe("the node binary on the compute nodes (default: the driver's own node, by absolute path)"),
    pollSeconds: z.number().positive().default(2).describe('how often the driver polls squeue'),
  })
  .describe('Slurm executor');

/** Worker threads beyond this many per core only add contention (`--workers 1000` started 972 threads). */
const WORKERS_PER_CORE = 4;
const MAX_WORKERS = Math.max(WORKERS_PER_CORE, WORKERS_PER_CORE * availableParallelism());

export const DataConfigSchema = z
  .strictObject({
    ranks: z.number().int().positive().optional().describe('stage-1 / final ranks (input files are split over them); default: workers. Output file names depend on it, worker count does not'),
    workers: z
      .number()
      .int()
      .positive()
      .max(MAX_WORKERS, `at most ${MAX_WORKERS} worker threads on this machine (${WORKERS_PER_CORE} per CPU core, ${availableParallelism()} cores): more only thrash it; --ranks splits the input finer without more threads`)
      .default(1)
      .describe('local executor: worker threads running ranks at the same time (at most 4 per CPU core)'),
    executor: z.enum(['local', 'slurm']).default('local').describe('local worker threads, or sbatch job arrays chained by dependencies'),
    dedupRanks: z.number().int().positive().optional().describe('ranks of the bucket stage (each takes a range of LSH bands); default: min(bands, ranks)'),
    maxDocBytes: z
      .number()
      .int()
      .positive()
      .default(8 * 1024 * 1024)
      .describe('larger records are quarantined (reason doc-too-large) instead of read'),
    shardMaxBytes: z.number().int().nonnegative().default(0).describe('roll a shard over to <rank>-<k>.jsonl.zst after this many uncompressed bytes; 0: one shard per language and rank'),
    zstdLevel: z.number().int().min(1).max(19).default(3).describe('zstd level of shards and intermediate files'),
    exclusions: z.boolean().default(false).describe('write dropped documents with their reason to excluded/<step>/<rank>.jsonl.zst'),
    keepWork: z.boolean().default(true).describe('keep work/ (intermediate docs, signatures, markers) after a successful run; needed to resume or re-merge'),
    normalize: NormalizeConfigSchema.prefault({}),
    lid: LidConfigSchema.prefault({}),
    quality: QualityConfigSchema.prefault({}),
    rights: RightsConfigSchema.prefault({}),
    pii: PiiConfigSchema.prefault({}),
    dedup: DedupConfigSchema.prefault({}),
    decontaminate: DecontaminateConfigSchema.prefault({}),
    slurm: SlurmConfigSchema.prefault({}),
  })
  .describe('corpus pipeline');

export type SlurmConfig = z.output<typeof SlurmConfigSchema>;
export type DataConfig = z.output<typeof DataConfigSchema>;
export type DataConfigInput = z.input<typeof DataConfigSchema>;
