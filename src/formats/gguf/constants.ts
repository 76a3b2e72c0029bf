// GGUF v3 constants as data tables: magic/version, metadata value types, ggml tensor types
// (quantization formats with block size and bytes per block), llama file types, token types and
// the metadata keys oellm writes. One table drives the writer, the reader, `inspect` and the
// CLI help. Ids are the on-disk numbers and are never renumbered.
// Reference: llama.cpp gguf-py/gguf/constants.py (GGUFValueType, GGMLQuantizationType,
// GGML_QUANT_SIZES, LlamaFileType, Keys), ggml/docs/gguf.md.

export const GGUF_MAGIC = 0x46554747; // "GGUF" read as a little-endian uint32
export const GGUF_VERSION = 3;
export const GGUF_DEFAULT_ALIGNMENT = 32;

/** Metadata value types: on-disk id and byte size of a scalar (0 = variable length). */
export const VALUE_TYPES = {
  UINT8: { id: 0, size: 1 },
  INT8: { id: 1, size: 1 },
  UINT16: { id: 2, size: 2 },
  INT16: { id: 3, size: 2 },
  UINT32: { id: 4, size: 4 },
  INT32: { id: 5, size: 4 },
  FLOAT32: { id: 6, size: 4 },
  BOOL: { id: 7, size: 1 },
  STRING: { id: 8, size: 0 },
  ARRAY: { id: 9, size: 0 },
  UINT64: { id: 10, size: 8 },
  INT64: { id: 11, size: 8 },
  FLOAT64: { id: 12, size: 8 },
} as const;
export type ValueTypeName = keyof typeof VALUE_TYPES;
export const VALUE_TYPE_BY_ID: Map<number, ValueTypeName> = new Map(Object.entries(VALUE_TYPES).map(([k, v]) => [v.id, k as ValueTypeName]));

export interface GgmlType {
  /** Name as llama.cpp prints it (`Q4_0`). */
  name: string;
  /** On-disk type id (ggml_type). */
  id: number;
  /** Elements per block (rows must be a multiple of it). */
  blockSize: number;
  /** Bytes per block. */
  typeSize: number;
  desc: string;
}

const QK_K = 256;
/** ggml tensor types. oellm writes F32, F16, Q8_0, Q5_0 and Q5_1 (fallbacks), Q4_0, Q4_K, Q5_K and Q6_K; the reader knows them all. */
export const GGML_TYPES: readonly GgmlType[] = [
  { name: 'F32', id: 0, blockSize: 1, typeSize: 4, desc: '32-bit float' },
  { name: 'F16', id: 1, blockSize: 1, typeSize: 2, desc: 'IEEE half float' },
  { name: 'Q4_0', id: 2, blockSize: 32, typeSize: 2 + 16, desc: '4-bit, one f16 scale per 32 (4.5 bpw)' },
  { name: 'Q4_1', id: 3, blockSize: 32, typeSize: 2 + 2 + 16, desc: '4-bit, f16 scale + min per 32 (5.0 bpw)' },
  { name: 'Q5_0', id: 6, blockSize: 32, typeSize: 2 + 4 + 16, desc: '5-bit, one f16 scale per 32 (5.5 bpw)' },
  { name: 'Q5_1', id: 7, blockSize: 32, typeSize: 2 + 2 + 4 + 16, desc: '5-bit, f16 scale + min per 32 (6.0 bpw)' },
  { name: 'Q8_0', id: 8, blockSize: 32, typeSize: 2 + 32, desc: '8-bit, one f16 scale per 32 (8.5 bpw)' },
  { name: 'Q8_1', id: 9, blockSize: 32, typeSize: 4 + 4 + 32, desc: '8-bit with sum (activations)' },
  { name: 'Q2_K', id: 10, blockSize: QK_K, typeSize: 2 + 2 + QK_K / 16 + QK_K / 4, desc: '2-bit k-quant (2.625 bpw)' },
  { name: 'Q3_K', id: 11, blockSize: QK_K, typeSize: 2 + QK_K / 4 + QK_K / 8 + 12, desc: '3-bit k-quant (3.4375 bpw)' },
  { name: 'Q4_K', id: 12, blockSize: QK_K, typeSize: 2 + 2 + QK_K / 2 + 12, desc: '4-bit k-quant, 6-bit scales/mins per 32 (4.5 bpw)' },
  { name: 'Q5_K', id: 13, blockSize: QK_K, typeSize: 2 + 2 + QK_K / 2 + QK_K / 8 + 12, desc: '5-bit k-quant (5.5 bpw)' },
  { name: 'Q6_K', id: 14, blockSize: QK_K, typeSize: 2 + QK_K / 2 + QK_K / 4 + QK_K / 16, desc: '6-bit k-quant, 8-bit scales per 16 (6.5625 bpw)' },
  { name: 'Q8_K', id: 15, blockSize: QK_K, typeSize: 4 + QK_K + QK_K / 8, desc: '8-bit k-quant (intermediate)' },
  { name: 'IQ2_XXS', id: 16, blockSize: QK_K, typeSize: 2 + QK_K / 4, desc: 'i-quant 2.06 bpw' },
  { name: 'IQ2_XS', id: 17, blockSize: QK_K, typeSize: 2 + QK_K / 4 + QK_K / 32, desc: 'i-quant 2.31 bpw' },
  { name: 'IQ3_XXS', id: 18, blockSize: QK_K, typeSize: 2 + QK_K / 4 + QK_K / 8, desc: 'i-quant 3.06 bpw' },
  { name: 'IQ1_S', id: 19, blockSize: QK_K, typeSize: 2 + QK_K / 8 + QK_K / 16, desc: 'i-quant 1.56 bpw' },
  { name: 'IQ4_NL', id: 20, blockSize: 32, typeSize: 2 + 16, desc: 'i-quant 4.5 bpw, non-linear' },
  { name: 'IQ3_S', id: 21, blockSize: QK_K, typeSize: 2 + QK_K / 4 + QK_K / 8 + QK_K / 32 + 4, desc: 'i-quant 3.44 bpw' },
  { name: 'IQ2_S', id: 22, blockSize: QK_K, typeSize: 2 + QK_K / 4 + QK_K / 16, desc: 'i-quant 2.5 bpw' },
  { name: 'IQ4_XS', id: 23, blockSize: QK_K, typeSize: 2 + 2 + QK_K / 2 + QK_K / 64, desc: 'i-quant 4.25 bpw' },
  { name: 'I8', id: 24, blockSize: 1, typeSize: 1, desc: '8-bit integer' },
  { name: 'I16', id: 25, blockSize: 1, typeSize: 2, desc: '16-bit integer' },
  { name: 'I32', id: 26, blockSize: 1, typeSize: 4, desc: '32-bit integer' },
  { name: 'I64', id: 27, blockSize: 1, typeSize: 8, desc: '64-bit integer' },
  { name: 'F64', id: 28, blockSize: 1, typeSize: 8, desc: '64-bit float' },
  { name: 'IQ1_M', id: 29, blockSize: QK_K, typeSize: QK_K / 8 + QK_K / 16 + QK_K / 32, desc: 'i-quant 1.75 bpw' },
  { name: 'BF16', id: 30, blockSize: 1, typeSize: 2, desc: 'bfloat16' },
  { name: 'TQ1_0', id: 34, blockSize: QK_K, typeSize: 2 + 4 * 13, desc: 'ternary 1.69 bpw' },
  { name: 'TQ2_0', id: 35, blockSize: QK_K, typeSize: 2 + 64, desc: 'ternary 2.06 bpw' },
  { name: 'MXFP4', id: 39, blockSize: 32, typeSize: 1 + 16, desc: 'microscaling FP4' },
];
export const GGML_TYPE_BY_ID: Map<number, GgmlType> = new Map(GGML_TYPES.map((t) => [t.id, t]));
export const GGML_TYPE_BY_NAME: Map<string, GgmlType> = new Map(GGML_TYPES.map((t) => [t.name, t]));

export function ggmlType(name: string): GgmlType {
  const t = GGML_TYPE_BY_NAME.get(name);
  if (!t) throw new Error(`unknown ggml type ${name}`);
  return t;
}

/** `general.file_type` (llama_ftype): the dominant tensor type of a file. */
export const FILE_TYPES = {
  ALL_F32: 0,
  MOSTLY_F16: 1,
  MOSTLY_Q4_0: 2,
  MOSTLY_Q4_1: 3,
  MOSTLY_Q8_0: 7,
  MOSTLY_Q5_0: 8,
  MOSTLY_Q5_1: 9,
  MOSTLY_Q2_K: 10,
  MOSTLY_Q3_K_S: 11,
  MOSTLY_Q3_K_M: 12,
  MOSTLY_Q3_K_L: 13,
  MOSTLY_Q4_K_S: 14,
  MOSTLY_Q4_K_M: 15,
  MOSTLY_Q5_K_S: 16,
  MOSTLY_Q5_K_M: 17,
  MOSTLY_Q6_K: 18,
  MOSTLY_BF16: 32,
} as const;

/** `tokenizer.ggml.token_type` values (llama_token_type). */
export const TOKEN_TYPES = { NORMAL: 1, UNKNOWN: 2, CONTROL: 3, USER_DEFINED: 4, UNUSED: 5, BYTE: 6 } as const;

/** The metadata keys oellm writes, nested like gguf-py's `Keys`; `{arch}` is replaced by the architecture. */
export const KEYS = {
  general: {
    architecture: 'general.architecture',
    quantizationVersion: 'general.quantization_version',
    alignment: 'general.alignment',
    name: 'general.name',
    version: 'general.version',
    description: 'general.description',
    license: 'general.license',
    url: 'general.url',
    sourceUrl: 'general.source.url',
    languages: 'general.languages',
    tags: 'general.tags',
    fileType: 'general.file_type',
  },
  llm: {
    vocabSize: '{arch}.vocab_size',
    contextLength: '{arch}.context_length',
    embeddingLength: '{arch}.embedding_length',
    blockCount: '{arch}.block_count',
    feedForwardLength: '{arch}.feed_forward_length',
  },
  attention: {
    headCount: '{arch}.attention.head_count',
    headCountKv: '{arch}.attention.head_count_kv',
    layerNormRmsEps: '{arch}.attention.layer_norm_rms_epsilon',
    keyLength: '{arch}.attention.key_length',
    valueLength: '{arch}.attention.value_length',
  },
  rope: {
    dimensionCount: '{arch}.rope.dimension_count',
    freqBase: '{arch}.rope.freq_base',
    scalingType: '{arch}.rope.scaling.type',
    scalingFactor: '{arch}.rope.scaling.factor',
    scalingOrigCtxLen: '{arch}.rope.scaling.original_context_length',
    scalingYarnAttnFactor: '{arch}.rope.scaling.yarn_attn_factor',
    scalingYarnBetaFast: '{arch}.rope.scaling.yarn_beta_fast',
    scalingYarnBetaSlow: '{arch}.rope.scaling.yarn_beta_slow',
  },
  tokenizer: {
    model: 'tokenizer.ggml.model',
    pre: 'tokenizer.ggml.pre',
    tokens: 'tokenizer.ggml.tokens',
    tokenType: 'tokenizer.ggml.token_type',
    merges: 'tokenizer.ggml.merges',
    scores: 'tokenizer.ggml.scores',
    addSpacePrefix: 'tokenizer.ggml.add_space_prefix',
    bosId: 'tokenizer.ggml.bos_token_id',
    eosId: 'tokenizer.ggml.eos_token_id',
    unkId: 'tokenizer.ggml.unknown_token_id',
    padId: 'tokenizer.ggml.padding_token_id',
    addBos: 'tokenizer.ggml.add_bos_token',
    addEos: 'tokenizer.ggml.add_eos_token',
    chatTemplate: 'tokenizer.chat_template',
  },
  /** oellm's own keys (namespaced, ignored by llama.cpp). */
  oellm: {
    releaseSha256: 'oellm.release.sha256',
    checkpointSha256: 'oellm.checkpoint.model_sha256',
    version: 'oellm.version',
    fallbacks: 'oellm.quant.fallbacks',
    /** Top root of the data commitment (data-commitment.json, docs/COMMITMENT.md), 64 hex chars. */
    dataCommitment: 'oellm.data.commitment',
  },
} as const;

export const archKey = (key: string, arch: string): string => key.replace('{arch}', arch);

/** Quantization version of the ggml block formats (llama.cpp GGML_QNT_VERSION). */
export const GGML_QNT_VERSION = 2;
