// The Llama-style model configuration: the few dials, named presets that derive the rest, and
// the mapping to/from Hugging Face `config.json` (LlamaForCausalLM). Not the kernels (train/)
// and not the parameter layout (params.ts). Reference: HF transformers LlamaConfig, nanochat --depth.
import { z } from 'zod';
import { OellmError } from '../util/errors.js';

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
    normEps: z.number().positive().default(1e-5).describe('RMSNorm epsilon'),
    tiedEmbeddings: z.boolean().default(false).describe('share token embedding and output matrix'),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.dim % c.nHeads !== 0) ctx.addIssue({ code: 'custom', path: ['nHeads'], message: `nHeads (${c.nHeads}) must divide dim (${c.dim})` });
    if (c.nHeads % c.nKvHeads !== 0) ctx.addIssue({ code: 'custom', path: ['nKvHeads'], message: `nKvHeads (${c.nKvHeads}) must divide nHeads (${c.nHeads})` });
    if ((c.dim / c.nHeads) % 2 !== 0) ctx.addIssue({ code: 'custom', path: ['nHeads'], message: `head dim (${c.dim / c.nHeads}) must be even for RoPE` });
  });
export type ModelConfig = z.output<typeof ModelConfigSchema>;

export const headDim = (c: ModelConfig): number => c.dim / c.nHeads;

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

/** Reads a HF `config.json` object; unsupported architectures/features are a clear error naming the field. */
export function fromHfConfig(hf: Record<string, unknown>, file = 'config.json'): ModelConfig {
  const fail = (field: string, msg: string): never => {
    throw new OellmError(`unsupported model: ${field} ${msg}`, { file, code: 'E_UNSUPPORTED', hint: 'oellm supports Llama-architecture models (LlamaForCausalLM, MistralForCausalLM without sliding window)' });
  };
  const arch = (hf.architectures as string[] | undefined)?.[0];
  const ok = ['LlamaForCausalLM', 'MistralForCausalLM'];
  if (hf.model_type !== undefined && !['llama', 'mistral'].includes(String(hf.model_type))) fail('model_type', `is "${String(hf.model_type)}"`);
  if (arch !== undefined && !ok.includes(arch)) fail('architectures', `is "${arch}"`);
  if (hf.attention_bias === true) fail('attention_bias', 'is true');
  if (hf.mlp_bias === true) fail('mlp_bias', 'is true');
  if (hf.rope_scaling != null) fail('rope_scaling', `is set (${JSON.stringify(hf.rope_scaling)})`);
  if (hf.sliding_window != null && hf.model_type === 'mistral') fail('sliding_window', 'is set');
  if (hf.hidden_act !== undefined && hf.hidden_act !== 'silu') fail('hidden_act', `is "${String(hf.hidden_act)}"`);
  const num = (k: string, dflt?: number): number => {
    const v = hf[k] ?? dflt;
    if (typeof v !== 'number') return fail(k, 'is missing or not a number');
    return v;
  };
  const dim = num('hidden_size');
  const nHeads = num('num_attention_heads');
  if (hf.head_dim !== undefined && hf.head_dim !== null && hf.head_dim !== dim / nHeads) fail('head_dim', `(${String(hf.head_dim)}) differs from hidden_size/num_attention_heads`);
  return checkModelConfig({
    vocabSize: num('vocab_size'),
    dim,
    nLayers: num('num_hidden_layers'),
    nHeads,
    nKvHeads: num('num_key_value_heads', nHeads),
    ffnDim: num('intermediate_size'),
    maxSeqLen: num('max_position_embeddings', 2048),
    ropeTheta: num('rope_theta', 10000),
    normEps: num('rms_norm_eps', 1e-5),
    tiedEmbeddings: hf.tie_word_embeddings === true,
  });
}
