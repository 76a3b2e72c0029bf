// Exported GGUFs in real llama.cpp (node-llama-cpp's prebuilt binaries, CPU, one thread):
// - parity: our float64 reference forward (src/model/reference.ts) vs llama.cpp on the F32
//   export, every position of a multilingual prompt, max |Δlogit| ≤ 1e-4 (F32 KV cache, flash
//   attention off), and llama.cpp's tokenization equals our tokenizer's;
// - F16 / Q8_0 / Q4_0 / Q4_K exports load, generate, and their logits stay near F32's;
// - our Q8_0 / Q4_0 / Q6_K / Q4_K_M exports equal what llama.cpp's own `llama_model_quantize`
//   makes from our F32 export, tensor for tensor (types and bytes; tied embeddings too), and our
//   reader reads its files.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { exportGguf, type ExportType } from '../src/export/gguf.js';
import { readGguf, readTensorBytes } from '../src/formats/gguf/reader.js';
import { FILE_TYPES } from '../src/formats/gguf/constants.js';
import { LlamaCppModel } from '../src/runtime/llamacpp.js';
import { referenceLogits } from '../src/model/reference.js';
import { loadTokenizer } from '../src/tokenizer/index.js';
import { llamaQuantize, llamaQuantizeUnavailable, makeCheckpoint, MULTILINGUAL, tmp } from './gguf-helpers.js';

let root: string;
let ck: Awaited<ReturnType<typeof makeCheckpoint>>;
const ggufs: Partial<Record<ExportType, string>> = {};
const PROMPT = MULTILINGUAL.join(' ');

before(async () => {
  root = tmp('llamacpp');
  ck = await makeCheckpoint({ root });
  for (const t of ['f32', 'f16', 'q8_0', 'q4_0', 'q4_k', 'q6_k'] as const) {
    ggufs[t] = join(root, `${t}.gguf`);
    exportGguf(ck.dir, { type: t, out: ggufs[t]! });
  }
});
after(() => rmSync(root, { recursive: true, force: true }));

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

test('F32 export: llama.cpp logits = reference forward (≤ 1e-4 at every position), tokenization equal', async () => {
  const m = await LlamaCppModel.load(ggufs.f32!, { threads: 1 });
  try {
    const ids = m.tokenize(PROMPT);
    const ours = loadTokenizer(ck.tokenizerDir).encode(PROMPT);
    assert.deepEqual(ids, ours);
    assert.ok(ids.length > 150, `prompt has ${ids.length} tokens`);
    const L = await m.logits(ids);
    const R = referenceLogits(ck.config, ck.params, ids);
    assert.equal(L.length, ids.length);
    let worst = 0;
    for (let t = 0; t < ids.length; t++) {
      assert.equal(L[t]!.length, ck.config.vocabSize);
      const d = maxAbs(L[t]!, R[t]!);
      worst = Math.max(worst, d);
      assert.ok(d <= 1e-4, `position ${t}: max |Δlogit| ${d}`);
    }
    // The logits are far from trivial: the check above would catch a missing Q/K permutation.
    let spread = 0;
    for (const r of R) spread = Math.max(spread, maxAbs(r, new Float64Array(r.length)));
    assert.ok(spread > 0.3, `logit magnitude ${spread}`);
    assert.ok(worst < 1e-5, `worst ${worst}`);
  } finally {
    await m.dispose();
  }
});

test('F16, Q8_0, Q6_K, Q4_K, Q4_0 exports load, generate, and stay close to F32 logits', async () => {
  const f32 = await LlamaCppModel.load(ggufs.f32!, { threads: 1 });
  const ids = f32.tokenize(MULTILINGUAL.slice(0, 3).join(' '));
  const ref = await f32.logits(ids);
  await f32.dispose();
  // Max |Δlogit| over all positions, random weights of std 0.05 (logits ~1). Measured 2026-11:
  // f16 0.0014, q8_0 0.044 (llama.cpp also quantizes activations to Q8 for these), q4_k 0.21, q4_0 0.50.
  const tol: Record<string, number> = { f16: 5e-3, q8_0: 0.12, q6_k: 0.12, q4_k: 0.5, q4_0: 1.2 };
  const got: Record<string, number> = {};
  for (const t of ['f16', 'q8_0', 'q6_k', 'q4_k', 'q4_0'] as const) {
    const m = await LlamaCppModel.load(ggufs[t]!, { threads: 1 });
    try {
      const L = await m.logits(ids);
      got[t] = Math.max(...L.map((l, i) => maxAbs(l, ref[i]!)));
      assert.ok(got[t]! > 0 || t === 'f16', `${t} is identical to f32?`);
      assert.ok(got[t]! < tol[t]!, `${t}: max |Δlogit| ${got[t]} ≥ ${tol[t]}`);
      const g = await m.generate('Alle Menschen sind', { maxTokens: 8, stopAtEos: false });
      assert.equal(g.tokens.length, 8);
    } finally {
      await m.dispose();
    }
  }
  assert.ok(got.q8_0! < got.q4_0! && got.f16! < got.q8_0!, JSON.stringify(got));
});

test('quantized exports equal llama.cpp`s own llama_model_quantize of our F32 export, tensor for tensor', { skip: llamaQuantizeUnavailable() }, async () => {
  // A second model whose rows are multiples of 256, so Q6_K is used rather than its Q8_0 fallback.
  const wide = await makeCheckpoint({ root: join(root, 'wide'), tokenizerDir: ck.tokenizerDir, config: { dim: 256, nLayers: 2, nHeads: 4, nKvHeads: 2, ffnDim: 512 } });
  const wf32 = join(root, 'wide-f32.gguf');
  exportGguf(wide.dir, { type: 'f32', out: wf32 });
  const cases: [string, string, ExportType, number][] = [
    ['small', ggufs.f32!, 'q8_0', FILE_TYPES.MOSTLY_Q8_0],
    ['small', ggufs.f32!, 'q4_0', FILE_TYPES.MOSTLY_Q4_0],
    ['small', ggufs.f32!, 'q6_k', FILE_TYPES.MOSTLY_Q6_K],
    ['wide', wf32, 'q6_k', FILE_TYPES.MOSTLY_Q6_K],
    ['wide', wf32, 'q4_0', FILE_TYPES.MOSTLY_Q4_0],
    ['wide', wf32, 'q4_k_m', FILE_TYPES.MOSTLY_Q4_K_M],
    ['small', ggufs.f32!, 'q4_k_m', FILE_TYPES.MOSTLY_Q4_K_M],
    ['wide', wf32, 'q4_k', FILE_TYPES.MOSTLY_Q4_K_S],
    ['small', ggufs.f32!, 'q4_k', FILE_TYPES.MOSTLY_Q4_K_S],
  ];
  for (const [model, f32, t, ftype] of cases) {
    const theirsPath = join(root, `llama-${model}-${t}.gguf`);
    llamaQuantize(f32, theirsPath, ftype);
    const oursPath = ggufs[t] && model === 'small' ? ggufs[t]! : join(root, `${model}-${t}.gguf`);
    if (!(ggufs[t] && model === 'small')) exportGguf(model === 'wide' ? wide.dir : ck.dir, { type: t, out: oursPath });
    const ours = readGguf(oursPath);
    const theirs = readGguf(theirsPath); // a GGUF written by llama.cpp: the reader handles it too
    assert.equal(theirs.tensors.length, ours.tensors.length);
    for (const ti of theirs.tensors) {
      const oi = ours.tensors.find((x) => x.name === ti.name);
      assert.ok(oi, `${model} ${t}: tensor ${ti.name} missing in ours`);
      assert.equal(oi.type?.name, ti.type?.name, `${model} ${t}: ${ti.name} type`);
      assert.deepEqual(oi.dims, ti.dims, `${t}: ${ti.name} dims`);
      const a = readTensorBytes(ours, ti.name);
      const b = readTensorBytes(theirs, ti.name);
      assert.equal(Buffer.compare(Buffer.from(a), Buffer.from(b)), 0, `${model} ${t}: ${ti.name} bytes differ`);
    }
    if (model === 'wide' && t === 'q6_k') assert.equal(ours.tensors.find((x) => x.name === 'blk.0.ffn_up.weight')?.type?.name, 'Q6_K');
    if (model === 'wide' && t === 'q4_k_m') {
      const ty = (n: string) => ours.tensors.find((x) => x.name === n)?.type?.name;
      assert.deepEqual([ty('blk.0.attn_v.weight'), ty('blk.1.attn_v.weight'), ty('blk.1.ffn_down.weight'), ty('blk.0.ffn_up.weight'), ty('output.weight')], ['Q4_K', 'Q6_K', 'Q6_K', 'Q4_K', 'Q6_K']);
    }
  }
  // Q4_K on the wide model: real Q4_K blocks (no fallback) run in llama.cpp, closer to F32 than Q4_0.
  const q4k = join(root, 'wide-q4_k.gguf');
  const rep = exportGguf(wide.dir, { type: 'q4_k', out: q4k });
  assert.equal(rep.fallbacks.length, 0);
  assert.equal(rep.tensors.find((x) => x.name === 'blk.0.attn_q.weight')?.type, 'Q4_K');
  assert.equal(rep.tensors.find((x) => x.name === 'blk.0.attn_v.weight')?.type, 'Q5_K', 'Q4_K_S raises attn_v of the first layers');
  const models = await Promise.all([wf32, q4k, join(root, 'wide-q4_0.gguf')].map((p) => LlamaCppModel.load(p, { threads: 1 })));
  try {
    const ids = models[0]!.tokenize(MULTILINGUAL[1]!);
    const [l32, lk, l40] = [await models[0]!.logits(ids), await models[1]!.logits(ids), await models[2]!.logits(ids)];
    const dk = Math.max(...l32.map((l, i) => maxAbs(l, lk[i]!)));
    const d40 = Math.max(...l32.map((l, i) => maxAbs(l, l40[i]!)));
    const spread = Math.max(...l32.map((l) => maxAbs(l, new Float32Array(l.length))));
    assert.ok(dk > 0 && dk < d40 && dk < 0.5 * spread, `q4_k ${dk}, q4_0 ${d40}, logit magnitude ${spread}`);
  } finally {
    for (const m of models) await m.dispose();
  }
});

test('tied embeddings: no output.weight; llama.cpp uses token_embd for logits (parity) and the same output-tensor rule', async (t) => {
  const tied = await makeCheckpoint({ root: join(root, 'tied'), tokenizerDir: ck.tokenizerDir, config: { nLayers: 1, tiedEmbeddings: true } });
  const f32 = join(root, 'tied-f32.gguf');
  exportGguf(tied.dir, { type: 'f32', out: f32 });
  assert.equal(
    readGguf(f32).tensors.some((t) => t.name === 'output.weight'),
    false,
  );
  const m = await LlamaCppModel.load(f32, { threads: 1 });
  try {
    const ids = m.tokenize(MULTILINGUAL[2]!);
    const L = await m.logits(ids);
    const R = referenceLogits(tied.config, tied.params, ids);
    for (let t = 0; t < ids.length; t++) assert.ok(maxAbs(L[t]!, R[t]!) <= 1e-4, `position ${t}`);
  } finally {
    await m.dispose();
  }
  const ours = join(root, 'tied-q4_0.gguf');
  exportGguf(tied.dir, { type: 'q4_0', out: ours });
  const why = llamaQuantizeUnavailable();
  if (why) return t.skip(why);
  const theirs = join(root, 'tied-llama-q4_0.gguf');
  llamaQuantize(f32, theirs, FILE_TYPES.MOSTLY_Q4_0);
  const [a, b] = [readGguf(ours), readGguf(theirs)];
  for (const ti of b.tensors) {
    assert.equal(a.tensors.find((x) => x.name === ti.name)?.type?.name, ti.type?.name, ti.name);
    assert.equal(Buffer.compare(Buffer.from(readTensorBytes(a, ti.name)), Buffer.from(readTensorBytes(b, ti.name))), 0, ti.name);
  }
  assert.equal(a.tensors.find((x) => x.name === 'token_embd.weight')?.type?.name, 'Q8_0'); // output rule: Q6_K, rows of 64 → Q8_0
});
