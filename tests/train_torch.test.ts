// The whole model against PyTorch, the llm.c way: scripts/torch/make_fixture.py (Debian
// python3-torch) writes a fixture into a tmp dir at test time — inputs, initial weights, logits,
// loss, every parameter gradient and the losses of 10 AdamW steps — and both kernel sets
// (TS reference, native) must reproduce it within the stated tolerances. Skips, saying why,
// only where torch cannot be imported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkModelConfig } from '../src/model/config.js';
import { paramTable } from '../src/model/params.js';
import { LlamaModel } from '../src/train/model.js';
import { refKernels, type Kernels } from '../src/train/kernels.js';
import { nativeKernels } from '../src/train/backend.js';
import { AdamW, clipGradNorm } from '../src/train/optim.js';
import { repoRoot } from './train_helpers.js';

// Tolerances (float32 on both sides, different summation orders).
const TOL = { logits: 2e-5, loss: 1e-5, gradAbs: 2e-6, gradRel: 1e-3, stepLoss: 2e-4, gradNormRel: 2e-3 };

const python = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0);

interface Fixture {
  header: {
    config: { vocab: number; dim: number; layers: number; heads: number; kv_heads: number; ffn: number; B: number; T: number; theta: number; eps: number };
    optimizer: { lr: number; beta1: number; beta2: number; eps: number; weight_decay: number; clip: number; steps: number };
    loss: number;
    losses: number[];
    grad_norms: number[];
    params: string[];
    tensors: { name: string; dtype: 'F32' | 'I32'; shape: number[]; offset: number }[];
  };
  get(name: string): Float32Array | Int32Array;
}

function readFixture(path: string): Fixture {
  const buf = readFileSync(path);
  assert.equal(buf.subarray(0, 4).toString('latin1'), 'OEFX', 'fixture magic');
  assert.equal(buf.readUInt32LE(4), 1, 'fixture version');
  const hlen = buf.readUInt32LE(8);
  const header = JSON.parse(buf.subarray(12, 12 + hlen).toString('utf8')) as Fixture['header'];
  const data = 12 + hlen;
  return {
    header,
    get(name) {
      const t = header.tensors.find((x) => x.name === name);
      if (!t) throw new Error(`fixture has no ${name}`);
      const n = t.shape.reduce((a, b) => a * b, 1);
      const bytes = buf.buffer.slice(buf.byteOffset + data + t.offset, buf.byteOffset + data + t.offset + n * 4);
      return t.dtype === 'F32' ? new Float32Array(bytes) : new Int32Array(bytes);
    },
  };
}

function compareWithTorch(fx: Fixture, k: Kernels): void {
  const c = fx.header.config;
  const mc = checkModelConfig({ vocabSize: c.vocab, dim: c.dim, nLayers: c.layers, nHeads: c.heads, nKvHeads: c.kv_heads, ffnDim: c.ffn, maxSeqLen: c.T, ropeTheta: c.theta, normEps: c.eps, tiedEmbeddings: false });
  const model = new LlamaModel(mc, k);
  const table = paramTable(mc);
  assert.deepEqual(
    table.map((p) => p.hf),
    fx.header.params,
    'parameter order matches the HF names',
  );
  model.loadParams(new Map(table.map((p) => [p.name, fx.get('init.' + p.hf) as Float32Array])));
  const x = fx.get('tokens') as Int32Array;
  const y = fx.get('targets') as Int32Array;
  const { B, T } = c;

  // logits (forward without targets keeps them), then loss + gradients
  model.forward(x, null, B, T);
  const want = fx.get('logits') as Float32Array;
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(model.logits[i]! - want[i]!));
  assert.ok(worst < TOL.logits, `${k.name}: logits max |diff| ${worst}`);
  model.zeroGrad();
  const loss = model.forward(x, y, B, T, 1 / (B * T));
  assert.ok(Math.abs(loss - fx.header.loss) < TOL.loss, `${k.name}: loss ${loss} vs torch ${fx.header.loss}`);
  model.backward();
  for (const p of table) {
    const g = model.view(p.name, model.grads);
    const w = fx.get('grad.' + p.hf) as Float32Array;
    for (let i = 0; i < w.length; i++) {
      const d = Math.abs(g[i]! - w[i]!);
      assert.ok(d <= TOL.gradAbs + TOL.gradRel * Math.abs(w[i]!), `${k.name}: grad ${p.hf}[${i}] ${g[i]} vs torch ${w[i]}`);
    }
  }

  // 10 AdamW steps on the same batch (clip 1.0, no decay on norms)
  const o = fx.header.optimizer;
  model.loadParams(new Map(table.map((p) => [p.name, fx.get('init.' + p.hf) as Float32Array])));
  const opt = new AdamW(k, model.table, model.numParams);
  for (let s = 0; s < o.steps; s++) {
    model.zeroGrad();
    const l = model.forward(x, y, B, T, 1 / (B * T));
    model.backward();
    const norm = clipGradNorm(k, model.grads, o.clip);
    if (process.env.FX_DEBUG) console.log(s, l - fx.header.losses[s]!, norm - fx.header.grad_norms[s]!);
    assert.ok(Math.abs(norm - fx.header.grad_norms[s]!) < TOL.gradNormRel * Math.max(1, fx.header.grad_norms[s]!), `${k.name}: step ${s} grad norm ${norm} vs torch ${fx.header.grad_norms[s]}`);
    opt.update(model.params, model.grads, o.lr, { lr: o.lr, beta1: o.beta1, beta2: o.beta2, eps: o.eps, weightDecay: o.weight_decay });
    assert.ok(Math.abs(l - fx.header.losses[s]!) < TOL.stepLoss, `${k.name}: step ${s} loss ${l} vs torch ${fx.header.losses[s]}`);
  }
}

const skip = python ? false : 'python3 with torch is not installed (Debian: python3-torch, see scripts/install-system.sh)';

test('model = PyTorch: logits, loss, all gradients, 10 AdamW steps (TS reference and native kernels)', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'oellm-torch-'));
  const path = join(dir, 'fixture.bin');
  const r = spawnSync(python!, [join(repoRoot, 'scripts/torch/make_fixture.py'), path], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const fx = readFixture(path);
  rmSync(dir, { recursive: true, force: true });
  compareWithTorch(fx, refKernels);
  const nat = nativeKernels();
  if (nat.kernels) compareWithTorch(fx, nat.kernels);
  else assert.fail(`native kernels unavailable: ${nat.error}`);
});
