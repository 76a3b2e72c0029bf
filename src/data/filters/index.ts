// Public surface of the quality module: the normalisation step, the quality filter, their
// config schemas and the threshold / stop-word tables. Not the pipeline (pipeline*.ts).
export { NormalizeStep, normalizeText, repairMojibake, type NormalizeResult } from './normalize.js';
export { QualityFilter, assessQuality, tokenize, type QualityResult, type Tokens } from './quality.js';
export { QualityConfigSchema, NormalizeConfigSchema, ThresholdsSchema, type QualityConfig, type NormalizeConfig, type Thresholds } from './config.js';
export { DEFAULT_THRESHOLDS, LANGUAGE_THRESHOLDS, thresholdsFor } from './thresholds.js';
export { STOP_WORDS, stopWordSet } from './stopwords.js';
