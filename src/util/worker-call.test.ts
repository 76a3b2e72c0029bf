// callInWorker: results and OellmErrors come back from the thread, and a stop signal ends a
// synchronous call that would never return (how tokenizer merges and GGUF quantization stop).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { callInWorker } from './worker-call.js';
import { catchStopSignals, Interrupted } from './interrupt.js';
import { OellmError } from './errors.js';

const spin = new URL('../../tests/helpers/spin.ts', import.meta.url);

test('a result and an error come back from the thread', async () => {
  assert.equal(await callInWorker<number>(spin, 'add', [2, 3]), 5);
  await assert.rejects(callInWorker(spin, 'fail', []), (e: unknown) => e instanceof OellmError && e.code === 'E_TEST' && e.file === 'x.txt' && e.hint === 'fix it');
});

test('SIGTERM terminates a synchronous call that never ends', async () => {
  const release = catchStopSignals();
  try {
    await assert.rejects(
      callInWorker(spin, 'spin', [{ onProgress: () => process.kill(process.pid, 'SIGTERM') }], 'spinning stopped'),
      (e: unknown) => e instanceof Interrupted && e.signal === 'SIGTERM' && e.exitCode === 143 && /spinning stopped by SIGTERM/.test(e.message),
    );
  } finally {
    release();
  }
});
