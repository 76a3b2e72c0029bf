// Checkpoint → GGUF (llama architecture) for llama.cpp, Ollama, LM Studio: metadata
// (general.*, llama.* hyperparameters, the full byte-level BPE tokenizer), tensors in parameter
// table order with the Q/K rows permuted from Hugging Face rotate-half order to llama.cpp's
// adjacent-pair RoPE order, and per-tensor types from the mixing table below (norms F32; the
// output matrix Q6_K for 4-bit exports as llama-quantize does; a per-tensor fallback when rows
// do not divide into blocks, reported). Not the block quantizers (src/quant) or the file
// format (src/formats/gguf). Reference: llama.cpp convert_hf_to_gguf.py (LlamaModel.permute,
// set_vocab_gpt2), src/llama-quant.cpp (llama_tensor_get_type).
import { basename } from 'node:path';
import { statSync } from 'node:fs';
import { loadCheckpoint, type LoadedCheckpoint } from '../model/checkpoint.js';
import { headDim, type ModelConfig } from '../model/config.js';
import { paramTable, numel } from '../model/params.js';
import { GgufWriter, gv } from '../formats/gguf/writer.js';
import { archKey, FILE_TYPES, GGML_QNT_VERSION, GGML_TYPE_BY_NAME, KEYS, TOKEN_TYPES } from '../formats/gguf/constants.js';
import { quantizeTensorChunks, quantizer, typeForRow } from '../quant/index.js';
import { loadTokenizer, ggufTokenizerMeta } from '../tokenizer/index.js';
import { OellmError } from '../util/errors.js';
import { VERSION } from '../util/version.js';

/** Export types: the `--type` menu (one table drives parsing, help and docs). */
export const EXPORT_TYPES = {
  f32: { base: 'F32', output: 'F32', fileType: FILE_TYPES.ALL_F32, desc: 'full precision (reference, parity tests)' },
  f16: { base: 'F16', output: 'F16', fileType: FILE_TYPES.MOSTLY_F16, desc: 'half precision, 2 bytes/weight' },
  q8_0: { base: 'Q8_0', output: 'Q8_0', fileType: FILE_TYPES.MOSTLY_Q8_0, desc: '8-bit blocks of 32, ~1.06 bytes/weight, near-lossless' },
  q6_k: { base: 'Q6_K', output: 'Q6_K', fileType: FILE_TYPES.MOSTLY_Q6_K, desc: '6-bit k-quant super-blocks of 256' },
  q4_k: { base: 'Q4_K', output: 'Q6_K', fileType: FILE_TYPES.MOSTLY_Q4_K_S, desc: '4-bit k-quant (scales+mins per 32), output Q6_K' },
  q4_k_m: { base: 'Q4_K', output: 'Q6_K', fileType: FILE_TYPES.MOSTLY_Q4_K_M, desc: "llama.cpp's Q4_K_M mix: Q4_K, attn_v and ffn_down of some layers and the output Q6_K" },
  q4_0: { base: 'Q4_0', output: 'Q6_K', fileType: FILE_TYPES.MOSTLY_Q4_0, desc: '4-bit blocks of 32, ~0.56 bytes/weight, output Q6_K' },
} as const;
export type ExportType = keyof typeof EXPORT_TYPES;

export function parseExportType(s: string): ExportType {
  const k = s.toLowerCase();
  if (!(k in EXPORT_TYPES)) throw new OellmError(`unknown quantization type "${s}"`, { code: 'E_UNSUPPORTED', hint: `--type is one of ${Object.keys(EXPORT_TYPES).join(', ')}` });
  return k as ExportType;
}

export interface ExportGgufOptions {
  type: ExportType;
  out: string;
  /** general.name (default: oellm.json name or the checkpoint dir name). */
  name?: string;
  version?: string;
  license?: string;
  /** Link to the release bundle (general.url) and its sha256 (oellm.release.sha256). */
  url?: string;
  releaseSha256?: string;
  /** Languages of the model (default: oellm.json `languages`). */
  languages?: string[];
  onTensor?: (name: string, done: number, total: number) => void;
}

export interface ExportedTensor {
  name: string;
  shape: number[];
  type: string;
  /** Set when the planned type could not be used (rows not a multiple of its block). */
  fallbackFrom?: string;
  bytes: number;
}

export interface ExportReport {
  out: string;
  type: ExportType;
  bytes: number;
  /** Size of the weights as F32 (for MB/s). */
  f32Bytes: number;
  seconds: number;
  /** Of `seconds`, the final fsync + rename (durability llama.cpp's quantizer does not pay). */
  syncSeconds: number;
  tensors: ExportedTensor[];
  /** Human lines, one per fallback tensor. */
  fallbacks: string[];
  nParams: number;
}

/**
 * llama.cpp `LlamaModel.permute`: per head, rows [2, hd/2] → [hd/2, 2], i.e. HF rotate-half
 * order (i, i + hd/2) becomes adjacent pairs (2i, 2i+1). w is row-major [nHead·hd, rowLen].
 */
export function permuteQK(w: Float32Array, nHead: number, rowLen: number): Float32Array {
  const rows = w.length / rowLen;
  const hd = rows / nHead;
  const half = hd / 2;
  const out = new Float32Array(w.length);
  for (let h = 0; h < nHead; h++) {
    for (let i = 0; i < half; i++) {
      for (let j = 0; j < 2; j++) {
        const src = (h * hd + j * half + i) * rowLen;
        const dst = (h * hd + 2 * i + j) * rowLen;
        out.set(w.subarray(src, src + rowLen), dst);
      }
    }
  }
  return out;
}

/** llama.cpp's `use_more_bits`: the first and last eighth of the layers and every third between. */
export const useMoreBits = (i: number, n: number): boolean => i < Math.floor(n / 8) || i >= Math.floor((7 * n) / 8) || (i - Math.floor(n / 8)) % 3 === 2;

/**
 * Planned ggml type of one tensor before fallbacks (the mixing table). `layer` is the block
 * index (-1 for global tensors). Rules follow llama.cpp's llama_tensor_get_type for these ftypes:
 * norms F32; the output matrix (the token embedding when tied) Q6_K for 4/6-bit types, or Q8_0
 * when its rows do not divide into 256; for q4_k_m, attn_v and ffn_down of layers chosen by
 * use_more_bits get Q6_K.
 */
export function plannedType(type: ExportType, name: string, shape: number[], tied: boolean, layer = -1, nLayers = 0): string {
  if (shape.length === 1) return 'F32'; // norms stay F32, as every llama.cpp converter does
  const spec = EXPORT_TYPES[type];
  const isOutput = name === 'output.weight' || (tied && name === 'token_embd.weight');
  if (isOutput) {
    if (spec.output === spec.base) return spec.output;
    const rowLen = shape[shape.length - 1]!;
    return rowLen % quantizer(spec.base).type.blockSize !== 0 ? 'Q8_0' : spec.output;
  }
  if (type === 'q4_k_m' && layer >= 0 && (name.endsWith('.attn_v.weight') || name.endsWith('.ffn_down.weight')) && useMoreBits(layer, nLayers)) return 'Q6_K';
  return spec.base;
}

/** The tokenizer.ggml.* metadata, vocabulary padded with unused `[PAD{i}]` tokens up to vocabSize. */
function tokenizerKvs(ckpt: LoadedCheckpoint, w: GgufWriter): void {
  if (!ckpt.tokenizerJson) throw new OellmError('checkpoint has no tokenizer.json; a GGUF needs the tokenizer', { file: ckpt.dir, code: 'E_INPUT', hint: 'copy the tokenizer.json (and tokenizer_config.json) the model was trained with into the checkpoint dir' });
  const tok = loadTokenizer(ckpt.dir);
  const meta = ggufTokenizerMeta(tok, tok.config);
  const V = ckpt.config.vocabSize;
  const tokens = [...meta['tokenizer.ggml.tokens']];
  const types = [...meta['tokenizer.ggml.token_type']];
  if (tokens.length > V) throw new OellmError(`tokenizer has ${tokens.length} tokens but the model's vocabulary is ${V}`, { file: ckpt.tokenizerJson, code: 'E_INPUT', hint: 'the tokenizer does not belong to this model' });
  for (let i = tokens.length; i < V; i++) {
    tokens.push(`[PAD${i}]`);
    types.push(TOKEN_TYPES.UNUSED);
  }
  w.addKv(KEYS.tokenizer.model, gv.str(meta['tokenizer.ggml.model']));
  w.addKv(KEYS.tokenizer.pre, gv.str(meta['tokenizer.ggml.pre']));
  w.addKv(KEYS.tokenizer.tokens, gv.arr('STRING', tokens));
  w.addKv(KEYS.tokenizer.tokenType, gv.arr('INT32', types));
  w.addKv(KEYS.tokenizer.merges, gv.arr('STRING', meta['tokenizer.ggml.merges']));
  // Token ids: the checkpoint's (config.json / oellm.json) win over tokenizer_config.json names.
  const bos = ckpt.tokens.bos ?? meta['tokenizer.ggml.bos_token_id'];
  const eos = ckpt.tokens.eos ?? meta['tokenizer.ggml.eos_token_id'];
  const pad = ckpt.tokens.pad ?? meta['tokenizer.ggml.padding_token_id'];
  if (bos !== undefined) w.addKv(KEYS.tokenizer.bosId, gv.u32(bos));
  if (eos !== undefined) w.addKv(KEYS.tokenizer.eosId, gv.u32(eos));
  if (pad !== undefined) w.addKv(KEYS.tokenizer.padId, gv.u32(pad));
  const unk = meta['tokenizer.ggml.unknown_token_id'];
  if (unk !== undefined) w.addKv(KEYS.tokenizer.unkId, gv.u32(unk));
  w.addKv(KEYS.tokenizer.addBos, gv.bool(meta['tokenizer.ggml.add_bos_token']));
  w.addKv(KEYS.tokenizer.addEos, gv.bool(meta['tokenizer.ggml.add_eos_token']));
  if (meta['tokenizer.chat_template']) w.addKv(KEYS.tokenizer.chatTemplate, gv.str(meta['tokenizer.chat_template']));
}

function hparamKvs(c: ModelConfig, w: GgufWriter): void {
  const a = (k: string) => archKey(k, 'llama');
  w.addKv(a(KEYS.llm.vocabSize), gv.u32(c.vocabSize));
  w.addKv(a(KEYS.llm.contextLength), gv.u32(c.maxSeqLen));
  w.addKv(a(KEYS.llm.embeddingLength), gv.u32(c.dim));
  w.addKv(a(KEYS.llm.blockCount), gv.u32(c.nLayers));
  w.addKv(a(KEYS.llm.feedForwardLength), gv.u32(c.ffnDim));
  w.addKv(a(KEYS.rope.dimensionCount), gv.u32(headDim(c)));
  w.addKv(a(KEYS.rope.freqBase), gv.f32(c.ropeTheta));
  w.addKv(a(KEYS.attention.headCount), gv.u32(c.nHeads));
  w.addKv(a(KEYS.attention.headCountKv), gv.u32(c.nKvHeads));
  w.addKv(a(KEYS.attention.layerNormRmsEps), gv.f32(c.normEps));
}

/** Exports a checkpoint (dir or loaded) to a GGUF file; returns what was written. */
export function exportGguf(src: string | LoadedCheckpoint, opts: ExportGgufOptions): ExportReport {
  const t0 = performance.now();
  const ckpt = typeof src === 'string' ? loadCheckpoint(src, { skipOptimizer: true }) : src;
  const c = ckpt.config;
  const spec = EXPORT_TYPES[opts.type];
  if (!spec) parseExportType(String(opts.type));
  const meta = ckpt.meta;
  const w = new GgufWriter(opts.out);
  try {
    w.addKv(KEYS.general.architecture, gv.str('llama'));
    w.addKv('general.type', gv.str('model'));
    w.addKv(KEYS.general.name, gv.str(opts.name ?? (typeof meta.name === 'string' ? meta.name : basename(ckpt.dir))));
    if (opts.version) w.addKv(KEYS.general.version, gv.str(opts.version));
    const license = opts.license ?? (typeof meta.license === 'string' ? meta.license : undefined);
    if (license) w.addKv(KEYS.general.license, gv.str(license));
    if (opts.url) w.addKv(KEYS.general.url, gv.str(opts.url));
    const langs = opts.languages ?? (Array.isArray(meta.languages) ? (meta.languages as unknown[]).filter((l): l is string => typeof l === 'string') : undefined);
    if (langs && langs.length) w.addKv(KEYS.general.languages, gv.arr('STRING', langs));
    w.addKv(KEYS.general.fileType, gv.u32(spec.fileType));
    if (opts.type !== 'f32' && opts.type !== 'f16') w.addKv(KEYS.general.quantizationVersion, gv.u32(GGML_QNT_VERSION));
    hparamKvs(c, w);
    tokenizerKvs(ckpt, w);
    w.addKv(KEYS.oellm.version, gv.str(VERSION));
    if (opts.releaseSha256) w.addKv(KEYS.oellm.releaseSha256, gv.str(opts.releaseSha256));
    if (typeof (meta.files as Record<string, string> | undefined)?.['model.safetensors'] === 'string') w.addKv(KEYS.oellm.checkpointSha256, gv.str((meta.files as Record<string, string>)['model.safetensors']!));

    // Plan every tensor's type (with fallbacks) before writing: the header lists them all.
    const table = paramTable(c);
    const plan = table.map((s) => {
      const planned = plannedType(opts.type, s.name, s.shape, c.tiedEmbeddings, s.layer, c.nLayers);
      const rowLen = s.shape[s.shape.length - 1]!;
      const type = typeForRow(planned, rowLen);
      return { spec: s, planned, type };
    });
    const fallbacks = plan.filter((p) => p.type !== p.planned).map((p) => `${p.spec.name} [${p.spec.shape}]: rows of ${p.spec.shape[p.spec.shape.length - 1]} are not a multiple of the ${p.planned} block (${quantizer(p.planned).type.blockSize}); written as ${p.type}`);
    if (fallbacks.length) w.addKv(KEYS.oellm.fallbacks, gv.arr('STRING', fallbacks));
    for (const p of plan) w.addTensor(p.spec.name, p.spec.shape, GGML_TYPE_BY_NAME.get(p.type)!);

    const tensors: ExportedTensor[] = [];
    let f32Bytes = 0;
    plan.forEach((p, i) => {
      const s = p.spec;
      let data = ckpt.params.get(s.name);
      if (!data || data.length !== numel(s.shape)) throw new OellmError(`checkpoint tensor ${s.name} is missing or has the wrong size`, { file: ckpt.dir, code: 'E_INPUT' });
      if (s.name.endsWith('.attn_q.weight')) data = permuteQK(data, c.nHeads, c.dim);
      else if (s.name.endsWith('.attn_k.weight')) data = permuteQK(data, c.nKvHeads, c.dim);
      // Quantized and written a few rows at a time from one reused buffer (no tensor-sized copy).
      w.writeTensorChunks(s.name, quantizeTensorChunks(p.type, data, s.shape[s.shape.length - 1]!, s.name));
      f32Bytes += data.length * 4;
      const q = quantizer(p.type).type;
      tensors.push({ name: s.name, shape: s.shape, type: p.type, bytes: (data.length / q.blockSize) * q.typeSize, ...(p.type !== p.planned ? { fallbackFrom: p.planned } : {}) });
      opts.onTensor?.(s.name, i + 1, plan.length);
    });
    const ts = performance.now();
    const done = w.finish();
    const t1 = performance.now();
    return { out: opts.out, type: opts.type, bytes: statSync(done.path).size, f32Bytes, seconds: (t1 - t0) / 1000, syncSeconds: (t1 - ts) / 1000, tensors, fallbacks, nParams: f32Bytes / 4 };
  } catch (e) {
    w.abort();
    throw e;
  }
}
