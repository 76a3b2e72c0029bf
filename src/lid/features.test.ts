// Tests of the LID feature text normalisation (features.ts normalize): the table scan must equal
// its regular-expression definition on every input, astral letters and lone surrogates included.
// Not a test of the model or its accuracy (lid.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalize } from './features.js';
import { mulberry32 } from '../util/rng.js';

const reference = (text: string): string =>
  ' ' +
  text
    .toLowerCase()
    .replace(/[^\p{L}\p{M}]+/gu, ' ')
    .trim() +
  ' ';

test('normalize equals the regular-expression definition (fixed and random strings)', () => {
  const fixed = ['', ' ', 'a', '123', '  x  ', 'Straße, Ölpreis!', 'İstanbul ΣΑΣ', '𝐀𝐁c d😀e', '\ud800x\udc00y', 'x\ud83d', '\udbff\udfff', 'é́ ñ', 'x\u0301 \u200d y', 'ǅ a—b–c', '\u0345 ﬀ ŉ', 'Ђорђе ǂǂǂ'];
  for (const t of fixed) assert.equal(normalize(t), reference(t), JSON.stringify(t));
  const rand = mulberry32(7);
  for (let k = 0; k < 5000; k++) {
    let t = '';
    const len = Math.floor(rand() * 24);
    for (let j = 0; j < len; j++) {
      const r = rand();
      t += r < 0.3 ? String.fromCharCode(Math.floor(rand() * 0x80)) : r < 0.85 ? String.fromCharCode(Math.floor(rand() * 0x10000)) : String.fromCodePoint(0x10000 + Math.floor(rand() * 0x100000));
    }
    assert.equal(normalize(t), reference(t), JSON.stringify(t));
  }
});
