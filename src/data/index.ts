// Public API of the corpus pipeline (`oellm data run`, and `oellm build`'s data stage):
// runDataPipeline(config, {inputs, out}) plans the run, executes its stages locally or on Slurm,
// resumes from completion markers, merges, and returns the manifest. Not the CLI (cli/commands/
// data.ts). Dataset dir: shards/<lang>/<rank>.jsonl.zst, manifest.json, stats.json,
// quarantine.jsonl, vault/, excluded/ (optional), plan.json, work/ (intermediate), logs/ (Slurm).
import { mkdirSync, writeFileSync } from 'node:fs';
import { lockDir } from '../util/lock.js';
import { checkOutDir } from '../util/outdir.js';
import { catchStopSignals } from '../util/interrupt.js';
import { join, resolve } from 'node:path';
import { DataConfigSchema, type DataConfig, type DataConfigInput } from './config.js';
import { expandInputs } from './readers/index.js';
import { existingRanks, makePlan, planPath, readPlan, writeOrCheckPlan, type Plan, type StageName } from './pipeline/plan.js';
import { runRank } from './pipeline/ranks.js';
import { checkVaultKey } from './pipeline/steps.js';
import { mergeRun } from './pipeline/merge.js';
import { runLocal } from './executors/local.js';
import { runSlurm } from './executors/slurm.js';
import type { Manifest } from './writers/manifest.js';
import { createLogger, silentLogger, type Logger } from '../util/log.js';
import { Progress } from '../util/progress.js';

export { DataConfigSchema, SlurmConfigSchema, type DataConfig, type DataConfigInput } from './config.js';
export type { Manifest } from './writers/manifest.js';
export type { Plan, StageName } from './pipeline/plan.js';
export { LidStep, LidConfigSchema, type LidConfig } from './lid/index.js';
export { readJsonl } from './writers/jsonl.js';
export { langLabel } from './writers/shards.js';

export interface RunOptions {
  /** Files, folders or globs. */
  inputs: string[];
  /** Dataset dir (created; an existing one with the same plan is resumed). */
  out: string;
  logger?: Logger;
  /** Progress bars (TTY) or progress log lines; off when undefined. */
  progress?: Progress;
}

/** Runs (or resumes) the whole pipeline and returns the manifest. */
export async function runDataPipeline(config: DataConfig | DataConfigInput, opts: RunOptions): Promise<Manifest> {
  let cfg = DataConfigSchema.parse(config);
  const out = checkOutDir(opts.out, { inputs: opts.inputs });
  const prevRanks = existingRanks(out);
  if (cfg.ranks === undefined && prevRanks !== undefined) cfg = { ...cfg, ranks: prevRanks };
  const logger = opts.logger ?? silentLogger;
  const files = await expandInputs(opts.inputs);
  const plan = makePlan(cfg, files);
  // An empty file reads as no records (counts still balance), but it is rarely what was meant:
  // a 0-byte .gz/.zst is not even a valid compressed stream (an interrupted download?).
  for (const f of plan.inputs) {
    if (f.bytes === 0) logger.warn(`empty input file (0 bytes)${/\.(gz|zst)$/i.test(f.path) ? ', not a valid compressed stream' : ''}: nothing read from it`, { file: f.path });
  }
  checkVaultKey(plan.config);
  mkdirSync(out, { recursive: true });
  writeOrCheckPlan(out, plan);
  const pf = planPath(out);
  const unlock = lockRun(out);
  const release = catchStopSignals();
  try {
    return await execute(cfg, plan, pf, out, logger, opts);
  } finally {
    release();
    unlock();
  }
}

/**
 * One driver per dataset dir: `work/.lock` holds the driver's pid (src/util/lock.ts). A lock whose
 * process is gone (a killed run) is taken over; a live one is an error, since two drivers would
 * write the same temp files.
 */
function lockRun(out: string): () => void {
  return lockDir(out, { file: join(out, 'work', '.lock'), what: 'oellm data run' });
}

async function execute(cfg: DataConfig, plan: Plan, pf: string, out: string, logger: Logger, opts: RunOptions): Promise<Manifest> {
  const t0 = Date.now();
  logger.info('data run', { out, inputs: plan.inputs.length, executor: cfg.executor, stages: plan.stages.map((s) => `${s.name}×${s.ranks}`).join(' ') });
  let stages: Record<string, number> = {};
  if (cfg.executor === 'slurm') await runSlurm(plan, pf, out, cfg.slurm, { logger, progress: opts.progress });
  else stages = await runLocal(plan, pf, out, cfg.workers, { logger, progress: opts.progress, jsonLogs: true });
  opts.progress?.stop();
  const manifest = mergeRun(plan, out, { keepWork: cfg.keepWork });
  const seconds = (Date.now() - t0) / 1000;
  // Wall-clock figures live apart from the byte-compared outputs (manifest/shards).
  writeFileSync(join(out, 'timings.json'), JSON.stringify({ seconds, inputBytes: plan.inputs.reduce((a, f) => a + f.bytes, 0), executor: cfg.executor, workers: cfg.workers, ranks: plan.config.ranks, stages }, null, 2) + '\n');
  logger.info('data run done', { seconds, in: manifest.counts.in, kept: manifest.counts.kept, dropped: manifest.counts.dropped, quarantined: manifest.counts.quarantined });
  return manifest;
}

/** Runs one rank of a planned run (Slurm array tasks; `oellm data rank`). */
export async function runPlannedRank(planFile: string, stage: StageName, rank: number, logger: Logger = createLogger()): Promise<boolean> {
  const plan: Plan = readPlan(planFile);
  return runRank(plan, resolve(planFile, '..'), stage, rank, { logger });
}
