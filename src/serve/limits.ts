// The server's named limits and defaults as one table: flags of `oellm serve`, fields of
// ServeOptions and the `oellm_limit` gauges of /metrics come from it. Not the engine.
// Reference: llama.cpp tools/server (--parallel, --ctx-size, --threads, --timeout).
import { availableParallelism } from 'node:os';

export interface Limits {
  /** Parallel sequences per model (batched together in one llama.cpp context). */
  parallel: number;
  /** Tokens per sequence; 0 = the model's training context. */
  ctx: number;
  /** CPU threads for llama.cpp; see defaultThreads(). */
  threads: number;
  /** Requests waiting per model beyond the parallel ones before 429. */
  queue: number;
  /** Seconds a request may take, queueing included, before it is cancelled. */
  timeoutS: number;
  /** Largest request body, bytes. */
  bodyBytes: number;
  /** Largest `n` (choices per request). */
  maxN: number;
  /** Largest number of prompts in one completions request. */
  maxPrompts: number;
}

/**
 * llama.cpp's worker threads spin while they wait; with more threads than idle cores they
 * collapse (0.6 vs 1,728 tokens/s measured on a busy 2-core machine, DESIGN.md). Parallel
 * requests are batched into one decode, so a server gains little from threads and loses a lot
 * from oversubscription: half the cores, at most 4, at least 1.
 */
export function defaultThreads(cores = availableParallelism()): number {
  return Math.max(1, Math.min(4, Math.floor(cores / 2)));
}

export const DEFAULT_LIMITS: Limits = {
  parallel: 4,
  ctx: 0,
  threads: defaultThreads(),
  queue: 64,
  timeoutS: 120,
  bodyBytes: 1 << 20,
  maxN: 8,
  maxPrompts: 64,
};
