// Tests of the three written forms of a language (LangCode `sr`, LangLabel `srp_Cyrl`, LangKey
// `sr_Latn`) and the lookups that turn one into another.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getLanguage, isLangCode, label, langKey, LANGUAGE_CODES, type LangCode } from './index.js';

test('the three forms of a language: code, label, key', () => {
  const sr = getLanguage('srp_Latn');
  assert.equal(sr.code, 'sr');
  assert.equal(label(sr), 'srp_Cyrl');
  assert.equal(label(sr, 'Latn'), 'srp_Latn');
  assert.equal(langKey(sr), 'sr');
  assert.equal(langKey(sr, 'Latn'), 'sr_Latn');
  assert.equal(langKey(getLanguage('bs'), 'Cyrl'), 'bs_Cyrl');
});

test('LangCode is the registry table: isLangCode accepts only its codes as written', () => {
  const sr: LangCode = 'sr';
  // @ts-expect-error a label is not a registry code
  const bad: LangCode = 'srp_Cyrl';
  assert.ok(isLangCode(sr) && !isLangCode(bad));
  assert.ok(LANGUAGE_CODES.every(isLangCode));
  for (const s of ['srp', 'SR', 'sh', 'sr_Latn', 'und', '']) assert.equal(isLangCode(s), false, s);
});
