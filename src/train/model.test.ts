// Whole-model gradient checks that the PyTorch fixture does not cover: tied embeddings (output
// projection = token_embd, gradients from both uses add up) against central finite differences
// of the loss in float64 (the TS reference kernels run on the model's buffers, so a float32
// model is checked with a large step and a loose tolerance), and native = reference on it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkModelConfig } from '../model/config.js';
import { LlamaModel } from './model.js';
import { refKernels } from './kernels.js';
import { nativeKernels } from './backend.js';
import { initParams } from './trainer.js';

const cfg = checkModelConfig({ vocabSize: 23, dim: 16, nLayers: 2, nHeads: 4, nKvHeads: 2, ffnDim: 24, maxSeqLen: 6, tiedEmbeddings: true });
const B = 2,
  T = 6;
const x = Int32Array.from({ length: B * T }, (_, i) => (i * 7 + 3) % 23);
const y = Int32Array.from({ length: B * T }, (_, i) => (i * 5 + 1) % 23);

test('tied embeddings: gradient of token_embd matches finite differences', () => {
  const m = new LlamaModel(cfg, refKernels);
  initParams(m, 1);
  m.zeroGrad();
  m.forward(x, y, B, T, 1 / (B * T));
  m.backward();
  const emb = m.view('token_embd.weight');
  const g = m.view('token_embd.weight', m.grads).slice();
  const h = 1e-3; // float32 loss: larger steps see curvature, smaller ones rounding
  let checked = 0;
  for (const i of [50, 114, 367, 0, 100, 22 * 16 + 15]) {
    const v = emb[i]!;
    emb[i] = v + h;
    const lp = m.forward(x, y, B, T, 0);
    emb[i] = v - h;
    const lm = m.forward(x, y, B, T, 0);
    emb[i] = v;
    const fd = (lp - lm) / (2 * h);
    assert.ok(Math.abs(fd - g[i]!) <= 1e-4 + 0.01 * Math.abs(fd), `token_embd[${i}]: analytic ${g[i]} vs finite difference ${fd}`);
    checked++;
  }
  assert.equal(checked, 6);
});

test('tied embeddings: native kernels = reference (loss and all gradients)', { skip: nativeKernels().kernels ? false : 'native kernels unavailable' }, () => {
  const a = new LlamaModel(cfg, refKernels);
  const b = new LlamaModel(cfg, nativeKernels().kernels!);
  initParams(a, 2);
  b.params.set(a.params);
  for (const m of [a, b]) {
    m.zeroGrad();
    m.forward(x, y, B, T, 1 / (B * T));
    m.backward();
  }
  for (let i = 0; i < a.grads.length; i++) assert.ok(Math.abs(a.grads[i]! - b.grads[i]!) <= 1e-6 + 1e-3 * Math.abs(a.grads[i]!), `grad[${i}] ${a.grads[i]} vs ${b.grads[i]}`);
});
