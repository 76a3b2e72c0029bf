// A plain, naive forward pass of the Llama model, accumulating in float64, straight from the
// parameter table (canonical GGUF names, Q/K rows in Hugging Face rotate-half order): token
// embedding → L × [RMSNorm → GQA attention with rotate-half RoPE → residual → RMSNorm → SwiGLU
// → residual] → RMSNorm → output (or tied embedding). It is the yardstick the llama.cpp parity
// test and the trainer's kernel tests share: slow on purpose, no caching, no threads.
// Reference: HF transformers modeling_llama.py (LlamaRMSNorm, rotate_half, LlamaAttention).
import { headDim, type ModelConfig } from './config.js';
import { ropeAttentionScale, ropeInvFreq } from './rope.js';

/** Logits for every position of `tokens`: result[t] has vocabSize values. */
export function referenceLogits(config: ModelConfig, params: Map<string, Float32Array>, tokens: readonly number[]): Float64Array[] {
  const { dim: C, nLayers: L, nHeads: NH, nKvHeads: NKV, ffnDim: F, vocabSize: V } = config;
  const hd = headDim(config);
  const T = tokens.length;
  const P = (name: string): Float32Array => {
    const p = params.get(name);
    if (!p) throw new Error(`reference forward: parameter ${name} missing`);
    return p;
  };
  // x: [T][C] residual stream.
  const emb = P('token_embd.weight');
  const x: Float64Array[] = tokens.map((tok) => {
    if (!Number.isInteger(tok) || tok < 0 || tok >= V) throw new Error(`reference forward: token ${tok} out of range [0, ${V})`);
    return Float64Array.from(emb.subarray(tok * C, (tok + 1) * C));
  });

  const rmsnorm = (v: Float64Array, w: Float32Array): Float64Array => {
    let ss = 0;
    for (let i = 0; i < v.length; i++) ss += v[i]! * v[i]!;
    const r = 1 / Math.sqrt(ss / v.length + config.normEps);
    const o = new Float64Array(v.length);
    for (let i = 0; i < v.length; i++) o[i] = v[i]! * r * w[i]!;
    return o;
  };
  /** out[o] = Σ_i W[o, i] · v[i], W row-major [rows, cols]. */
  const matvec = (W: Float32Array, v: Float64Array, rows: number): Float64Array => {
    const cols = v.length;
    const o = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      let s = 0;
      const base = r * cols;
      for (let i = 0; i < cols; i++) s += W[base + i]! * v[i]!;
      o[r] = s;
    }
    return o;
  };
  // RoPE, HF rotate-half: within each head, pairs (i, i + hd/2) rotate by pos · θ^(-2i/hd).
  // Scaled RoPE (linear, llama3, yarn) changes the frequencies; yarn also scales cos/sin.
  const inv = ropeInvFreq(config);
  const mscale = ropeAttentionScale(config);
  const rope = (v: Float64Array, nh: number, pos: number): void => {
    const half = hd / 2;
    for (let h = 0; h < nh; h++) {
      for (let i = 0; i < half; i++) {
        const ang = pos * inv[i]!;
        const c = Math.cos(ang) * mscale;
        const s = Math.sin(ang) * mscale;
        const a = v[h * hd + i]!;
        const b = v[h * hd + i + half]!;
        v[h * hd + i] = a * c - b * s;
        v[h * hd + i + half] = b * c + a * s;
      }
    }
  };

  for (let l = 0; l < L; l++) {
    const b = `blk.${l}`;
    const Wq = P(`${b}.attn_q.weight`);
    const Wk = P(`${b}.attn_k.weight`);
    const Wv = P(`${b}.attn_v.weight`);
    const Wo = P(`${b}.attn_output.weight`);
    // q: [T][NH·hd], k, v: [T][NKV·hd]
    const q: Float64Array[] = [];
    const k: Float64Array[] = [];
    const v: Float64Array[] = [];
    for (let t = 0; t < T; t++) {
      const h = rmsnorm(x[t]!, P(`${b}.attn_norm.weight`));
      const qt = matvec(Wq, h, NH * hd);
      const kt = matvec(Wk, h, NKV * hd);
      rope(qt, NH, t);
      rope(kt, NKV, t);
      q.push(qt);
      k.push(kt);
      v.push(matvec(Wv, h, NKV * hd));
    }
    const scale = 1 / Math.sqrt(hd);
    const group = NH / NKV;
    for (let t = 0; t < T; t++) {
      const att = new Float64Array(NH * hd);
      for (let h = 0; h < NH; h++) {
        const kh = Math.floor(h / group);
        const scores = new Float64Array(t + 1);
        let max = -Infinity;
        for (let s = 0; s <= t; s++) {
          let d = 0;
          for (let i = 0; i < hd; i++) d += q[t]![h * hd + i]! * k[s]![kh * hd + i]!;
          scores[s] = d * scale;
          if (scores[s]! > max) max = scores[s]!;
        }
        let sum = 0;
        for (let s = 0; s <= t; s++) sum += scores[s] = Math.exp(scores[s]! - max);
        for (let s = 0; s <= t; s++) {
          const p = scores[s]! / sum;
          for (let i = 0; i < hd; i++) att[h * hd + i] += p * v[s]![kh * hd + i]!;
        }
      }
      const o = matvec(Wo, att, C);
      for (let i = 0; i < C; i++) x[t]![i] += o[i]!;
    }
    for (let t = 0; t < T; t++) {
      const h = rmsnorm(x[t]!, P(`${b}.ffn_norm.weight`));
      const g = matvec(P(`${b}.ffn_gate.weight`), h, F);
      const u = matvec(P(`${b}.ffn_up.weight`), h, F);
      for (let i = 0; i < F; i++) g[i] = (g[i]! / (1 + Math.exp(-g[i]!))) * u[i]!;
      const d = matvec(P(`${b}.ffn_down.weight`), g, C);
      for (let i = 0; i < C; i++) x[t]![i] += d[i]!;
    }
  }
  const out = config.tiedEmbeddings ? emb : P('output.weight');
  return x.map((xt) => matvec(out, rmsnorm(xt, P('output_norm.weight')), V));
}
