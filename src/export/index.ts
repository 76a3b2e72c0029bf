// Export of oellm artefacts to other ecosystems: GGUF for llama.cpp (gguf.ts) and Megatron-LM
// indexed datasets (megatron.ts). Import from Hugging Face lives in src/import/hf.ts.
export { exportGguf, modelIdentity, permuteQK, plannedType, type ExportGgufOptions, type ExportReport, type ExportedTensor } from './gguf.js';
export { EXPORT_TYPES, EXPORT_TYPE_NAMES, parseExportType, useMoreBits, type ExportType } from './types.js';
export { exportMegatron, readMegatron, MegatronWriter, listShards, optimalDtype, MEGATRON_DTYPES, MMIDIDX_MAGIC, type MegatronIndex, type MegatronReport } from './megatron.js';
