// Runs one exported function of a module in a worker thread and returns its result, so that
// long synchronous work (BPE merges, GGUF quantization) leaves the main thread free to receive
// SIGINT/SIGTERM/SIGHUP: a stop signal terminates the worker and rejects with Interrupted.
// Arguments and result are structured-cloned; a trailing options object's `onProgress` is
// relayed from the thread. Not a pool (data/executors/local.ts runs pipeline ranks).
import { Worker } from 'node:worker_threads';
import { OellmError } from './errors.js';
import { Interrupted, onStop, type StopSignal } from './interrupt.js';

type Progress = (...a: number[]) => void;

/** Calls `fn` of the module at `moduleUrl` with `args` in a worker thread. */
export function callInWorker<T>(moduleUrl: string | URL, fn: string, args: unknown[], what = 'stopped'): Promise<T> {
  const last = args[args.length - 1] as { onProgress?: unknown } | undefined;
  const onProgress = last && typeof last === 'object' && typeof last.onProgress === 'function' ? (last.onProgress as Progress) : undefined;
  const plainArgs = onProgress ? [...args.slice(0, -1), { ...last, onProgress: undefined }] : args;
  const isTs = import.meta.url.endsWith('.ts');
  const entry = new URL(`./worker-entry.${isTs ? 'ts' : 'js'}`, import.meta.url);
  const workerData = { module: String(moduleUrl), fn, args: plainArgs, progress: !!onProgress };
  // Node 20 workers do not inherit loaders registered through the tsx API (bin/oellm.js).
  const w = isTs ? new Worker(`import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); })`, { eval: true, workerData }) : new Worker(entry, { workerData });
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const settle = (f: () => void): void => {
      if (settled) return;
      settled = true;
      unsubscribe();
      f();
    };
    // Settled from 'exit' below, once the thread is gone (it may hold a temp file open).
    let stopped: StopSignal | undefined;
    const unsubscribe = onStop((sig) => {
      stopped = sig;
      void w.terminate();
    });
    w.on('message', (m: { type: 'progress'; a: number[] } | { type: 'result'; value: T } | { type: 'error'; error: { message: string; code?: string; file?: string; hint?: string; name?: string; stack?: string } }) => {
      if (m.type === 'progress') onProgress?.(...m.a);
      else if (m.type === 'result') settle(() => resolve(m.value));
      else {
        const e = m.error;
        settle(() => reject(e.code ? new OellmError(e.message, { code: e.code, ...(e.file ? { file: e.file } : {}), ...(e.hint ? { hint: e.hint } : {}) }) : Object.assign(new Error(e.message), { stack: e.stack })));
      }
    });
    w.on('error', (e) => settle(() => reject(e)));
    w.on('exit', (code) => settle(() => reject(stopped ? new Interrupted(stopped, what) : new OellmError(`worker thread for ${fn} exited (code ${code})`, { code: 'E_WORKER' }))));
  });
}
