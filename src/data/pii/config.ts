// Configuration of the PII step: what to do with a match (annotate, mask, drop) and which
// detector types run. Not the detectors (detectors.ts). Reference: datatrove PIIFormatter,
// FineWeb-2 PII handling (emails and IPs masked), HPLT `pii` spans.
import { z } from 'zod';

/** Every detector type; the order is the order of precedence when spans overlap. */
export const PII_TYPES = ['email', 'iban', 'card', 'national_id', 'phone', 'ipv4', 'ipv6'] as const;
export type PiiType = (typeof PII_TYPES)[number];

export const PiiConfigSchema = z
  .object({
    enabled: z.boolean().default(true).describe('run the PII step'),
    mode: z.enum(['annotate', 'mask', 'drop']).default('mask').describe('annotate: spans only; mask: typed placeholders like <EMAIL>; drop: drop the document'),
    types: z
      .array(z.enum(PII_TYPES))
      .default([...PII_TYPES])
      .describe('detector types to run'),
    nationalIdCountries: z
      .array(z.string().regex(/^[A-Z]{2}$/))
      .nullable()
      .default(null)
      .describe('ISO country codes of national-ID detectors to run (null: all)'),
    keepSpans: z.boolean().default(true).describe('record doc.pii.spans (type/start/end, never the value) in annotate and mask modes'),
  })
  .strict();
export type PiiConfig = z.output<typeof PiiConfigSchema>;
