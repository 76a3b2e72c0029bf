// Slurm executor: submits each stage of the plan as one `sbatch --array` job (pending ranks
// only), chained with `--dependency=afterok:<previous job>`; every array task runs
// `node bin/oellm.js data rank --plan <out>/plan.json --stage S` (rank = SLURM_ARRAY_TASK_ID).
// The driver polls squeue until the jobs leave the queue, then checks each rank's completion
// marker (a failed task leaves none and its log is named). Not a scheduler; no mock: CI runs it
// against a real single-node Slurm (scripts/slurm/start.sh). Reference: datatrove SlurmPipelineExecutor.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Plan } from '../pipeline/plan.js';
import type { SlurmConfig } from '../config.js';
import { isDone } from '../pipeline/ranks.js';
import { rankName } from '../writers/shards.js';
import { OellmError } from '../../util/errors.js';
import type { ExecutorOptions } from './local.js';
import { Interrupted, stopRequested } from '../../util/interrupt.js';

const run = promisify(execFile);

/** The repository root (bin/oellm.js lives there), from this file's location in src/ or dist/. */
export function repoRoot(): string {
  return resolve(fileURLToPath(new URL('../../../', import.meta.url)));
}

/** `[0,1,2,5,7,8]` → `0-2,5,7-8` (sbatch --array syntax). */
export function arraySpec(ranks: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < ranks.length;) {
    let j = i;
    while (j + 1 < ranks.length && ranks[j + 1] === ranks[j]! + 1) j++;
    parts.push(i === j ? `${ranks[i]}` : `${ranks[i]}-${ranks[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

async function sbatch(args: string[]): Promise<string> {
  try {
    const { stdout } = await run('sbatch', args);
    return stdout.trim().split(';')[0]!;
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') throw new OellmError('sbatch not found', { code: 'E_SLURM', hint: 'the slurm executor needs the Slurm client tools on PATH (Debian: slurm-client); use --executor local otherwise' });
    throw new OellmError(`sbatch failed: ${(err.stderr ?? err.message).trim()}`, { code: 'E_SLURM', hint: 'check the partition/account/time settings (slurm: in the config) and `sinfo`' });
  }
}

/**
 * Job ids from the list that are still in the queue (pending or running). A controller that does
 * not answer is retried for about a minute (slurmctld restarts and busy controllers happen on
 * real clusters) before the driver gives up; the jobs themselves go on either way.
 */
async function inQueue(ids: string[], retries = 12): Promise<Set<string>> {
  for (let attempt = 0; ; attempt++) {
    try {
      const { stdout } = await run('squeue', ['-h', '-o', '%A', '-j', ids.join(',')]);
      return new Set(
        stdout
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean),
      );
    } catch (e) {
      const msg = String((e as { stderr?: string }).stderr ?? '');
      // Jobs purged from the controller already (MinJobAge): nothing is queued.
      if (/Invalid job id/i.test(msg)) return new Set();
      const transient = /Unable to contact slurm controller|Socket timed out|Connection refused|connect failure/i.test(msg);
      if (transient && attempt < retries) {
        await new Promise((r) => setTimeout(r, 5000));
        continue;
      }
      throw new OellmError(`squeue failed: ${msg.trim() || (e as Error).message}`, { code: 'E_SLURM', hint: 'is slurmctld running? try `sinfo`; the submitted jobs keep running, and re-running the same command waits for them' });
    }
  }
}

/** Job names carry a hash of the dataset dir, so a re-run can find its own jobs still queued. */
function jobName(out: string, stage: string): string {
  return `oellm-${stage}-${createHash('sha256').update(out).digest('hex').slice(0, 8)}`;
}

/** Ids of queued jobs with one of these names. */
async function queuedByName(names: string[]): Promise<string[]> {
  try {
    const { stdout } = await run('squeue', ['-h', '-o', '%A', '-n', names.join(',')]);
    return [
      ...new Set(
        stdout
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean),
      ),
    ];
  } catch (e) {
    throw new OellmError(`squeue failed: ${String((e as { stderr?: string }).stderr ?? (e as Error).message).trim()}`, { code: 'E_SLURM', hint: 'is slurmctld running? try `sinfo`' });
  }
}

export async function runSlurm(plan: Plan, planFile: string, out: string, cfg: SlurmConfig, opts: ExecutorOptions): Promise<void> {
  const { logger, progress } = opts;
  const logs = join(out, 'logs');
  mkdirSync(logs, { recursive: true });
  const oellm = join(repoRoot(), 'bin', 'oellm.js');
  // A driver killed while its jobs ran: resubmitting now would run a rank twice at once.
  const still = await queuedByName(plan.stages.map((s) => jobName(out, s.name)));
  if (still.length) {
    throw new OellmError(`jobs of this run are still queued or running (${still.join(', ')})`, {
      code: 'E_SLURM',
      hint: `wait for them (squeue -j ${still.join(',')}) or cancel them (scancel ${still.join(' ')}), then run the same command again`,
    });
  }
  let prev: string | undefined;
  const jobs: { stage: string; id: string; ranks: number[] }[] = [];
  for (const st of plan.stages) {
    const pending = Array.from({ length: st.ranks }, (_, r) => r).filter((r) => !isDone(out, st.name, r));
    if (pending.length === 0) {
      logger.info('stage already done', { stage: st.name });
      continue;
    }
    const cmd = [cfg.node ?? process.execPath, oellm, 'data', 'rank', '--plan', planFile, '--stage', st.name].map(shellQuote).join(' ');
    const args = [
      '--parsable',
      `--job-name=${jobName(out, st.name)}`,
      `--array=${arraySpec(pending)}${cfg.maxParallel ? `%${cfg.maxParallel}` : ''}`,
      `--output=${join(logs, `${st.name}-%A_%a.log`)}`,
      `--time=${cfg.time}`,
      `--cpus-per-task=${cfg.cpusPerTask}`,
      `--chdir=${out}`,
      '--kill-on-invalid-dep=yes',
      ...(cfg.partition ? [`--partition=${cfg.partition}`] : []),
      ...(cfg.account ? [`--account=${cfg.account}`] : []),
      ...(cfg.mem ? [`--mem=${cfg.mem}`] : []),
      ...(prev ? [`--dependency=afterok:${prev}`] : []),
      ...cfg.extraArgs,
      `--wrap=OELLM_LOG=json exec ${cmd}`,
    ];
    const id = await sbatch(args);
    logger.info('submitted', { stage: st.name, job: id, tasks: pending.length, dependency: prev ?? null });
    jobs.push({ stage: st.name, id, ranks: pending });
    prev = id;
  }
  if (jobs.length === 0) return;
  const bars = new Map(plan.stages.map((s) => [s.name, progress?.bar(s.name, s.ranks, 'ranks')]));
  for (;;) {
    for (const s of plan.stages) {
      let done = 0;
      for (let r = 0; r < s.ranks; r++) if (isDone(out, s.name, r)) done++;
      bars.get(s.name)?.update(done);
    }
    const sig = stopRequested();
    if (sig) {
      // Stopped driver: cancel its jobs, or a resume would find them queued and refuse.
      await run(
        'scancel',
        jobs.map((j) => j.id),
      ).catch(() => undefined);
      throw new Interrupted(sig, 'data run stopped', `its Slurm jobs (${jobs.map((j) => j.id).join(', ')}) were cancelled; run the same command again: finished ranks are kept`);
    }
    const q = await inQueue(jobs.map((j) => j.id));
    if (q.size === 0) break;
    await new Promise((r) => setTimeout(r, cfg.pollSeconds * 1000));
  }
  for (const b of bars.values()) b?.stop();
  for (const j of jobs) {
    const missing = j.ranks.filter((r) => !isDone(out, j.stage as Plan['stages'][number]['name'], r));
    if (missing.length) {
      throw new OellmError(`Slurm job ${j.id} (stage ${j.stage}): ${missing.length} task(s) did not finish (ranks ${arraySpec(missing)})`, {
        code: 'E_SLURM',
        file: join(logs, `${j.stage}-${j.id}_${missing[0]}.log`),
        hint: `read the task logs in ${logs}; run the same command again to resubmit only the unfinished ranks (and ${rankName(missing[0]!)}'s later stages)`,
      });
    }
  }
}
