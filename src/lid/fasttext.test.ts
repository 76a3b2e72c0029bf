// Tests of the fastText-format plug-in: a tiny supervised .bin written here (dense, softmax and
// hierarchical softmax), label mapping to registry codes, corrupt-file errors, and agreement
// with fastText itself (fasttext.wasm.js, the C++ code compiled to wasm) on lid.176.ftz.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createLid, FastTextLid, mapFastTextLabel } from './index.js';
import { writeFastTextBin } from './fasttext.js';
import { tmpDir } from '../../tests/helpers/step.js';

test('fastText labels map to registry codes', () => {
  assert.deepEqual(mapFastTextLabel('__label__srp_Cyrl'), { lang: 'sr', script: 'Cyrl' });
  assert.deepEqual(mapFastTextLabel('__label__hrv_Latn'), { lang: 'hr', script: 'Latn' });
  assert.deepEqual(mapFastTextLabel('__label__nob_Latn'), { lang: 'no', script: 'Latn' });
  assert.deepEqual(mapFastTextLabel('__label__ekk_Latn'), { lang: 'et', script: 'Latn' });
  assert.deepEqual(mapFastTextLabel('__label__cnr_Latn'), { lang: 'cnr', script: 'Latn' });
  assert.deepEqual(mapFastTextLabel('__label__en'), { lang: 'en' });
  assert.equal(mapFastTextLabel('__label__rus_Cyrl'), undefined);
});

/** A 3-label model whose words vote directly: dim = 3, word i's input row is one-hot on its label. */
function tinyModel(loss: 'softmax' | 'hs'): Uint8Array {
  const words = ['dobar', 'dan', 'guten', 'tag', 'добар', '</s>'];
  const labelOf = [0, 0, 1, 1, 2, -1];
  const labels = ['__label__hrv_Latn', '__label__deu_Latn', '__label__rus_Cyrl'];
  const dim = 3;
  const bucket = 8;
  const input = new Float32Array((words.length + bucket) * dim);
  labelOf.forEach((l, i) => {
    if (l >= 0) input[i * dim + l] = 6;
  });
  // softmax: output row = one-hot; hs: inner nodes decide by the difference of components
  const output = new Float32Array(labels.length * dim);
  for (let i = 0; i < 3; i++) output[i * dim + i] = 1;
  return writeFastTextBin({ dim, words: words.map((w) => ({ word: w, count: 10 })), labels: labels.map((l, i) => ({ label: l, count: 100 - i })), input, output, bucket, minn: 0, maxn: 0, loss });
}

test('a tiny fastText .bin written here is read and predicts its labels (softmax)', async () => {
  const dir = tmpDir('oellm-ft-');
  const f = join(dir, 'tiny.bin');
  writeFileSync(f, tinyModel('softmax'));
  const lid = await createLid({ model: f, threshold: 0.3 });
  assert.deepEqual(lid.identify('dobar dan dobar'), { lang: 'hr', script: 'Latn', score: lid.identify('dobar dan dobar').score });
  assert.equal(lid.identify('guten tag').lang, 'de');
  // a label outside the registry: und by default, passed through on request
  assert.equal(lid.identify('добар добар').lang, 'und');
  const pass = await createLid({ model: f, threshold: 0, unknownLabels: 'pass' });
  assert.equal(pass.identify('добар добар').lang, 'rus_Cyrl');
  const top = lid.identifyTop('dobar guten', 3);
  assert.equal(top.length, 3);
  assert.ok(Math.abs(top.reduce((a, t) => a + t.score, 0) - 1) < 1e-3);
});

test('hierarchical-softmax models are read (Huffman tree over label counts)', () => {
  const lid = FastTextLid.fromBytes(tinyModel('hs'), { threshold: 0 });
  const top = lid.identifyTop('dobar dan', 3);
  assert.equal(top.length, 3);
  assert.ok(Math.abs(top.reduce((a, t) => a + t.score, 0) - 1) < 0.01, JSON.stringify(top));
});

test('corrupt and foreign files give clear errors', async () => {
  const dir = tmpDir('oellm-ft-');
  const good = tinyModel('softmax');
  const trunc = join(dir, 'trunc.bin');
  writeFileSync(trunc, good.subarray(0, good.length - 20));
  await assert.rejects(createLid({ model: trunc }), /truncated fastText model/);
  const junk = join(dir, 'junk.bin');
  writeFileSync(junk, 'hello, not a model');
  await assert.rejects(createLid({ model: junk }), /not a language-identification model/);
  await assert.rejects(createLid({ model: join(dir, 'missing.bin') }), /cannot read language-identification model/);
});

test('oellm reads lid.176.ftz (quantised, hs) like fastText itself (fasttext.wasm.js)', async () => {
  const req = createRequire(import.meta.url);
  const ftz = req.resolve('fasttext.wasm.js').replace(/dist\/.*$/, 'dist/models/language-identification/assets/lid.176.ftz');
  const mine = FastTextLid.fromBytes(readFileSync(ftz), { threshold: 0 });
  const { getLIDModel } = await import('fasttext.wasm.js');
  const ref = await getLIDModel();
  await ref.load();
  const texts = ['Hello, world! This is English.', 'Dies ist ein deutscher Satz.', 'Свако има право на живот', 'Kosovo ozbiljno analizira svoje procese privatizacije.', 'Il pleut à Paris ce matin.', 'Tämä on suomea.'];
  for (const t of texts) {
    const r = await ref.identify(t);
    const m = mine.predict(t, 1)[0]!;
    assert.equal(mine.labels[m.label], `__label__${r.alpha2}`, t);
    assert.ok(Math.abs(m.p - r.possibility) < 1e-3, `${t}: ${m.p} vs ${r.possibility}`);
  }
});
