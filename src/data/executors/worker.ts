// Worker-thread entry of the local executor: receives `{stage, rank}` jobs, runs them with
// runRank over the plan, and posts progress, log lines and completion back. One worker runs
// many ranks (modules and models load once). Not the pool (local.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { readPlan, type Plan, type StageName } from '../pipeline/plan.js';
import { runRank } from '../pipeline/ranks.js';
import { createLogger } from '../../util/log.js';
import { OellmError } from '../../util/errors.js';

export interface WorkerJob {
  type: 'run';
  stage: StageName;
  rank: number;
}
export type WorkerMessage =
  | { type: 'progress'; stage: StageName; rank: number; docs: number }
  | { type: 'log'; line: string }
  | { type: 'done'; stage: StageName; rank: number; ran: boolean }
  | { type: 'error'; stage: StageName; rank: number; error: { message: string; code?: string; file?: string; offset?: number; hint?: string; stack?: string } };

const port = parentPort!;
const { planFile, out, jsonLogs } = workerData as { planFile: string; out: string; jsonLogs: boolean };
const plan: Plan = readPlan(planFile);
const logger = createLogger({ json: jsonLogs, write: (line) => port.postMessage({ type: 'log', line } satisfies WorkerMessage) });

port.on('message', (job: WorkerJob) => {
  const { stage, rank } = job;
  runRank(plan, out, stage, rank, { logger, onProgress: (docs) => port.postMessage({ type: 'progress', stage, rank, docs } satisfies WorkerMessage) }).then(
    (ran) => port.postMessage({ type: 'done', stage, rank, ran } satisfies WorkerMessage),
    (e: unknown) => {
      const err = e as Error;
      const o = e instanceof OellmError ? e : undefined;
      port.postMessage({
        type: 'error',
        stage,
        rank,
        error: {
          message: err?.message ?? String(e),
          ...(o ? { code: o.code } : {}),
          ...(o?.file !== undefined ? { file: o.file } : {}),
          ...(o?.offset !== undefined ? { offset: o.offset } : {}),
          ...(o?.hint !== undefined ? { hint: o.hint } : {}),
          ...(err?.stack ? { stack: err.stack } : {}),
        },
      } satisfies WorkerMessage);
    },
  );
});
