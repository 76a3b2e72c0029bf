// The Model Documentation Form of the GPAI Code of Practice (transparency chapter) as JSON, one
// entry per variant: general information, model properties, distribution and licence, use,
// training process, training data, computational resources and an energy estimate whose
// method is stated. Projected from config.json, oellm.json, train_result.json, the stage markers.
// Reference: General-Purpose AI Code of Practice (10 July 2025), Transparency chapter, Model Documentation Form.
import { z } from 'zod';
import { NOT_RECORDED } from './config.js';
import type { ReleaseContext } from './context.js';

const text = z.string().min(1);
const num = z.number().nonnegative().or(z.literal(NOT_RECORDED));

export const MdfSchema = z
  .object({
    schema: z.literal('oellm.model-documentation-form/1'),
    form: text,
    models: z
      .array(
        z
          .object({
            general_information: z.object({ provider: text, model_name: text, model_version: text, release_date: text, union_market_release_date: text, model_dependencies: text }).strict(),
            model_properties: z.object({ architecture: text, design_specification: text, input_modalities: z.array(text), output_modalities: z.array(text), parameters: num, parameter_range: text, context_length: num, vocabulary_size: num }).strict(),
            distribution_and_licence: z.object({ methods: z.array(text), licence: text, files: z.array(z.object({ path: text, format: text, bytes: z.number().int().nonnegative() }).strict()) }).strict(),
            use: z.object({ intended_uses: text, acceptable_use_policy: text, integration: text, required_hardware: text, required_software: text }).strict(),
            training_process: z.object({ description: text, optimizer: text, steps: num, batch: text, learning_rate: text, decision_rationale: text }).strict(),
            training_data: z
              .object({
                modality: text,
                provenance: text,
                selection: text,
                documents_public: z.number().int().nonnegative(),
                documents_restricted_not_trained_on: z.number().int().nonnegative(),
                tokens_seen: num,
                languages: z.array(text).min(1),
                curation: text,
                unsuitable_sources: text,
                biases: text,
                data_commitment_root: z.string().regex(/^[0-9a-f]{64}$/),
              })
              .strict(),
            computational_resources: z.object({ training_flops: num, flops_method: text, training_wall_time_s: num, hardware: text, build_stage_wall_time_s: num }).strict(),
            energy: z.object({ training_kwh: num, method: text, inference: text }).strict(),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();
export type Mdf = z.output<typeof MdfSchema>;

/** Threads named in the kernels string (`native-avx2 (2 threads)`), 1 when not stated. */
function threads(kernels?: string): number {
  const m = /\((\d+) threads?\)/.exec(kernels ?? '');
  return m ? Number(m[1]) : 1;
}

export function modelDocumentationForm(ctx: ReleaseContext): { doc: Mdf; files: Record<string, string> } {
  const r = ctx.rec;
  const D = 'Model Documentation Form';
  const provider = r.release.provider ?? ctx.nr(D, 'provider', 'release.provider');
  const version = r.release.version ?? ctx.nr(D, 'model version', 'release.version');
  const date = r.release.placedOnMarket ?? ctx.nr(D, 'release date', 'release.placedOnMarket');
  const lic = r.release.license ?? ctx.nr(D, 'licence', 'release.license');
  const hardware = r.release.hardware ?? ctx.nr(D, 'hardware', 'release.hardware');
  const W = r.release.wattsPerCore;
  const doc: Mdf = {
    schema: 'oellm.model-documentation-form/1',
    form: 'GPAI Code of Practice (July 2025), Transparency chapter, Model Documentation Form',
    models: r.variants.map((v) => {
      const c = v.hfConfig as Record<string, number>;
      const stage = r.stages.find((s) => s.stage === `train-${v.name}`);
      const tc = (v.trainConfig ?? {}) as Record<string, unknown>;
      const kwh = v.seconds !== undefined ? (v.seconds * threads(v.kernels) * W) / 3.6e6 : NOT_RECORDED;
      return {
        general_information: { provider, model_name: `oellm-${r.name}-${v.name}`, model_version: version, release_date: date, union_market_release_date: date, model_dependencies: 'None: trained from random initialisation' },
        model_properties: {
          architecture: `decoder-only transformer (Llama): ${c.num_hidden_layers} layers, width ${c.hidden_size}, ${c.num_attention_heads} heads, ${c.num_key_value_heads} KV heads (GQA), SwiGLU ${c.intermediate_size}, RMSNorm, RoPE θ=${c.rope_theta}`,
          design_specification: 'next-token prediction over a byte-level BPE vocabulary',
          input_modalities: ['text'],
          output_modalities: ['text'],
          parameters: v.params ?? NOT_RECORDED,
          parameter_range: v.params === undefined ? NOT_RECORDED : v.params < 1e9 ? 'below 1 billion' : v.params < 1e10 ? '1–10 billion' : 'above 10 billion',
          context_length: c.max_position_embeddings ?? NOT_RECORDED,
          vocabulary_size: c.vocab_size ?? NOT_RECORDED,
        },
        distribution_and_licence: {
          methods: ['release bundle (Hugging Face safetensors checkpoint)', ...(v.gguf.length ? ['GGUF for llama.cpp'] : [])],
          licence: lic,
          files: v.gguf.map((g) => ({ path: g.path, format: `GGUF ${g.type}`, bytes: g.bytes })),
        },
        use: {
          intended_uses: 'research and demonstration of a transparent multilingual model factory',
          acceptable_use_policy: r.release.acceptableUse ?? ctx.nr(D, 'acceptable use policy', 'release.acceptableUse'),
          integration: 'Hugging Face transformers (LlamaForCausalLM), llama.cpp / node-llama-cpp (GGUF), `oellm serve`',
          required_hardware: 'any CPU (tiny model)',
          required_software: 'transformers, or llama.cpp, or oellm',
        },
        training_process: {
          description: `pretraining from scratch with the oellm TypeScript trainer, kernels ${v.kernels ?? NOT_RECORDED}, temperature-sampled language mix`,
          optimizer: `AdamW (β1 ${tc.beta1 ?? NOT_RECORDED}, β2 ${tc.beta2 ?? NOT_RECORDED}, weight decay ${tc.weightDecay ?? NOT_RECORDED}), warmup-stable-decay schedule`,
          steps: v.steps ?? NOT_RECORDED,
          batch: `${tc.batchSize ?? NOT_RECORDED} sequences × ${tc.seqLen ?? NOT_RECORDED} tokens × ${tc.gradAccum ?? 1} accumulation`,
          learning_rate: String(tc.lr ?? NOT_RECORDED),
          decision_rationale: 'sized so the whole default series trains in minutes on one machine (config.resolved.yaml)',
        },
        training_data: {
          modality: 'text',
          provenance: ctx.sources.map((s) => `${s.name} (${s.kind})`).join('; ') || ctx.nr(D, 'provenance', 'manifest.inputs'),
          selection: 'corpus pipeline: language ID, quality filters, rights reservations, PII, deduplication (see ai-act-summary.md §3)',
          documents_public: r.manifest.counts.kept_public,
          documents_restricted_not_trained_on: r.manifest.counts.kept_restricted,
          tokens_seen: v.tokens ?? NOT_RECORDED,
          languages: r.languages.map((l) => l.label),
          curation: 'automatic, by the recorded pipeline configuration (data/manifest.json config)',
          unsuitable_sources: 'domain blocklist and TDM reservations (copyright-policy.md)',
          biases: 'uneven documents per language (dataset/README.md); no bias evaluation was run',
          data_commitment_root: ctx.commitment.root,
        },
        computational_resources: {
          training_flops: v.flops ?? NOT_RECORDED,
          flops_method: 'counted by the trainer per step: 6 × parameters × tokens plus attention (oellm.json training.flops)',
          training_wall_time_s: v.seconds ?? NOT_RECORDED,
          hardware,
          build_stage_wall_time_s: stage?.wall_s ?? NOT_RECORDED,
        },
        energy: {
          training_kwh: kwh,
          method: `estimate, not a measurement: training wall time × ${threads(v.kernels)} busy thread(s) × ${W} W per core (release.wattsPerCore), in kWh; no power meter was read`,
          inference: 'not measured',
        },
      };
    }),
  };
  return { doc, files: { 'model-documentation-form.json': JSON.stringify(doc, null, 2) + '\n' } };
}
