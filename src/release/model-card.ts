// Model cards, two per variant: the checkpoint (`models/<variant>/README.md`) and its GGUF
// files (`models/<variant>-GGUF/README.md`, `base_model_relation: quantized`), each a Hugging
// Face README with YAML front matter (language, license, datasets, base_model, model-index per
// task × language from eval/report.json) and a body of training facts and checksums.
// Reference: huggingface.co/docs/hub/model-cards (metadata spec, model-index), Hub "model tree".
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { z } from 'zod';
import { NOT_RECORDED } from './config.js';
import type { ReleaseContext } from './context.js';
import type { VariantRecord } from './records.js';

const text = z.string().min(1);

/** The card's YAML metadata, as the Hub's model card metadata spec names the fields. */
export const ModelCardMetaSchema = z
  .object({
    language: z.array(z.string().regex(/^[a-z]{2,3}$/)).min(1),
    license: text,
    license_name: text.optional(),
    license_link: text.optional(),
    library_name: text,
    pipeline_tag: z.literal('text-generation'),
    tags: z.array(text),
    datasets: z.array(text).min(1),
    base_model: text.optional(),
    base_model_relation: z.literal('quantized').optional(),
    model_name: text,
    oellm: z
      .object({ data_commitment: z.string().regex(/^[0-9a-f]{64}$/), run: text, variant: text, parameters: z.number().int().positive().or(z.literal(NOT_RECORDED)), training_tokens: z.number().int().nonnegative().or(z.literal(NOT_RECORDED)) })
      .strict(),
    'model-index': z
      .array(
        z
          .object({
            name: text,
            results: z.array(
              z
                .object({
                  task: z.object({ type: text, name: text }).strict(),
                  dataset: z.object({ name: text, type: text, config: text, split: text }).strict(),
                  metrics: z.array(z.object({ type: text, value: z.number(), name: text, stderr: z.number().optional() }).strict()).length(1),
                })
                .strict(),
            ),
          })
          .strict(),
      )
      .optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    if ((m.base_model === undefined) !== (m.base_model_relation === undefined)) ctx.addIssue({ code: 'custom', message: 'base_model and base_model_relation go together' });
    if (m.license === 'other' && !m.license_name) ctx.addIssue({ code: 'custom', path: ['license_name'], message: 'license: other needs license_name' });
  });
export type ModelCardMeta = z.output<typeof ModelCardMetaSchema>;

/** Parses the YAML front matter of a card. */
export function frontMatter(md: string): unknown {
  const m = /^---\n([\s\S]*?)\n---\n/.exec(md);
  if (!m) throw new Error('no YAML front matter');
  return YAML.parse(m[1]!);
}

/** HF `license` values we can pass through; anything else is `other` + license_name. */
const HF_LICENSES = new Set(['apache-2.0', 'mit', 'cc-by-4.0', 'cc-by-sa-4.0', 'cc0-1.0', 'bsd-3-clause', 'gpl-3.0', 'openrail', 'llama3', 'unknown']);

export function datasetId(name: string): string {
  return `oellm-${name}-data`;
}

function sha(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

export function modelCards(ctx: ReleaseContext): { cards: { path: string; meta: ModelCardMeta }[]; files: Record<string, string> } {
  const r = ctx.rec;
  const files: Record<string, string> = {};
  const cards: { path: string; meta: ModelCardMeta }[] = [];
  const lic = r.release.license ?? ctx.nr('model card', 'license', 'release.license');
  const licMeta = HF_LICENSES.has(lic.toLowerCase()) ? { license: lic.toLowerCase() } : { license: 'other', license_name: lic === NOT_RECORDED ? 'not-recorded' : lic };
  const langs = [...new Set(r.languages.map((l) => l.code).filter((c) => /^[a-z]{2,3}$/.test(c)))].sort();
  const ev = r.evalReport;
  for (const v of r.variants) {
    const modelName = `oellm-${r.name}-${v.name}`;
    // Eval rows: the checkpoint's (kind checkpoint, or an endpoint named like it) and each GGUF file's of this variant.
    const norm = (p: string) => p.replace(/\\/g, '/').replace(/\/+$/, '');
    const isCkpt = (m: { id: string; path: string; kind: string }) => m.kind !== 'gguf' && (m.id === v.name || m.id === modelName || norm(m.path).endsWith(`models/${v.name}`));
    const isGguf = (m: { id: string; path: string; kind: string }) => m.kind === 'gguf' && norm(m.path).includes(`models/${v.name}/`);
    const rowsOf = (pick: (m: { id: string; path: string; kind: string }) => boolean) => {
      if (!ev) return [];
      const models = new Map(ev.models.filter(pick).map((m) => [m.id, m]));
      return ev.results
        .filter((x) => models.has(x.model) && x.status === 'ok' && typeof x.value === 'number')
        .map((x) => {
          const q = models.get(x.model)!.quant;
          return {
            task: { type: 'text-generation', name: x.task },
            dataset: { name: `${x.task} (${x.lang})`, type: x.task, config: x.lang, split: 'test' },
            metrics: [{ type: x.metric, value: x.value, name: `${x.metric} (${x.lang}${q ? `, ${q}` : ''})`, ...(typeof x.stderr === 'number' ? { stderr: x.stderr } : {}) }],
          };
        });
    };
    const results = rowsOf(isCkpt);
    const ggufResults = rowsOf(isGguf);
    const oellm = { data_commitment: ctx.commitment.root, run: r.name, variant: v.name, parameters: v.params ?? (NOT_RECORDED as typeof NOT_RECORDED), training_tokens: v.tokens ?? (NOT_RECORDED as typeof NOT_RECORDED) };
    const base: ModelCardMeta = {
      language: langs,
      ...licMeta,
      library_name: 'transformers',
      pipeline_tag: 'text-generation',
      tags: ['llama', 'oellm', 'multilingual', 'european'],
      datasets: [datasetId(r.name)],
      model_name: modelName,
      oellm,
      ...(results.length ? { 'model-index': [{ name: modelName, results }] } : {}),
    };
    const body = cardBody(ctx, v, modelName, ev ? results.length : null);
    files[`models/${v.name}/README.md`] = `---\n${YAML.stringify(base)}---\n\n${body}`;
    cards.push({ path: `models/${v.name}/README.md`, meta: base });
    if (v.gguf.length) {
      const gmeta: ModelCardMeta = { ...base, library_name: 'gguf', tags: [...base.tags, 'gguf', 'llama.cpp'], base_model: modelName, base_model_relation: 'quantized', model_name: `${modelName}-GGUF` };
      delete gmeta['model-index'];
      if (ggufResults.length) gmeta['model-index'] = [{ name: `${modelName}-GGUF`, results: ggufResults }];
      const rows = v.gguf.map((g) => `| ${g.path.split('/').pop()} | ${g.type} | ${g.bytes} | ${sha(g.file)} | ${g.commitment === ctx.commitment.root ? 'yes' : g.commitment ? 'DIFFERS' : 'absent'} |`);
      files[`models/${v.name}-GGUF/README.md`] =
        `---\n${YAML.stringify(gmeta)}---\n\n# ${modelName}-GGUF\n\nGGUF exports of [${modelName}](../${v.name}/README.md) for llama.cpp, Ollama and LM Studio, written by oellm's own exporter (quantized blocks bit-identical to ggml's reference quantizers).\n\n` +
        `| file | type | bytes | sha256 | \`oellm.data.commitment\` = release root |\n| --- | --- | --- | --- | --- |\n${rows.join('\n')}\n\n` +
        quantTable(ctx, v.name) +
        `Data commitment root (also in each file's GGUF metadata \`oellm.data.commitment\`): \`${ctx.commitment.root}\` (see ../../data-commitment.json).\n\nRun: \`llama-cli -m ${v.gguf[0]!.path.split('/').pop()} -p "All human beings are"\` or \`oellm generate --model <file>\`.\n`;
      cards.push({ path: `models/${v.name}-GGUF/README.md`, meta: gmeta });
    }
  }
  return { cards, files };
}

/** The eval report's quantization rows (KL divergence to the base, top-1 agreement…) for this variant's GGUFs. */
function quantTable(ctx: ReleaseContext, variant: string): string {
  const ev = ctx.rec.evalReport as (ReleaseContext['rec']['evalReport'] & { quant?: { model: string; base: string; lang: string; kld_mean: number; top1: number; ppl_ratio: number; n_tokens: number }[] }) | null;
  if (!ev?.quant?.length) return '';
  const ids = new Set(ev.models.filter((m) => m.kind === 'gguf' && m.path.replace(/\\/g, '/').includes(`models/${variant}/`)).map((m) => m.id));
  const rows = ev.quant.filter((q) => ids.has(q.model));
  if (!rows.length) return '';
  return `Quantization quality against the unquantized model (eval/report.json \`quant\`):\n\n| model | language | KLD mean | top-1 agreement | perplexity ratio | tokens |\n| --- | --- | --- | --- | --- | --- |\n${rows.map((q) => `| ${q.model} | ${q.lang} | ${q.kld_mean} | ${q.top1} | ${q.ppl_ratio} | ${q.n_tokens} |`).join('\n')}\n\n`;
}

function cardBody(ctx: ReleaseContext, v: VariantRecord, modelName: string, evalResults: number | null): string {
  const r = ctx.rec;
  const c = v.hfConfig as Record<string, number | string>;
  const val = v.valBpb
    ? Object.entries(v.valBpb)
        .map(([l, b]) => `| ${l} | ${b.toFixed(3)} |`)
        .join('\n')
    : `| ${NOT_RECORDED} | |`;
  return [
    `# ${modelName}`,
    '',
    `A Llama-architecture language model trained from scratch by oellm (run \`${r.name}\`, variant \`${v.name}\`) on ${r.languages.length} language labels. Generated from the run's records; do not edit by hand.`,
    '',
    '## Model',
    '',
    `- parameters: ${v.params ?? NOT_RECORDED}`,
    `- layers ${c.num_hidden_layers}, width ${c.hidden_size}, heads ${c.num_attention_heads} (KV ${c.num_key_value_heads}), SwiGLU ${c.intermediate_size}, context ${c.max_position_embeddings}, vocabulary ${c.vocab_size}`,
    `- tokenizer: byte-level BPE, ${r.tokenizer.vocabSize} tokens (tokenizer.json sha256 ${r.tokenizer.sha256})`,
    '',
    '## Training',
    '',
    `- steps ${v.steps ?? NOT_RECORDED}, tokens ${v.tokens ?? NOT_RECORDED}, wall time ${v.seconds !== undefined ? `${v.seconds.toFixed(1)} s` : NOT_RECORDED}, ${v.flops !== undefined ? `${v.flops.toExponential(3)} FLOPs` : `FLOPs ${NOT_RECORDED}`}, kernels ${v.kernels ?? NOT_RECORDED}`,
    `- loss ${v.firstLoss?.toFixed(3) ?? NOT_RECORDED} → ${v.finalLoss?.toFixed(3) ?? NOT_RECORDED} (train_log.jsonl, ${v.trainLogLines} lines)`,
    '',
    '### Validation bits per byte (held-out documents of the training corpus)',
    '',
    '| language | bits per byte |',
    '| --- | --- |',
    val,
    '',
    '## Evaluation',
    '',
    evalResults === null ? `No eval/report.json in the run: benchmark results ${NOT_RECORDED}.` : `${evalResults} results (task × language) from eval/report.json, in the YAML \`model-index\`.`,
    '',
    '## Data',
    '',
    `Dataset card: ../../dataset/README.md (\`${datasetId(r.name)}\`). Public documents ${r.manifest.counts.kept_public}, restricted (vault only, not used for training) ${r.manifest.counts.kept_restricted}.`,
    '',
    `Data commitment root: \`${ctx.commitment.root}\` (../../data-commitment.json; verify with \`oellm audit verify\`).`,
    '',
    '## Limitations',
    '',
    'A small model of a demonstration factory: it learns the statistics of its corpus and is not fit for any use that needs correct or safe text.',
    '',
  ].join('\n');
}
