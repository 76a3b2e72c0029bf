// Language-identification module of the corpus pipeline: the `lid` step (step.ts) and its
// config schema (config.ts). Not the model library (src/lid/), which this step calls.
export { LidStep } from './step.js';
export { LidConfigSchema, type LidConfig } from './config.js';
