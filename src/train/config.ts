// The training configuration: one zod schema with a default and a one-line description per
// field (defaults ← --config file ← flags, resolved by src/config/load.ts). Model shape comes
// from a preset (src/model/config.ts) with optional overrides; vocab comes from the tokenizer.
// Not the model config itself. Reference: nanoGPT train.py / nanochat configurator.
import { z } from 'zod';

export const TrainConfigSchema = z
  .object({
    data: z.string().describe('dataset dir (shards/<lang>/*.jsonl.zst)'),
    tokenizer: z.string().describe('dir with tokenizer.json'),
    out: z.string().describe('checkpoint dir (a Hugging Face model dir; train_log.jsonl beside)'),
    preset: z.enum(['micro', 'tiny', 'small', 'base']).default('micro').describe('model size preset'),
    dim: z.number().int().positive().optional().describe('override: model width'),
    layers: z.number().int().positive().optional().describe('override: transformer blocks'),
    heads: z.number().int().positive().optional().describe('override: attention heads'),
    kvHeads: z.number().int().positive().optional().describe('override: key/value heads (GQA)'),
    ffn: z.number().int().positive().optional().describe('override: SwiGLU hidden width'),
    ropeTheta: z.number().positive().optional().describe('override: RoPE base'),
    tied: z.boolean().optional().describe('override: tie input and output embeddings'),
    init: z.string().optional().describe('start from this checkpoint or Hugging Face Llama dir (continued pretraining / adaptation)'),
    resume: z.boolean().default(false).describe('continue the run saved in --out (same losses as an uninterrupted run)'),
    seqLen: z.number().int().positive().optional().describe('tokens per sequence (default: the preset context length)'),
    batchSize: z.number().int().positive().default(8).describe('sequences per micro-batch'),
    gradAccum: z.number().int().positive().default(1).describe('micro-batches per optimizer step'),
    maxSteps: z.number().int().positive().default(200).describe('optimizer steps'),
    lr: z.number().positive().default(1e-3).describe('peak learning rate'),
    minLrRatio: z.number().min(0).max(1).default(0.1).describe('final lr as a fraction of the peak'),
    warmup: z.number().int().min(0).default(20).describe('linear warmup steps'),
    schedule: z.enum(['cosine', 'wsd', 'constant']).default('cosine').describe('lr schedule after warmup: cosine, warmup-stable-decay, constant'),
    decayFraction: z.number().min(0).max(1).default(0.2).describe('WSD: fraction of steps in the final decay'),
    weightDecay: z.number().min(0).default(0.1).describe('AdamW decoupled weight decay (not on norms)'),
    beta1: z.number().min(0).max(1).default(0.9).describe('AdamW β1'),
    beta2: z.number().min(0).max(1).default(0.95).describe('AdamW β2'),
    eps: z.number().positive().default(1e-8).describe('AdamW ε'),
    gradClip: z.number().min(0).default(1).describe('clip the global gradient norm to this (0: off)'),
    seed: z.number().int().min(0).default(0).describe('seed for init and data order'),
    temperature: z.number().positive().default(3).describe('language sampling temperature τ: p ∝ tokens^(1/τ)'),
    langs: z.array(z.string()).optional().describe('only these languages (shard folder labels or ISO codes)'),
    langWeights: z.record(z.string(), z.number().min(0)).optional().describe('extra per-language sampling weights'),
    valFraction: z.number().min(0).max(0.5).default(0.05).describe('held-out documents per language'),
    maxValDocs: z.number().int().min(0).default(200).describe('cap on held-out documents per language'),
    valEvery: z.number().int().min(0).default(100).describe('validation every N steps (0: only at the end)'),
    valRows: z.number().int().positive().default(8).describe('validation sequences per language'),
    checkpointEvery: z.number().int().min(0).default(100).describe('checkpoint every N steps (0: only at the end)'),
    threads: z.number().int().positive().optional().describe('native kernel threads (default: all cores)'),
    kernels: z.enum(['auto', 'native', 'ts']).default('auto').describe('kernel backend: native addon, TypeScript reference, or auto'),
  })
  .strict();
export type TrainConfig = z.output<typeof TrainConfigSchema>;

/**
 * The one translation between a training config's shape overrides (`layers`, the `--layers`
 * flag) and ModelConfig / build-variant field names (`nLayers`): both stored spellings stay as
 * they are, and every conversion goes through this table.
 */
export const SHAPE_FIELDS = [
  ['dim', 'dim'],
  ['layers', 'nLayers'],
  ['heads', 'nHeads'],
  ['kvHeads', 'nKvHeads'],
  ['ffn', 'ffnDim'],
  ['ropeTheta', 'ropeTheta'],
  ['tied', 'tiedEmbeddings'],
] as const;

type ShapeTrainKey = (typeof SHAPE_FIELDS)[number][0];
type ShapeModelKey = (typeof SHAPE_FIELDS)[number][1];

/** Training-config shape overrides → ModelConfig fields (only those set). */
export function shapeToModel(cfg: Partial<Record<ShapeTrainKey, number | boolean | undefined>>): Partial<Record<ShapeModelKey, number | boolean>> {
  const out: Partial<Record<ShapeModelKey, number | boolean>> = {};
  for (const [t, m] of SHAPE_FIELDS) if (cfg[t] !== undefined) out[m] = cfg[t];
  return out;
}

/** ModelConfig-named shape fields (a build variant) → training-config overrides (only those set). */
export function shapeFromModel(m: Partial<Record<ShapeModelKey, number | boolean | undefined>>): Partial<Record<ShapeTrainKey, number | boolean>> {
  const out: Partial<Record<ShapeTrainKey, number | boolean>> = {};
  for (const [t, k] of SHAPE_FIELDS) if (m[k] !== undefined) out[t] = m[k];
  return out;
}
