// Tests for the embedded UDHR corpus: every registry language present, articles parsed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LANGUAGES } from '../lang/index.js';
import { readUdhr, udhrCorpus, udhrDeclarations } from './udhr.js';

test('every registry language has the preamble and 30 articles', () => {
  for (const l of LANGUAGES) {
    const arts = readUdhr(l.udhr[l.scripts[0]!]!);
    assert.ok(arts.length >= 28, `${l.code}: ${arts.length} articles`);
    assert.equal(arts[0]!.article, 0, `${l.code} preamble`);
    assert.ok(!/[<>]/.test(arts.map((a) => a.text).join('')), `${l.code}: markup left`);
  }
});

test('corpus covers both Serbian scripts, text is real', () => {
  const c = udhrCorpus();
  const sr = c.filter((a) => a.lang === 'sr');
  assert.ok(sr.some((a) => a.script === 'Cyrl' && /[а-я]/.test(a.text)));
  assert.ok(sr.some((a) => a.script === 'Latn' && /[čćšž]/.test(a.text)));
});

test('declarations: one per (language, script), keyed like the tokenizer report, no headings', () => {
  const d = udhrDeclarations();
  const keys = d.map((x) => x.key);
  assert.equal(new Set(keys).size, keys.length);
  assert.ok(keys.includes('sr') && keys.includes('sr_Latn'));
  const en = d.find((x) => x.key === 'en')!;
  assert.match(en.text, /All human beings are born free and equal/);
  assert.doesNotMatch(en.text, /^(Article 1|Preamble|Universal Declaration of Human Rights)$/m, 'article headings are dropped');
});
