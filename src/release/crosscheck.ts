// The cross-check of a release bundle: read the written documents back (not the generator's
// objects) and compare the facts several of them state — languages, document and token counts,
// dates, dataset file checksums, training tokens per model, the data commitment root (also in
// every GGUF's metadata). Each disagreement is one line naming both documents.
// Not schema validation (each document's schema does that, see index.ts).
import YAML from 'yaml';
import type { Commitment } from '../audit/commitment.js';
import type { AiActSummary } from './ai-act-summary.js';
import type { CopyrightPolicy } from './copyright-policy.js';
import type { Croissant } from './dataset-card.js';
import type { Mdf } from './mdf.js';
import type { RunRecords } from './records.js';

type Files = Record<string, string>;

const sortJ = (a: unknown[]): string => JSON.stringify([...a].map(String).sort());

export function crossCheck(files: Files, rec: RunRecords): string[] {
  const out: string[] = [];
  const j = <T>(p: string): T => JSON.parse(files[p]!) as T;
  const ai = j<AiActSummary>('ai-act-summary.json');
  const c = j<Commitment>('data-commitment.json');
  const cr = j<Croissant>('dataset/croissant.json');
  const crr = j<Croissant>('dataset/croissant-restricted.json');
  const mdf = j<Mdf>('model-documentation-form.json');
  const cp = j<CopyrightPolicy>('copyright-policy.json');
  const eq = (what: string, a: [string, unknown], b: [string, unknown]) => {
    if (JSON.stringify(a[1]) !== JSON.stringify(b[1])) out.push(`${what}: ${a[0]} says ${JSON.stringify(a[1])}, ${b[0]} says ${JSON.stringify(b[1])}`);
  };
  const g = ai['1_general_information']['1.3_modalities_training_data_size_and_other_characteristics'];
  // Languages: the summary's codes, Croissant inLanguage, every card's language list, the MDF labels.
  const aiCodes = g.linguistic_characteristics.map((l) => l.code);
  const aiLabels = g.linguistic_characteristics.map((l) => /\(([^)]+)\)$/.exec(l.language)?.[1] ?? l.language);
  eq('languages', ['ai-act-summary.json', sortJ(aiCodes)], ['dataset/croissant.json', sortJ(cr.inLanguage)]);
  for (const m of mdf.models) eq('language labels', ['ai-act-summary.json', sortJ(aiLabels)], [`model-documentation-form.json (${m.general_information.model_name})`, sortJ(m.training_data.languages)]);
  eq('languages vs manifest', ['ai-act-summary.json', sortJ(aiLabels)], ['data/manifest.json', sortJ([...new Set([...Object.keys(rec.manifest.languages), ...Object.keys(rec.manifest.vault?.languages ?? {})])])]);
  for (const [p, text] of Object.entries(files)) {
    if (!p.endsWith('README.md') || !p.startsWith('models/')) continue;
    const fm = YAML.parse(/^---\n([\s\S]*?)\n---\n/.exec(text)?.[1] ?? '') as { language?: string[]; oellm?: { data_commitment?: string; training_tokens?: unknown; variant?: string } };
    eq('languages', ['ai-act-summary.json', sortJ([...new Set(aiCodes.filter((x) => /^[a-z]{2,3}$/.test(x)))])], [p, sortJ(fm.language ?? [])]);
    eq('data commitment root', ['data-commitment.json', c.root], [p, fm.oellm?.data_commitment]);
    const m = mdf.models.find((x) => x.general_information.model_name.endsWith(`-${fm.oellm?.variant}`));
    eq('training tokens', [p, fm.oellm?.training_tokens], ['model-documentation-form.json', m?.training_data.tokens_seen]);
  }
  // Counts.
  const size = g.training_data_size;
  eq('public documents', ['ai-act-summary.json', size.documents_public], ['data-commitment.json', c.docs.public]);
  eq('restricted documents', ['ai-act-summary.json', size.documents_restricted], ['data-commitment.json', c.docs.restricted]);
  eq('restricted documents', ['ai-act-summary.json', size.documents_restricted], ['copyright-policy.json', cp.restricted_documents.kept_in_vault]);
  eq('public documents', ['ai-act-summary.json', size.documents_public], ['data/manifest.json', rec.manifest.counts.kept_public]);
  for (const m of mdf.models) {
    eq('public documents', ['ai-act-summary.json', size.documents_public], [`model-documentation-form.json (${m.general_information.model_name})`, m.training_data.documents_public]);
    eq('data commitment root', ['data-commitment.json', c.root], [`model-documentation-form.json (${m.general_information.model_name})`, m.training_data.data_commitment_root]);
    const t = size.tokens_seen_in_training.find((x) => m.general_information.model_name.endsWith(`-${x.model}`));
    eq('training tokens', ['ai-act-summary.json', t?.tokens], ['model-documentation-form.json', m.training_data.tokens_seen]);
  }
  const perLang = g.linguistic_characteristics.reduce((a, l) => a + l.documents, 0);
  eq('documents per language sum', ['ai-act-summary.json §1.3 languages', perLang], ['ai-act-summary.json §1.3 size', size.documents_public + size.documents_restricted]);
  if (typeof size.exact_tokens_public === 'number')
    eq('tokens per language sum', ['ai-act-summary.json §1.3 languages', g.linguistic_characteristics.reduce((a, l) => a + (typeof l.tokens === 'number' ? l.tokens : 0), 0)], ['ai-act-summary.json §1.3 size', size.exact_tokens_public]);
  eq('rights decisions', ['ai-act-summary.json §3.1', ai['3_data_processing_aspects']['3.1_respect_of_reservation_of_rights_from_text_and_data_mining'].decisions], ['copyright-policy.json', cp.decisions]);
  // Dates.
  if (rec.manifest.fetch_dates) eq('latest collection date', ['ai-act-summary.json', g.latest_date_of_data_collection], ['dataset/croissant.json', cr['rai:dataCollectionTimeframe'][1]]);
  // Root and hashes.
  eq('data commitment root', ['data-commitment.json', c.root], ['ai-act-summary.json', ai['3_data_processing_aspects']['3.3_other_information'].data_commitment_root]);
  if (!cr.description.includes(c.root)) out.push(`data commitment root: dataset/croissant.json does not state ${c.root}`);
  const pubShards = c.shards.filter((s) => s.class === 'public');
  eq('public file checksums', ['data-commitment.json', pubShards.map((s) => [s.path, s.sha256])], ['dataset/croissant.json', cr.distribution.map((d) => [d['@id'], d.sha256])]);
  eq('public file checksums', ['data-commitment.json', pubShards.map((s) => [s.path, s.sha256])], ['data/manifest.json', rec.manifest.shards.map((s) => [s.path, s.sha256])]);
  eq('vault file checksums', ['data-commitment.json', c.shards.filter((s) => s.class === 'restricted').map((s) => [s.path, s.sha256])], ['dataset/croissant-restricted.json', crr.distribution.map((d) => [d['@id'], d.sha256])]);
  for (const v of rec.variants)
    for (const gg of v.gguf) if (gg.commitment !== undefined && gg.commitment !== c.root) out.push(`data commitment root: ${gg.path} metadata oellm.data.commitment is ${gg.commitment}, data-commitment.json says ${c.root}`);
  return out;
}
