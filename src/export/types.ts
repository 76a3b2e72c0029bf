// The GGUF export types, one table: each `--type` (and `series[].export` entry of a build) with
// its base ggml type, the output-matrix type, the llama.cpp `general.file_type` it is labelled
// with, and per-layer raises of llama.cpp's mixes. One table drives parsing, the build config
// schema, help text and docs; a new export type is one row here (its ggml block type is one row
// of src/quant/index.ts QUANTIZERS). Not the mixing code (./gguf.ts plannedType).
// Reference: llama.cpp src/llama-quant.cpp (llama_tensor_get_type, use_more_bits), llama.h llama_ftype.
import { FILE_TYPES } from '../formats/gguf/constants.js';
import { OellmError } from '../util/errors.js';

/** llama.cpp's `use_more_bits`: the first and last eighth of the layers and every third between. */
export const useMoreBits = (i: number, n: number): boolean => i < Math.floor(n / 8) || i >= Math.floor((7 * n) / 8) || (i - Math.floor(n / 8)) % 3 === 2;

/** Q4_K_M: attn_v and ffn_down of the use_more_bits layers get Q6_K. */
const q4kmRule = (name: string, layer: number, nLayers: number): string | undefined => ((name.endsWith('.attn_v.weight') || name.endsWith('.ffn_down.weight')) && useMoreBits(layer, nLayers) ? 'Q6_K' : undefined);

/** Q4_K_S: attn_v of the first four layers and ffn_down of the first eighth get Q5_K. */
const q4ksRule = (name: string, layer: number, nLayers: number): string | undefined => ((name.endsWith('.attn_v.weight') && layer < 4) || (name.endsWith('.ffn_down.weight') && layer < Math.floor(nLayers / 8)) ? 'Q5_K' : undefined);

/** Export types: the `--type` menu. */
export const EXPORT_TYPES = {
  f32: { base: 'F32', output: 'F32', fileType: FILE_TYPES.ALL_F32, desc: 'full precision (reference, parity tests)' },
  f16: { base: 'F16', output: 'F16', fileType: FILE_TYPES.MOSTLY_F16, desc: 'half precision, 2 bytes/weight' },
  q8_0: { base: 'Q8_0', output: 'Q8_0', fileType: FILE_TYPES.MOSTLY_Q8_0, desc: '8-bit blocks of 32, ~1.06 bytes/weight, near-lossless' },
  q6_k: { base: 'Q6_K', output: 'Q6_K', fileType: FILE_TYPES.MOSTLY_Q6_K, desc: '6-bit k-quant super-blocks of 256' },
  q4_k: { base: 'Q4_K', output: 'Q6_K', fileType: FILE_TYPES.MOSTLY_Q4_K_S, layerRule: q4ksRule, desc: "llama.cpp's Q4_K_S mix: Q4_K, attn_v of the first 4 layers and ffn_down of the first eighth Q5_K, output Q6_K" },
  q4_k_m: { base: 'Q4_K', output: 'Q6_K', fileType: FILE_TYPES.MOSTLY_Q4_K_M, layerRule: q4kmRule, desc: "llama.cpp's Q4_K_M mix: Q4_K, attn_v and ffn_down of some layers and the output Q6_K" },
  q4_0: { base: 'Q4_0', output: 'Q6_K', fileType: FILE_TYPES.MOSTLY_Q4_0, desc: '4-bit blocks of 32, ~0.56 bytes/weight, output Q6_K' },
} as const;
export type ExportType = keyof typeof EXPORT_TYPES;

/** The type names in menu order (for zod enums and help text). */
export const EXPORT_TYPE_NAMES = Object.keys(EXPORT_TYPES) as [ExportType, ...ExportType[]];

export function parseExportType(s: string): ExportType {
  const k = s.toLowerCase();
  if (!(k in EXPORT_TYPES)) throw new OellmError(`unknown quantization type "${s}"`, { code: 'E_UNSUPPORTED', hint: `--type is one of ${EXPORT_TYPE_NAMES.join(', ')}` });
  return k as ExportType;
}
