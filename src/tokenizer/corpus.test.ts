// The corpus reader's memory bound and language attribution, on real text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { countWords, listSources, decodeUtf8 } from './corpus.js';

const UD = join(import.meta.dirname, '..', '..', '..', 'shared', 'data', 'ud');

test('maxUniqueWords bounds the tables by pruning the rarest words', async () => {
  const inputs = [join(UD, 'en.txt'), join(UD, 'hr.txt')];
  const full = await countWords({ inputs });
  const capped = await countWords({ inputs, maxUniqueWords: 2000 });
  assert.ok(full.words.length > 5000);
  assert.ok(capped.words.length <= 2000, `${capped.words.length}`);
  const pruned = Object.values(capped.stats.langs).reduce((s, l) => s + l.prunedWords, 0);
  assert.ok(pruned > 0);
  // Frequent words survive pruning with (nearly) their weight: only occurrences in a table
  // where they were still rare when it was pruned are lost.
  const w = (t: typeof full, word: string) => t.weights[t.words.indexOf(word)]!;
  for (const word of [' the', ' je', ' and', '.']) assert.ok(w(capped, word) >= 0.99 * w(full, word), word);
});

test('language from file name, and U+FFFD already in the text is not counted as invalid', () => {
  const s = listSources([join(UD, 'sr.txt'), join(UD, 'manifest.json')]);
  assert.equal(s[0]!.lang, 'sr');
  assert.equal(s[1]!.lang, 'und');
  assert.deepEqual(decodeUtf8(Buffer.from('a\uFFFDb')), { text: 'a\uFFFDb', invalid: 0 });
  assert.equal(decodeUtf8(Buffer.from([0x61, 0xc3])).invalid, 1);
});

test('a weight for a language the corpus lacks is an error naming it', async () => {
  await assert.rejects(countWords({ inputs: [join(UD, 'mt.txt')], langWeights: { xx: 2 } }), /language weight given for "xx".*languages: mt/);
});
