// RoPE frequencies for every scaling oellm computes: plain (θ^(−2i/d)), linear (÷ factor),
// llama3 (Llama 3.1 band-wise smoothing) and yarn (NTK-by-parts blend + cos/sin attention
// factor), as transformers computes them (float32 inverse frequencies), plus what llama.cpp
// needs to reproduce them: the GGUF `rope.scaling.*` keys and the llama3 `rope_freqs` tensor,
// as convert_hf_to_gguf.py writes them. Not the rotation kernels (train/kernels.ts).
// Reference: transformers 5.18 modeling_rope_utils.py; llama.cpp convert_hf_to_gguf.py (LlamaModel).
import { headDim, type ModelConfig } from './config.js';

/** Inverse frequencies [hd/2] (float32 values, like torch). */
export function ropeInvFreq(c: ModelConfig): Float32Array {
  const dim = headDim(c);
  const half = dim / 2;
  const base = new Float64Array(half);
  for (let i = 0; i < half; i++) base[i] = 1 / Math.pow(c.ropeTheta, (2 * i) / dim);
  const out = new Float32Array(half);
  const r = c.rope;
  if (!r) {
    out.set(base);
    return out;
  }
  if (r.type === 'linear') {
    for (let i = 0; i < half; i++) out[i] = base[i]! / r.factor;
    return out;
  }
  if (r.type === 'llama3') {
    const lowWavelen = r.originalContext / r.lowFreqFactor;
    const highWavelen = r.originalContext / r.highFreqFactor;
    for (let i = 0; i < half; i++) {
      const f = base[i]!;
      const wavelen = (2 * Math.PI) / f;
      if (wavelen < highWavelen) out[i] = f;
      else if (wavelen > lowWavelen) out[i] = f / r.factor;
      else {
        const smooth = (r.originalContext / wavelen - r.lowFreqFactor) / (r.highFreqFactor - r.lowFreqFactor);
        out[i] = ((1 - smooth) * f) / r.factor + smooth * f;
      }
    }
    return out;
  }
  // yarn: ramp between interpolation (÷ factor) and extrapolation over the correction range.
  const corr = (rot: number): number => (dim * Math.log(r.originalContext / (rot * 2 * Math.PI))) / (2 * Math.log(c.ropeTheta));
  let low = corr(r.betaFast);
  let high = corr(r.betaSlow);
  if (r.truncate) {
    low = Math.floor(low);
    high = Math.ceil(high);
  }
  low = Math.max(low, 0);
  high = Math.min(high, dim - 1);
  if (low === high) high += 0.001;
  for (let i = 0; i < half; i++) {
    const ramp = Math.min(1, Math.max(0, Math.fround((i - low) / (high - low))));
    const extrap = 1 - ramp;
    out[i] = (base[i]! / r.factor) * (1 - extrap) + base[i]! * extrap;
  }
  return out;
}

/** The factor transformers multiplies cos and sin by (yarn's attention factor; 1 otherwise). */
export function ropeAttentionScale(c: ModelConfig): number {
  return c.rope?.type === 'yarn' ? c.rope.attentionFactor : 1;
}

/** One-line description for reports: `yarn ×4 (original 16, β 32/1)`. */
export function describeRope(c: ModelConfig): string {
  const r = c.rope;
  const base = `θ ${c.ropeTheta}`;
  if (!r) return `default, ${base}`;
  if (r.type === 'linear') return `linear ×${r.factor}, ${base}`;
  if (r.type === 'llama3') return `llama3 ×${r.factor} (original context ${r.originalContext}, low/high ${r.lowFreqFactor}/${r.highFreqFactor}), ${base}`;
  return `yarn ×${r.factor} (original context ${r.originalContext}, β ${r.betaFast}/${r.betaSlow}, attention factor ${+r.attentionFactor.toFixed(6)}), ${base}`;
}

/**
 * llama.cpp's `rope_freqs` tensor for llama3 scaling: per frequency the divisor llama.cpp
 * applies to θ^(−2i/d) (1 for high frequencies, factor for low, smoothed between), as
 * convert_hf_to_gguf.py LlamaModel.generate_extra_tensors computes it. Undefined otherwise.
 */
export function llama3RopeFreqs(c: ModelConfig): Float32Array | undefined {
  const r = c.rope;
  if (r?.type !== 'llama3') return undefined;
  const dim = headDim(c);
  const half = dim / 2;
  const lowWavelen = r.originalContext / r.lowFreqFactor;
  const highWavelen = r.originalContext / r.highFreqFactor;
  const out = new Float32Array(half);
  for (let i = 0; i < half; i++) {
    const f = Math.fround(1 / Math.pow(c.ropeTheta, Math.fround((2 * i) / dim)));
    const wavelen = (2 * Math.PI) / f;
    if (wavelen < highWavelen) out[i] = 1;
    else if (wavelen > lowWavelen) out[i] = r.factor;
    else {
      const smooth = (r.originalContext / wavelen - r.lowFreqFactor) / (r.highFreqFactor - r.lowFreqFactor);
      out[i] = 1 / ((1 - smooth) / r.factor + smooth);
    }
  }
  return out;
}

export type RopeKv = { key: 'scalingType'; value: string } | { key: 'scalingFactor' | 'scalingYarnAttnFactor' | 'scalingYarnBetaFast' | 'scalingYarnBetaSlow'; value: number } | { key: 'scalingOrigCtxLen'; value: number };

/**
 * The `{arch}.rope.scaling.*` keys convert_hf_to_gguf.py writes (llama3 writes none: its
 * factors travel in the rope_freqs tensor). yarn's attention factor is written only when the
 * config set it, as the converter does.
 */
export function ropeGgufKvs(c: ModelConfig, explicitYarnAttnFactor = false): RopeKv[] {
  const r = c.rope;
  if (!r || r.type === 'llama3') return [];
  if (r.type === 'linear')
    return [
      { key: 'scalingType', value: 'linear' },
      { key: 'scalingFactor', value: r.factor },
    ];
  const kv: RopeKv[] = [
    { key: 'scalingType', value: 'yarn' },
    { key: 'scalingFactor', value: r.factor },
    { key: 'scalingOrigCtxLen', value: r.originalContext },
  ];
  if (explicitYarnAttnFactor) kv.push({ key: 'scalingYarnAttnFactor', value: r.attentionFactor });
  kv.push({ key: 'scalingYarnBetaFast', value: r.betaFast }, { key: 'scalingYarnBetaSlow', value: r.betaSlow });
  return kv;
}
