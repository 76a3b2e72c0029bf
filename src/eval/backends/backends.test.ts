// The backends against each other and against llama.cpp's own full logits: the GGUF backend's
// fast path (target logit, max, Σexp) equals log-softmax of the full logit rows; the same F32
// GGUF scored by the checkpoint backend (our forward) and the GGUF backend (llama.cpp) agrees to
// 1e-4 relative in bits per byte, over windows longer than the context; many sequences in one
// context give the same numbers as one. Real models: a random checkpoint exported to F32 GGUF.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { exportGguf } from '../../export/gguf.js';
import { LlamaCppModel } from '../../runtime/llamacpp.js';
import { makeCheckpoint, MULTILINGUAL, tmp } from '../../../tests/gguf-helpers.js';
import { GgufBackend } from './gguf.js';
import { CheckpointBackend } from './checkpoint.js';
import { logSumExp } from '../metrics.js';
import { scoreTexts } from '../score.js';

let root: string;
let ck: Awaited<ReturnType<typeof makeCheckpoint>>;
let f32: string;

before(async () => {
  root = tmp('eval-backends');
  // A 64-token context so the multilingual paragraphs need several windows.
  ck = await makeCheckpoint({ root, config: { maxSeqLen: 64 } });
  f32 = join(root, 'm-f32.gguf');
  exportGguf(ck.dir, { type: 'f32', out: f32 });
});
after(() => rmSync(root, { recursive: true, force: true }));

test('GGUF backend: fast log-probabilities = log-softmax of llama.cpp full logits; greedy flag', async () => {
  const b = await GgufBackend.open(f32, { threads: 1, sequences: 4 });
  const m = await LlamaCppModel.load(f32, { threads: 1 });
  try {
    const ids = [b.prefix!, ...(await b.tokenize(MULTILINGUAL[0]!))].slice(0, 60);
    const [s] = await b.score([{ tokens: ids, from: 1 }]);
    const L = await m.logits(ids.slice(0, -1));
    let worst = 0;
    for (let t = 1; t < ids.length; t++) {
      const want = L[t - 1]![ids[t]!]! - logSumExp(L[t - 1]!);
      worst = Math.max(worst, Math.abs(s!.logprobs[t - 1]! - want));
    }
    assert.equal(s!.logprobs.length, ids.length - 1);
    assert.ok(worst < 1e-4, `max |Δ ln p| ${worst}`);
    // A sequence made of each position's argmax is greedy; the random text is not.
    assert.equal(s!.greedy, false);
    const greedyIds = [ids[0]!];
    for (let t = 0; t < 5; t++) {
      const row = (await m.logits(greedyIds)).at(-1)!;
      let a = 0;
      for (let i = 1; i < row.length; i++) if (row[i]! > row[a]!) a = i;
      greedyIds.push(a);
    }
    const [g] = await b.score([{ tokens: greedyIds, from: 1 }]);
    assert.equal(g!.greedy, true);
  } finally {
    await m.dispose();
    await b.close();
  }
});

test('same F32 weights: checkpoint backend and GGUF backend agree to 1e-4 relative in bits per byte (windows over a 64-token context)', async () => {
  const texts = MULTILINGUAL.map((t, i) => ({ id: String(i), text: t }));
  const g = await GgufBackend.open(f32, { threads: 1, sequences: 4 });
  const c = await CheckpointBackend.open(ck.dir);
  try {
    assert.equal(g.contextLength, 64);
    assert.equal(c.contextLength, 64);
    assert.equal(g.prefix, c.prefix);
    const rg = await scoreTexts(g, texts);
    const rc = await scoreTexts(c, texts);
    const tokens = rg.reduce((s, d) => s + d.tokens, 0);
    assert.ok(
      rg.some((d) => d.tokens > 64),
      'some text spans several windows',
    );
    assert.deepEqual(
      rg.map((d) => d.tokens),
      rc.map((d) => d.tokens),
    );
    const bpb = (r: typeof rg): number => -r.reduce((s, d) => s + d.ll, 0) / r.reduce((s, d) => s + d.bytes, 0) / Math.LN2;
    const rel = Math.abs(bpb(rg) - bpb(rc)) / bpb(rc);
    assert.ok(rel <= 1e-4, `bpb gguf ${bpb(rg)} vs checkpoint ${bpb(rc)}: relative ${rel} over ${tokens} tokens`);
    // Random weights over a ~600-token vocabulary: near log2(V)/bytes-per-token, far from 0.
    assert.ok(bpb(rc) > 1, `bpb ${bpb(rc)}`);
  } finally {
    await g.close();
    await c.close();
  }
});

test('GGUF backend: 1 sequence and 8 sequences per context give the same log-probabilities', async () => {
  const texts = MULTILINGUAL.map((t, i) => ({ id: String(i), text: t }));
  const one = await GgufBackend.open(f32, { threads: 1, sequences: 1 });
  const many = await GgufBackend.open(f32, { threads: 1, sequences: 8 });
  try {
    const a = await scoreTexts(one, texts);
    const b = await scoreTexts(many, texts);
    for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]!.ll - b[i]!.ll) <= 1e-3 * Math.abs(a[i]!.ll), `text ${i}: ${a[i]!.ll} vs ${b[i]!.ll}`);
  } finally {
    await one.close();
    await many.close();
  }
});
