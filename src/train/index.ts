// Public API of the trainer: `train(opts)` for `oellm train` / `oellm build`, the config schema,
// the model and kernels for benchmarks and tests, and `generateText` for sampling a checkpoint.
// Not the CLI. Reference: llm.c (kernels), nanoGPT (loop).
export { train, validate, initParams, modelConfigFor, flopsPerToken, pickKernels, type TrainOptions, type TrainResult, type TrainProgress } from './trainer.js';
export { TrainConfigSchema, type TrainConfig } from './config.js';
export { LlamaModel, ropeTables } from './model.js';
export { refKernels, type Kernels } from './kernels.js';
export { defaultKernels, nativeKernels, setThreads } from './backend.js';
export { AdamW, clipGradNorm, lrAt, type ScheduleConfig } from './optim.js';
export { generateText, type GenerateOptions } from './generate.js';
export { loadTrainData, type LangData, type DataOptions } from './data.js';
export { FileTokens, MemoryTokens, type TokenStream } from './tokens.js';
