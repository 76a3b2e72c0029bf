// Tests for LidStep's `declared: trust` mode: a registry label carried by the source wins over
// the model (the embedded corpus and HPLT JSONL carry one), the script is still detected, the
// score is 0 where the model disagrees, and unknown labels fall back to identification.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Stats, type StepContext } from '../step.js';
import type { Doc } from '../doc.js';
import { LidStep } from './index.js';

const mk = (id: string, text: string, inputLang?: string): Doc => ({ id, text, source: { file: 'x', offset: 0 }, ...(inputLang ? { meta: { inputLang } } : {}) });

async function run(step: LidStep, docs: Doc[]): Promise<{ out: Doc[]; ctx: StepContext; excluded: string[] }> {
  const excluded: string[] = [];
  const ctx: StepContext = { rank: 0, worldSize: 1, stats: new Stats(), exclude: (d, s, v) => excluded.push(`${d.id}:${s}:${'drop' in v ? v.drop : ''}`), log: () => {} };
  const out: Doc[] = [];
  async function* src() {
    yield* docs;
  }
  for await (const d of step.run(src(), ctx)) out.push(d);
  return { out, ctx, excluded };
}

test('declared labels: trusted when asked and known, ignored by default', async () => {
  const sr = 'Свако има право на живот, слободу и безбедност личности.';
  const de = 'Dies ist ein deutscher Satz über das Wetter und die Stadt.';
  const docs = () => [mk('a', sr, 'bs'), mk('b', de, 'srp_Cyrl'), mk('c', de, 'xx'), mk('d', de)];
  const trusted = await run(new LidStep({ declared: 'trust', languages: ['bs', 'sr', 'de'] }), docs());
  assert.deepEqual(
    trusted.out.map((d) => [d.id, d.lang, d.script]),
    [
      ['a', 'bs', 'Cyrl'],
      ['b', 'sr', 'Latn'],
      ['c', 'de', 'Latn'],
      ['d', 'de', 'Latn'],
    ],
  );
  assert.equal(trusted.out[1]!.lang_score, 0, 'the model disagrees with srp_Cyrl on German text');
  assert.ok(trusted.ctx.stats.counters['lid.declared_disagrees']! >= 1);
  const ignored = await run(new LidStep({ languages: ['de'] }), docs());
  assert.deepEqual(
    ignored.out.map((d) => d.id),
    ['b', 'c', 'd'],
  );
  assert.deepEqual(ignored.excluded, ['a:lid:language']);
});
