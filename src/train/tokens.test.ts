// Token streams from disk against the in-memory ones: FileTokens windows (wrapping, longer than
// the stream, empty stream, truncated file), and loadTrainData with and without `tokenDir` on a
// real multilingual dataset (UD sentences): the same training streams token for token, the same
// validation split, counts and byte totals; the sampler draws the same batches from both; and
// train() leaves no token files behind.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileTokens, MemoryTokens, TokenFileWriter } from './tokens.js';
import { BatchSampler, loadTrainData, languageWeights } from './data.js';
import { loadTokenizer } from '../tokenizer/index.js';
import { train } from './index.js';
import { makeFixture, tinyConfig } from '../../tests/train_helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'oellm-tokens-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('FileTokens windows equal MemoryTokens windows (wrap, n > length), truncated files refused', () => {
  const a = Int32Array.from({ length: 1000 }, (_, i) => (i * 7919) % 50000);
  const w = new TokenFileWriter(join(dir, 'a.i32'));
  w.pushAll(a.subarray(0, 300));
  for (let i = 300; i < 1000; i++) w.push(a[i]!);
  w.close();
  assert.equal(w.count, 1000);
  const f = new FileTokens(join(dir, 'a.i32'));
  const m = new MemoryTokens(a);
  assert.equal(f.length, 1000);
  for (const [start, n] of [
    [0, 10],
    [990, 20],
    [500, 1],
    [999, 2500],
    [12345, 7],
  ] as const) {
    const x = new Int32Array(n);
    const y = new Int32Array(n);
    f.window(start, n, x);
    m.window(start, n, y);
    assert.deepEqual(x, y, `window ${start}+${n}`);
  }
  assert.deepEqual(f.toArray(), a);
  f.close();
  assert.throws(() => f.window(0, 1, new Int32Array(1)), /is closed/);
  writeFileSync(join(dir, 'bad.i32'), Buffer.alloc(10));
  assert.throws(() => new FileTokens(join(dir, 'bad.i32')), /bad\.i32 is 10 bytes, not a whole number of int32 tokens/);
});

test('loadTrainData: token files hold the same streams, split and counts as memory; same batches', async () => {
  const f = await makeFixture(['en', 'de', 'mt'], 60);
  try {
    const tok = loadTokenizer(f.tokenizer);
    const o = { seed: 3, valFraction: 0.1, maxValDocs: 4, temperature: 2 };
    const mem = await loadTrainData(f.data, tok, tok.eosId!, o);
    const tokDir = join(dir, 'tok');
    const disk = await loadTrainData(f.data, tok, tok.eosId!, { ...o, tokenDir: tokDir });
    assert.deepEqual(readdirSync(tokDir).sort(), mem.map((d) => `${d.lang}.train.i32`).sort(), 'only the training streams stay on disk');
    assert.equal(disk.length, mem.length);
    for (let i = 0; i < mem.length; i++) {
      const [a, b] = [mem[i]!, disk[i]!];
      assert.equal(b.lang, a.lang);
      assert.ok(b.train instanceof FileTokens && a.train instanceof MemoryTokens);
      assert.deepEqual(b.train.toArray(), a.train.toArray(), `${a.lang} train stream`);
      assert.deepEqual(b.val, a.val, `${a.lang} val stream`);
      assert.deepEqual([b.trainDocs, b.trainBytes, b.valDocs, b.valBytes], [a.trainDocs, a.trainBytes, a.valDocs, a.valBytes]);
      assert.ok(a.valDocs >= 1 && a.valDocs <= 4 && a.trainDocs + a.valDocs === 60);
    }
    const T = 64;
    const sa = new BatchSampler(mem, languageWeights(mem, 2), T, 9);
    const sb = new BatchSampler(disk, languageWeights(disk, 2), T, 9);
    const [x1, y1, x2, y2] = [0, 0, 0, 0].map(() => new Int32Array(4 * T)) as [Int32Array, Int32Array, Int32Array, Int32Array];
    for (let s = 0; s < 50; s++) {
      assert.deepEqual(sb.next(x2, y2, 4), sa.next(x1, y1, 4));
      assert.deepEqual(x2, x1);
      assert.deepEqual(y2, y1);
    }
    assert.deepEqual(sb.state(), sa.state());
    disk.forEach((d) => d.train.close());

    const out = join(f.root, 'model');
    await train({ config: tinyConfig(f, out, { maxSteps: 2 }) });
    assert.ok(existsSync(join(out, 'model.safetensors')));
    assert.ok(!existsSync(`${out}.tokens`), 'token files removed after training');
  } finally {
    rmSync(f.root, { recursive: true, force: true });
  }
});
