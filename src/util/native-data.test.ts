// Tests of the data-pipeline native kernels (src/data/native/data.cc via ./native-data.ts):
// the C loops must give exactly the integers of the TypeScript ones (LID score sums over
// repeated features, MinHash signatures), on random inputs. Skipped where the addon is not
// built. Not a speed test (bench/data/lid-scoring.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dataKernels } from './native-data.js';
import { mulberry32 } from './rng.js';
import { hashFamily, minhashTs } from '../data/dedup/minhash.js';

const native = dataKernels();

test('native lidAccumulate equals adding every feature row in TypeScript', { skip: native ? false : 'oellm_data.node not built' }, () => {
  const rand = mulberry32(11);
  for (const C of [39, 4, 17]) {
    const rows = 4096;
    const q = Int8Array.from({ length: rows * C }, () => Math.floor(rand() * 255) - 127);
    const cnt = new Int32Array(rows);
    for (let k = 0; k < 50; k++) {
      const n = Math.floor(rand() * 3000);
      // skewed ids: many repeats, as in real text
      const feats = Int32Array.from({ length: n }, () => Math.floor(rand() * rand() * rows));
      const view = feats.subarray(Math.min(3, n));
      const want = new Int32Array(C);
      for (const f of view) for (let c = 0; c < C; c++) want[c] = want[c]! + q[f * C + c]!;
      const got = new Int32Array(C).fill(7);
      native!.lidAccumulate(q, C, view, cnt, new Int32Array(view.length + 1), got);
      assert.deepEqual(got, want);
      assert.ok(
        cnt.every((x) => x === 0),
        'count scratch left at 0',
      );
    }
  }
  assert.throws(() => native!.lidAccumulate(new Int8Array(8), 4, Int32Array.of(2), new Int32Array(2), new Int32Array(1), new Int32Array(4)), /out of range/);
});

test('native minhash equals the TypeScript MinHash', { skip: native ? false : 'oellm_data.node not built' }, () => {
  const rand = mulberry32(5);
  const fam = hashFamily(112, 1);
  for (let k = 0; k < 200; k++) {
    const sh = Uint32Array.from({ length: Math.floor(rand() * 400) }, () => Math.floor(rand() * 2 ** 32));
    const a = minhashTs(sh, fam, new Uint32Array(112));
    const b = new Uint32Array(112);
    native!.minhash(sh, fam.a, fam.b, b);
    assert.deepEqual(b, a);
  }
});
