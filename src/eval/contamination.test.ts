// 13-gram contamination on planted overlaps: lm-eval's normalisation (case, punctuation,
// whitespace) made Unicode-aware; a training document holding an eval sentence (re-cased,
// re-punctuated, inside other text) or any 13 consecutive words of one contaminates it, 12 words
// do not; the share per task × language; scores re-computed on the clean subset from the eval
// unit cache; and the `decontaminate` step of `oellm data run` dropping exactly the planted
// documents, counted as `decontaminate.sib200`. Eval sentences are read from ../shared/eval at
// run time and written only to temp dirs (never committed).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NgramIndex, ngrams, normalizeWords, runContamination } from './contamination.js';
import { sib200 } from './tasks/sib200.js';
import { evalDataDir } from './tasks/files.js';
import { runEval } from './runner.js';
import { exportGguf } from '../export/gguf.js';
import { runDataPipeline } from '../data/index.js';
import { readJson } from '../util/fs.js';
import { makeCheckpoint, tmp } from '../../tests/gguf-helpers.js';
import type { McItem } from './types.js';

let root: string;
let items: McItem[];
let planted: { docs: string[]; contaminated: string[]; clean: string };

before(() => {
  root = tmp('contamination');
  items = sib200.load('hr', { dataDir: evalDataDir(), split: 'test' }).items as McItem[];
  const long = items.filter((x) => normalizeWords(x.fields.text!).length >= 20);
  const [a, b, c] = long;
  const words = (it: McItem): string[] => it.fields.text!.split(/\s+/);
  planted = {
    docs: [
      // a: the whole sentence, upper-cased, punctuation changed, inside other text.
      `Uvod u članak. ${a!.fields.text!.toUpperCase().replace(/[.,]/g, ' ;')} I još nešto na kraju.`,
      // b: only 12 consecutive words: not contaminated.
      `Drugi tekst: ${words(b!).slice(2, 14).join(' ')} kraj.`,
      // c: 13 consecutive words from the middle.
      `Treći tekst ${words(c!).slice(3, 16).join(' ')} i dalje.`,
      'Posve drugačiji dokument koji nema veze s ispitnim rečenicama i ne smije biti izbačen iz skupa podataka.',
    ],
    contaminated: [a!.id, c!.id],
    clean: b!.id,
  };
});
after(() => rmSync(root, { recursive: true, force: true }));

test('normalisation and n-grams: case, Unicode punctuation and symbols, whitespace; short texts are one gram', () => {
  assert.deepEqual(normalizeWords("Hello, World!  Don't\tSTOP — 3.5 € «Čćž»"), ['hello', 'world', 'dont', 'stop', '35', 'čćž']);
  const w = 'a b c d e f g h i j k l m n'.split(' ');
  assert.deepEqual(ngrams(w, 13), ['a b c d e f g h i j k l m', 'b c d e f g h i j k l m n']);
  assert.deepEqual(ngrams(['x', 'y'], 13), ['x y']);
  const idx = new NgramIndex(13);
  idx.add(w.join(' '), 0);
  idx.add('Kratka rečenica.', 1);
  assert.deepEqual([...idx.match('zz A B C D E F G H I J K L M zz')], [0]);
  assert.deepEqual([...idx.match('a b c d e f g h i j k l')], []);
  assert.deepEqual([...idx.match('Ovo je kratka rečenica!')], [1]);
});

test('planted overlaps: contaminated share per task × language, and scores on the clean subset', async () => {
  const data = join(root, 'dataset');
  mkdirSync(join(data, 'shards', 'hrv_Latn'), { recursive: true });
  writeFileSync(join(data, 'shards', 'hrv_Latn', '0.jsonl'), planted.docs.map((text, i) => JSON.stringify({ id: `d${i}`, text })).join('\n') + '\n');
  writeFileSync(join(data, 'manifest.json'), JSON.stringify({ shards: [{ path: 'shards/hrv_Latn/0.jsonl', lang: 'hrv_Latn' }] }));
  // An eval run whose first items include the planted ones.
  const ck = await makeCheckpoint({ root: join(root, 'm') });
  const gguf = join(root, 'm.gguf');
  exportGguf(ck.dir, { type: 'f16', out: gguf });
  const ids = new Set([...planted.contaminated, planted.clean]);
  const last = Math.max(...items.map((x, i) => (ids.has(x.id) ? i : -1)));
  const evalOut = join(root, 'eval');
  const rep = await runEval({ models: [gguf], tasks: ['sib200'], langs: ['hr'], limit: last + 1, out: evalOut, backend: { threads: 1 } });
  const r = await runContamination({ data, tasks: ['sib200'], langs: ['hr'], split: 'test', evalOut });
  assert.equal(r.docs, 4);
  assert.equal(r.rows.length, 1);
  const row = r.rows[0]!;
  assert.equal(row.n, 204);
  assert.equal(row.contaminated, 2);
  assert.deepEqual([...row.examples].sort(), [...planted.contaminated].sort());
  assert.ok(Math.abs(row.share - 2 / 204) < 1e-12);
  // Clean re-score: the same items minus the two contaminated ones, from the unit cache.
  const acc = r.clean.find((c) => c.metric === 'acc')!;
  assert.equal(acc.n, last + 1 - 2);
  assert.equal(acc.contaminated, 2);
  const unitFile = readJson<{ items: { id: string; acc: number }[] }>(join(evalOut, 'units', `${readJson<{ units: { key: string }[] }>(join(evalOut, 'plan.json')).units[0]!.key}.json`));
  const keep = unitFile.items.filter((x) => !planted.contaminated.includes(x.id));
  assert.ok(Math.abs(acc.value! - keep.reduce((s, x) => s + x.acc, 0) / keep.length) < 1e-12);
  assert.equal(rep.results.find((x) => x.metric === 'acc')!.n, last + 1);
});

test('decontaminate step in `oellm data run`: the planted documents are dropped as decontaminate.sib200, counts balance', async () => {
  const input = join(root, 'corpus.jsonl');
  writeFileSync(input, planted.docs.map((text, i) => JSON.stringify({ id: `d${i}`, text, lang: 'hr', url: `https://example.hr/${i}` })).join('\n') + '\n');
  const out = join(root, 'data-out');
  const m = await runDataPipeline({ lid: { languages: ['hr'], declared: 'trust' }, quality: { enabled: false }, dedup: { minhash: false, exact: false }, decontaminate: { tasks: ['sib200'], split: 'test' } } as never, { inputs: [input], out });
  assert.equal(m.counts.in, 4);
  assert.equal(m.counts.in, m.counts.kept + m.counts.dropped + m.counts.quarantined);
  assert.deepEqual(m.dropped, { 'decontaminate.sib200': 2 });
  assert.equal(m.counts.kept, 2);
});
