// A synchronous function that never returns on its own, for src/util/worker-call.test.ts: it
// reports progress once and then spins, so only a stop signal (terminating its worker thread)
// can end the call. Not a benchmark.
export function spin(o: { onProgress?: (n: number) => void }): number {
  o.onProgress?.(1);
  let x = 0;
  for (;;) x = (x + 1) % 1_000_003;
}

export function add(a: number, b: number): number {
  return a + b;
}

export function fail(): never {
  throw Object.assign(new Error('bad input in spin.ts'), { code: 'E_TEST', file: 'x.txt', hint: 'fix it' });
}
