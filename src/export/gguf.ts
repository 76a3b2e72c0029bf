// Checkpoint → GGUF (llama architecture) for llama.cpp, Ollama, LM Studio: metadata
// (general.*, llama.* hyperparameters, the full byte-level BPE tokenizer), tensors in parameter
// table order with the Q/K rows permuted from Hugging Face rotate-half order to llama.cpp's
// adjacent-pair RoPE order, and per-tensor types from the mixing table below (norms F32; the
// output matrix Q6_K for 4-bit exports as llama-quantize does; a per-tensor fallback when rows
// do not divide into blocks, reported). Not the export-type menu (./types.ts), the block
// quantizers (src/quant) or the file format (src/formats/gguf). Reference: llama.cpp convert_hf_to_gguf.py (LlamaModel.permute,
// set_vocab_gpt2), src/llama-quant.cpp (llama_tensor_get_type).
import { basename, join } from 'node:path';
import { existsSync, statSync } from 'node:fs';
import { openHf } from '../import/hf.js';
import { loadCheckpoint, type LoadedCheckpoint } from '../model/checkpoint.js';
import { headDim, type ModelConfig } from '../model/config.js';
import { llama3RopeFreqs, ropeGgufKvs } from '../model/rope.js';
import { paramTable, numel } from '../model/params.js';
import { GgufWriter, gv } from '../formats/gguf/writer.js';
import { archKey, GGML_QNT_VERSION, GGML_TYPE_BY_NAME, KEYS, TOKEN_TYPES } from '../formats/gguf/constants.js';
import { quantizeTensorChunks, quantizer, typeForRow } from '../quant/index.js';
import { loadTokenizer, ggufTokenizerMeta, ggufTokenizerKvs, padGgufVocab } from '../tokenizer/index.js';
import { SpmBpeTokenizer, spmGgufMeta } from '../tokenizer/spm.js';
import { OellmError } from '../util/errors.js';
import { VERSION } from '../util/version.js';
import { findLanguage, LANGUAGES, type LangCode } from '../lang/index.js';
import { EXPORT_TYPES, parseExportType, type ExportType } from './types.js';

export { EXPORT_TYPES, EXPORT_TYPE_NAMES, parseExportType, useMoreBits, type ExportType } from './types.js';

export interface ExportGgufOptions {
  type: ExportType;
  out: string;
  /** general.name (default: `modelIdentity`, from the checkpoint's oellm.json). */
  name?: string;
  version?: string;
  license?: string;
  /** Link to the release bundle (general.url) and its sha256 (oellm.release.sha256). */
  url?: string;
  releaseSha256?: string;
  /** Data commitment top root (oellm.data.commitment; src/audit/commitment.ts). */
  dataCommitment?: string;
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

/**
 * Planned ggml type of one tensor before fallbacks (the mixing table). `layer` is the block
 * index (-1 for global tensors). Rules follow llama.cpp's llama_tensor_get_type for these ftypes:
 * norms F32; the output matrix (the token embedding when tied) Q6_K for 4/6-bit types, or Q8_0
 * when its rows do not divide into 256; per-layer raises come from the type's `layerRule`
 * (./types.ts).
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
  if (layer >= 0 && 'layerRule' in spec) return spec.layerRule(name, layer, nLayers) ?? spec.base;
  return spec.base;
}

/** The tokenizer.ggml.* metadata (src/tokenizer/gguf.ts), vocabulary padded with unused `[PAD{i}]` tokens up to vocabSize. */
function tokenizerKvs(ckpt: LoadedCheckpoint, w: GgufWriter): void {
  if (!ckpt.tokenizerJson)
    throw new OellmError('checkpoint has no tokenizer.json; a GGUF needs the tokenizer', { file: ckpt.dir, code: 'E_INPUT', hint: 'copy the tokenizer.json (and tokenizer_config.json) the model was trained with into the checkpoint dir' });
  const tok = loadTokenizer(ckpt.dir);
  if ((tok as unknown) instanceof SpmBpeTokenizer) return spmTokenizerKvs(ckpt, tok as unknown as SpmBpeTokenizer, tok.config, w);
  const meta = ggufTokenizerMeta(tok, tok.config);
  const V = ckpt.config.vocabSize;
  const n = meta['tokenizer.ggml.tokens'].length;
  if (n > V) throw new OellmError(`tokenizer has ${n} tokens but the model's vocabulary is ${V}`, { file: ckpt.tokenizerJson, code: 'E_INPUT', hint: 'the tokenizer does not belong to this model' });
  for (const [k, v] of ggufTokenizerKvs(padGgufVocab(meta, V), ckpt.tokens)) w.addKv(k, v);
}

/** SentencePiece BPE → llama.cpp's SPM tokenizer (`tokenizer.ggml.model = "llama"`, scores, types, no merges). */
function spmTokenizerKvs(ckpt: LoadedCheckpoint, tok: SpmBpeTokenizer, config: Record<string, unknown>, w: GgufWriter): void {
  const meta = spmGgufMeta(tok, config);
  const V = ckpt.config.vocabSize;
  if (meta.tokens.length > V) throw new OellmError(`tokenizer has ${meta.tokens.length} tokens but the model's vocabulary is ${V}`, { file: ckpt.tokenizerJson, code: 'E_INPUT', hint: 'the tokenizer does not belong to this model' });
  for (let i = meta.tokens.length; i < V; i++) {
    meta.tokens.push(`[PAD${i}]`);
    meta.scores.push(-1000);
    meta.types.push(TOKEN_TYPES.UNUSED);
  }
  w.addKv(KEYS.tokenizer.model, gv.str(meta.model));
  w.addKv(KEYS.tokenizer.pre, gv.str(meta.pre));
  w.addKv(KEYS.tokenizer.tokens, gv.arr('STRING', meta.tokens));
  w.addKv(KEYS.tokenizer.scores, gv.arr('FLOAT32', meta.scores));
  w.addKv(KEYS.tokenizer.tokenType, gv.arr('INT32', meta.types));
  const bos = ckpt.tokens.bos ?? meta.bos;
  const eos = ckpt.tokens.eos ?? meta.eos;
  const pad = ckpt.tokens.pad ?? meta.pad;
  if (bos !== undefined) w.addKv(KEYS.tokenizer.bosId, gv.u32(bos));
  if (eos !== undefined) w.addKv(KEYS.tokenizer.eosId, gv.u32(eos));
  if (meta.unk !== undefined) w.addKv(KEYS.tokenizer.unkId, gv.u32(meta.unk));
  if (pad !== undefined) w.addKv(KEYS.tokenizer.padId, gv.u32(pad));
  w.addKv(KEYS.tokenizer.addBos, gv.bool(meta.addBos));
  w.addKv(KEYS.tokenizer.addEos, gv.bool(meta.addEos));
  w.addKv(KEYS.tokenizer.addSpacePrefix, gv.bool(meta.addSpacePrefix));
  if (typeof config.chat_template === 'string') w.addKv(KEYS.tokenizer.chatTemplate, gv.str(config.chat_template));
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
  if (c.rope?.type === 'yarn') {
    const dflt = c.rope.factor <= 1 ? 1 : 0.1 * Math.log(c.rope.factor) + 1;
    if (Math.abs(c.rope.attentionFactor - dflt) > 1e-6)
      throw new OellmError(`yarn attention factor ${c.rope.attentionFactor} differs from 0.1·ln(factor)+1 = ${dflt}; llama.cpp applies its own, so the GGUF would compute differently`, {
        code: 'E_UNSUPPORTED',
        hint: "use the model with oellm's own forward pass, or a config without attention_factor/mscale",
      });
    if (!c.rope.truncate) throw new OellmError('yarn with truncate: false is not what llama.cpp computes (it always floors/ceils the correction range)', { code: 'E_UNSUPPORTED' });
  }
  for (const kv of ropeGgufKvs(c)) w.addKv(a(KEYS.rope[kv.key]), typeof kv.value === 'string' ? gv.str(kv.value) : kv.key === 'scalingOrigCtxLen' ? gv.u32(kv.value) : gv.f32(kv.value));
  w.addKv(a(KEYS.attention.headCount), gv.u32(c.nHeads));
  w.addKv(a(KEYS.attention.headCountKv), gv.u32(c.nKvHeads));
  if (c.headDim !== undefined) {
    // head_dim ≠ hidden/heads: convert_hf_to_gguf.py writes key_length and value_length.
    w.addKv(a(KEYS.attention.keyLength), gv.u32(c.headDim));
    w.addKv(a(KEYS.attention.valueLength), gv.u32(c.headDim));
  }
  w.addKv(a(KEYS.attention.layerNormRmsEps), gv.f32(c.normEps));
}

/**
 * general.name and general.languages of a checkpoint, decided here for every export path
 * (`oellm build` and `oellm export gguf` write the same): the name is `oellm-<build>-<variant>`
 * for a build's checkpoint, else oellm.json `name`, else the folder name; the languages are
 * ISO 639-1 codes (as the GGUF spec asks) in registry order, one per language whatever its
 * scripts (`srp_Cyrl` + `srp_Latn` → `sr`); labels outside the registry follow as they are, so
 * the list is strings: registry codes (LangCode) first, then whatever else the checkpoint named.
 */
export function modelIdentity(meta: Record<string, unknown>, dir: string): { name: string; languages: string[] } {
  const name = typeof meta.build === 'string' && typeof meta.variant === 'string' ? `oellm-${meta.build}-${meta.variant}` : typeof meta.name === 'string' ? meta.name : basename(dir);
  const labels = Array.isArray(meta.languages) ? (meta.languages as unknown[]).filter((l): l is string => typeof l === 'string') : [];
  const known = new Set(labels.map((l) => findLanguage(l)?.code).filter((c): c is LangCode => c !== undefined));
  const other = labels.filter((l) => !findLanguage(l));
  return { name, languages: [...LANGUAGES.filter((l) => known.has(l.code)).map((l) => l.code), ...new Set(other)] };
}

/** Exports a checkpoint (dir or loaded) to a GGUF file; returns what was written. */
export function exportGguf(src: string | LoadedCheckpoint, opts: ExportGgufOptions): ExportReport {
  const t0 = performance.now();
  // A sharded Hugging Face dir is streamed (one tensor in memory at a time) instead of loaded.
  const sharded = typeof src === 'string' && existsSync(join(src, 'model.safetensors.index.json')) && !existsSync(join(src, 'oellm.json'));
  const ckpt = typeof src === 'string' ? (sharded ? openHf(src).ckpt : loadCheckpoint(src, { skipOptimizer: true })) : src;
  const c = ckpt.config;
  const spec = EXPORT_TYPES[opts.type];
  if (!spec) parseExportType(String(opts.type));
  const meta = ckpt.meta;
  const w = new GgufWriter(opts.out);
  try {
    w.addKv(KEYS.general.architecture, gv.str('llama'));
    w.addKv('general.type', gv.str('model'));
    const id = modelIdentity(meta, ckpt.dir);
    w.addKv(KEYS.general.name, gv.str(opts.name ?? id.name));
    if (opts.version) w.addKv(KEYS.general.version, gv.str(opts.version));
    const license = opts.license ?? (typeof meta.license === 'string' ? meta.license : undefined);
    if (license) w.addKv(KEYS.general.license, gv.str(license));
    if (opts.url) w.addKv(KEYS.general.url, gv.str(opts.url));
    if (id.languages.length) w.addKv(KEYS.general.languages, gv.arr('STRING', id.languages));
    w.addKv(KEYS.general.fileType, gv.u32(spec.fileType));
    if (opts.type !== 'f32' && opts.type !== 'f16') w.addKv(KEYS.general.quantizationVersion, gv.u32(GGML_QNT_VERSION));
    hparamKvs(c, w);
    tokenizerKvs(ckpt, w);
    w.addKv(KEYS.oellm.version, gv.str(VERSION));
    if (opts.releaseSha256) w.addKv(KEYS.oellm.releaseSha256, gv.str(opts.releaseSha256));
    if (opts.dataCommitment) w.addKv(KEYS.oellm.dataCommitment, gv.str(opts.dataCommitment));
    if (typeof (meta.files as Record<string, string> | undefined)?.['model.safetensors'] === 'string') w.addKv(KEYS.oellm.checkpointSha256, gv.str((meta.files as Record<string, string>)['model.safetensors']!));

    // Plan every tensor's type (with fallbacks) before writing: the header lists them all.
    const table = paramTable(c);
    const plan = table.map((s) => {
      const planned = plannedType(opts.type, s.name, s.shape, c.tiedEmbeddings, s.layer, c.nLayers);
      const rowLen = s.shape[s.shape.length - 1]!;
      const type = typeForRow(planned, rowLen);
      return { spec: s, planned, type };
    });
    const fallbacks = plan
      .filter((p) => p.type !== p.planned)
      .map((p) => `${p.spec.name} [${p.spec.shape}]: rows of ${p.spec.shape[p.spec.shape.length - 1]} are not a multiple of the ${p.planned} block (${quantizer(p.planned).type.blockSize}); written as ${p.type}`);
    if (fallbacks.length) w.addKv(KEYS.oellm.fallbacks, gv.arr('STRING', fallbacks));
    // llama3 RoPE: the per-frequency divisors travel as an F32 `rope_freqs.weight` tensor, first, as the converter writes it.
    const ropeFreqs = llama3RopeFreqs(c);
    if (ropeFreqs) w.addTensor('rope_freqs.weight', [ropeFreqs.length], GGML_TYPE_BY_NAME.get('F32')!);
    for (const p of plan) w.addTensor(p.spec.name, p.spec.shape, GGML_TYPE_BY_NAME.get(p.type)!);
    if (ropeFreqs) w.writeTensorData('rope_freqs.weight', new Uint8Array(ropeFreqs.buffer, ropeFreqs.byteOffset, ropeFreqs.byteLength));

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
