// The EU AI Act public summary of training content (Art. 53(1)(d)), section by section as the
// AI Office template of July 2025 asks: 1 general information, 2 list of data sources, 3 data
// processing aspects — as JSON (the source), Markdown, and the top-domains CSV (§2.3).
// Not legal advice; every field is projected from a run record or says "not recorded".
// Reference: Commission, Explanatory Notice and Template for the Public Summary of Training Content (24 July 2025).
import { z } from 'zod';
import { RESERVATION_REASONS } from '../data/rights/config.js';
import { NOT_RECORDED } from './config.js';
import { textSizeBin, toMarkdown, type ReleaseContext } from './context.js';

const text = z.string().min(1);
const yesNo = z.enum(['Yes', 'No']);

/** Written from the template's headings: every section and item is required. */
export const AiActSummarySchema = z
  .object({
    schema: z.literal('oellm.ai-act-summary/1'),
    template: text,
    '1_general_information': z
      .object({
        '1.1_provider_identification': z.object({ provider_name_and_contact: text, authorised_representative: text }).strict(),
        '1.2_model_identification': z.object({ versioned_model_names: z.array(text).min(1), model_dependencies: text, date_of_placement_on_the_union_market: text }).strict(),
        '1.3_modalities_training_data_size_and_other_characteristics': z
          .object({
            modalities: z.object({ text: yesNo, image: yesNo, audio: yesNo, video: yesNo, other: yesNo }).strict(),
            training_data_size: z
              .object({
                text: text,
                exact_tokens_public: z.number().int().nonnegative().or(z.literal(NOT_RECORDED)),
                documents_public: z.number().int().nonnegative(),
                documents_restricted: z.number().int().nonnegative(),
                utf8_bytes_public: z.number().int().nonnegative(),
                tokens_seen_in_training: z.array(z.object({ model: text, tokens: z.number().int().nonnegative().or(z.literal(NOT_RECORDED)) }).strict()),
              })
              .strict(),
            types_of_content: z.array(text).min(1),
            latest_date_of_data_collection: text,
            linguistic_characteristics: z.array(z.object({ language: text, code: text, eu_official: yesNo, documents: z.number().int().nonnegative(), tokens: z.number().int().nonnegative().or(z.literal(NOT_RECORDED)) }).strict()).min(1),
            other_relevant_characteristics: text,
          })
          .strict(),
      })
      .strict(),
    '2_list_of_data_sources': z
      .object({
        '2.1_publicly_available_datasets': z.object({ used: yesNo, modality: text, large_datasets: z.array(z.object({ name: text, version: text, link: text, share_of_public_data: text }).strict()), other_public_datasets: text }).strict(),
        '2.2_private_non_publicly_available_datasets_obtained_from_third_parties': z
          .object({ '2.2.1_commercially_licensed_by_rightsholders': z.object({ used: yesNo, description: text }).strict(), '2.2.2_other_private_datasets': z.object({ used: yesNo, description: text }).strict() })
          .strict(),
        '2.3_data_crawled_and_scraped_from_online_sources': z
          .object({
            used: yesNo,
            crawler_names: text,
            crawler_purposes: text,
            crawler_behaviour: text,
            collection_period: text,
            types_of_content_and_sources: text,
            most_relevant_domain_names: z.object({ rule: text, csv: text, domains: z.array(z.object({ domain: text, documents: z.number().int().nonnegative(), bytes: z.number().int().nonnegative() }).strict()) }).strict(),
          })
          .strict(),
        '2.4_user_data': z.object({ used: yesNo, description: text }).strict(),
        '2.5_synthetic_data': z.object({ used: yesNo, description: text }).strict(),
        '2.6_other_sources_of_data': z.object({ used: yesNo, description: text }).strict(),
      })
      .strict(),
    '3_data_processing_aspects': z
      .object({
        '3.1_respect_of_reservation_of_rights_from_text_and_data_mining': z
          .object({
            measures: text,
            protocols_honoured: z.array(text),
            user_agents_checked: z.array(text),
            on_reservation: text,
            decisions: z.array(z.object({ decision: text, documents: z.number().int().nonnegative() }).strict()),
            code_of_practice_signatory: text,
          })
          .strict(),
        '3.2_removal_of_illegal_content': z.object({ measures: text, blocklist_domains: z.number().int().nonnegative(), documents_removed: z.number().int().nonnegative() }).strict(),
        '3.3_other_information': z.object({ personal_data: text, deduplication: text, quality_filtering: text, language_identification: text, data_commitment_root: z.string().regex(/^[0-9a-f]{64}$/) }).strict(),
      })
      .strict(),
  })
  .strict();
export type AiActSummary = z.output<typeof AiActSummarySchema>;

export const AI_ACT_FILES = { json: 'ai-act-summary.json', md: 'ai-act-summary.md', csv: 'ai-act-domains.csv' } as const;

export function aiActSummary(ctx: ReleaseContext): { doc: AiActSummary; files: Record<string, string> } {
  const r = ctx.rec;
  const m = r.manifest;
  const t = ctx.totals;
  const D = 'AI Act summary';
  const cfgRights = (m.config as { rights?: { honour?: string[]; userAgents?: string[]; onReserved?: string; blocklist?: string[] } }).rights ?? {};
  const sources = ctx.sources;
  const pubSrc = sources.filter((s) => s.kind === 'public-dataset');
  const crawl = sources.find((s) => s.kind === 'crawled');
  const other = sources.filter((s) => s.kind === 'other');
  // §2.3: the top 10 % of domain names by content size (at least one).
  const domainsAll = Object.entries(r.stats)
    .filter(([k]) => k.startsWith('domain.') && k.endsWith('.bytes'))
    .map(([k, bytes]) => ({ domain: k.slice(7, -6), documents: r.stats[k.slice(0, -6) + '.docs'] ?? 0, bytes }))
    .sort((a, b) => b.bytes - a.bytes || (a.domain < b.domain ? -1 : 1));
  const domains = (domainsAll.length ? domainsAll : Object.entries(m.domains).map(([domain, v]) => ({ domain, documents: v.docs, bytes: v.bytes }))).slice(0, Math.max(1, Math.ceil(domainsAll.length * 0.1)));
  const dropped = (prefix: string) =>
    Object.entries(m.dropped)
      .filter(([k]) => k.startsWith(prefix))
      .reduce((a, [, v]) => a + v, 0);
  const piiTotal = Object.entries(m.pii)
    .filter(([k]) => k.includes('.'))
    .reduce((a, [, v]) => a + v, 0);
  const piiMode = (m.config as { pii?: { enabled?: boolean; mode?: string } }).pii;
  const lidCfg = (m.config as { lid?: { model?: string; ensemble?: boolean } }).lid ?? {};
  const lidWhat = lidCfg.model && lidCfg.model !== 'builtin' ? `the fastText model ${lidCfg.model}` : lidCfg.ensemble === false ? 'the oellm model alone' : 'the oellm model combined with CLD2 and fastText lid.176 (docs/LID.md)';
  const doc: AiActSummary = {
    schema: 'oellm.ai-act-summary/1',
    template: 'AI Office, Template for the Public Summary of Training Content for general-purpose AI models (Explanatory Notice and Template, 24 July 2025)',
    '1_general_information': {
      '1.1_provider_identification': {
        provider_name_and_contact: r.release.provider ? `${r.release.provider}${r.release.contact ? `, ${r.release.contact}` : ''}` : ctx.nr(D, '§1.1 provider', 'release.provider in the build config'),
        authorised_representative: 'N/A: not recorded as required (a provider established outside the Union names one here)',
      },
      '1.2_model_identification': {
        versioned_model_names: r.variants.map((v) => `oellm-${r.name}-${v.name}${r.release.version ? ` ${r.release.version}` : ''}`),
        model_dependencies: 'No: every model of the series was trained from scratch (random initialisation); no base model',
        date_of_placement_on_the_union_market: r.release.placedOnMarket ?? ctx.nr(D, '§1.2 date of placement on the market', 'release.placedOnMarket'),
      },
      '1.3_modalities_training_data_size_and_other_characteristics': {
        modalities: { text: 'Yes', image: 'No', audio: 'No', video: 'No', other: 'No' },
        training_data_size: {
          text: t.tokens !== null ? textSizeBin(t.tokens) : ctx.nr(D, '§1.3 size bin', 'tokenizer/tokens_per_language.json'),
          exact_tokens_public: t.tokens ?? NOT_RECORDED,
          documents_public: t.publicDocs,
          documents_restricted: t.restrictedDocs,
          utf8_bytes_public: t.publicBytes,
          tokens_seen_in_training: r.variants.map((v) => ({ model: v.name, tokens: v.tokens ?? NOT_RECORDED })),
        },
        types_of_content: sources.map((s) =>
          s.kind === 'public-dataset' ? `non-fiction text: ${s.name}` : s.kind === 'crawled' ? 'web pages converted to plain text (HTML extraction); genres not classified' : 'text from local input files (genre not recorded)',
        ),
        latest_date_of_data_collection: m.fetch_dates?.max ?? ctx.nr(D, '§1.3 latest collection date', 'document timestamps (manifest.fetch_dates)'),
        linguistic_characteristics: r.languages.map((l) => ({ language: `${l.name} (${l.label})`, code: l.code, eu_official: l.eu ? 'Yes' : 'No', documents: l.publicDocs + l.restrictedDocs, tokens: l.tokens ?? NOT_RECORDED })),
        other_relevant_characteristics: `${r.languages.filter((l) => l.eu).length} of ${r.languages.length} languages are official EU languages; restricted documents (TDM reserved) are kept encrypted in an auditor vault and committed to by root ${ctx.commitment.root}`,
      },
    },
    '2_list_of_data_sources': {
      '2.1_publicly_available_datasets': {
        used: pubSrc.length ? 'Yes' : 'No',
        modality: 'text',
        large_datasets: pubSrc.map((s) => ({ name: s.name, version: s.version, link: s.url ?? NOT_RECORDED, share_of_public_data: '100% of publicly available datasets used' })),
        other_public_datasets: 'None',
      },
      '2.2_private_non_publicly_available_datasets_obtained_from_third_parties': {
        '2.2.1_commercially_licensed_by_rightsholders': { used: 'No', description: 'No licensed datasets are recorded in the run configuration' },
        '2.2.2_other_private_datasets': { used: 'No', description: 'No private third-party datasets are recorded in the run configuration' },
      },
      '2.3_data_crawled_and_scraped_from_online_sources': {
        used: crawl ? 'Yes' : 'No',
        crawler_names: crawl ? (r.release.crawler ?? ctx.nr(D, '§2.3 crawler name', 'release.crawler: the WARC inputs do not name the crawler that wrote them')) : 'N/A: no crawled data',
        crawler_purposes: crawl ? 'Training data for the released language models' : 'N/A: no crawled data',
        crawler_behaviour: crawl
          ? `Archived responses were filtered after collection: robots.txt groups for ${(cfgRights.userAgents ?? []).length} AI user agents, TDMRep, tdm-reservation headers and meta tags were honoured (see §3.1)`
          : 'N/A: no crawled data',
        collection_period: crawl ? (m.fetch_dates ? `${m.fetch_dates.min} to ${m.fetch_dates.max}` : ctx.nr(D, '§2.3 collection period', 'manifest.fetch_dates')) : 'N/A: no crawled data',
        types_of_content_and_sources: crawl ? `web pages from ${m.domains_total} domains, archive files: ${crawl.files.join(', ')}` : 'N/A: no crawled data',
        most_relevant_domain_names: { rule: 'top 10% of domain names by UTF-8 bytes of kept text (at least one), from data/stats.json; all documents, crawled or not', csv: AI_ACT_FILES.csv, domains },
      },
      '2.4_user_data': { used: 'No', description: 'No data from user interactions with the model or other services of the provider is read by the pipeline' },
      '2.5_synthetic_data': { used: 'No', description: 'No AI-generated data is produced or read by the pipeline' },
      '2.6_other_sources_of_data': { used: other.length ? 'Yes' : 'No', description: other.length ? other.map((s) => `${s.name}: ${s.files.join(', ')} (${s.bytes} bytes); provenance not recorded`).join('; ') : 'None' },
    },
    '3_data_processing_aspects': {
      '3.1_respect_of_reservation_of_rights_from_text_and_data_mining': {
        measures: `Every document's source URL is checked against the honoured reservation protocols before training; a reserved document is ${cfgRights.onReserved === 'drop' ? 'dropped' : 'kept only encrypted in the auditor vault and not used for training'}. See copyright-policy.md.`,
        protocols_honoured: (cfgRights.honour ?? [...RESERVATION_REASONS]).map(String),
        user_agents_checked: (cfgRights.userAgents ?? []).map(String),
        on_reservation: cfgRights.onReserved ?? ctx.nr(D, '§3.1 on reservation', 'manifest.config.rights.onReserved'),
        decisions: Object.entries(m.rights).map(([decision, documents]) => ({ decision, documents })),
        code_of_practice_signatory: r.release.codeOfPractice ?? ctx.nr(D, '§3.1 Code of Practice signatory', 'release.codeOfPractice'),
      },
      '3.2_removal_of_illegal_content': {
        measures: 'No classifier for illegal content (e.g. CSAM, terrorist content) is run; measures are the domain blocklist and the quality filters',
        blocklist_domains: (cfgRights.blocklist ?? []).length,
        documents_removed: m.dropped['rights.blocklist'] ?? 0,
      },
      '3.3_other_information': {
        personal_data: piiMode?.enabled === false ? 'PII detection was disabled' : `PII detectors ran in mode "${piiMode?.mode ?? NOT_RECORDED}"; ${piiTotal} matches (see pii-report.md)`,
        deduplication: `exact and MinHash near-duplicate removal: ${m.dedup.duplicates ?? 0} duplicates removed (${m.dedup.exact ?? 0} exact, ${m.dedup.near ?? 0} near)`,
        quality_filtering: `${dropped('quality.')} documents dropped by quality filters (${
          Object.entries(m.dropped)
            .filter(([k]) => k.startsWith('quality.'))
            .map(([k, v]) => `${k}: ${v}`)
            .join(', ') || 'none'
        })`,
        language_identification: `language identification by ${lidWhat} over ${r.languages.length} language labels; ${dropped('lid.')} documents dropped`,
        data_commitment_root: ctx.commitment.root,
      },
    },
  };
  const csv = 'domain,documents,bytes\n' + domains.map((d) => `${/[",\n]/.test(d.domain) ? `"${d.domain.replace(/"/g, '""')}"` : d.domain},${d.documents},${d.bytes}`).join('\n') + '\n';
  const md = toMarkdown(
    'Public summary of training content',
    doc as unknown as Record<string, unknown>,
    `Generated by oellm from the records of run \`${r.name}\` (source: ${AI_ACT_FILES.json}). Structure: the AI Office template (July 2025), sections 1–3.`,
  );
  return { doc, files: { [AI_ACT_FILES.json]: JSON.stringify(doc, null, 2) + '\n', [AI_ACT_FILES.md]: md, [AI_ACT_FILES.csv]: csv } };
}
