// Configuration of the language-identification step (`lid` in the corpus pipeline and
// `oellm lid`): which model, how sure it must be, which languages to keep. A zod schema only;
// the step is ./step.ts, the identifier src/lid/. Strict: unknown keys are an error (src/config/load.ts).
import { z } from 'zod';

export const LidConfigSchema = z
  .strictObject({
    model: z.string().default('builtin').describe('`builtin` (the shipped oellm model) or a path to a fastText .bin/.ftz model (OpenLID, GlotLID, lid.176)'),
    ensemble: z.boolean().default(true).describe('with the builtin model: combine it with CLD2 and fastText lid.176 (docs/LID.md "Ensemble"); false = the oellm model alone'),
    threshold: z.number().min(0).max(1).default(0.5).describe('below this score the language is `und` (undetermined)'),
    languages: z.array(z.string()).default([]).describe('registry codes to keep (e.g. [hr, sr, bs]); empty keeps every language'),
    declared: z.enum(['ignore', 'trust']).default('ignore').describe('a language label the source carries (HPLT JSONL `lang`, WET header): `ignore` it, or `trust` it when it is a registry code (LID then only sets script and score)'),
    dropUnd: z.boolean().default(false).describe('drop documents whose language is `und` (reason `lid.und`)'),
    sampleBytes: z.number().int().positive().default(4096).describe('long documents are identified on paragraphs from their first N characters (per-paragraph vote; each paragraph scored on its first 400 characters)'),
  })
  .describe('language identification');

export type LidConfig = z.infer<typeof LidConfigSchema>;
