// Tests for the language registry: every group complete, codes unique, lookups by any form.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LANGUAGES, findLanguage, getLanguage, label } from './index.js';

test('registry holds the 24 EU languages, the candidates and the other European ones', () => {
  const eu = 'bg hr cs da nl en et fi fr de el hu ga it lv lt mt pl pt ro sk sl es sv'.split(' ');
  const cand = 'sq uk sr bs mk cnr ka tr'.split(' ');
  const other = 'no nn is ca eu gl lb'.split(' ');
  assert.deepEqual(
    LANGUAGES.filter((l) => l.group === 'eu')
      .map((l) => l.code)
      .sort(),
    [...eu].sort(),
  );
  assert.deepEqual(
    LANGUAGES.filter((l) => l.group === 'candidate')
      .map((l) => l.code)
      .sort(),
    [...cand].sort(),
  );
  assert.deepEqual(
    LANGUAGES.filter((l) => l.group === 'other')
      .map((l) => l.code)
      .sort(),
    [...other].sort(),
  );
  assert.equal(new Set(LANGUAGES.map((l) => l.code)).size, LANGUAGES.length);
  assert.equal(new Set(LANGUAGES.map((l) => l.iso3)).size, LANGUAGES.length);
});

test('lookups by 639-1, 639-3, label and BCP 47; Serbian has both scripts', () => {
  assert.equal(findLanguage('srp_Cyrl')?.code, 'sr');
  assert.equal(findLanguage('sr-Latn')?.code, 'sr');
  assert.equal(findLanguage('ces')?.code, 'cs');
  assert.equal(findLanguage('nb')?.code, 'no');
  assert.equal(findLanguage('xx'), undefined);
  assert.throws(() => getLanguage('xx'), /unknown language code "xx"/);
  const sr = getLanguage('sr');
  assert.deepEqual(
    sr.scripts.map((s) => label(sr, s)),
    ['srp_Cyrl', 'srp_Latn'],
  );
});
