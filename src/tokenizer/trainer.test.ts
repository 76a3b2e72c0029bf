// The fast merge learner (heap + per-pair word lists) against a naive reference that recounts
// every pair of every word at each step: same merges, in the same order, on real text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BYTE_ORDER } from './bytes.js';
import { learnMerges } from './trainer.js';
import { compilePattern, LLAMA3_PATTERN } from './pretokenize.js';

/** Reference: recount all pairs, take the heaviest (ties: smallest (a, b)), merge left to right. */
function naiveMerges(words: string[], weights: number[], n: number): [number, number][] {
  const byteToId = new Map(BYTE_ORDER.map((b, i) => [b, i]));
  const seqs = words.map((w) => [...Buffer.from(w, 'utf8')].map((b) => byteToId.get(b)!));
  const merges: [number, number][] = [];
  while (merges.length < n) {
    const counts = new Map<string, number>();
    seqs.forEach((s, w) => {
      for (let i = 0; i + 1 < s.length; i++) counts.set(`${s[i]},${s[i + 1]}`, (counts.get(`${s[i]},${s[i + 1]}`) ?? 0) + weights[w]!);
    });
    let best: [number, number] | null = null;
    let bestC = 0;
    for (const [k, c] of counts) {
      const [a, b] = k.split(',').map(Number) as [number, number];
      if (c > bestC || (c === bestC && best && (a < best[0] || (a === best[0] && b < best[1])))) {
        best = [a, b];
        bestC = c;
      }
    }
    if (!best || bestC < 1) break;
    const id = 256 + merges.length;
    merges.push(best);
    for (const s of seqs) {
      for (let i = 0; i + 1 < s.length; i++) if (s[i] === best[0] && s[i + 1] === best[1]) s.splice(i, 2, id);
    }
  }
  return merges;
}

test('fast trainer = naive reference on real multilingual words', () => {
  const ud = join(import.meta.dirname, '..', '..', '..', 'shared', 'data', 'ud');
  const re = compilePattern(LLAMA3_PATTERN);
  const counts = new Map<string, number>();
  for (const l of ['en', 'hr', 'el', 'ka', 'fi']) {
    const text = readFileSync(join(ud, `${l}.txt`), 'utf8')
      .split('\n')
      .slice(0, 60)
      .join('\n');
    for (const w of text.match(re)!) counts.set(w, (counts.get(w) ?? 0) + (l === 'ka' ? 3 : 1));
  }
  counts.set('aaaaaaa', 5); // self-overlapping pairs (a a a …)
  counts.set('abababab', 4);
  const words = [...counts.keys()];
  const weights = words.map((w) => counts.get(w)!);
  const fast = learnMerges(words, weights, { merges: 300 });
  assert.deepEqual(fast.merges, naiveMerges(words, weights, 300));
  assert.equal(fast.tokenBytes.length, 256 + 300);
});

test('stops early when no pair is left, and tokens spell their bytes', () => {
  const r = learnMerges(['ab', 'ab', 'abc'], [1, 1, 1], { merges: 50 });
  assert.equal(r.merges.length, 2);
  assert.equal(Buffer.from(r.tokenBytes[257]!).toString(), 'abc');
});
