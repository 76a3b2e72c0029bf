// Worker-thread side of worker-call.ts: imports the module, calls the named export with the
// cloned arguments (re-attaching a relayed onProgress), and posts the result or the error.
// Not used directly.
import { parentPort, workerData } from 'node:worker_threads';

const { module, fn, args, progress } = workerData as { module: string; fn: string; args: unknown[]; progress: boolean };
try {
  const mod = (await import(module)) as Record<string, (...a: unknown[]) => unknown>;
  if (progress) (args[args.length - 1] as { onProgress?: unknown }).onProgress = (...a: number[]) => parentPort!.postMessage({ type: 'progress', a });
  const value = await mod[fn]!(...args);
  parentPort!.postMessage({ type: 'result', value });
} catch (e) {
  const err = e as Error & { code?: string; file?: string; hint?: string };
  parentPort!.postMessage({ type: 'error', error: { message: err.message, code: err.code, file: err.file, hint: err.hint, name: err.name, stack: err.stack } });
}
