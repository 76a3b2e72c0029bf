// Clean stops for long commands: while a command holds `catchStopSignals()`, SIGINT, SIGTERM and
// SIGHUP set a flag instead of killing the process; its loops call `checkStop()` (which yields to
// the event loop, where signal handlers run, then throws `Interrupted`) at points where the state
// on disk is resumable. A second signal exits at once. Synchronous work too long to poll runs in
// a worker thread (worker-call.ts) that a signal terminates. Not a process supervisor.
import { constants } from 'node:os';
import { OellmError } from './errors.js';

export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

/** A command stopped by a signal at a safe point; `exitCode` is the shell's 128 + signal number. */
export class Interrupted extends OellmError {
  readonly signal: StopSignal;
  readonly exitCode: number;
  constructor(signal: StopSignal, what = 'stopped', hint = 'run the same command again to resume') {
    super(`${what} by ${signal}`, { code: 'E_INTERRUPTED', hint });
    this.name = 'Interrupted';
    this.signal = signal;
    this.exitCode = 128 + (constants.signals[signal] ?? 15);
  }
}

let requested: StopSignal | undefined;
let holders = 0;
const listeners = new Set<(s: StopSignal) => void>();

function onSignal(sig: StopSignal): void {
  if (requested) {
    process.stderr.write(`\noellm: ${sig} again: stopping now\n`);
    process.exit(128 + (constants.signals[sig] ?? 15));
  }
  requested = sig;
  process.stderr.write(`\noellm: ${sig}: stopping at the next safe point (send it again to stop at once)\n`);
  for (const l of [...listeners]) l(sig);
}

/** Catches the stop signals until the returned release is called (nested holders share them). */
export function catchStopSignals(): () => void {
  if (holders++ === 0) for (const s of STOP_SIGNALS) process.on(s, onSignal);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--holders === 0) {
      for (const s of STOP_SIGNALS) process.off(s, onSignal);
      requested = undefined;
    }
  };
}

/** The signal received since the stop signals were caught, if any. */
export function stopRequested(): StopSignal | undefined {
  return requested;
}

/** Calls `cb` when a stop signal arrives (at once if one already has); returns the unsubscribe. */
export function onStop(cb: (s: StopSignal) => void): () => void {
  if (requested) {
    const s = requested;
    queueMicrotask(() => cb(s));
    return () => {};
  }
  listeners.add(cb);
  return () => listeners.delete(cb);
}

/** Throws Interrupted when a stop signal has arrived. */
export function throwIfStopped(what?: string, hint?: string): void {
  if (requested) throw new Interrupted(requested, what, hint);
}

/** Lets pending signal handlers run (a synchronous loop never would), then throwIfStopped. */
export async function checkStop(what?: string, hint?: string): Promise<void> {
  await new Promise<void>((r) => setImmediate(r));
  throwIfStopped(what, hint);
}
