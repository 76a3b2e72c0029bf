// Export of oellm artefacts to other ecosystems: GGUF for llama.cpp (gguf.ts) and Megatron-LM
// indexed datasets (megatron.ts). Import from Hugging Face lives in src/import/hf.ts.
export { exportGguf, parseExportType, permuteQK, plannedType, EXPORT_TYPES, type ExportType, type ExportGgufOptions, type ExportReport, type ExportedTensor } from './gguf.js';
export { exportMegatron, readMegatron, MegatronWriter, listShards, optimalDtype, MEGATRON_DTYPES, MMIDIDX_MAGIC, type MegatronIndex, type MegatronReport } from './megatron.js';
