// The training sources and their in-source split (src/lid/data.ts): FLORES-200 and EXAMS are read
// from their train splits only, a held-out FLORES sentence is held out in every language (parallel
// text), CSV quoting is undone, bad files name themselves; the source-balanced sampler.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { examsTrain, floresTrain, isHeldOutFlores, loadCorpus, sourceOf, SOURCES } from './data.js';
import { trainLinear } from './train.js';

test('every source contributes, FLORES held-out ids are held out in every language', () => {
  const { train, heldout } = loadCorpus(['hr', 'bs', 'gl']);
  for (const s of SOURCES) assert.ok(train.some((x) => sourceOf(x) === s) && heldout.some((x) => sourceOf(x) === s), s);
  const id = (x: { source: string }) => Number(x.source.split('#')[1]);
  const heldIds = new Set(heldout.filter((x) => sourceOf(x) === 'flores').map(id));
  assert.ok(heldIds.size > 100);
  assert.ok([...heldIds].every(isHeldOutFlores));
  assert.equal(train.filter((x) => sourceOf(x) === 'flores' && heldIds.has(id(x))).length, 0);
  // Bosnian and Galician now have text besides the UDHR
  assert.ok(train.filter((x) => x.lang === 'bs' && sourceOf(x) === 'flores').length > 500);
  assert.ok(train.filter((x) => x.lang === 'gl' && sourceOf(x) === 'flores').length > 500);
});

test('FLORES and EXAMS readers: train split only, CSV quotes undone, bad rows named', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oellm-lid-src-'));
  const old = process.env.OELLM_EVAL_DIR;
  process.env.OELLM_EVAL_DIR = dir;
  try {
    mkdirSync(join(dir, 'sib200', 'hr'), { recursive: true });
    writeFileSync(join(dir, 'sib200', 'hr', 'train.tsv.gz'), gzipSync('index_id\tcategory\ttext\n5\ttravel\t"Rekao je ""da"" odmah."\n7\tsports\tObična rečenica.\n'));
    writeFileSync(join(dir, 'sib200', 'hr', 'dev.tsv.gz'), gzipSync('index_id\tcategory\ttext\n9\ttravel\tOva se nikad ne čita.\n'));
    assert.deepEqual(floresTrain('hr'), [
      [5, 'Rekao je "da" odmah.'],
      [7, 'Obična rečenica.'],
    ]);
    assert.deepEqual(floresTrain('bs'), []); // no file: no rows
    mkdirSync(join(dir, 'exams', 'hr'), { recursive: true });
    writeFileSync(join(dir, 'exams', 'hr', 'train.jsonl.gz'), gzipSync(JSON.stringify({ id: 'q1', question: { stem: 'Koji je  glavni grad?', choices: [{ text: 'Zagreb', label: 'A' }] } }) + '\n'));
    assert.deepEqual(examsTrain('hr'), [['q1', ['Koji je glavni grad?', 'Zagreb']]]);
    writeFileSync(join(dir, 'sib200', 'hr', 'train.tsv.gz'), gzipSync('index_id\tcategory\ttext\nbroken row\n'));
    assert.throws(
      () => floresTrain('hr'),
      (e: Error & { file?: string }) => /malformed SIB-200 row 2/.test(e.message) && e.file!.endsWith('train.tsv.gz'),
    );
    writeFileSync(join(dir, 'exams', 'hr', 'train.jsonl.gz'), 'not gzip');
    assert.throws(() => examsTrain('hr'), /cannot read .*train\.jsonl\.gz/);
  } finally {
    if (old === undefined) delete process.env.OELLM_EVAL_DIR;
    else process.env.OELLM_EVAL_DIR = old;
    rmSync(dir, { recursive: true, force: true });
  }
});

test('balanceSources: deterministic, and a small source no longer decides what a language looks like', () => {
  // "aaa…" is the large source of class x, "bbb…" a small one; y has only "ccc…"
  const ex = [
    ...Array.from({ length: 300 }, (_, i) => ({ text: `aaaa aaaa ${'a'.repeat((i % 7) + 1)}`, lang: 'x', source: 'big:x' })),
    ...Array.from({ length: 20 }, (_, i) => ({ text: `bbbb bbbb ${'b'.repeat((i % 5) + 1)}`, lang: 'x', source: 'small:x' })),
    ...Array.from({ length: 300 }, (_, i) => ({ text: `cccc cccc ${'c'.repeat((i % 7) + 1)}`, lang: 'y', source: 'big:y' })),
  ];
  const h = { name: 'main', classes: ['x', 'y'], spec: { bits: 10, minN: 1, maxN: 3, words: true, bigrams: false } };
  const o = { epochs: 2, lr: 0.5, seed: 3, minPerClass: 100, maxPerClass: 200 };
  const plain = trainLinear(h, ex, o);
  const a = trainLinear(h, ex, { ...o, balanceSources: true });
  const b = trainLinear(h, ex, { ...o, balanceSources: true });
  assert.deepEqual(a.W, b.W);
  // with balance the small source gets up to twice its size per epoch: its text is learned more strongly as x
  const px = (m: typeof a) => {
    const s = new Float64Array(2);
    m.scores('bbbb bbbb', s);
    return s[0]! - s[1]!;
  };
  assert.ok(px(a) > px(plain), `${px(a)} vs ${px(plain)}`);
});
