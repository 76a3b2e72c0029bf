// Local executor: runs the plan's stages in order on this machine, each stage's pending ranks
// (no completion marker yet) spread over N worker threads (node:worker_threads), one rank per
// thread at a time; with one worker the ranks run in this thread. Progress bars on a terminal,
// structured log lines otherwise. Not the rank logic (pipeline/ranks.ts), not Slurm (slurm.ts).
// Reference: datatrove LocalPipelineExecutor.
import { Worker } from 'node:worker_threads';
import type { Plan, StageName } from '../pipeline/plan.js';
import { isDone, runRank } from '../pipeline/ranks.js';
import { OellmError } from '../../util/errors.js';
import type { Logger } from '../../util/log.js';
import type { Progress } from '../../util/progress.js';
import type { WorkerJob, WorkerMessage } from './worker.js';
import { Interrupted, onStop, throwIfStopped } from '../../util/interrupt.js';

const STOPPED = 'data run stopped';
const RESUME = 'run the same command again: finished ranks are kept and skipped';

export interface ExecutorOptions {
  logger: Logger;
  progress?: Progress | undefined;
  /** JSON log lines from workers (matches the driver's logger). */
  jsonLogs?: boolean;
}

/** Starts a worker thread on worker.ts/js; under tsx (sources) the thread registers tsx first. */
function spawnWorker(planFile: string, out: string, jsonLogs: boolean): Worker {
  const isTs = import.meta.url.endsWith('.ts');
  const url = new URL(`./worker.${isTs ? 'ts' : 'js'}`, import.meta.url);
  const workerData = { planFile, out, jsonLogs };
  if (!isTs) return new Worker(url, { workerData });
  // Node 20 workers do not inherit loaders registered through the tsx API (bin/oellm.js),
  // so the thread registers tsx itself before importing the TypeScript entry.
  const tsx = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(code, { eval: true, workerData });
}

/** Runs every stage; returns wall seconds per stage (for timings.json, never the manifest). */
export async function runLocal(plan: Plan, planFile: string, out: string, workers: number, opts: ExecutorOptions): Promise<Record<string, number>> {
  const { logger, progress } = opts;
  const pool: Worker[] = [];
  const seconds: Record<string, number> = {};
  try {
    for (const st of plan.stages) {
      const t0 = performance.now();
      const pending = Array.from({ length: st.ranks }, (_, r) => r).filter((r) => !isDone(out, st.name, r));
      const bar = progress?.bar(st.name, st.ranks, 'ranks');
      bar?.update(st.ranks - pending.length, { docs: 0 });
      if (pending.length < st.ranks) logger.info('resuming: ranks already done are skipped', { stage: st.name, done: st.ranks - pending.length, ranks: st.ranks });
      const docsByRank = new Map<number, number>();
      let finished = 0;
      const onProgress = (rank: number, docs: number) => {
        docsByRank.set(rank, docs);
        let total = 0;
        for (const v of docsByRank.values()) total += v;
        bar?.update(st.ranks - pending.length + finished, { docs: total });
      };
      const nThreads = Math.min(workers, pending.length);
      if (nThreads <= 1) {
        for (const r of pending) {
          throwIfStopped(STOPPED, RESUME);
          await runRank(plan, out, st.name, r, { logger, onProgress: (d) => (throwIfStopped(STOPPED, RESUME), onProgress(r, d)) });
          finished++;
          onProgress(r, docsByRank.get(r) ?? 0);
        }
      } else {
        while (pool.length < nThreads) pool.push(spawnWorker(planFile, out, opts.jsonLogs ?? true));
        await runOnPool(
          pool.slice(0, nThreads),
          st.name,
          pending,
          logger,
          (r, d) => onProgress(r, d),
          () => {
            finished++;
          },
          progress ? (l) => progress.write(l) : undefined,
        );
        onProgress(-1, 0);
      }
      bar?.stop();
      seconds[st.name] = Math.round(performance.now() - t0) / 1000;
    }
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return seconds;
}

function runOnPool(threads: Worker[], stage: StageName, ranks: number[], logger: Logger, onProgress: (rank: number, docs: number) => void, onDone: () => void, write?: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const queue = [...ranks];
    let running = 0;
    let failed = false;
    // A stop signal ends the stage; runLocal's finally terminates the threads mid-rank (the
    // unfinished ranks have no completion marker and run again on resume).
    const cleanups: (() => void)[] = [
      onStop((sig) => {
        if (failed) return;
        failed = true;
        finish(new Interrupted(sig, STOPPED, RESUME));
      }),
    ];
    const finish = (err?: Error) => {
      for (const c of cleanups) c();
      if (err) reject(err);
      else resolve();
    };
    const next = (w: Worker) => {
      const r = queue.shift();
      if (r === undefined) {
        if (running === 0 && !failed) finish();
        return;
      }
      running++;
      w.postMessage({ type: 'run', stage, rank: r } satisfies WorkerJob);
    };
    for (const w of threads) {
      const onMessage = (m: WorkerMessage) => {
        if (m.type === 'log') (write ?? ((l: string) => process.stderr.write(l)))(m.line);
        else if (m.type === 'progress') onProgress(m.rank, m.docs);
        else if (m.type === 'done') {
          running--;
          onDone();
          if (!failed) next(w);
        } else if (m.type === 'error') {
          running--;
          if (failed) return;
          failed = true;
          const e = m.error;
          logger.error('rank failed', { stage: m.stage, rank: m.rank, error: e.message });
          finish(
            new OellmError(`stage ${m.stage} rank ${m.rank}: ${e.message}`, {
              code: e.code ?? 'E_RANK',
              ...(e.file !== undefined ? { file: e.file } : {}),
              ...(e.offset !== undefined ? { offset: e.offset } : {}),
              hint: e.hint ?? `after fixing the cause, run the same command again: finished ranks are kept${e.code ? '' : `\n${e.stack ?? ''}`}`,
            }),
          );
        }
      };
      const onError = (e: Error) => {
        if (failed) return;
        failed = true;
        finish(new OellmError(`worker thread crashed in stage ${stage}: ${e.message}`, { code: 'E_WORKER', cause: e }));
      };
      // A thread that exits on its own (process.exit in a library, out of memory) ends the stage.
      const onExit = (code: number) => {
        if (failed) return;
        failed = true;
        finish(new OellmError(`worker thread exited (code ${code}) in stage ${stage}`, { code: 'E_WORKER', hint: 'run the same command again to resume; with --workers 1 the error shows in this thread' }));
      };
      w.on('message', onMessage);
      w.on('error', onError);
      w.on('exit', onExit);
      cleanups.push(() => {
        w.off('message', onMessage);
        w.off('error', onError);
        w.off('exit', onExit);
      });
    }
    for (const w of threads) next(w);
  });
}
