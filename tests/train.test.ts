// End-to-end trainer tests on real text: loss falls, the checkpoint is a loadable HF dir with
// the tokenizer, validation bits/byte per language, sampling, --init, and the bad inputs of
// issue 4 (bad config, vocabulary mismatch, empty / too small dataset, divergence, corrupt
// checkpoint). The kill/resume tests are in train_resume.test.ts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { train } from '../src/train/index.js';
import { generateText } from '../src/train/generate.js';
import { loadCheckpoint } from '../src/model/checkpoint.js';
import { trainTokenizer } from '../src/tokenizer/index.js';
import { lrAt } from '../src/train/optim.js';
import { makeFixture, tinyConfig, type Fixture } from './train_helpers.js';

let f: Fixture;
after(() => rmSync(f.root, { recursive: true, force: true }));
before(async () => {
  f = await makeFixture();
});

test('trains: loss falls, HF checkpoint + log + per-language val bpb, generate', async () => {
  const out = join(f.root, 'run1');
  const r = await train({ config: tinyConfig(f, out, { maxSteps: 30, lr: 1e-2, valEvery: 10 }) });
  const log = readFileSync(join(out, 'train_log.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const steps = log.filter((l) => l.loss !== undefined);
  assert.equal(steps.length, 30);
  for (const k of ['step', 'loss', 'lr', 'grad_norm', 'tokens', 'tokens_per_s']) assert.ok(k in steps[0], `log line has ${k}`);
  assert.ok(steps[29].loss < steps[0].loss - 0.7, `loss fell: ${steps[0].loss} → ${steps[29].loss}`);
  const vals = log.filter((l) => l.val_bpb);
  assert.equal(vals.length, 3);
  assert.deepEqual(Object.keys(r.val).sort(), ['deu_Latn', 'eng_Latn', 'fra_Latn']);
  for (const v of Object.values(r.val)) assert.ok(v > 0.5 && v < 8, `bpb ${v}`);
  for (const file of ['model.safetensors', 'config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'oellm.json', 'optimizer.safetensors', 'trainer_state.json']) assert.ok(existsSync(join(out, file)), file);
  const ck = loadCheckpoint(out);
  assert.equal(ck.config.dim, 32);
  assert.equal(ck.hfConfig.architectures && (ck.hfConfig.architectures as string[])[0], 'LlamaForCausalLM');
  assert.deepEqual((ck.meta.languages as string[]).sort(), ['deu_Latn', 'eng_Latn', 'fra_Latn']);
  assert.equal((ck.meta.training as { steps: number }).steps, 30);
  let text = '';
  for await (const piece of generateText(out, { prompt: 'The', maxTokens: 12, temperature: 0 })) text += piece;
  let again = '';
  for await (const piece of generateText(out, { prompt: 'The', maxTokens: 12, temperature: 0 })) again += piece;
  assert.equal(text, again, 'greedy decoding is deterministic');
  let sampled = '';
  for await (const piece of generateText(out, { prompt: 'The', maxTokens: 12, temperature: 1, topP: 0.9, seed: 3 })) sampled += piece;
  assert.equal(typeof sampled, 'string');

  // --init continues from these weights on one language; lower loss at step 1 than a fresh model.
  const out2 = join(f.root, 'adapt');
  await train({ config: tinyConfig(f, out2, { init: out, maxSteps: 2, langs: ['fra_Latn'], lr: 1e-3 }) });
  const fresh = join(f.root, 'fresh');
  await train({ config: tinyConfig(f, fresh, { maxSteps: 2, langs: ['fra_Latn'], lr: 1e-3 }) });
  const first = (p: string) => JSON.parse(readFileSync(join(p, 'train_log.jsonl'), 'utf8').split('\n')[0]!).loss as number;
  assert.ok(first(out2) < first(fresh) - 0.5, `init helps: ${first(out2)} vs ${first(fresh)}`);
});

test('gradient accumulation: 2 × batch 2 = 1 × batch 4 (same sequences, same updates)', async () => {
  const a = join(f.root, 'accum2');
  const b = join(f.root, 'accum1');
  await train({ config: tinyConfig(f, a, { maxSteps: 4, batchSize: 2, gradAccum: 2, valEvery: 0, checkpointEvery: 0 }) });
  await train({ config: tinyConfig(f, b, { maxSteps: 4, batchSize: 4, gradAccum: 1, valEvery: 0, checkpointEvery: 0 }) });
  const losses = (p: string) =>
    readFileSync(join(p, 'train_log.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((l) => l.loss !== undefined)
      .map((l) => l.loss as number);
  const la = losses(a);
  const lb = losses(b);
  assert.equal(la.length, 4);
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(la[i]! - lb[i]!) < 1e-4, `step ${i + 1}: ${la[i]} vs ${lb[i]}`);
});

test('schedules: warmup, cosine floor, WSD decay', () => {
  const c = { kind: 'cosine' as const, lr: 1, warmup: 10, total: 110, minLrRatio: 0.1, decayFraction: 0.2 };
  assert.equal(lrAt(0, c), 0.1);
  assert.equal(lrAt(9, c), 1);
  assert.ok(Math.abs(lrAt(110, c) - 0.1) < 1e-12);
  assert.ok(Math.abs(lrAt(60, c) - 0.55) < 1e-12);
  const w = { ...c, kind: 'wsd' as const };
  assert.equal(lrAt(50, w), 1);
  assert.equal(lrAt(87, w), 1);
  assert.ok(lrAt(100, w) < 1 && lrAt(100, w) > 0.1);
  assert.ok(Math.abs(lrAt(109, w) - 0.1) < 1e-12);
});

test('bad inputs: config, vocab mismatch, empty/small dataset, divergence, corrupt checkpoint', async () => {
  await assert.rejects(train({ config: tinyConfig(f, join(f.root, 'bad1'), { heads: 5 }) }), /nHeads \(5\) must divide dim \(32\)/);
  await assert.rejects(train({ config: tinyConfig(f, join(f.root, 'bad2'), { kvHeads: 3 }) }), /nKvHeads \(3\) must divide nHeads/);

  const empty = join(f.root, 'empty');
  mkdirSync(join(empty, 'shards', 'eng_Latn'), { recursive: true });
  await assert.rejects(train({ config: { ...tinyConfig(f, join(f.root, 'bad3')), data: empty } }), /dataset is empty/);
  await assert.rejects(train({ config: { ...tinyConfig(f, join(f.root, 'bad3')), data: join(f.root, 'nope') } }), /no shards\/ folder/);
  const small = join(f.root, 'small');
  mkdirSync(join(small, 'shards', 'eng_Latn'), { recursive: true });
  writeFileSync(join(small, 'shards', 'eng_Latn', 'a.jsonl'), '{"text":"Hi there."}\n');
  await assert.rejects(train({ config: { ...tinyConfig(f, join(f.root, 'bad4')), data: small } }), /dataset is too small/);
  writeFileSync(join(small, 'shards', 'eng_Latn', 'b.jsonl'), '{"text": 3}\n');
  await assert.rejects(train({ config: { ...tinyConfig(f, join(f.root, 'bad4')), data: small } }), (e: Error & { file?: string }) => /no "text" string/.test(e.message) && e.file!.endsWith('b.jsonl'));

  // Divergence: stops with a clear message, the last good checkpoint stays loadable.
  const div = join(f.root, 'div');
  await assert.rejects(train({ config: tinyConfig(f, div, { lr: 1e30, warmup: 0, gradClip: 0, maxSteps: 8 }) }), /training diverged: .* at step \d+; the last good checkpoint \(step \d+\) is kept/);
  const ck = loadCheckpoint(div);
  for (const v of ck.params.values()) assert.ok(v.every(Number.isFinite));

  // Vocabulary mismatch between --init checkpoint and tokenizer.
  const tok2 = join(f.root, 'tok2');
  await trainTokenizer({ inputs: [f.data], vocabSize: 350, out: tok2 });
  await assert.rejects(train({ config: { ...tinyConfig(f, join(f.root, 'bad5'), { init: div }), tokenizer: tok2 } }), /vocabulary \(350\) does not match the checkpoint's \(\d+\)/);

  // Corrupt checkpoint on resume: the error names the file.
  const buf = readFileSync(join(div, 'model.safetensors'));
  buf[buf.length - 5] ^= 0x55;
  writeFileSync(join(div, 'model.safetensors'), buf);
  await assert.rejects(train({ config: tinyConfig(f, div, { resume: true }) }), (e: Error & { file?: string }) => /model.safetensors is corrupt/.test(e.message) && e.file!.endsWith('model.safetensors'));
});
