// Cyrillic alphabet evidence (./alphabets.ts): the tables, the counts, and that the identifier
// never labels text with letters a language lacks as that language when another fits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alphabetTables, CYRILLIC_ALPHABETS, foreignLetters } from './alphabets.js';
import { createLid } from './index.js';

test('alphabet tables: sizes and the letters that tell the languages apart', () => {
  assert.equal([...CYRILLIC_ALPHABETS.sr!].length, 30);
  assert.equal([...CYRILLIC_ALPHABETS.uk!].length, 33);
  assert.equal([...CYRILLIC_ALPHABETS.bg!].length, 31); // 30 letters + ѝ
  const cls = ['bg', 'mk', 'sr', 'uk', 'de'];
  const t = alphabetTables(cls);
  assert.equal(t[4], undefined);
  const out = new Int32Array(cls.length);
  foreignLetters('Щастие ЪЪ', t, out); // щ ъ ъ: Bulgarian, Ukrainian has щ
  assert.deepEqual([...out], [0, 3, 3, 2, 0]);
  foreignLetters('Ѓорѓи Ќерка, ђак', t, out); // ѓ ѓ ќ: Macedonian; ђ: Serbian
  assert.deepEqual([...out], [4, 1, 3, 4, 0]);
  foreignLetters('Latin only', t, out);
  assert.deepEqual([...out], [0, 0, 0, 0, 0]);
});

test('the identifier follows the alphabet on short Cyrillic text', async () => {
  const lid = await createLid({ threshold: 0 });
  assert.equal(lid.identify('Електролитите се дисоциират на йони при разтваряне').lang, 'bg');
  assert.equal(lid.identify('Ѓорѓи оди во ќерката на својот пријател').lang, 'mk');
  assert.equal(lid.identify('Ђаци су дошли у школу јуче ујутру').lang, 'sr');
});
