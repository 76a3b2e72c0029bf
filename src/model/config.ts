// The Llama-style model configuration: the few dials, named presets that derive the rest, and
// the mapping to/from Hugging Face `config.json` (LlamaForCausalLM). Not the kernels (train/)
// and not the parameter layout (params.ts). Reference: HF transformers LlamaConfig, nanochat --depth.
import { z } from 'zod';
import { OellmError } from '../util/errors.js';

/** RoPE frequency scaling (HF `rope_parameters` / `rope_scaling`); absent = plain RoPE. See rope.ts. */
export const RopeScalingSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('linear'), factor: z.number().positive() }).strict(),
  z
    .object({
      type: z.literal('llama3'),
      factor: z.number().positive(),
      lowFreqFactor: z.number().positive(),
      highFreqFactor: z.number().positive(),
      originalContext: z.number().int().positive().describe('original_max_position_embeddings'),
    })
    .strict(),
  z
    .object({
      type: z.literal('yarn'),
      factor: z.number().positive(),
      originalContext: z.number().int().positive().describe('original_max_position_embeddings'),
      betaFast: z.number().positive(),
      betaSlow: z.number().positive(),
      attentionFactor: z.number().positive().describe('cos/sin multiplier (HF attention_factor, resolved)'),
      truncate: z.boolean().describe('floor/ceil the correction range (HF default true)'),
    })
    .strict(),
]);
export type RopeScaling = z.output<typeof RopeScalingSchema>;

export const ModelConfigSchema = z
  .object({
    vocabSize: z.number().int().positive().describe('vocabulary size (must match the tokenizer)'),
    dim: z.number().int().positive().describe('model width C'),
    nLayers: z.number().int().positive().describe('number of transformer blocks L'),
    nHeads: z.number().int().positive().describe('attention heads NH'),
    nKvHeads: z.number().int().positive().describe('key/value heads NKV (grouped-query attention)'),
    ffnDim: z.number().int().positive().describe('SwiGLU hidden width F'),
    maxSeqLen: z.number().int().positive().default(256).describe('context length the model is trained for'),
    ropeTheta: z.number().positive().default(10000).describe('RoPE base'),
    rope: RopeScalingSchema.optional().describe('RoPE scaling (linear, llama3, yarn); absent = plain RoPE'),
    headDim: z.number().int().positive().optional().describe('attention head width when it is not dim/nHeads'),
    normEps: z.number().positive().default(1e-5).describe('RMSNorm epsilon'),
    tiedEmbeddings: z.boolean().default(false).describe('share token embedding and output matrix'),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.headDim === undefined && c.dim % c.nHeads !== 0) ctx.addIssue({ code: 'custom', path: ['nHeads'], message: `nHeads (${c.nHeads}) must divide dim (${c.dim})` });
    if (c.nHeads % c.nKvHeads !== 0) ctx.addIssue({ code: 'custom', path: ['nKvHeads'], message: `nKvHeads (${c.nKvHeads}) must divide nHeads (${c.nHeads})` });
    const hd = c.headDim ?? c.dim / c.nHeads;
    if (hd % 2 !== 0) ctx.addIssue({ code: 'custom', path: ['nHeads'], message: `head dim (${hd}) must be even for RoPE` });
  });
export type ModelConfig = z.output<typeof ModelConfigSchema>;

/** Attention head width: `headDim` when set (HF `head_dim` ≠ hidden/heads), else dim/nHeads. */
export const headDim = (c: Pick<ModelConfig, 'dim' | 'nHeads' | 'headDim'>): number => c.headDim ?? c.dim / c.nHeads;

/** SwiGLU width the Llama way: 8/3·C rounded up to a multiple of `multiple`. */
export function llamaFfn(dim: number, multiple = 32): number {
  return Math.ceil((8 * dim) / 3 / multiple) * multiple;
}

/** Named presets (vocabSize comes from the tokenizer). */
export const PRESETS: Record<string, Omit<ModelConfig, 'vocabSize'>> = {
  // ~0.3M non-embedding parameters: CI and smoke tests.
  micro: { dim: 64, nLayers: 2, nHeads: 4, nKvHeads: 2, ffnDim: 192, maxSeqLen: 128, ropeTheta: 10000, normEps: 1e-5, tiedEmbeddings: true },
  // The issue's bench configs, by size.
  tiny: { dim: 128, nLayers: 2, nHeads: 4, nKvHeads: 2, ffnDim: 352, maxSeqLen: 128, ropeTheta: 10000, normEps: 1e-5, tiedEmbeddings: false },
  small: { dim: 384, nLayers: 6, nHeads: 6, nKvHeads: 2, ffnDim: 1024, maxSeqLen: 256, ropeTheta: 10000, normEps: 1e-5, tiedEmbeddings: false },
  base: { dim: 640, nLayers: 8, nHeads: 10, nKvHeads: 2, ffnDim: 1728, maxSeqLen: 256, ropeTheta: 10000, normEps: 1e-5, tiedEmbeddings: false },
};

/** Validates a config, throwing an OellmError that lists every problem. */
export function checkModelConfig(c: unknown): ModelConfig {
  const r = ModelConfigSchema.safeParse(c);
  if (!r.success) throw new OellmError(`invalid model configuration: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, { code: 'E_CONFIG' });
  return r.data;
}

/** Hugging Face `config.json` for LlamaForCausalLM. */
export function toHfConfig(c: ModelConfig, extra: { bosTokenId?: number; eosTokenId?: number; torchDtype?: string } = {}): Record<string, unknown> {
  return {
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
    vocab_size: c.vocabSize,
    hidden_size: c.dim,
    intermediate_size: c.ffnDim,
    num_hidden_layers: c.nLayers,
    num_attention_heads: c.nHeads,
    num_key_value_heads: c.nKvHeads,
    head_dim: headDim(c),
    max_position_embeddings: c.maxSeqLen,
    rope_theta: c.ropeTheta,
    ...(c.rope ? { rope_scaling: ropeToHf(c.rope) } : {}),
    rms_norm_eps: c.normEps,
    tie_word_embeddings: c.tiedEmbeddings,
    hidden_act: 'silu',
    attention_bias: false,
    mlp_bias: false,
    torch_dtype: extra.torchDtype ?? 'float32',
    ...(extra.bosTokenId !== undefined ? { bos_token_id: extra.bosTokenId } : {}),
    ...(extra.eosTokenId !== undefined ? { eos_token_id: extra.eosTokenId } : {}),
  };
}

/** The transformers 4 `rope_scaling` object for a RoPE scaling (transformers 5 reads it too). */
export function ropeToHf(r: RopeScaling): Record<string, unknown> {
  switch (r.type) {
    case 'linear':
      return { rope_type: 'linear', factor: r.factor };
    case 'llama3':
      return { rope_type: 'llama3', factor: r.factor, low_freq_factor: r.lowFreqFactor, high_freq_factor: r.highFreqFactor, original_max_position_embeddings: r.originalContext };
    case 'yarn':
      return { rope_type: 'yarn', factor: r.factor, original_max_position_embeddings: r.originalContext, beta_fast: r.betaFast, beta_slow: r.betaSlow, attention_factor: r.attentionFactor, truncate: r.truncate };
  }
}

/** Reads a HF `config.json` object; every field that changes the forward pass is read or refused by name (hf-config.ts). */
export { fromHfConfig } from './hf-config.js';
