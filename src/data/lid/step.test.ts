// Tests of the corpus-pipeline `lid` step on the shipped model: lang/script/score set,
// paragraph vote on long documents, `und` and unselected languages dropped with their reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Stats, type StepContext } from '../step.js';
import type { Doc } from '../doc.js';
import { createLid, identifyDocument, PARA_CHARS } from '../../lid/index.js';
import { LidStep, LidConfigSchema } from './index.js';

test('LidStep sets lang/script/lang_score, votes over paragraphs, drops und when asked', async () => {
  assert.throws(() => LidConfigSchema.parse({ treshold: 0.3 }));
  const step = new LidStep({ dropUnd: true, languages: ['de', 'fi'] });
  const mk = (id: string, text: string): Doc => ({ id, text, source: { file: 'x', offset: 0 } });
  const long = ['Dies ist der erste Absatz eines längeren deutschen Textes über Wetter und Klima.', 'Cookie policy and privacy settings', ...Array(20).fill('Im zweiten Absatz geht es weiter mit der Geschichte der Stadt und ihrer Menschen.')].join(
    '\n',
  );
  const docs = [mk('a', long), mk('b', '12345'), mk('c', 'Tämä on suomenkielinen lause säästä ja ilmastosta.'), mk('d', 'This is an English sentence about the weather.')];
  const excluded: string[] = [];
  const ctx: StepContext = { rank: 0, worldSize: 1, stats: new Stats(), exclude: (d, step, v) => excluded.push(`${d.id}:${step}:${'drop' in v ? v.drop : ''}`), log: () => {} };
  async function* src() {
    yield* docs;
  }
  const out: Doc[] = [];
  for await (const d of step.run(src(), ctx)) out.push(d);
  assert.deepEqual(
    out.map((d) => [d.id, d.lang, d.script]),
    [
      ['a', 'de', 'Latn'],
      ['c', 'fi', 'Latn'],
    ],
  );
  assert.ok(out[0]!.lang_score! > 0.5);
  assert.deepEqual(excluded, ['b:lid:und', 'd:lid:language']);
  assert.equal(ctx.stats.counters['lid.de'], 1);
  const lid = await createLid();
  assert.equal(identifyDocument(lid, long).lang, 'de');
  // a paragraph is scored on its first PARA_CHARS characters but votes with its whole length
  const para = Array(30).fill('Der lange Absatz erzählt von den Bergen, den Seen und den Dörfern im Süden des Landes.').join(' ');
  const doc = `${para}\nThis short English line is navigation.\nAnd another English line of boilerplate text.`;
  assert.ok(para.length > 5 * PARA_CHARS);
  const r = identifyDocument(lid, doc);
  assert.equal(r.lang, 'de');
  assert.ok(r.score > 0.9, `${r.score}`);
  assert.equal(identifyDocument(lid, doc, 4096, Infinity).lang, 'de');
});
