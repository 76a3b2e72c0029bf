// The PII report: which detectors ran (types, national-ID countries, oellm version), the mode
// (annotate / mask / drop), and the counts per type and language from the manifest. Counts
// only: matched values are never recorded by the pipeline, so none can appear here.
// Reference: src/data/pii (detector table), datatrove PIIFormatter, FineWeb-2 PII handling.
import { z } from 'zod';
import { PII_TYPES } from '../data/pii/config.js';
import { toMarkdown, type ReleaseContext } from './context.js';

const text = z.string().min(1);

export const PiiReportSchema = z
  .object({
    schema: z.literal('oellm.pii-report/1'),
    enabled: z.enum(['Yes', 'No']),
    mode: text,
    detectors: z.array(z.object({ type: z.enum(PII_TYPES), ran: z.enum(['Yes', 'No']) }).strict()).length(PII_TYPES.length),
    national_id_countries: text,
    detector_version: text,
    documents_with_pii: z.number().int().nonnegative(),
    documents_dropped: z.number().int().nonnegative(),
    counts: z.array(z.object({ type: text, language: text, matches: z.number().int().nonnegative() }).strict()),
    totals: z.array(z.object({ type: text, matches: z.number().int().nonnegative() }).strict()),
    scope: text,
    not_detected: text,
  })
  .strict();
export type PiiReport = z.output<typeof PiiReportSchema>;

export function piiReport(ctx: ReleaseContext): { doc: PiiReport; files: Record<string, string> } {
  const m = ctx.rec.manifest;
  const cfg = (m.config as { pii?: { enabled?: boolean; mode?: string; types?: string[]; nationalIdCountries?: string[] | null } }).pii ?? {};
  const types = new Set(cfg.types ?? PII_TYPES);
  const counts = Object.entries(m.pii)
    .filter(([k]) => k.includes('.'))
    .map(([k, matches]) => ({ type: k.slice(0, k.indexOf('.')), language: k.slice(k.indexOf('.') + 1), matches }))
    .sort((a, b) => (a.type + a.language < b.type + b.language ? -1 : 1));
  const totals = [...new Set(counts.map((c) => c.type))].map((type) => ({ type, matches: counts.filter((c) => c.type === type).reduce((a, c) => a + c.matches, 0) }));
  const doc: PiiReport = {
    schema: 'oellm.pii-report/1',
    enabled: cfg.enabled === false ? 'No' : 'Yes',
    mode: cfg.mode
      ? `${cfg.mode}${cfg.mode === 'mask' ? ': each match replaced by a typed placeholder (<EMAIL>, <IBAN>, …) in the public text' : cfg.mode === 'drop' ? ': documents with a match dropped' : ': spans recorded, text unchanged'}`
      : ctx.nr('PII report', 'mode', 'manifest.config.pii.mode'),
    detectors: PII_TYPES.map((type) => ({ type, ran: types.has(type) && cfg.enabled !== false ? 'Yes' : 'No' })),
    national_id_countries: cfg.nationalIdCountries ? cfg.nationalIdCountries.join(', ') : 'all countries in the detector table (src/data/pii/detectors.ts)',
    detector_version: `oellm ${String(m.tools?.oellm ?? ctx.nr('PII report', 'detector version', 'manifest.tools.oellm'))}`,
    documents_with_pii: m.pii['docs_with_pii'] ?? 0,
    documents_dropped: Object.entries(m.dropped)
      .filter(([k]) => k.startsWith('pii.'))
      .reduce((a, [, v]) => a + v, 0),
    counts,
    totals,
    scope: 'all documents that reached the PII step (public and restricted); restricted documents stay encrypted in the vault',
    not_detected: 'personal names, postal addresses and other free-text personal data (no named-entity recogniser); national IDs without a checksum',
  };
  return {
    doc,
    files: {
      'pii-report.json': JSON.stringify(doc, null, 2) + '\n',
      'pii-report.md': toMarkdown('PII report', doc as unknown as Record<string, unknown>, `Run \`${ctx.rec.name}\`; counts only, no matched value is ever recorded. Source: pii-report.json.`),
    },
  };
}
