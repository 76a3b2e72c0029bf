// Openness self-assessments: the Model Openness Framework class (each component present or
// absent, with its licence; the class is the highest whose components are all present and
// openly licensed) and the European Open Source AI Index dimensions (open / partial / closed).
// Reference: White et al., The Model Openness Framework (LF AI & Data, arXiv 2403.13784);
// European Open Source AI Index (osai-index.eu), after Liesenfeld & Dingemanse (FAccT 2024).
import { z } from 'zod';
import { NOT_RECORDED } from './config.js';
import type { ReleaseContext } from './context.js';

/** MOF v1 components and the lowest class (3 = Open Model … 1 = Open Science) that needs each. */
export const MOF_COMPONENTS = [
  ['Model architecture', 3],
  ['Model parameters (final)', 3],
  ['Technical report', 3],
  ['Evaluation results', 3],
  ['Model card', 3],
  ['Data card', 3],
  ['Training code', 2],
  ['Inference code', 2],
  ['Evaluation code', 2],
  ['Evaluation data', 2],
  ['Supporting libraries and tools', 2],
  ['Data preprocessing code', 2],
  ['Research paper', 1],
  ['Datasets', 1],
  ['Model parameters (intermediate)', 1],
  ['Model metadata', 1],
  ['Sample model outputs', 1],
] as const;

const OPEN_LICENSES = /^(apache-2\.0|mit|bsd-[23]-clause|cc-by-4\.0|cc-by-sa-4\.0|cc0-1\.0|gpl-3\.0|lgpl-3\.0|mpl-2\.0|odc-by|cdla-permissive-2\.0|public domain)/i;

const text = z.string().min(1);
export const MofSchema = z
  .object({
    schema: z.literal('oellm.mof/1'),
    framework: text,
    class: z.enum(['Class I (Open Science)', 'Class II (Open Tooling)', 'Class III (Open Model)', 'none']),
    components: z.array(z.object({ component: text, required_for_class: z.number().int().min(1).max(3), present: z.enum(['Yes', 'No']), license: text, open: z.enum(['Yes', 'No']), where: text }).strict()).length(MOF_COMPONENTS.length),
  })
  .strict();
export const EosaiSchema = z
  .object({
    schema: z.literal('oellm.eosai-index/1'),
    index: text,
    dimensions: z.array(z.object({ category: z.enum(['availability', 'documentation', 'access']), dimension: text, rating: z.enum(['open', 'partial', 'closed']), evidence: text }).strict()).min(14),
  })
  .strict();

export function openness(ctx: ReleaseContext): { mof: z.output<typeof MofSchema>; eosai: z.output<typeof EosaiSchema>; files: Record<string, string> } {
  const r = ctx.rec;
  const code = 'Apache-2.0';
  const modelLic = r.release.license ?? NOT_RECORDED;
  const dataLic = r.release.dataLicense ?? NOT_RECORDED;
  const hasEval = !!r.evalReport;
  const restricted = r.manifest.counts.kept_restricted > 0;
  const have: Record<string, [boolean, string, string]> = {
    'Model architecture': [true, code, 'src/model (oellm source), config.json'],
    'Model parameters (final)': [true, modelLic, 'models/<variant>/model.safetensors and GGUF files'],
    'Technical report': [false, NOT_RECORDED, 'no technical report is generated'],
    'Evaluation results': [hasEval, hasEval ? modelLic : NOT_RECORDED, hasEval ? 'eval/report.json, model-index of the model cards' : 'no eval/report.json in the run'],
    'Model card': [true, modelLic, 'models/<variant>/README.md'],
    'Data card': [true, dataLic, 'dataset/README.md, dataset/croissant.json'],
    'Training code': [true, code, 'src/train'],
    'Inference code': [true, code, 'src/runtime, src/model/reference.ts'],
    'Evaluation code': [hasEval, code, hasEval ? 'oellm eval' : 'no evaluation ran in this run'],
    'Evaluation data': [hasEval, NOT_RECORDED, hasEval ? 'task data named in eval/report.json' : 'no evaluation ran in this run'],
    'Supporting libraries and tools': [true, code, 'oellm npm package and its dependencies'],
    'Data preprocessing code': [true, code, 'src/data'],
    'Research paper': [false, NOT_RECORDED, 'no paper'],
    Datasets: [true, restricted ? `${dataLic}; restricted part not released` : dataLic, restricted ? 'public shards released; TDM-reserved documents only in the auditor vault' : 'public shards (data/shards)'],
    'Model parameters (intermediate)': [false, NOT_RECORDED, 'only the last checkpoint is kept'],
    'Model metadata': [true, code, 'oellm.json, train_log.jsonl'],
    'Sample model outputs': [r.variants.some((v) => v.gguf.some((g) => g.sample !== undefined)), modelLic, 'llama.cpp generation check per GGUF (models/<variant>/*.gguf.json)'],
  };
  const components = MOF_COMPONENTS.map(([component, cls]) => {
    const [present, license, where] = have[component]!;
    const open = present && OPEN_LICENSES.test(license) && !(component === 'Datasets' && restricted);
    return { component, required_for_class: cls, present: present ? ('Yes' as const) : ('No' as const), license, open: open ? ('Yes' as const) : ('No' as const), where };
  });
  const classOk = (c: number) => components.filter((x) => x.required_for_class >= c).every((x) => x.open === 'Yes');
  const mof = {
    schema: 'oellm.mof/1' as const,
    framework: 'Model Openness Framework v1 (LF AI & Data), component-to-class table as read from arXiv 2403.13784',
    class: classOk(1) ? ('Class I (Open Science)' as const) : classOk(2) ? ('Class II (Open Tooling)' as const) : classOk(3) ? ('Class III (Open Model)' as const) : ('none' as const),
    components,
  };
  const rate = (open: boolean, partial = false): 'open' | 'partial' | 'closed' => (open ? 'open' : partial ? 'partial' : 'closed');
  const eosai = {
    schema: 'oellm.eosai-index/1' as const,
    index: 'European Open Source AI Index (osai-index.eu) dimensions, self-assessed',
    dimensions: [
      {
        category: 'availability' as const,
        dimension: 'Base model data',
        rating: rate(!restricted, restricted),
        evidence: restricted ? 'public shards released; reserved documents only for auditors (vault) with a Merkle commitment' : 'all training documents released as shards',
      },
      { category: 'availability' as const, dimension: 'End-user model data', rating: 'open' as const, evidence: 'no instruction tuning: the base model is the end-user model' },
      { category: 'availability' as const, dimension: 'Base model weights', rating: rate(OPEN_LICENSES.test(modelLic), modelLic !== NOT_RECORDED), evidence: `safetensors and GGUF, licence ${modelLic}` },
      { category: 'availability' as const, dimension: 'End-user model weights', rating: rate(OPEN_LICENSES.test(modelLic), modelLic !== NOT_RECORDED), evidence: 'same as the base model weights' },
      { category: 'availability' as const, dimension: 'Training code', rating: 'open' as const, evidence: 'oellm (Apache-2.0): src/train, src/data, src/tokenizer' },
      { category: 'availability' as const, dimension: 'Code documentation', rating: 'open' as const, evidence: 'docs/ and per-file headers of the oellm source' },
      { category: 'availability' as const, dimension: 'Hardware architecture', rating: rate(!!r.release.hardware, true), evidence: r.release.hardware ?? 'kernels recorded (oellm.json), machine not recorded' },
      { category: 'documentation' as const, dimension: 'Preprint', rating: 'closed' as const, evidence: 'none' },
      { category: 'documentation' as const, dimension: 'Paper', rating: 'closed' as const, evidence: 'none' },
      { category: 'documentation' as const, dimension: 'Model card', rating: 'open' as const, evidence: 'models/<variant>/README.md' },
      { category: 'documentation' as const, dimension: 'Datasheet', rating: 'open' as const, evidence: 'dataset/README.md, croissant.json, ai-act-summary.md' },
      { category: 'access' as const, dimension: 'Package', rating: 'open' as const, evidence: 'oellm npm package; GGUF for llama.cpp' },
      { category: 'access' as const, dimension: 'API and meta prompts', rating: 'partial' as const, evidence: '`oellm serve` (OpenAI-compatible) is self-hosted; no hosted API; no meta prompts' },
      {
        category: 'access' as const,
        dimension: 'Licenses',
        rating: rate(OPEN_LICENSES.test(modelLic) && OPEN_LICENSES.test(dataLic), modelLic !== NOT_RECORDED || dataLic !== NOT_RECORDED),
        evidence: `code Apache-2.0, model ${modelLic}, data ${dataLic}`,
      },
    ],
  };
  return { mof, eosai, files: { 'openness/mof.json': JSON.stringify(mof, null, 2) + '\n', 'openness/eosai-index.json': JSON.stringify(eosai, null, 2) + '\n' } };
}
