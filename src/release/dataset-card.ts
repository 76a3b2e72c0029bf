// The dataset card (Hugging Face dataset README with YAML) and two Croissant 1.1 JSON-LD
// records: the public shards (one FileObject per shard with sha256, a RecordSet of the document
// fields, the RAI fields) and a metadata-only record of the restricted part (counts, languages
// and the vault files' checksums; no content URL). Projected from the manifest.
// Reference: mlcommons.org/croissant/1.1 (+ RAI vocabulary 1.0), huggingface.co/docs/hub/datasets-cards.
import YAML from 'yaml';
import { z } from 'zod';
import { vaultRel } from '../audit/commitment.js';
import { NOT_RECORDED } from './config.js';
import type { ReleaseContext } from './context.js';
import { datasetId } from './model-card.js';

const text = z.string().min(1);
const hex64 = z.string().regex(/^[0-9a-f]{64}$/);

export const CROISSANT_CONTEXT = {
  '@language': 'en',
  '@vocab': 'https://schema.org/',
  citeAs: 'cr:citeAs',
  column: 'cr:column',
  conformsTo: 'dct:conformsTo',
  cr: 'http://mlcommons.org/croissant/',
  rai: 'http://mlcommons.org/croissant/RAI/',
  data: { '@id': 'cr:data', '@type': '@json' },
  dataType: { '@id': 'cr:dataType', '@type': '@vocab' },
  dct: 'http://purl.org/dc/terms/',
  examples: { '@id': 'cr:examples', '@type': '@json' },
  extract: 'cr:extract',
  field: 'cr:field',
  fileProperty: 'cr:fileProperty',
  fileObject: 'cr:fileObject',
  fileSet: 'cr:fileSet',
  format: 'cr:format',
  includes: 'cr:includes',
  isLiveDataset: 'cr:isLiveDataset',
  jsonPath: 'cr:jsonPath',
  key: 'cr:key',
  md5: 'cr:md5',
  parentField: 'cr:parentField',
  path: 'cr:path',
  recordSet: 'cr:recordSet',
  references: 'cr:references',
  regex: 'cr:regex',
  repeated: 'cr:repeated',
  replace: 'cr:replace',
  sc: 'https://schema.org/',
  separator: 'cr:separator',
  source: 'cr:source',
  subField: 'cr:subField',
  transform: 'cr:transform',
} as const;

const FileObject = z.object({ '@type': z.literal('cr:FileObject'), '@id': text, name: text, contentUrl: text.optional(), encodingFormat: text, contentSize: text, sha256: hex64, description: text.optional() }).strict();

/** Croissant 1.1 required and recommended dataset properties, plus the RAI fields we fill. */
export const CroissantSchema = z
  .object({
    '@context': z.record(z.string(), z.unknown()),
    '@type': z.literal('sc:Dataset'),
    conformsTo: z.array(text).min(1),
    name: text,
    description: text,
    license: text,
    url: text,
    version: text,
    creator: z.object({ '@type': z.enum(['sc:Organization', 'sc:Person']), name: text }).strict(),
    datePublished: text,
    inLanguage: z.array(text).min(1),
    keywords: z.array(text),
    citeAs: text,
    isLiveDataset: z.boolean(),
    distribution: z.array(FileObject),
    recordSet: z.array(z.unknown()),
    'rai:dataCollection': text,
    'rai:dataCollectionType': z.array(text).min(1),
    'rai:dataCollectionTimeframe': z.array(text),
    'rai:dataPreprocessingProtocol': z.array(text).min(1),
    'rai:dataManipulationProtocol': text,
    'rai:dataAnnotationProtocol': text,
    'rai:personalSensitiveInformation': text,
    'rai:dataBiases': text,
    'rai:dataLimitations': text,
    'rai:dataUseCases': text,
    'rai:dataSocialImpact': text,
    'rai:dataReleaseMaintenancePlan': text,
  })
  .strict();
export type Croissant = z.output<typeof CroissantSchema>;

export function datasetDocs(ctx: ReleaseContext): { croissant: Croissant; restricted: Croissant; files: Record<string, string> } {
  const r = ctx.rec;
  const m = r.manifest;
  const D = 'dataset card';
  const license = r.release.dataLicense ?? ctx.nr(D, 'license', 'release.dataLicense');
  const creator = { '@type': 'sc:Organization' as const, name: r.release.provider ?? ctx.nr(D, 'creator', 'release.provider') };
  const version = r.release.version ?? ctx.nr(D, 'version', 'release.version');
  const date = r.release.placedOnMarket ?? ctx.nr(D, 'datePublished', 'release.placedOnMarket');
  const url = r.release.url ?? ctx.nr(D, 'url', 'release.url');
  const langs = r.languages.map((l) => l.code);
  const cfg = m.config as { pii?: { mode?: string }; rights?: { onReserved?: string }; dedup?: { exact?: boolean; minhash?: boolean } };
  const rai = {
    'rai:dataCollection': `Inputs: ${ctx.sources.map((s) => `${s.name} (${s.files.length} files, ${s.bytes} bytes)`).join('; ')}. Processed by the oellm corpus pipeline (extract, normalise, language ID, quality, rights, PII, dedup).`,
    'rai:dataCollectionType': ctx.sources.map((s) => (s.kind === 'crawled' ? 'Web Scraping' : s.kind === 'public-dataset' ? 'Secondary Data Analysis' : 'Others')),
    'rai:dataCollectionTimeframe': m.fetch_dates ? [m.fetch_dates.min, m.fetch_dates.max] : [ctx.nr(D, 'collection timeframe', 'manifest.fetch_dates')],
    'rai:dataPreprocessingProtocol': [
      'Unicode NFC, mojibake repair, control characters and whitespace normalised',
      `language identification; ${Object.entries(m.dropped)
        .filter(([k]) => k.startsWith('lid.'))
        .reduce((a, [, v]) => a + v, 0)} documents dropped`,
      `quality filters (Gopher quality and repetition, FineWeb); ${Object.entries(m.dropped)
        .filter(([k]) => k.startsWith('quality.'))
        .reduce((a, [, v]) => a + v, 0)} documents dropped`,
      `deduplication (exact: ${cfg.dedup?.exact ?? NOT_RECORDED}, MinHash: ${cfg.dedup?.minhash ?? NOT_RECORDED}); ${m.dedup.duplicates ?? 0} duplicates removed`,
    ],
    'rai:dataManipulationProtocol': `PII in mode "${cfg.pii?.mode ?? NOT_RECORDED}" (see pii-report.md); TDM-reserved documents ${cfg.rights?.onReserved === 'drop' ? 'dropped' : 'moved to the encrypted vault'} (see copyright-policy.md)`,
    'rai:dataAnnotationProtocol': 'No human annotation; per-document fields (lang, lang_score, quality, rights, pii spans, dedup) are written by the pipeline',
    'rai:personalSensitiveInformation': `PII detectors for e-mail, IBAN, payment card, national ID, phone, IP; ${Object.entries(m.pii)
      .filter(([k]) => k.includes('.'))
      .reduce((a, [, v]) => a + v, 0)} matches, handled in mode "${cfg.pii?.mode ?? NOT_RECORDED}". Names and addresses are not detected.`,
    'rai:dataBiases': `Documents per language are uneven (${r.languages.map((l) => `${l.label} ${l.publicDocs}`).join(', ')}); language ID confuses close pairs (hr/sr/bs/cnr, sk/cs, no/da)`,
    'rai:dataLimitations': 'Small corpus; what is in it is only what the inputs held after filtering; see the manifest drop reasons',
    'rai:dataUseCases': 'Pretraining multilingual European language models; tokenizer training; per-language statistics',
    'rai:dataSocialImpact': 'Supports language models for smaller European languages; carries the biases of its sources',
    'rai:dataReleaseMaintenancePlan': 'Each release is regenerated from the pipeline records; versions are identified by the data commitment root',
  };
  const files: Record<string, string> = {};
  const croissant: Croissant = {
    '@context': CROISSANT_CONTEXT,
    '@type': 'sc:Dataset',
    conformsTo: ['http://mlcommons.org/croissant/1.1', 'http://mlcommons.org/croissant/RAI/1.0'],
    name: datasetId(r.name),
    description: `Public documents of oellm run ${r.name}: ${m.counts.kept_public} documents in ${Object.keys(m.languages).length} language labels, JSONL (zstd), one object per document. Data commitment root ${ctx.commitment.root}.`,
    license,
    url,
    version,
    creator,
    datePublished: date,
    inLanguage: langs,
    keywords: ['multilingual', 'European languages', 'pretraining', 'oellm'],
    citeAs: `oellm run ${r.name}, data commitment ${ctx.commitment.root}`,
    isLiveDataset: false,
    distribution: m.shards.map((s) => ({ '@type': 'cr:FileObject' as const, '@id': s.path, name: s.path, contentUrl: `data/${s.path}`, encodingFormat: 'application/jsonlines+zstd', contentSize: `${s.compressed_bytes} B`, sha256: s.sha256 })),
    recordSet: [
      {
        '@type': 'cr:RecordSet',
        '@id': 'documents',
        name: 'documents',
        description: 'one record per document (HPLT-compatible fields)',
        field: ['id', 'text', 'lang', 'script', 'url', 'ts'].map((f) => ({ '@type': 'cr:Field', '@id': `documents/${f}`, name: f, dataType: 'sc:Text', source: { fileSet: { '@id': 'shards' }, extract: { jsonPath: `$.${f}` } } })),
      },
    ],
    ...rai,
  };
  // The file set the record set reads: every shard.
  (croissant.recordSet as unknown[]).unshift({ '@type': 'cr:FileSet', '@id': 'shards', name: 'shards', containedIn: m.shards.map((s) => ({ '@id': s.path })), encodingFormat: 'application/jsonlines+zstd', includes: 'shards/*/*.jsonl.zst' });
  const restricted: Croissant = {
    ...croissant,
    name: `${datasetId(r.name)}-restricted`,
    description: `Metadata-only record of the restricted part of run ${r.name}: ${m.counts.kept_restricted} documents whose rights holders reserved text and data mining, kept encrypted (AES-256-GCM) in an auditor vault; content is not published. Languages: ${
      Object.entries(m.vault?.languages ?? {})
        .map(([l, v]) => `${l} ${v.docs}`)
        .join(', ') || 'none'
    }.`,
    license: 'restricted: not redistributable (TDM reservation); access for auditors only',
    url: 'not published (auditor vault)',
    distribution: (m.vault?.files ?? []).map((f) => {
      const p = vaultRel(`${r.runDir}/data`, f.path);
      return { '@type': 'cr:FileObject' as const, '@id': p, name: p, encodingFormat: 'application/x-oellm-vault', contentSize: `${f.compressed_bytes} B`, sha256: f.sha256, description: `${f.docs} encrypted documents; not distributed` };
    }),
    recordSet: [],
    'rai:dataCollection': `${rai['rai:dataCollection']} Restricted documents are the ones a rights reservation applied to.`,
  };
  files['dataset/croissant.json'] = JSON.stringify(croissant, null, 2) + '\n';
  files['dataset/croissant-restricted.json'] = JSON.stringify(restricted, null, 2) + '\n';
  const total = m.counts.kept_public;
  const sizeCat = total < 1e3 ? 'n<1K' : total < 1e4 ? '1K<n<10K' : total < 1e5 ? '10K<n<100K' : total < 1e6 ? '100K<n<1M' : 'n>1M';
  const yaml = {
    language: [...new Set(langs)].sort(),
    license: /^[a-z0-9.-]+$/i.test(license) && license !== 'not recorded' ? license.toLowerCase() : 'other',
    pretty_name: `oellm ${r.name} corpus`,
    size_categories: [sizeCat],
    task_categories: ['text-generation'],
    configs: Object.keys(m.languages)
      .sort()
      .map((l) => ({ config_name: l, data_files: [{ split: 'train', path: `shards/${l}/*.jsonl.zst` }] })),
  };
  files['dataset/README.md'] = [
    `---\n${YAML.stringify(yaml)}---`,
    '',
    `# oellm ${r.name} corpus`,
    '',
    `Generated from the dataset manifest of run \`${r.name}\` (data/manifest.json). Croissant: croissant.json (public), croissant-restricted.json (metadata only).`,
    '',
    '## Counts',
    '',
    `in ${m.counts.in} = kept ${m.counts.kept} (public ${m.counts.kept_public}, restricted ${m.counts.kept_restricted}) + dropped ${m.counts.dropped} + quarantined ${m.counts.quarantined} (${m.counts.balanced ? 'balanced' : 'NOT balanced'})`,
    '',
    '| language | public docs | public bytes | restricted docs | tokens |',
    '| --- | --- | --- | --- | --- |',
    ...r.languages.map((l) => `| ${l.name} (${l.label}) | ${l.publicDocs} | ${l.publicBytes} | ${l.restrictedDocs} | ${l.tokens ?? NOT_RECORDED} |`),
    '',
    '## Drop reasons',
    '',
    ...(Object.keys(m.dropped).length ? Object.entries(m.dropped).map(([k, v]) => `- ${k}: ${v}`) : ['- none']),
    '',
    '## Shards',
    '',
    '| file | docs | bytes (text) | sha256 |',
    '| --- | --- | --- | --- |',
    ...m.shards.map((s) => `| ${s.path} | ${s.docs} | ${s.bytes} | ${s.sha256} |`),
    '',
    '## Responsible AI',
    '',
    ...Object.entries(rai).map(([k, v]) => `- **${k.slice(4)}**: ${Array.isArray(v) ? v.join('; ') : v}`),
    '',
    `## Data commitment\n\nRoot \`${ctx.commitment.root}\` over ${ctx.commitment.docs.public} public and ${ctx.commitment.docs.restricted} restricted documents (../data-commitment.json, docs/COMMITMENT.md).`,
    '',
  ].join('\n');
  return { croissant, restricted, files };
}
