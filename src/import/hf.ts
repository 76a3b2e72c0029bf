// `oellm import hf`: a Hugging Face Llama-family model dir (config.json, model.safetensors or
// sharded model-*.safetensors with model.safetensors.index.json, F32/F16/BF16, tokenizer.json)
// → an oellm checkpoint (src/model/checkpoint.ts), so EuroLLM, Salamandra and other models of
// this architecture can be quantized, evaluated and served. Unsupported architectures fail in
// fromHfConfig naming the config field; missing, mis-shaped, non-float or non-finite tensors
// fail naming the tensor and file. `openHf` streams instead: one tensor in memory at a time, so
// `oellm import hf --gguf` converts models larger than RAM straight to GGUF. Not a PyTorch .bin
// reader. Reference: HF transformers save_pretrained (sharded index).
import { existsSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { type ModelConfig } from '../model/config.js';
import { readHfConfig, type FieldReport } from '../model/hf-config.js';
import { describeRope } from '../model/rope.js';
import { paramTable, numel } from '../model/params.js';
import { loadCheckpoint, saveCheckpoint, type LoadedCheckpoint, type TokenIds } from '../model/checkpoint.js';
import { readSafetensorsHeader, readSafetensor, type StHeader } from '../formats/safetensors.js';
import { FormatError, OellmError } from '../util/errors.js';
import { readJson } from '../util/fs.js';

export interface ImportReport {
  out: string;
  config: ModelConfig;
  nParams: number;
  /** Tensor count per source dtype. */
  dtypes: Record<string, number>;
  shards: string[];
  /** Tensors in the source that the Llama parameter table does not use (e.g. rotary inv_freq). */
  ignored: string[];
  tokenizer: boolean;
  /** Tokenizer family found in tokenizer.json (`sentencepiece-bpe`, `byte-level-bpe`), or undefined. */
  tokenizerFamily?: string;
  /** Config layout: `transformers 4` (rope_theta/rope_scaling) or `transformers 5` (rope_parameters). */
  layout: string;
  architecture: string;
  /** RoPE in words (`llama3 ×8 (original context 8192, …), θ 500000`). */
  rope: string;
  /** Every config.json field: read, defaulted, ignored (with why). Refusals throw UnsupportedModelError. */
  fields: FieldReport[];
  /** All eos ids when config.json lists several (the first is the GGUF eos). */
  eosTokenIds?: number[];
  seconds: number;
}

/** Benign extra tensors older exports carry (recomputed by every runtime). */
const IGNORABLE = /(^|\.)rotary_emb\.inv_freq$/;

/** The tokenizer family of a tokenizer.json, in words, from its model and pre-tokenizer. */
function tokenizerFamily(file: string): string {
  try {
    const j = readJson<{ model?: { type?: string; byte_fallback?: boolean }; pre_tokenizer?: { type?: string; pretokenizers?: { type?: string }[] } | null }>(file);
    const pre = j.pre_tokenizer;
    const types = pre ? [pre.type, ...(pre.pretokenizers ?? []).map((p) => p.type)] : [];
    if (j.model?.type === 'BPE' && types.includes('ByteLevel')) return 'byte-level BPE';
    if (j.model?.type === 'BPE' && (j.model.byte_fallback || types.includes('Metaspace'))) return 'SentencePiece BPE (byte fallback)';
    return `${j.model?.type ?? 'unknown'} (not supported for encoding)`;
  } catch {
    return 'unreadable tokenizer.json';
  }
}

/** Maps every tensor name to the safetensors file holding it (single file or sharded index). */
function weightFiles(dir: string): Map<string, string> {
  const single = join(dir, 'model.safetensors');
  const index = join(dir, 'model.safetensors.index.json');
  const map = new Map<string, string>();
  if (existsSync(index)) {
    const idx = readJson<{ weight_map?: Record<string, string> }>(index);
    if (!idx.weight_map || typeof idx.weight_map !== 'object') throw new FormatError('model.safetensors.index.json has no weight_map', { file: index, hint: 'the index of a sharded save_pretrained dir maps tensor names to shard files' });
    for (const [name, file] of Object.entries(idx.weight_map)) {
      const p = join(dir, file);
      if (!existsSync(p)) throw new FormatError(`shard ${file} (holding ${name}) is missing`, { file: p, hint: 'download every shard listed in model.safetensors.index.json' });
      map.set(name, p);
    }
    return map;
  }
  if (existsSync(single)) {
    for (const name of Object.keys(readSafetensorsHeader(single).tensors)) map.set(name, single);
    return map;
  }
  const bin = existsSync(join(dir, 'pytorch_model.bin')) || existsSync(join(dir, 'pytorch_model.bin.index.json'));
  throw new OellmError(`no safetensors weights in ${dir}`, { file: dir, code: 'E_INPUT', hint: bin ? 'PyTorch .bin checkpoints are not read; convert them to safetensors first' : 'expected model.safetensors or model.safetensors.index.json' });
}

/** A Map of canonical name → tensor that reads each tensor from its shard when asked, keeping none. */
class ShardParams extends Map<string, Float32Array> {
  constructor(private readonly src: Map<string, { file: string; hf: string; header: StHeader }>) {
    super();
  }
  override get(name: string): Float32Array | undefined {
    const s = this.src.get(name);
    if (!s) return undefined;
    const t = readSafetensor(s.file, s.header, s.hf);
    checkFinite(t, s.hf, s.file);
    return t;
  }
  override has(name: string): boolean {
    return this.src.has(name);
  }
  override get size(): number {
    return this.src.size;
  }
}

function checkFinite(t: Float32Array, name: string, file: string): void {
  for (let i = 0; i < t.length; i++) {
    const v = t[i]!;
    if (v !== v || v === Infinity || v === -Infinity) throw new FormatError(`tensor ${name} holds a non-finite value (${v}) at index ${i}`, { file, hint: 'the checkpoint is corrupt' });
  }
}

/**
 * Opens a HF model dir without reading any weights: config read field by field, every tensor's
 * shard, dtype and shape checked. `ckpt.params` reads one tensor per `get` (shards streamed), so
 * `exportGguf(ckpt, …)` converts a model larger than memory with one tensor held at a time.
 */
export function openHf(dir: string, o: { allowFields?: string[] } = {}): { ckpt: LoadedCheckpoint; report: Omit<ImportReport, 'out' | 'seconds'> } {
  const abs = resolve(dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) throw new OellmError(`not a directory: ${dir}`, { file: dir, code: 'E_INPUT', hint: 'pass a Hugging Face model directory (config.json + *.safetensors + tokenizer.json)' });
  const cfgPath = join(abs, 'config.json');
  if (!existsSync(cfgPath)) throw new OellmError('no config.json', { file: cfgPath, code: 'E_INPUT', hint: 'a Hugging Face model directory has config.json' });
  const hf = readJson<Record<string, unknown>>(cfgPath);
  const read = readHfConfig(hf, cfgPath, o.allowFields ? { allowFields: o.allowFields } : {});
  const config = read.config;
  const files = weightFiles(abs);
  const headers = new Map<string, StHeader>();
  const header = (p: string): StHeader => {
    let h = headers.get(p);
    if (!h) headers.set(p, (h = readSafetensorsHeader(p)));
    return h;
  };
  const src = new Map<string, { file: string; hf: string; header: StHeader }>();
  const dtypes: Record<string, number> = {};
  const used = new Set<string>();
  let nParams = 0;
  for (const s of paramTable(config)) {
    const file = files.get(s.hf);
    if (!file) {
      const hint = s.hf === 'lm_head.weight' ? 'config.json says tie_word_embeddings is false but there is no lm_head.weight' : `config.json describes ${config.nLayers} layers; the weights do not match it`;
      throw new FormatError(`tensor ${s.hf} is missing`, { file: abs, hint });
    }
    const h = header(file);
    const info = h.tensors[s.hf];
    if (!info) throw new FormatError(`tensor ${s.hf} is listed in the index but not in its shard`, { file });
    if (info.shape.length !== s.shape.length || info.shape.some((d, i) => d !== s.shape[i])) throw new FormatError(`tensor ${s.hf} has the wrong shape`, { file, expected: `[${s.shape}]`, found: `[${info.shape}]` });
    if (!['F32', 'F16', 'BF16'].includes(info.dtype)) throw new FormatError(`tensor ${s.hf} has dtype ${info.dtype}`, { file, expected: 'F32, F16 or BF16', found: info.dtype, hint: 'quantized or integer safetensors are not imported' });
    src.set(s.name, { file, hf: s.hf, header: h });
    dtypes[info.dtype] = (dtypes[info.dtype] ?? 0) + 1;
    used.add(s.hf);
    nParams += numel(s.shape);
  }
  const ignored = [...files.keys()].filter((n) => !used.has(n));
  const unknown = ignored.filter((n) => !IGNORABLE.test(n) && !(config.tiedEmbeddings && n === 'lm_head.weight'));
  if (unknown.length)
    throw new FormatError(`the weights hold ${unknown.length} tensor(s) a Llama model does not have: ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ', …' : ''}`, {
      file: abs,
      hint: 'the architecture is not plain Llama (biases, extra norms?); it is not supported',
    });
  const tokens: TokenIds = {};
  if (read.tokens.bos !== undefined) tokens.bos = read.tokens.bos;
  if (read.tokens.eos !== undefined) tokens.eos = read.tokens.eos;
  if (read.tokens.pad !== undefined) tokens.pad = read.tokens.pad;
  const tj = join(abs, 'tokenizer.json');
  const hasTok = existsSync(tj);
  const family = hasTok ? tokenizerFamily(tj) : undefined;
  const ckpt: LoadedCheckpoint = {
    dir: abs,
    config,
    params: new ShardParams(src),
    hfConfig: hf,
    tokens,
    meta: { name: basename(abs), source: { format: 'huggingface', dir: abs, architecture: read.architecture, layout: read.layout, dtypes, ...(read.tokens.eosAll ? { eosTokenIds: read.tokens.eosAll } : {}) } },
    ...(hasTok ? { tokenizerJson: tj } : {}),
  };
  return {
    ckpt,
    report: {
      config,
      nParams,
      dtypes,
      shards: [...new Set(files.values())].map((p) => basename(p)).sort(),
      ignored,
      tokenizer: hasTok,
      ...(family ? { tokenizerFamily: family } : {}),
      layout: read.layout,
      architecture: read.architecture,
      rope: describeRope(config),
      fields: read.fields,
      ...(read.tokens.eosAll ? { eosTokenIds: read.tokens.eosAll } : {}),
    },
  };
}

/** Imports a HF model dir into an oellm checkpoint at `out`. */
export function importHf(dir: string, o: { out: string; name?: string; allowFields?: string[] }): ImportReport {
  const t0 = performance.now();
  const { ckpt, report } = openHf(dir, o.allowFields ? { allowFields: o.allowFields } : {});
  const params = new Map<string, Float32Array>();
  for (const s of paramTable(ckpt.config)) params.set(s.name, ckpt.params.get(s.name)!);
  saveCheckpoint(o.out, {
    config: ckpt.config,
    params,
    tokens: ckpt.tokens,
    ...(report.tokenizer ? { tokenizerDir: ckpt.dir } : {}),
    meta: { ...ckpt.meta, name: o.name ?? basename(ckpt.dir) },
  });
  return { out: resolve(o.out), ...report, seconds: (performance.now() - t0) / 1000 };
}

/**
 * A model to start training from: an oellm checkpoint (or single-file HF dir) through
 * loadCheckpoint, a sharded HF dir through openHf, weights materialised as F32.
 */
export function loadInitModel(dir: string): LoadedCheckpoint {
  const abs = resolve(dir);
  if (existsSync(join(abs, 'oellm.json')) || !existsSync(join(abs, 'model.safetensors.index.json'))) return loadCheckpoint(abs, { skipOptimizer: true });
  const { ckpt } = openHf(abs);
  const params = new Map<string, Float32Array>();
  for (const s of paramTable(ckpt.config)) params.set(s.name, ckpt.params.get(s.name)!);
  return { ...ckpt, params };
}
