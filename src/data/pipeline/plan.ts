// The plan of a corpus run (`<out>/plan.json`): resolved config, the sorted input files with
// sizes, their deterministic split over ranks, and the stages with their rank counts. Every
// executor (local threads, Slurm array tasks) reads only this file, so a rank is a pure function
// of (plan, stage, rank). Holds no paths of the output dir and no times: a re-run rebuilds the
// same bytes and may resume. Not an executor. Reference: datatrove executor `world_size`/rank.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { DataConfig } from '../config.js';
import { OellmError } from '../../util/errors.js';
import { readJson, writeJsonAtomic } from '../../util/fs.js';
import { VERSION } from '../../util/version.js';

export type StageName = 'stage1' | 'buckets' | 'clusters' | 'final';

interface StagePlan {
  name: StageName;
  ranks: number;
}

interface InputFile {
  path: string;
  bytes: number;
}

/** The config a plan records: everything that shapes the output; not how it is executed. */
export type PlanConfig = Omit<DataConfig, 'workers' | 'executor' | 'slurm' | 'ranks'> & { ranks: number };

export interface Plan {
  format: 'oellm-data-plan/1';
  version: string;
  config: PlanConfig;
  inputs: InputFile[];
  /** stage-1 rank → indexes into `inputs` (sorted). */
  assignment: number[][];
  /** bucket rank → LSH band indexes it handles. */
  bands: number[][];
  stages: StagePlan[];
}

export function dedupEnabled(cfg: Pick<DataConfig, 'dedup'>): boolean {
  return cfg.dedup.exact || cfg.dedup.minhash;
}

/**
 * Splits files over ranks by size: largest first onto the least-loaded rank (ties: lower rank),
 * then each rank's list in path order. Deterministic for a given (sorted) list.
 */
export function assignFiles(inputs: InputFile[], ranks: number): number[][] {
  const order = inputs.map((f, i) => ({ i, bytes: f.bytes, path: f.path }));
  order.sort((a, b) => b.bytes - a.bytes || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const load = new Array<number>(ranks).fill(0);
  const out: number[][] = Array.from({ length: ranks }, () => []);
  for (const f of order) {
    let best = 0;
    for (let r = 1; r < ranks; r++) if (load[r]! < load[best]!) best = r;
    out[best]!.push(f.i);
    // Count a file as at least 1 byte so empty files spread too.
    load[best]! += Math.max(1, f.bytes);
  }
  for (const l of out) l.sort((a, b) => a - b);
  return out;
}

export function makePlan(cfg: DataConfig, files: string[]): Plan {
  const sorted = [...new Set(files)].sort();
  const inputs = sorted.map((path) => ({ path, bytes: statSync(path).size }));
  const ranks = cfg.ranks ?? cfg.workers;
  // Worker count, executor and Slurm settings do not change a byte of output: a run may be
  // resumed with other values, so they stay out of the plan (and the manifest).
  const { workers: _w, executor: _e, slurm: _s, ranks: _r, ...rest } = cfg;
  const config: PlanConfig = { ranks, ...rest };
  const stages: StagePlan[] = [{ name: 'stage1', ranks }];
  let bands: number[][] = [];
  if (dedupEnabled(cfg)) {
    // Exact dedup rides as one extra band after the LSH bands (index = bands; data/dedup/buckets.ts).
    const all = [...(cfg.dedup.minhash ? Array.from({ length: cfg.dedup.bands }, (_, b) => b) : []), ...(cfg.dedup.exact ? [cfg.dedup.bands] : [])];
    const d = Math.min(all.length, cfg.dedupRanks ?? ranks);
    bands = Array.from({ length: d }, () => []);
    all.forEach((b, i) => bands[i % d]!.push(b));
    stages.push({ name: 'buckets', ranks: d }, { name: 'clusters', ranks: 1 });
  }
  stages.push({ name: 'final', ranks });
  return { format: 'oellm-data-plan/1', version: VERSION, config, inputs, assignment: assignFiles(inputs, ranks), bands, stages };
}

export function planPath(outDir: string): string {
  return join(outDir, 'plan.json');
}

/**
 * Writes the plan, or checks that an existing one (a run being resumed) is the same: resuming
 * with other inputs or another config would mix two datasets.
 */
export function writeOrCheckPlan(outDir: string, plan: Plan): void {
  const p = planPath(outDir);
  if (existsSync(p)) {
    const old = readFileSync(p, 'utf8');
    const now = JSON.stringify(plan, null, 2) + '\n';
    if (old !== now) {
      throw new OellmError(`${outDir} holds a run with another plan (inputs, their sizes, or the configuration differ)`, {
        code: 'E_PLAN',
        file: p,
        hint: 'use a new --out folder, or delete this one to start over; the same command resumes an interrupted run',
      });
    }
    return;
  }
  writeJsonAtomic(p, plan);
}

/** Ranks of an existing plan in `outDir` (resuming without --ranks keeps them), or undefined. */
export function existingRanks(outDir: string): number | undefined {
  const p = planPath(outDir);
  if (!existsSync(p)) return undefined;
  try {
    return readPlan(p).config.ranks;
  } catch {
    return undefined;
  }
}

export function readPlan(file: string): Plan {
  const plan = readJson<Plan>(file);
  if (plan.format !== 'oellm-data-plan/1') throw new OellmError(`not an oellm data plan`, { file, code: 'E_FORMAT', hint: 'pass the plan.json written by `oellm data run`' });
  return plan;
}
