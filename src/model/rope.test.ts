// RoPE scaling (src/model/rope.ts) and training with it: inverse frequencies against the
// closed forms of transformers' linear / llama3 / yarn, the llama3 `rope_freqs` divisors, and
// the trainer's gradients on a model with yarn RoPE and head_dim ≠ dim/heads against central
// finite differences of the loss (plus native kernels = reference on the same model).
// The fixtures in tests/fixtures/hf-import check the forward pass against transformers itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkModelConfig } from './config.js';
import { llama3RopeFreqs, ropeAttentionScale, ropeInvFreq } from './rope.js';
import { LlamaModel } from '../train/model.js';
import { refKernels } from '../train/kernels.js';
import { nativeKernels } from '../train/backend.js';
import { initParams } from '../train/trainer.js';

const base = { vocabSize: 19, dim: 16, nLayers: 1, nHeads: 2, nKvHeads: 1, ffnDim: 24, maxSeqLen: 8, ropeTheta: 100 };
const close = (a: number, b: number, tol = 1e-6) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

test('inverse frequencies: plain, linear, llama3, yarn (closed forms), llama3 rope_freqs divisors', () => {
  const hd = 8;
  const plain = ropeInvFreq(checkModelConfig(base));
  for (let i = 0; i < hd / 2; i++) assert.ok(close(plain[i]!, 100 ** (-(2 * i) / hd)));
  const lin = ropeInvFreq(checkModelConfig({ ...base, rope: { type: 'linear', factor: 4 } }));
  for (let i = 0; i < hd / 2; i++) assert.ok(close(lin[i]!, plain[i]! / 4));
  // llama3 with original context 8: wavelengths 6.3, 19.9, 62.8, 199 → kept, smoothed, ÷8, ÷8
  const l3 = checkModelConfig({ ...base, rope: { type: 'llama3', factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalContext: 32 } });
  const f3 = ropeInvFreq(l3);
  const wl = (i: number) => (2 * Math.PI) / plain[i]!;
  assert.ok(close(f3[0]!, plain[0]!)); // wavelength 6.3 < 32/4
  const s = (32 / wl(1) - 1) / 3;
  assert.ok(wl(1) > 8 && wl(1) < 32 && close(f3[1]!, ((1 - s) * plain[1]!) / 8 + s * plain[1]!, 1e-5));
  assert.ok(close(f3[3]!, plain[3]! / 8));
  const div = llama3RopeFreqs(l3)!;
  for (let i = 0; i < 4; i++) assert.ok(close(plain[i]! / div[i]!, f3[i]!, 1e-5), `rope_freqs[${i}]`);
  // yarn: dims below the correction range extrapolate (plain), above interpolate (÷ factor)
  const y = checkModelConfig({ ...base, ropeTheta: 10000, rope: { type: 'yarn', factor: 4, originalContext: 16, betaFast: 32, betaSlow: 1, attentionFactor: 0.1 * Math.log(4) + 1, truncate: true } });
  const fy = ropeInvFreq(y);
  const py = ropeInvFreq(checkModelConfig({ ...base, ropeTheta: 10000 }));
  assert.ok(close(fy[0]!, py[0]!) && close(fy[3]!, py[3]! / 4));
  assert.ok(close(ropeAttentionScale(y), 1.1386294361));
});

const cfg = checkModelConfig({ ...base, headDim: 6, rope: { type: 'yarn', factor: 4, originalContext: 4, betaFast: 32, betaSlow: 1, attentionFactor: 1.2, truncate: true } });
const B = 2,
  T = 6;
const x = Int32Array.from({ length: B * T }, (_, i) => (i * 7 + 3) % 19);
const yy = Int32Array.from({ length: B * T }, (_, i) => (i * 5 + 1) % 19);

test('training with yarn RoPE and head_dim 6 ≠ 16/2: gradients match finite differences', () => {
  const m = new LlamaModel(cfg, refKernels);
  initParams(m, 3);
  // larger Q/K so attention (and so RoPE) shapes the loss
  for (const n of ['blk.0.attn_q.weight', 'blk.0.attn_k.weight']) m.view(n).forEach((v, i, a) => (a[i] = v * 20));
  m.zeroGrad();
  m.forward(x, yy, B, T, 1 / (B * T));
  m.backward();
  const h = 1e-3;
  let checked = 0;
  for (const name of ['blk.0.attn_q.weight', 'blk.0.attn_k.weight', 'blk.0.attn_output.weight']) {
    const w = m.view(name);
    const g = m.view(name, m.grads).slice();
    for (const i of [0, 5, 17, w.length - 1]) {
      const v = w[i]!;
      w[i] = v + h;
      const lp = m.forward(x, yy, B, T, 0);
      w[i] = v - h;
      const lm = m.forward(x, yy, B, T, 0);
      w[i] = v;
      const fd = (lp - lm) / (2 * h);
      assert.ok(Math.abs(fd - g[i]!) <= 2e-4 + 0.02 * Math.abs(fd), `${name}[${i}]: analytic ${g[i]} vs finite difference ${fd}`);
      checked++;
    }
  }
  assert.equal(checked, 12);
});

test('yarn + head_dim: native kernels = reference (loss and gradients)', { skip: nativeKernels().kernels ? false : 'native kernels unavailable' }, () => {
  const a = new LlamaModel(cfg, refKernels);
  const b = new LlamaModel(cfg, nativeKernels().kernels!);
  initParams(a, 4);
  b.params.set(a.params);
  const la = (a.zeroGrad(), a.forward(x, yy, B, T, 1 / (B * T)));
  const lb = (b.zeroGrad(), b.forward(x, yy, B, T, 1 / (B * T)));
  a.backward();
  b.backward();
  assert.ok(Math.abs(la - lb) < 1e-5, `loss ${la} vs ${lb}`);
  for (let i = 0; i < a.grads.length; i++) assert.ok(Math.abs(a.grads[i]! - b.grads[i]!) <= 1e-6 + 1e-3 * Math.abs(a.grads[i]!), `grad[${i}] ${a.grads[i]} vs ${b.grads[i]}`);
});
