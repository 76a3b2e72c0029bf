// Kernel tests: every reference kernel's backward against central finite differences in float64
// (the TS kernels run unchanged on Float64Array), then the native kernels against the reference
// on the same cases (float32, stated tolerances), including odd sizes that hit every GEMM edge.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { refKernels as R, type Kernels } from './kernels.js';
import { nativeKernels } from './backend.js';
import { ropeTables } from './model.js';
import { mulberry32 } from '../util/rng.js';

const rng = (seed: number): (() => number) => {
  const r = mulberry32(seed);
  return () => r() - 0.5;
};
const rand64 = (n: number, r: () => number, s = 1): Float64Array => Float64Array.from({ length: n }, () => r() * 2 * s);
const F = (x: Float64Array): Float32Array => x as unknown as Float32Array; // the reference kernels only index

/** Checks d(Σ out·w)/d(x) from `grad` against central differences of `fwd` over every element of x. */
function fdCheck(name: string, x: Float64Array, fwd: () => number, grad: Float64Array, tol = 1e-6): void {
  const h = 1e-6;
  let worst = 0;
  for (let i = 0; i < x.length; i++) {
    const x0 = x[i]!;
    x[i] = x0 + h;
    const lp = fwd();
    x[i] = x0 - h;
    const lm = fwd();
    x[i] = x0;
    const fd = (lp - lm) / (2 * h);
    const err = Math.abs(fd - grad[i]!) / Math.max(1e-3, Math.abs(fd) + Math.abs(grad[i]!));
    worst = Math.max(worst, err);
  }
  assert.ok(worst < tol, `${name}: worst relative error ${worst.toExponential(2)} ≥ ${tol}`);
}
const dotw = (out: Float64Array, w: Float64Array): number => out.reduce((s, v, i) => s + v * w[i]!, 0);

test('finite differences (float64): matmul, all transpose cases', () => {
  const r = rng(1);
  const [M, N, K] = [3, 4, 5];
  for (const ta of [false, true]) {
    for (const tb of [false, true]) {
      const a = rand64(M * K, r),
        b = rand64(K * N, r),
        w = rand64(M * N, r);
      const out = new Float64Array(M * N);
      const fwd = () => (R.matmul(F(out), F(a), F(b), M, N, K, ta, tb, false), dotw(out, w));
      // dA = W·B^T (in A's layout), dB = A^T·W (in B's layout)
      const da = new Float64Array(M * K),
        db = new Float64Array(K * N);
      if (ta) R.matmul(F(da), F(b), F(w), K, M, N, tb, true, false);
      else R.matmul(F(da), F(w), F(b), M, K, N, false, !tb, false);
      if (tb) R.matmul(F(db), F(w), F(a), N, K, M, true, ta, false);
      else R.matmul(F(db), F(a), F(w), K, N, M, !ta, false, false);
      fdCheck(`matmul A ta=${ta} tb=${tb}`, a, fwd, da);
      fdCheck(`matmul B ta=${ta} tb=${tb}`, b, fwd, db);
    }
  }
});

test('finite differences (float64): rmsnorm', () => {
  const r = rng(2);
  const [N, C] = [3, 8];
  const x = rand64(N * C, r, 2),
    g = rand64(C, r),
    w = rand64(N * C, r);
  const out = new Float64Array(N * C),
    rstd = new Float64Array(N);
  const fwd = () => (R.rmsnormForward(F(out), F(rstd), F(x), F(g), N, C, 1e-5), dotw(out, w));
  fwd();
  const dx = new Float64Array(N * C),
    dg = new Float64Array(C);
  R.rmsnormBackward(F(dx), F(dg), F(w), F(x), F(g), F(rstd), N, C);
  fdCheck('rmsnorm dx', x, fwd, dx);
  fdCheck('rmsnorm dw', g, fwd, dg);
});

test('finite differences (float64): rope (inverse = transpose)', () => {
  const r = rng(3);
  const [N, T, hd, NHR, stride] = [6, 3, 4, 2, 10];
  const { cos, sin } = ropeTables(T, hd, 10000);
  const x = rand64(N * stride, r),
    w = rand64(N * stride, r);
  const out = new Float64Array(N * stride);
  const fwd = () => (out.set(x), R.rope(F(out), cos, sin, N, T, stride, NHR, hd, false), dotw(out, w));
  const dx = Float64Array.from(w);
  R.rope(F(dx), cos, sin, N, T, stride, NHR, hd, true);
  fdCheck('rope', x, fwd, dx);
});

test('finite differences (float64): causal GQA attention', () => {
  const r = rng(4);
  const [B, T, NH, NKV, hd] = [2, 4, 4, 2, 4];
  const QKV = (NH + 2 * NKV) * hd;
  const qkv = rand64(B * T * QKV, r, 2),
    w = rand64(B * T * NH * hd, r);
  const out = new Float64Array(B * T * NH * hd),
    att = new Float64Array(B * NH * T * T);
  const fwd = () => (R.attentionForward(F(out), F(att), F(qkv), B, T, NH, NKV, hd), dotw(out, w));
  fwd();
  const d = new Float64Array(B * T * QKV);
  R.attentionBackward(F(d), F(w), F(qkv), F(att), B, T, NH, NKV, hd);
  fdCheck('attention', qkv, fwd, d);
});

test('finite differences (float64): swiglu and cross-entropy', () => {
  const r = rng(5);
  const [N, Fd] = [3, 5];
  const gu = rand64(N * 2 * Fd, r, 3),
    w = rand64(N * Fd, r);
  const out = new Float64Array(N * Fd);
  const fwd = () => (R.swigluForward(F(out), F(gu), N, Fd), dotw(out, w));
  const dgu = new Float64Array(N * 2 * Fd);
  R.swigluBackward(F(dgu), F(w), F(gu), N, Fd);
  fdCheck('swiglu', gu, fwd, dgu);

  const V = 7;
  const logits = rand64(N * V, r, 3);
  const targets = Int32Array.from([0, 6, 3]);
  const losses = new Float64Array(N);
  const scratch = new Float64Array(N * V);
  const ce = () => (scratch.set(logits), R.crossEntropy(F(losses), F(scratch), targets, N, V, 0), losses.reduce((s, v) => s + v * 0.7, 0));
  const dl = Float64Array.from(logits);
  R.crossEntropy(F(losses), F(dl), targets, N, V, 0.7);
  fdCheck('cross-entropy', logits, ce, dl);
});

// ---- native vs reference (float32)
const nat = nativeKernels();
const skip = nat.kernels ? false : `native kernels unavailable: ${nat.error}`;

function rand32(n: number, r: () => number, s = 1): Float32Array {
  return Float32Array.from({ length: n }, () => r() * 2 * s);
}
function close(name: string, got: Float32Array | number[], want: Float32Array | number[], atol: number, rtol: number): void {
  let worst = 0;
  let at = -1;
  for (let i = 0; i < want.length; i++) {
    const e = Math.abs(got[i]! - want[i]!) - rtol * Math.abs(want[i]!);
    if (!(e <= worst)) {
      worst = e;
      at = i;
    }
  }
  assert.ok(worst <= atol, `${name}: |got − want| exceeds ${atol} + ${rtol}·|want| by ${worst} at ${at} (got ${got[at]}, want ${want[at]})`);
}

test('native matmul = reference (all transposes, edge sizes, accumulate)', { skip }, () => {
  const N_ = nat.kernels as Kernels;
  const r = rng(6);
  for (const [M, N, K] of [
    [1, 1, 1],
    [7, 17, 5],
    [13, 33, 300],
    [130, 70, 40],
    [6, 16, 256],
    [37, 129, 513],
  ] as const) {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        for (const acc of [false, true]) {
          const a = rand32(M * K, r),
            b = rand32(K * N, r),
            init = rand32(M * N, r);
          const want = init.slice(),
            got = init.slice();
          R.matmul(want, a, b, M, N, K, ta, tb, acc);
          N_.matmul(got, a, b, M, N, K, ta, tb, acc);
          close(`matmul ${M}x${N}x${K} ta=${ta} tb=${tb} acc=${acc}`, got, want, 1e-5 * Math.sqrt(K), 1e-5);
        }
      }
    }
  }
});

test('native layer kernels = reference', { skip }, () => {
  const K = nat.kernels as Kernels;
  const r = rng(7);
  const [B, T, NH, NKV, hd, C, Fd, V] = [2, 9, 4, 2, 8, 32, 20, 37];
  const N = B * T;
  // rmsnorm
  const x = rand32(N * C, r, 2),
    g = rand32(C, r),
    d = rand32(N * C, r);
  const o1 = new Float32Array(N * C),
    o2 = new Float32Array(N * C),
    s1 = new Float32Array(N),
    s2 = new Float32Array(N);
  R.rmsnormForward(o1, s1, x, g, N, C, 1e-5);
  K.rmsnormForward(o2, s2, x, g, N, C, 1e-5);
  close('rmsnorm fwd', o2, o1, 1e-6, 1e-5);
  const dx1 = rand32(N * C, r),
    dx2 = dx1.slice(),
    dg1 = rand32(C, r),
    dg2 = dg1.slice();
  R.rmsnormBackward(dx1, dg1, d, x, g, s1, N, C);
  K.rmsnormBackward(dx2, dg2, d, x, g, s2, N, C);
  close('rmsnorm dx', dx2, dx1, 1e-5, 1e-5);
  close('rmsnorm dw', dg2, dg1, 1e-5, 1e-5);
  // rope both directions
  const QKV = (NH + 2 * NKV) * hd;
  const { cos, sin } = ropeTables(T, hd, 10000);
  for (const inv of [false, true]) {
    const q1 = rand32(N * QKV, r),
      q2 = q1.slice();
    R.rope(q1, cos, sin, N, T, QKV, NH + NKV, hd, inv);
    K.rope(q2, cos, sin, N, T, QKV, NH + NKV, hd, inv);
    close(`rope inverse=${inv}`, q2, q1, 1e-6, 1e-6);
  }
  // attention
  const qkv = rand32(N * QKV, r, 2);
  const a1 = new Float32Array(N * NH * hd),
    a2 = a1.slice(),
    p1 = new Float32Array(B * NH * T * T),
    p2 = p1.slice();
  R.attentionForward(a1, p1, qkv, B, T, NH, NKV, hd);
  K.attentionForward(a2, p2, qkv, B, T, NH, NKV, hd);
  close('attention out', a2, a1, 1e-6, 1e-5);
  close('attention probs', p2, p1, 1e-6, 1e-5);
  const da = rand32(N * NH * hd, r),
    dq1 = rand32(N * QKV, r),
    dq2 = rand32(N * QKV, r);
  R.attentionBackward(dq1, da, qkv, p1, B, T, NH, NKV, hd);
  K.attentionBackward(dq2, da, qkv, p2, B, T, NH, NKV, hd);
  close('attention backward', dq2, dq1, 1e-5, 1e-4);
  // swiglu (odd F hits the scalar tail)
  const gu = rand32(N * 2 * Fd, r, 4),
    h1 = new Float32Array(N * Fd),
    h2 = h1.slice();
  R.swigluForward(h1, gu, N, Fd);
  K.swigluForward(h2, gu, N, Fd);
  close('swiglu fwd', h2, h1, 1e-6, 1e-5);
  const dh = rand32(N * Fd, r),
    dgu1 = new Float32Array(N * 2 * Fd),
    dgu2 = dgu1.slice();
  R.swigluBackward(dgu1, dh, gu, N, Fd);
  K.swigluBackward(dgu2, dh, gu, N, Fd);
  close('swiglu bwd', dgu2, dgu1, 1e-6, 1e-5);
  // cross-entropy, with and without gradient
  const logits = rand32(N * V, r, 8),
    tg = Int32Array.from({ length: N }, (_, i) => (i * 7) % V);
  const l1 = new Float32Array(N),
    l2 = new Float32Array(N),
    g1 = logits.slice(),
    g2 = logits.slice();
  R.crossEntropy(l1, g1, tg, N, V, 0.25);
  K.crossEntropy(l2, g2, tg, N, V, 0.25);
  close('ce loss', l2, l1, 1e-5, 1e-5);
  close('ce grad', g2, g1, 1e-7, 1e-5);
  const l3 = new Float32Array(N),
    g3 = logits.slice();
  K.crossEntropy(l3, g3, tg, N, V, 0);
  close('ce loss (no grad)', l3, l1, 1e-5, 1e-5);
  assert.deepEqual(g3, logits);
  // adamw, sumSquares, scale
  const n = 1000;
  const p = rand32(n, r),
    gr = rand32(n, r),
    m = rand32(n, r, 0.1),
    v = Float32Array.from(rand32(n, r, 0.1), Math.abs);
  const P1 = p.slice(),
    P2 = p.slice(),
    M1 = m.slice(),
    M2 = m.slice(),
    V1 = v.slice(),
    V2 = v.slice();
  R.adamw(P1, gr, M1, V1, 1e-3, 0.9, 0.95, 1e-8, 0.1, 1 - 0.9 ** 3, 1 - 0.95 ** 3);
  K.adamw(P2, gr, M2, V2, 1e-3, 0.9, 0.95, 1e-8, 0.1, 1 - 0.9 ** 3, 1 - 0.95 ** 3);
  close('adamw p', P2, P1, 1e-7, 1e-6);
  close('adamw m', M2, M1, 1e-7, 1e-6); // m + (g − m)·0.1 cancels: FMA vs separate rounding
  close('adamw v', V2, V1, 1e-9, 1e-6);
  assert.ok(Math.abs(K.sumSquares(gr) - R.sumSquares(gr)) < 1e-9 * R.sumSquares(gr));
  const s1c = gr.slice(),
    s2c = gr.slice();
  R.scale(s1c, 0.3);
  K.scale(s2c, 0.3);
  assert.deepEqual(s2c, s1c);
});
