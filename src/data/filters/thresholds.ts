// The quality filter's thresholds as a data table: the Gopher / FineWeb defaults plus the few
// per-language differences (longer words in agglutinative and compounding languages, Georgian
// script, no stop-word check for `und`). Users override any field per language through
// QualityConfig. Not the filter (quality.ts). Reference: Gopher Table A1 (arXiv 2112.11446),
// datatrove gopher_quality_filter / gopher_repetition_filter / fineweb_quality_filter defaults,
// FineWeb-2 (per-language threshold adaptation).
import type { QualityConfig, Thresholds } from './config.js';

/** Gopher + FineWeb defaults, exactly as datatrove ships them. */
export const DEFAULT_THRESHOLDS: Thresholds = {
  minWords: 50,
  maxWords: 100_000,
  minMeanWordLength: 3,
  maxMeanWordLength: 10,
  maxSymbolWordRatio: 0.1,
  maxBulletLinesFrac: 0.9,
  maxEllipsisLinesFrac: 0.3,
  minAlphaWordsFrac: 0.8,
  minStopWords: 2,
  maxDupLineFrac: 0.3,
  maxDupParaFrac: 0.3,
  maxDupLineCharFrac: 0.2,
  maxDupParaCharFrac: 0.2,
  maxTopNgramFrac: [0.2, 0.18, 0.16],
  maxDupNgramFrac: [0.15, 0.14, 0.13, 0.12, 0.11, 0.1],
  minLinePunctFrac: 0.12,
  maxShortLinesFrac: 0.67,
  shortLineChars: 30,
  maxCharDupFrac: 0.01,
  maxNewlineWordRatio: 0.3,
};

/**
 * Per-language differences from the defaults. Why each row: mean word length in running text
 * is ~4.5-5.5 characters for most European languages but ~6.5-8 for Finnish, Estonian,
 * Hungarian, Turkish, Basque and Georgian (agglutinative) and German/Dutch/Icelandic compounds,
 * so the upper bound moves up. Short function words ('a', 'i', 'u', 'e', 'o') keep Romance and
 * Slavic means near 4.5, above the lower bound of 3.
 */
// prettier-ignore
export const LANGUAGE_THRESHOLDS: Readonly<Record<string, Partial<Thresholds>>> = {
  fi: { maxMeanWordLength: 13 },
  et: { maxMeanWordLength: 12 },
  hu: { maxMeanWordLength: 12 },
  tr: { maxMeanWordLength: 12 },
  eu: { maxMeanWordLength: 12 },
  ka: { maxMeanWordLength: 13 },
  de: { maxMeanWordLength: 12 },
  nl: { maxMeanWordLength: 11 },
  is: { maxMeanWordLength: 11 },
  lb: { maxMeanWordLength: 11 },
  lv: { maxMeanWordLength: 11 },
  lt: { maxMeanWordLength: 11 },
  el: { maxMeanWordLength: 11 },
  // Undetermined language: no stop-word list applies.
  und: { minStopWords: null },
};

/** Resolved thresholds for a language: defaults ← table row ← config defaults ← config row. */
export function thresholdsFor(lang: string, config?: Pick<QualityConfig, 'defaults' | 'languages'>): Thresholds {
  return {
    ...DEFAULT_THRESHOLDS,
    ...LANGUAGE_THRESHOLDS[lang],
    ...stripUndefined(config?.defaults),
    ...stripUndefined(config?.languages[lang]),
  };
}

function stripUndefined<T extends object>(o: T | undefined): Partial<T> {
  if (!o) return {};
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
