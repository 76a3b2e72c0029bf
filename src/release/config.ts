// What the release documents need that no pipeline record holds: who provides the model, under
// which licence, which version, when it is placed on the market. One zod schema, read from the
// `release:` section of the run's config.resolved.yaml and overridden by `oellm release` flags.
// A field left out is written as "not recorded" (and warned about), never invented.
import { z } from 'zod';

export const NOT_RECORDED = 'not recorded' as const;

export const ReleaseConfigSchema = z
  .object({
    provider: z.string().min(1).optional().describe('provider name (AI Act summary §1.1)'),
    contact: z.string().min(1).optional().describe('provider contact (e-mail or URL)'),
    license: z.string().min(1).optional().describe('model licence, SPDX id (model card, GGUF general.license)'),
    dataLicense: z.string().min(1).optional().describe('licence of the public dataset, SPDX id (dataset card, Croissant)'),
    version: z.string().min(1).optional().describe('release version of the model series'),
    placedOnMarket: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional()
      .describe('date the models are placed on the EU market (YYYY-MM-DD)'),
    url: z.string().min(1).optional().describe('where the release bundle is published'),
    crawler: z.string().min(1).optional().describe('name / user agent of the crawler that wrote the WARC inputs (AI Act summary §2.3)'),
    codeOfPractice: z.enum(['Yes', 'No']).optional().describe('is the provider a signatory of the GPAI Code of Practice (AI Act summary §3.1)'),
    acceptableUse: z.string().min(1).optional().describe('acceptable use policy: text or URL (Model Documentation Form)'),
    hardware: z.string().min(1).optional().describe('training hardware, e.g. "2-core AMD EPYC VM" (Model Documentation Form)'),
    wattsPerCore: z.number().positive().default(15).describe('assumed power per busy CPU core for the energy estimate (W)'),
    signingKey: z.string().min(1).optional().describe('Ed25519 private key (PEM, `oellm release keygen`); default a per-run key in .oellm/'),
  })
  .strict();
export type ReleaseConfig = z.output<typeof ReleaseConfigSchema>;
