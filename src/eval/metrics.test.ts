// Hand-computed fixtures for the pure parts of evaluation: acc / acc_norm / acc_bytes, lm-eval's
// standard error, bits per byte and its standard error, rolling windows that score every token
// once, few-shot prompt assembly and lm-eval's (context, continuation) token split, and the
// llama-perplexity KLD / top-1 / Δp / PPL-ratio statistics on hand-built distributions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bitsPerByte, bitsPerByteStderr, meanStderr, multipleChoice } from './metrics.js';
import { rollingWindows } from './windows.js';
import { continuation, encodePair, fewshotContext, sampleFewshot } from './prompt.js';
import { summarize, tokenStats } from './quant.js';
import { loadTokenizer } from '../tokenizer/index.js';
import { buildBpeTokenizer } from '../../tests/gguf-helpers.js';
import { mulberry32 } from '../util/rng.js';
import type { McItem, Template } from './types.js';

const close = (a: number, b: number, eps = 1e-12, what = ''): void => assert.ok(Math.abs(a - b) <= eps, `${what} ${a} vs ${b}`);

test('multiple choice: acc, acc_norm (per character) and acc_bytes (per UTF-8 byte) pick different answers', () => {
  // chars [2, 2, 1], bytes [4, 2, 1]; lls / chars = [-1.2, -1.0, -1.1], lls / bytes = [-0.6, -1.0, -1.1].
  const r = multipleChoice([-2.4, -2.0, -1.1], ['éé', 'ab', 'x'], 0);
  assert.deepEqual(r, { acc: 0, acc_norm: 0, acc_bytes: 1 });
  assert.deepEqual(multipleChoice([-2.4, -2.0, -1.1], ['éé', 'ab', 'x'], 2), { acc: 1, acc_norm: 0, acc_bytes: 0 });
  assert.deepEqual(multipleChoice([-2.4, -2.0, -1.1], ['éé', 'ab', 'x'], 1), { acc: 0, acc_norm: 1, acc_bytes: 0 });
  // Ties go to the first choice (numpy.argmax).
  assert.deepEqual(multipleChoice([-1, -1], ['a', 'b'], 0), { acc: 1, acc_norm: 1, acc_bytes: 1 });
});

test('standard errors: lm-eval mean_stderr; bits per byte and its ratio-estimator stderr', () => {
  close(meanStderr([1, 0, 1, 1])!, 0.25); // sample sd 0.5 / √4
  assert.equal(meanStderr([1]), null);
  const docs = [
    { ll: -8 * Math.LN2, bytes: 4 },
    { ll: -4 * Math.LN2, bytes: 4 },
  ];
  close(bitsPerByte(docs), 1.5); // 12 bits over 8 bytes
  close(bitsPerByteStderr(docs)!, 0.5); // residuals ±2 bits: √(2 · 8) / 8
});

test('rolling windows: every token after the prefix scored exactly once, within the window size', () => {
  assert.deepEqual(rollingWindows(10, 4, 2), [
    { start: 0, end: 4, from: 1 },
    { start: 2, end: 6, from: 4 },
    { start: 4, end: 8, from: 6 },
    { start: 6, end: 10, from: 8 },
  ]);
  for (const [n, size, ov] of [
    [2, 2, 1],
    [5, 129, 64],
    [300, 129, 64],
    [1000, 33, 1],
    [77, 10, 9],
  ] as const) {
    const seen = new Array<number>(n).fill(0);
    for (const w of rollingWindows(n, size, ov)) {
      assert.ok(w.end - w.start <= size && w.from > w.start);
      for (let p = w.from; p < w.end; p++) seen[p]!++;
    }
    assert.deepEqual(seen, [0, ...new Array<number>(n - 1).fill(1)], `n=${n} size=${size} overlap=${ov}`);
  }
});

const T: Template = { id: 't', prompt: 'Q: {{q}}\nA:', targetDelimiter: ' ', fewshotDelimiter: '\n\n', description: 'D\n' };
const mc = (id: string, q: string, choices: string[], gold: number): McItem => ({ kind: 'multiple_choice', id, fields: { q }, choices, gold });

test('few-shot prompt assembly as lm-eval: description, examples with target delimiter, few-shot delimiter', () => {
  const ex = [mc('e1', '1+1', ['2', '3'], 0), mc('e2', '2+2', ['5', '4'], 1)];
  const item = mc('i', '3+3', ['6', '7'], 0);
  assert.equal(fewshotContext(T, item, ex), 'D\nQ: 1+1\nA: 2\n\nQ: 2+2\nA: 4\n\nQ: 3+3\nA:');
  assert.equal(fewshotContext(T, item, []), 'D\nQ: 3+3\nA:');
  assert.equal(continuation(T, '6'), ' 6');
  // Sampling: k distinct examples, never the item itself, reproducible.
  const pool = Array.from({ length: 10 }, (_, i) => mc(`p${i}`, String(i), ['a', 'b'], 0));
  const a = sampleFewshot(pool, 3, 5, 'p4', mulberry32);
  assert.equal(a.length, 3);
  assert.equal(new Set(a.map((x) => x.id)).size, 3);
  assert.ok(!a.some((x) => x.id === 'p4'));
  assert.deepEqual(sampleFewshot(pool, 3, 5, 'p4', mulberry32), a);
});

test('(context, continuation) tokens: trailing context spaces move to the continuation; prefix token; left truncation', async () => {
  const tok = loadTokenizer(buildBpeTokenizer('the cat sat on the mat the cat ate the rat ', 40) as never);
  const enc = { tokenize: async (s: string) => tok.encode(s), prefix: 0, contextLength: 64 };
  const a = await encodePair(enc, 'the cat ', 'sat');
  const b = await encodePair(enc, 'the cat', ' sat');
  assert.deepEqual(a, b);
  assert.deepEqual(a.tokens, [0, ...tok.encode('the cat sat')]);
  assert.equal(tok.decode(a.tokens.slice(a.from)), ' sat');
  // Empty context: the prefix token alone is the context.
  const e = await encodePair(enc, '', 'the mat');
  assert.deepEqual(e, { tokens: [0, ...tok.encode('the mat')], from: 1 });
  // Longer than the context: cut from the left to contextLength + 1 tokens, continuation kept.
  const short = { ...enc, contextLength: 4 };
  const c = await encodePair(short, 'the cat sat on the mat the cat', ' ate');
  assert.equal(c.tokens.length, 5);
  assert.equal(tok.decode(c.tokens.slice(c.from)), ' ate');
});

const logSoftmax = (p: number[]): number[] => p.map((x) => Math.log(x));

test('quant statistics: KLD, top-1, Δp, RMS Δp, median, p99 and PPL ratio on hand-built distributions', () => {
  const base = logSoftmax([0.5, 0.25, 0.25]);
  const q = logSoftmax([0.25, 0.5, 0.25]);
  const t1 = tokenStats(base, q, 0);
  close(t1.kld, 0.25 * Math.LN2, 1e-12, 'KLD'); // .5 ln 2 + .25 ln .5 + 0
  assert.equal(t1.sameTop, false);
  close(t1.dp, -0.25);
  close(t1.nll, Math.log(4));
  close(t1.nllBase, Math.log(2));
  const t2 = tokenStats(base, base, 0);
  assert.equal(t2.kld, 0);
  assert.equal(t2.sameTop, true);
  const s = summarize([t1, t2]);
  close(s.kld_mean, 0.125 * Math.LN2);
  close(s.kld_median, 0.125 * Math.LN2); // even count: mean of the two middle values
  close(s.kld_p99, 0.99 * 0.25 * Math.LN2, 1e-12, 'p99'); // interpolated at 0.99 · (2 − 1)
  close(s.top1, 0.5);
  close(s.rms_dp, Math.sqrt(0.0625 / 2));
  close(s.ppl_ratio, Math.SQRT2); // exp((ln 4 − ln 2) / 2)
  assert.equal(s.n_tokens, 2);
  // llama-perplexity skips base probabilities below e^-16 in the KLD sum.
  const tiny = [Math.log(1 - 1e-8), Math.log(1e-8)];
  const t3 = tokenStats(tiny, [Math.log(0.5), Math.log(0.5)], 0);
  close(t3.kld, (1 - 1e-8) * (Math.log(1 - 1e-8) - Math.log(0.5)), 1e-12, 'cutoff');
  // Odd count: the middle value.
  close(summarize([t1, t2, t1]).kld_median, 0.25 * Math.LN2);
});
