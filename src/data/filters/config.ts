// Configuration of the normalisation step and the quality filter: enable flags and per-language
// threshold overrides on top of the data table in thresholds.ts. Not the thresholds themselves
// (thresholds.ts) nor the filter (quality.ts). Reference: datatrove GopherQualityFilter,
// GopherRepetitionFilter, FineWebQualityFilter constructor arguments.
import { z } from 'zod';
import { isLangCode, UND } from '../../lang/index.js';

/** Every numeric dial of the quality filter; `null` disables that single check. */
export const ThresholdsSchema = z
  .object({
    minWords: z.number().int().nonnegative().nullable().describe('fewest words a document may have (Gopher: 50)'),
    maxWords: z.number().int().positive().nullable().describe('most words a document may have (Gopher: 100,000)'),
    minMeanWordLength: z.number().nonnegative().nullable().describe('lowest mean word length in characters (Gopher: 3)'),
    maxMeanWordLength: z.number().positive().nullable().describe('highest mean word length in characters (Gopher: 10)'),
    maxSymbolWordRatio: z.number().nonnegative().nullable().describe("most '#' and '…' symbols per word (Gopher: 0.1)"),
    maxBulletLinesFrac: z.number().min(0).max(1).nullable().describe('largest fraction of lines starting with a bullet (Gopher: 0.9)'),
    maxEllipsisLinesFrac: z.number().min(0).max(1).nullable().describe('largest fraction of lines ending with an ellipsis (Gopher: 0.3)'),
    minAlphaWordsFrac: z.number().min(0).max(1).nullable().describe('smallest fraction of words with a letter (Gopher: 0.8)'),
    minStopWords: z.number().int().nonnegative().nullable().describe('fewest stop-word occurrences from the language list (Gopher: 2); skipped for und'),
    maxDupLineFrac: z.number().min(0).max(1).nullable().describe('largest fraction of lines that repeat an earlier line (Gopher: 0.3)'),
    maxDupParaFrac: z.number().min(0).max(1).nullable().describe('largest fraction of paragraphs that repeat an earlier one (Gopher: 0.3)'),
    maxDupLineCharFrac: z.number().min(0).max(1).nullable().describe('largest fraction of characters in repeated lines (Gopher: 0.2)'),
    maxDupParaCharFrac: z.number().min(0).max(1).nullable().describe('largest fraction of characters in repeated paragraphs (Gopher: 0.2)'),
    maxTopNgramFrac: z
      .tuple([z.number().min(0).max(1), z.number().min(0).max(1), z.number().min(0).max(1)])
      .nullable()
      .describe('largest char fraction of the most frequent 2-, 3-, 4-gram (Gopher: 0.20, 0.18, 0.16)'),
    maxDupNgramFrac: z.tuple([z.number(), z.number(), z.number(), z.number(), z.number(), z.number()]).nullable().describe('largest char fraction in repeated 5..10-grams (Gopher: 0.15, 0.14, 0.13, 0.12, 0.11, 0.10)'),
    minLinePunctFrac: z.number().min(0).max(1).nullable().describe('smallest fraction of lines ending in terminal punctuation (FineWeb: 0.12)'),
    maxShortLinesFrac: z.number().min(0).max(1).nullable().describe('largest fraction of lines shorter than shortLineChars (FineWeb: 0.67)'),
    shortLineChars: z.number().int().positive().describe('a line with at most this many characters is short (FineWeb: 30)'),
    maxCharDupFrac: z.number().min(0).max(1).nullable().describe('largest fraction of characters in duplicated lines, FineWeb definition (0.01 is FineWeb; default off)'),
    maxNewlineWordRatio: z.number().nonnegative().nullable().describe('most newlines per word (FineWeb: 0.3)'),
  })
  .strict();
export type Thresholds = z.output<typeof ThresholdsSchema>;

export const QualityConfigSchema = z
  .object({
    enabled: z.boolean().default(true).describe('run the quality filter at all'),
    gopherQuality: z.boolean().default(true).describe('word, symbol, bullet/ellipsis, alphabetic and stop-word checks (Gopher quality)'),
    gopherRepetition: z.boolean().default(true).describe('duplicate line/paragraph and n-gram repetition checks (Gopher repetition)'),
    fineweb: z.boolean().default(true).describe('line punctuation, short-line, char-duplication and newline checks (FineWeb quality)'),
    recordScores: z.boolean().default(true).describe('write the measured scores to doc.quality (rounded to 4 decimals)'),
    defaults: ThresholdsSchema.partial().default({}).describe('overrides applied to every language, before per-language ones'),
    languages: z
      .record(
        z.string().refine((k): boolean => k === UND || isLangCode(k), { message: `unknown language code; use a registry code (oellm langs) or ${UND}` }),
        ThresholdsSchema.partial(),
      )
      .default({})
      .describe('per-language overrides: { hr: { minWords: 30 } }; keys are registry codes or und'),
  })
  .strict();
export type QualityConfig = z.output<typeof QualityConfigSchema>;

export const NormalizeConfigSchema = z
  .object({
    enabled: z.boolean().default(true).describe('run the normalisation step'),
    nfc: z.boolean().default(true).describe('Unicode NFC normalisation'),
    mojibake: z.boolean().default(true).describe('repair UTF-8 text that was decoded as latin-1/cp1252 (Ã© → é)'),
    controlChars: z.boolean().default(true).describe('remove control and format characters except tab/newline'),
    whitespace: z.boolean().default(true).describe('collapse runs of spaces, trim lines, at most one blank line in a row'),
  })
  .strict();
export type NormalizeConfig = z.output<typeof NormalizeConfigSchema>;
