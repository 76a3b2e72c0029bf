// Training throughput on random tokens for an explicit architecture — the same work as
// ../shared/peers/torch_llama.py (AdamW, clip 1.0, wd 0.1, lr 3e-4, 2 warmup steps, same FLOP
// formula) so tokens/s compare one to one — plus a per-kernel time profile. Not a test.
import { checkModelConfig } from '../model/config.js';
import type { Kernels } from './kernels.js';
import { LlamaModel } from './model.js';
import { AdamW, clipGradNorm } from './optim.js';
import { Rng } from '../util/rng.js';
import { flopsPerToken, initParams } from './trainer.js';

export interface BenchTrainOptions {
  dim: number;
  layers: number;
  heads: number;
  kvHeads: number;
  ffn: number;
  vocab: number;
  seq: number;
  batch: number;
  steps: number;
  warmup?: number;
  profile?: boolean;
}

export interface BenchTrainResult {
  peer: string;
  params: number;
  tokens_per_s: number;
  gflops_per_s: number;
  loss: number;
  threads?: number;
  kernels: string;
  /** Tokens per CPU-second of this process (all threads): a load-independent efficiency figure. */
  tokens_per_cpu_s: number;
  /** Share of step time per kernel (profile only). */
  profile?: Record<string, number>;
}

/** Wraps kernels to accumulate wall time per kernel name (plus `other` for JS glue). */
function profiled(k: Kernels, acc: Map<string, number>): Kernels {
  const out: Record<string, unknown> = { name: k.name };
  for (const key of Object.keys(k) as (keyof Kernels)[]) {
    const f = k[key];
    if (typeof f !== 'function') continue;
    out[key] = (...args: unknown[]) => {
      const t0 = performance.now();
      const r = (f as (...a: unknown[]) => unknown)(...args);
      let label: string = key;
      if (key === 'matmul') label = `matmul ${args[6] ? 'dW' : args[7] ? 'fwd' : 'dX'}`;
      acc.set(label, (acc.get(label) ?? 0) + performance.now() - t0);
      return r;
    };
  }
  return out as unknown as Kernels;
}

export function benchTrain(o: BenchTrainOptions, kernels: Kernels, threads?: number): BenchTrainResult {
  const cfg = checkModelConfig({ vocabSize: o.vocab, dim: o.dim, nLayers: o.layers, nHeads: o.heads, nKvHeads: o.kvHeads, ffnDim: o.ffn, maxSeqLen: o.seq, tiedEmbeddings: false });
  const times = new Map<string, number>();
  const k = o.profile ? profiled(kernels, times) : kernels;
  const model = new LlamaModel(cfg, k);
  initParams(model, 0);
  const opt = new AdamW(k, model.table, model.numParams);
  const rng = new Rng(0);
  const B = o.batch;
  const T = o.seq;
  const x = new Int32Array(B * T);
  const y = new Int32Array(B * T);
  const warm = o.warmup ?? 2;
  let loss = NaN;
  let t0 = 0;
  let cpu0 = process.cpuUsage();
  const c = { lr: 3e-4, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1 };
  for (let i = 0; i < warm + o.steps; i++) {
    if (i === warm) {
      times.clear();
      t0 = performance.now();
      cpu0 = process.cpuUsage();
    }
    for (let j = 0; j < B; j++) {
      let prev = rng.int(o.vocab);
      for (let t = 0; t < T; t++) {
        const nx = rng.int(o.vocab);
        x[j * T + t] = prev;
        y[j * T + t] = nx;
        prev = nx;
      }
    }
    model.zeroGrad();
    loss = model.forward(x, y, B, T, 1 / (B * T));
    model.backward();
    clipGradNorm(k, model.grads, 1);
    opt.update(model.params, model.grads, c.lr, c);
  }
  const dt = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  const toks = o.steps * B * T;
  const r: BenchTrainResult = {
    peer: 'oellm',
    params: model.numParams,
    tokens_per_s: Math.round((toks / dt) * 10) / 10,
    gflops_per_s: Math.round(((flopsPerToken(cfg, model.numParams, T) * toks) / dt / 1e9) * 10) / 10,
    tokens_per_cpu_s: Math.round((toks / cpuS) * 10) / 10,
    loss: Math.round(loss * 1e4) / 1e4,
    kernels: kernels.name,
    ...(threads !== undefined ? { threads } : {}),
  };
  if (o.profile) {
    const total = dt * 1000;
    let known = 0;
    const prof: Record<string, number> = {};
    for (const [n, ms] of [...times].sort((a, b) => b[1] - a[1])) {
      prof[n] = Math.round((ms / total) * 1000) / 1000;
      known += ms;
    }
    prof.other = Math.round(((total - known) / total) * 1000) / 1000;
    r.profile = prof;
  }
  return r;
}
