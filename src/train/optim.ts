// AdamW over the flat parameter buffer (decoupled weight decay, none on RMSNorm gains), global
// gradient-norm clipping and the learning-rate schedules (warmup + cosine, warmup-stable-decay).
// Not the training loop. Reference: torch.optim.AdamW + clip_grad_norm_ (Loshchilov & Hutter
// 2019), WSD from MiniCPM (Hu et al. 2024).
import type { Kernels } from './kernels.js';
import type { ParamView } from './model.js';

export interface AdamWConfig {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

export class AdamW {
  readonly m: Float32Array;
  readonly v: Float32Array;
  /** Number of steps taken (bias correction uses t = step). */
  step = 0;
  constructor(
    readonly k: Kernels,
    readonly table: ParamView[],
    n: number,
  ) {
    this.m = new Float32Array(n);
    this.v = new Float32Array(n);
  }

  /** One update with learning rate `lr`; norms ('norm' kind) get no weight decay. */
  update(params: Float32Array, grads: Float32Array, lr: number, c: AdamWConfig): void {
    this.step++;
    const bc1 = 1 - Math.pow(c.beta1, this.step);
    const bc2 = 1 - Math.pow(c.beta2, this.step);
    // Contiguous runs of the same decay class are one kernel call.
    let i = 0;
    while (i < this.table.length) {
      const wd = this.table[i]!.spec.kind === 'norm' ? 0 : c.weightDecay;
      let j = i;
      while (j + 1 < this.table.length && (this.table[j + 1]!.spec.kind === 'norm' ? 0 : c.weightDecay) === wd) j++;
      const a = this.table[i]!.offset;
      const b = this.table[j]!.offset + this.table[j]!.size;
      this.k.adamw(params.subarray(a, b), grads.subarray(a, b), this.m.subarray(a, b), this.v.subarray(a, b), lr, c.beta1, c.beta2, c.eps, wd, bc1, bc2);
      i = j + 1;
    }
  }
}

/** Scales grads so their global L2 norm is at most maxNorm (torch semantics: coef = max/(norm+1e-6), capped at 1). Returns the norm before clipping. */
export function clipGradNorm(k: Kernels, grads: Float32Array, maxNorm: number): number {
  const norm = Math.sqrt(k.sumSquares(grads));
  if (maxNorm > 0 && Number.isFinite(norm)) {
    const coef = maxNorm / (norm + 1e-6);
    if (coef < 1) k.scale(grads, coef);
  }
  return norm;
}

export type ScheduleKind = 'cosine' | 'wsd' | 'constant';

export interface ScheduleConfig {
  kind: ScheduleKind;
  lr: number;
  /** Linear warmup steps (from lr/warmup to lr). */
  warmup: number;
  total: number;
  /** Final lr as a fraction of lr (cosine floor, WSD end). */
  minLrRatio: number;
  /** WSD: fraction of total steps spent in the final decay. */
  decayFraction: number;
}

/** Learning rate for 0-based step `s`. */
export function lrAt(s: number, c: ScheduleConfig): number {
  const min = c.lr * c.minLrRatio;
  if (c.warmup > 0 && s < c.warmup) return (c.lr * (s + 1)) / c.warmup;
  if (c.kind === 'constant') return c.lr;
  if (c.kind === 'cosine') {
    const span = Math.max(1, c.total - c.warmup);
    const p = Math.min(1, (s - c.warmup) / span);
    return min + 0.5 * (c.lr - min) * (1 + Math.cos(Math.PI * p));
  }
  // WSD: warmup, stable at lr, then linear decay to min over the last decayFraction of steps.
  const decaySteps = Math.max(1, Math.round(c.total * c.decayFraction));
  const start = c.total - decaySteps;
  if (s < start) return c.lr;
  const p = Math.min(1, (s - start + 1) / decaySteps);
  return c.lr + (min - c.lr) * p;
}
