// Tests of the shipped language identifier on held-out real text (never trained on), script
// detection, `und`, the CLI on stdin, and the split's disjointness.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { LANGUAGE_CODES } from '../lang/index.js';
import { loadCorpus, REPO_ROOT } from './data.js';
import { score } from './eval.js';
import { createLid, cyrlToLatn, latnToCyrl, detectScript } from './index.js';

const corpus = loadCorpus();

test('held-out and training sentences are disjoint', () => {
  const train = new Set(corpus.train.map((s) => `${s.lang}\t${s.text}`));
  const leaked = corpus.heldout.filter((s) => train.has(`${s.lang}\t${s.text}`));
  assert.equal(
    leaked.length,
    0,
    `held-out sentences also in training: ${leaked
      .slice(0, 3)
      .map((s) => s.text)
      .join(' | ')}`,
  );
});

test('shipped model: every registry language identified on held-out sentences above a floor', async () => {
  const lid = await createLid({ threshold: 0 });
  const pred = corpus.heldout.map((s) => lid.identify(s.text).lang);
  const s = score(
    corpus.heldout.map((x) => x.lang),
    pred,
    LANGUAGE_CODES,
  );
  assert.ok(s.macroF1 >= 0.9, `macro-F1 ${s.macroF1}`);
  // every language has held-out text, and each is recognised at least sometimes
  for (const l of LANGUAGE_CODES) {
    const floor = ['bs', 'cnr'].includes(l) ? 0.2 : ['hr', 'sr'].includes(l) ? 0.6 : 0.85;
    assert.ok(s.perLang[l]!.n > 0, `${l}: no held-out sentences`);
    assert.ok(s.perLang[l]!.f1 >= floor, `${l}: F1 ${s.perLang[l]!.f1.toFixed(3)} < ${floor}`);
  }
});

test('script detection and Serbian Cyrillic vs Latin', async () => {
  const lid = await createLid();
  const cyr = lid.identifyTop('Свако има право на живот, слободу и безбедност личности, као и на рад и образовање.', 3);
  assert.equal(cyr[0]!.script, 'Cyrl');
  assert.ok(
    cyr.some((r) => r.lang === 'sr'),
    JSON.stringify(cyr),
  );
  const lat = lid.identify('Kosovo ozbiljno analizira svoje procese privatizacije u svetlu čestih pritužbi.');
  assert.deepEqual([lat.lang, lat.script], ['sr', 'Latn']);
  assert.equal(lid.identify('Η Ελλάδα είναι μια χώρα της νότιας Ευρώπης.').lang, 'el');
  assert.equal(detectScript('ქართული ენა'), 'Geor');
  assert.equal(detectScript('مرحبا بالعالم'), 'Arab');
  // transliteration round trip (the augmentation the model is trained with)
  const s = 'Ljudi, njihova džamija i Đorđe śutra';
  assert.equal(cyrlToLatn(latnToCyrl(s)), s);
  assert.equal(latnToCyrl('Ljubav NJEGOVA džep'), 'Љубав ЊЕГОВА џеп');
});

test('und on empty, digits, emoji and foreign scripts', async () => {
  const lid = await createLid();
  for (const t of ['', '   ', '12345 67.89', '😀😀 🎉', '--- !!! ???']) assert.deepEqual(lid.identify(t), { lang: 'und', script: 'Zyyy', score: 0 }, JSON.stringify(t));
  assert.equal(lid.identify('你好，世界。今天天气很好。').lang, 'und');
  assert.equal(lid.identify('你好，世界。今天天气很好。').script, 'Hani');
  // a threshold of 1 makes everything und, but the script and score stay
  const strict = await createLid({ threshold: 1 });
  const r = strict.identify('Dies ist ein ganz normaler deutscher Satz über das Wetter.');
  assert.equal(r.lang, 'und');
  assert.equal(r.script, 'Latn');
  assert.ok(r.score > 0.5);
});

test('oellm lid on stdin: one JSON line per input line, --top, bad flags', () => {
  const main = join(REPO_ROOT, 'src', 'cli', 'main.ts');
  const input = 'Svatko ima pravo na život, slobodu i osobnu sigurnost.\n\nDet här är en svensk mening om vädret.\n';
  const r = spawnSync(process.execPath, ['--import', 'tsx', main, 'lid', '-', '--top', '2'], { input, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { lang: string; script: string; score: number; top: unknown[] });
  assert.equal(lines.length, 3);
  assert.equal(lines[0]!.lang, 'hr');
  assert.equal(lines[1]!.lang, 'und');
  assert.equal(lines[2]!.lang, 'sv');
  assert.equal(lines[2]!.top.length, 2);
  // the model alone (no CLD2, no lid.176): same answers on these, its own scores
  const solo = spawnSync(process.execPath, ['--import', 'tsx', main, 'lid', '-', '--no-ensemble'], { input, encoding: 'utf8' });
  assert.equal(solo.status, 0, solo.stderr);
  assert.deepEqual(
    solo.stdout
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { lang: string }).lang),
    ['hr', 'und', 'sv'],
  );
  const bad = spawnSync(process.execPath, ['--import', 'tsx', main, 'lid', '--threshold', '2'], { input: 'x\n', encoding: 'utf8' });
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /threshold/);
});
