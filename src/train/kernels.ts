// Reference training kernels for the Llama model: forward/backward pairs on Float32Array with
// explicit dims, written for clarity (plain loops, float64 accumulators where it is cheap). They
// define the semantics the native kernels (native/kernels.cc) must reproduce; both implement
// `Kernels` and run the same test cases. Not fast: the native addon is the fast path.
// Reference: llm.c train_gpt2.c (layer pairs), HF LlamaModel (rotate-half RoPE, GQA, SwiGLU).

/** The kernel set the model runs on. Buffers: outputs first, then inputs, weights, dims. */
export interface Kernels {
  readonly name: string;
  /** out[M,N] (+)= A·B; A is a[M,K] (a[K,M] if transA), B is b[K,N] (b[N,K] if transB). */
  matmul(out: Float32Array, a: Float32Array, b: Float32Array, M: number, N: number, K: number, transA: boolean, transB: boolean, accumulate: boolean): void;
  /** out[N,C] = inp·rstd·w; rstd[N] saved for backward. */
  rmsnormForward(out: Float32Array, rstd: Float32Array, inp: Float32Array, w: Float32Array, N: number, C: number, eps: number): void;
  /** dinp[N,C] += …, dw[C] += … */
  rmsnormBackward(dinp: Float32Array, dw: Float32Array, dout: Float32Array, inp: Float32Array, w: Float32Array, rstd: Float32Array, N: number, C: number): void;
  /**
   * Rotate-half RoPE in place on the first NHR heads of each row of x[N, stride] (heads of size hd,
   * position = row % T). cos/sin are [T, hd/2]. `inverse` applies the transposed rotation (backward).
   */
  rope(x: Float32Array, cos: Float32Array, sin: Float32Array, N: number, T: number, stride: number, NHR: number, hd: number, inverse: boolean): void;
  /**
   * Causal GQA attention. qkv[B*T, QKV] holds q (NH heads), k (NKV heads), v (NKV heads) per row.
   * out[B*T, NH*hd]; att[B, NH, T, T] softmax probabilities (saved for backward).
   */
  attentionForward(out: Float32Array, att: Float32Array, qkv: Float32Array, B: number, T: number, NH: number, NKV: number, hd: number): void;
  /** dqkv[B*T, QKV] is written (not accumulated). */
  attentionBackward(dqkv: Float32Array, dout: Float32Array, qkv: Float32Array, att: Float32Array, B: number, T: number, NH: number, NKV: number, hd: number): void;
  /** gu[N, 2F] = [gate | up]; out[N,F] = silu(gate)·up. */
  swigluForward(out: Float32Array, gu: Float32Array, N: number, F: number): void;
  /** dgu[N,2F] written. */
  swigluBackward(dgu: Float32Array, dout: Float32Array, gu: Float32Array, N: number, F: number): void;
  /**
   * Softmax cross-entropy over logits[N,V] against targets[N]: losses[N] (nats); logits are
   * replaced by dlogits = (softmax − onehot)·dscale when dscale ≠ 0.
   */
  crossEntropy(losses: Float32Array, logits: Float32Array, targets: Int32Array, N: number, V: number, dscale: number): void;
  /** Σ g² in float64 (for clipping). */
  sumSquares(g: Float32Array): number;
  /** Multiplies x in place by s. */
  scale(x: Float32Array, s: number): void;
  /**
   * AdamW step on a contiguous range, torch.optim.AdamW semantics: p ← p·(1 − lr·wd), then
   * Adam with bias corrections bc1 = 1 − β1^t, bc2 = 1 − β2^t.
   */
  adamw(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, lr: number, b1: number, b2: number, eps: number, wd: number, bc1: number, bc2: number): void;
}

const f32 = Math.fround;

export const refKernels: Kernels = {
  name: 'ts-reference',

  matmul(out, a, b, M, N, K, transA, transB, accumulate) {
    // out: [M,N]
    for (let m = 0; m < M; m++) {
      for (let n = 0; n < N; n++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += (transA ? a[k * M + m]! : a[m * K + k]!) * (transB ? b[n * K + k]! : b[k * N + n]!);
        out[m * N + n] = accumulate ? out[m * N + n]! + s : s;
      }
    }
  },

  rmsnormForward(out, rstd, inp, w, N, C, eps) {
    // out, inp: [N,C]; rstd: [N]; w: [C]
    for (let i = 0; i < N; i++) {
      let ss = 0;
      for (let c = 0; c < C; c++) ss += inp[i * C + c]! * inp[i * C + c]!;
      const r = 1 / Math.sqrt(ss / C + eps);
      rstd[i] = r;
      for (let c = 0; c < C; c++) out[i * C + c] = inp[i * C + c]! * r * w[c]!;
    }
  },

  rmsnormBackward(dinp, dw, dout, inp, w, rstd, N, C) {
    for (let i = 0; i < N; i++) {
      const r = rstd[i]!;
      // dot = Σ_c dout·w·x̂ where x̂ = x·rstd
      let dot = 0;
      for (let c = 0; c < C; c++) {
        const xh = inp[i * C + c]! * r;
        dot += dout[i * C + c]! * w[c]! * xh;
        dw[c] = dw[c]! + dout[i * C + c]! * xh;
      }
      dot /= C;
      for (let c = 0; c < C; c++) {
        const xh = inp[i * C + c]! * r;
        dinp[i * C + c] = dinp[i * C + c]! + r * (dout[i * C + c]! * w[c]! - xh * dot);
      }
    }
  },

  rope(x, cos, sin, N, T, stride, NHR, hd, inverse) {
    const half = hd / 2;
    const sg = inverse ? -1 : 1;
    for (let i = 0; i < N; i++) {
      const t = i % T;
      for (let h = 0; h < NHR; h++) {
        const o = i * stride + h * hd;
        for (let j = 0; j < half; j++) {
          const c = cos[t * half + j]!;
          const s = sg * sin[t * half + j]!;
          const x1 = x[o + j]!;
          const x2 = x[o + j + half]!;
          x[o + j] = x1 * c - x2 * s;
          x[o + j + half] = x2 * c + x1 * s;
        }
      }
    }
  },

  attentionForward(out, att, qkv, B, T, NH, NKV, hd) {
    const QKV = (NH + 2 * NKV) * hd;
    const rep = NH / NKV;
    const scale = 1 / Math.sqrt(hd);
    for (let b = 0; b < B; b++) {
      for (let h = 0; h < NH; h++) {
        const kh = Math.floor(h / rep);
        for (let t = 0; t < T; t++) {
          const q = (b * T + t) * QKV + h * hd;
          const arow = ((b * NH + h) * T + t) * T;
          let max = -Infinity;
          for (let u = 0; u <= t; u++) {
            const k = (b * T + u) * QKV + (NH + kh) * hd;
            let s = 0;
            for (let d = 0; d < hd; d++) s += qkv[q + d]! * qkv[k + d]!;
            s *= scale;
            att[arow + u] = s;
            if (s > max) max = s;
          }
          let sum = 0;
          for (let u = 0; u <= t; u++) {
            const e = Math.exp(att[arow + u]! - max);
            att[arow + u] = e;
            sum += e;
          }
          for (let u = 0; u <= t; u++) att[arow + u] = att[arow + u]! / sum;
          for (let u = t + 1; u < T; u++) att[arow + u] = 0;
          const o = (b * T + t) * NH * hd + h * hd;
          for (let d = 0; d < hd; d++) {
            let s = 0;
            for (let u = 0; u <= t; u++) s += att[arow + u]! * qkv[(b * T + u) * QKV + (NH + NKV + kh) * hd + d]!;
            out[o + d] = s;
          }
        }
      }
    }
  },

  attentionBackward(dqkv, dout, qkv, att, B, T, NH, NKV, hd) {
    const QKV = (NH + 2 * NKV) * hd;
    const rep = NH / NKV;
    const scale = 1 / Math.sqrt(hd);
    dqkv.fill(0, 0, B * T * QKV);
    const dp = new Float64Array(T);
    for (let b = 0; b < B; b++) {
      for (let h = 0; h < NH; h++) {
        const kh = Math.floor(h / rep);
        for (let t = 0; t < T; t++) {
          const arow = ((b * NH + h) * T + t) * T;
          const o = (b * T + t) * NH * hd + h * hd;
          const q = (b * T + t) * QKV + h * hd;
          // dp[u] = dout_t · v_u ; dv_u += p_tu · dout_t
          let dot = 0;
          for (let u = 0; u <= t; u++) {
            const v = (b * T + u) * QKV + (NH + NKV + kh) * hd;
            let s = 0;
            for (let d = 0; d < hd; d++) {
              s += dout[o + d]! * qkv[v + d]!;
              dqkv[v + d] = dqkv[v + d]! + att[arow + u]! * dout[o + d]!;
            }
            dp[u] = s;
            dot += att[arow + u]! * s;
          }
          for (let u = 0; u <= t; u++) {
            const ds = att[arow + u]! * (dp[u]! - dot) * scale;
            const k = (b * T + u) * QKV + (NH + kh) * hd;
            for (let d = 0; d < hd; d++) {
              dqkv[q + d] = dqkv[q + d]! + ds * qkv[k + d]!;
              dqkv[k + d] = dqkv[k + d]! + ds * qkv[q + d]!;
            }
          }
        }
      }
    }
  },

  swigluForward(out, gu, N, F) {
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < F; j++) {
        const g = gu[i * 2 * F + j]!;
        const u = gu[i * 2 * F + F + j]!;
        out[i * F + j] = (g / (1 + Math.exp(-g))) * u;
      }
    }
  },

  swigluBackward(dgu, dout, gu, N, F) {
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < F; j++) {
        const g = gu[i * 2 * F + j]!;
        const u = gu[i * 2 * F + F + j]!;
        const sg = 1 / (1 + Math.exp(-g));
        const d = dout[i * F + j]!;
        dgu[i * 2 * F + j] = d * u * sg * (1 + g * (1 - sg));
        dgu[i * 2 * F + F + j] = d * g * sg;
      }
    }
  },

  crossEntropy(losses, logits, targets, N, V, dscale) {
    for (let i = 0; i < N; i++) {
      const o = i * V;
      let max = -Infinity;
      for (let j = 0; j < V; j++) if (logits[o + j]! > max) max = logits[o + j]!;
      let sum = 0;
      for (let j = 0; j < V; j++) sum += Math.exp(logits[o + j]! - max);
      const y = targets[i]!;
      const lse = max + Math.log(sum);
      losses[i] = lse - logits[o + y]!;
      if (dscale !== 0) {
        for (let j = 0; j < V; j++) logits[o + j] = (Math.exp(logits[o + j]! - lse) - (j === y ? 1 : 0)) * dscale;
      }
    }
  },

  sumSquares(g) {
    let s = 0;
    for (let i = 0; i < g.length; i++) s += g[i]! * g[i]!;
    return s;
  },

  scale(x, s) {
    const sf = f32(s); // the native kernel takes a float scale
    for (let i = 0; i < x.length; i++) x[i] = x[i]! * sf;
  },

  adamw(p, g, m, v, lr, b1, b2, eps, wd, bc1, bc2) {
    // Float32 arithmetic in torch's order (torch.optim.AdamW, single-tensor path).
    const stepSize = f32(lr / bc1);
    const bc2s = f32(Math.sqrt(bc2));
    const decay = f32(1 - f32(lr * wd));
    for (let i = 0; i < p.length; i++) {
      const gi = g[i]!;
      const pi = f32(p[i]! * decay);
      const mi = f32(m[i]! + f32(f32(gi - m[i]!) * f32(1 - b1))); // torch lerp_
      const vi = f32(f32(v[i]! * b2) + f32(f32(gi * gi) * f32(1 - b2)));
      m[i] = mi;
      v[i] = vi;
      const denom = f32(f32(f32(Math.sqrt(vi)) / bc2s) + eps);
      p[i] = f32(pi - f32(stepSize * f32(mi / denom)));
    }
  },
};
