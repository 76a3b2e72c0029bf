// Checkpoint directories: a valid Hugging Face model dir (`model.safetensors` F32 with HF tensor
// names, `config.json`, `generation_config.json`, `tokenizer.json` + `tokenizer_config.json`)
// plus oellm's `oellm.json` (ModelConfig, token ids, languages, training summary, file hashes)
// and, for resume, `optimizer.safetensors` (AdamW m, v) + `trainer_state.json`.
// Writes are atomic at directory level: build `<dir>.tmp-*`, then swap, so a SIGKILL at any
// moment leaves the previous checkpoint intact. Not the trainer and not GGUF export.
// Reference: HF transformers save_pretrained layout; llm.c checkpoint + state files.
import { copyFileSync, existsSync, fsyncSync, mkdirSync, openSync, closeSync, readdirSync, renameSync, rmSync, statSync, writeSync, linkSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { checkModelConfig, fromHfConfig, toHfConfig, type ModelConfig } from './config.js';
import { paramTable, numel } from './params.js';
import { encodeSafetensors, readSafetensorsHeader, readSafetensor } from '../formats/safetensors.js';
import { FormatError, OellmError } from '../util/errors.js';
import { readJson } from '../util/fs.js';

export const CHECKPOINT_FORMAT = 'oellm-checkpoint';
export const CHECKPOINT_VERSION = 1;

/** Files the checkpoint owns; anything else in the dir (train_log.jsonl, *.gguf) is carried over on save. */
export const CHECKPOINT_FILES = ['model.safetensors', 'config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'oellm.json', 'optimizer.safetensors', 'trainer_state.json'] as const;

/** AdamW moments, keyed by canonical (GGUF) parameter name like `params`. */
export interface OptimizerState {
  m: Map<string, Float32Array>;
  v: Map<string, Float32Array>;
}

export interface TokenIds {
  bos?: number;
  eos?: number;
  pad?: number;
}

export interface SaveCheckpointOptions {
  config: ModelConfig;
  /** Canonical (GGUF) name → tensor, shapes as in paramTable(config). */
  params: Map<string, Float32Array>;
  /** Directory holding tokenizer.json (+ tokenizer_config.json, special_tokens_map.json): copied in. */
  tokenizerDir?: string;
  /** Token ids written to config.json / generation_config.json / oellm.json. */
  tokens?: TokenIds;
  /** Extra fields for oellm.json (languages, training summary, …). */
  meta?: Record<string, unknown>;
  optimizer?: OptimizerState;
  /** JSON-serialisable trainer state (step, data position, RNG, schedule). */
  trainerState?: Record<string, unknown>;
}

export interface LoadedCheckpoint {
  dir: string;
  config: ModelConfig;
  params: Map<string, Float32Array>;
  hfConfig: Record<string, unknown>;
  /** Path of tokenizer.json when the dir has one. */
  tokenizerJson?: string;
  tokens: TokenIds;
  /** Parsed oellm.json ({} for a plain HF dir). */
  meta: Record<string, unknown>;
  optimizer?: OptimizerState;
  trainerState?: Record<string, unknown>;
}

function writeFileSynced(path: string, data: string | Uint8Array): void {
  const fd = openSync(path, 'w');
  try {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function fsyncDir(path: string): void {
  try {
    const fd = openSync(path, 'r');
    fsyncSync(fd);
    closeSync(fd);
  } catch {
    /* best effort */
  }
}

const sha = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');

/**
 * Fault injection for the kill-during-write tests: OELLM_FAULT=`ckpt-write:N` or `ckpt-swap:N`
 * SIGKILLs this process during the N-th checkpoint save of the process (after the tmp dir has
 * model.safetensors, or between the two swap renames).
 */
let saves = 0;
function fault(point: 'ckpt-write' | 'ckpt-swap'): void {
  const f = process.env.OELLM_FAULT;
  if (f && f === `${point}:${saves}`) process.kill(process.pid, 'SIGKILL');
}

/**
 * Repairs the state a kill during `saveCheckpoint` can leave: `<dir>` missing but `<dir>.old-*`
 * present (killed between the two renames) → the old checkpoint is moved back; stale
 * `<dir>.tmp-*` and `<dir>.old-*` siblings are removed. Safe to call at any time.
 */
export function recoverCheckpoint(dir: string): void {
  const abs = resolve(dir);
  const parent = dirname(abs);
  const base = basename(abs);
  if (!existsSync(parent)) return;
  const siblings = readdirSync(parent);
  const olds = siblings.filter((n) => n.startsWith(`${base}.old-`)).sort();
  if (!existsSync(abs) && olds.length > 0) {
    // Newest old one (names carry a time stamp) is the last complete checkpoint.
    renameSync(join(parent, olds[olds.length - 1]!), abs);
    olds.pop();
  }
  for (const n of siblings) {
    if (n.startsWith(`${base}.tmp-`) || olds.includes(n)) rmSync(join(parent, n), { recursive: true, force: true });
  }
}

/** Writes a checkpoint atomically into `dir` (replacing the previous one, keeping unrelated files). */
export function saveCheckpoint(dir: string, o: SaveCheckpointOptions): void {
  const config = checkModelConfig(o.config);
  saves++;
  const abs = resolve(dir);
  recoverCheckpoint(abs);
  const stamp = `${Date.now().toString().padStart(15, '0')}-${process.pid}`;
  const tmp = `${abs}.tmp-${stamp}`;
  mkdirSync(tmp, { recursive: true });
  const table = paramTable(config);
  const hashes: Record<string, string> = {};
  const put = (name: string, data: string | Uint8Array): void => {
    writeFileSynced(join(tmp, name), data);
    hashes[name] = sha(data);
  };

  // model.safetensors: HF names, table order, F32.
  const tensors = table.map((s) => {
    const data = o.params.get(s.name);
    if (!data) throw new OellmError(`saveCheckpoint: parameter ${s.name} is missing`, { code: 'E_INTERNAL' });
    if (data.length !== numel(s.shape)) throw new OellmError(`saveCheckpoint: parameter ${s.name} has ${data.length} values, shape [${s.shape}] needs ${numel(s.shape)}`, { code: 'E_INTERNAL' });
    return { name: s.hf, shape: s.shape, data };
  });
  put('model.safetensors', encodeSafetensors(tensors, { format: 'pt' }));
  fault('ckpt-write');

  const tok = o.tokens ?? {};
  const hf = toHfConfig(config, { ...(tok.bos !== undefined ? { bosTokenId: tok.bos } : {}), ...(tok.eos !== undefined ? { eosTokenId: tok.eos } : {}) });
  if (tok.pad !== undefined) hf.pad_token_id = tok.pad;
  put('config.json', JSON.stringify(hf, null, 2) + '\n');
  const gen: Record<string, unknown> = { _from_model_config: true };
  if (tok.bos !== undefined) gen.bos_token_id = tok.bos;
  if (tok.eos !== undefined) gen.eos_token_id = tok.eos;
  if (tok.pad !== undefined) gen.pad_token_id = tok.pad;
  put('generation_config.json', JSON.stringify(gen, null, 2) + '\n');

  if (o.tokenizerDir !== undefined) {
    const tj = join(o.tokenizerDir, 'tokenizer.json');
    if (!existsSync(tj)) throw new OellmError(`no tokenizer.json in ${o.tokenizerDir}`, { file: tj, code: 'E_IO', hint: 'pass the directory written by `oellm tokenizer train`' });
    for (const f of ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json']) {
      const p = join(o.tokenizerDir, f);
      if (existsSync(p)) put(f, readFileSync(p));
    }
  }

  if (o.optimizer) {
    const opt: { name: string; shape: number[]; data: Float32Array }[] = [];
    for (const [key, map] of [
      ['exp_avg', o.optimizer.m],
      ['exp_avg_sq', o.optimizer.v],
    ] as const) {
      for (const s of table) {
        const d = map.get(s.name);
        if (!d || d.length !== numel(s.shape)) throw new OellmError(`saveCheckpoint: optimizer ${key} for ${s.name} is missing or mis-sized`, { code: 'E_INTERNAL' });
        opt.push({ name: `${key}.${s.name}`, shape: s.shape, data: d });
      }
    }
    put('optimizer.safetensors', encodeSafetensors(opt));
  }
  if (o.trainerState) put('trainer_state.json', JSON.stringify(o.trainerState, null, 2) + '\n');

  // oellm.json last: it lists the hashes of every other file.
  const meta = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    ...o.meta,
    config,
    tokens: tok,
    files: { ...hashes },
  };
  writeFileSynced(join(tmp, 'oellm.json'), JSON.stringify(meta, null, 2) + '\n');

  // Carry over files the checkpoint does not own (train_log.jsonl, exported *.gguf) by hard link.
  if (existsSync(abs)) {
    for (const n of readdirSync(abs)) {
      if ((CHECKPOINT_FILES as readonly string[]).includes(n) || existsSync(join(tmp, n))) continue;
      const src = join(abs, n);
      if (!statSync(src).isFile()) continue;
      try {
        linkSync(src, join(tmp, n));
      } catch {
        copyFileSync(src, join(tmp, n));
      }
    }
  }
  fsyncDir(tmp);

  // Swap: dir → dir.old-*, tmp → dir, drop old. A kill between the renames is repaired by recoverCheckpoint.
  mkdirSync(dirname(abs), { recursive: true });
  if (existsSync(abs)) {
    const old = `${abs}.old-${stamp}`;
    renameSync(abs, old);
    fault('ckpt-swap');
    renameSync(tmp, abs);
    fsyncDir(dirname(abs));
    rmSync(old, { recursive: true, force: true });
  } else {
    renameSync(tmp, abs);
    fsyncDir(dirname(abs));
  }
}

export interface LoadCheckpointOptions {
  /** Check sha256 of every file listed in oellm.json (default true). */
  verify?: boolean;
  /** Skip optimizer.safetensors (inference). */
  skipOptimizer?: boolean;
}

/** Loads a checkpoint dir or a plain Hugging Face Llama dir; every problem names the file. */
export function loadCheckpoint(dir: string, lo: LoadCheckpointOptions = {}): LoadedCheckpoint {
  const abs = resolve(dir);
  recoverCheckpoint(abs);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) throw new OellmError(`checkpoint directory not found: ${dir}`, { file: dir, code: 'E_IO', hint: 'pass a directory written by `oellm train` or a Hugging Face Llama model directory' });
  const cfgPath = join(abs, 'config.json');
  const modelPath = join(abs, 'model.safetensors');
  const metaPath = join(abs, 'oellm.json');
  if (!existsSync(cfgPath)) throw new FormatError('checkpoint has no config.json', { file: cfgPath, hint: 'a checkpoint dir needs config.json and model.safetensors' });
  if (!existsSync(modelPath)) {
    const sharded = existsSync(join(abs, 'model.safetensors.index.json'));
    throw new FormatError(sharded ? 'sharded safetensors (model.safetensors.index.json) are not supported' : 'checkpoint has no model.safetensors', {
      file: modelPath,
      hint: sharded ? 'import it with `oellm import hf <dir> --out <checkpoint>` (or `--gguf`); `oellm export gguf` streams sharded dirs' : 'a checkpoint dir needs config.json and model.safetensors (pytorch_model.bin is not read)',
    });
  }
  const hfConfig = readJson<Record<string, unknown>>(cfgPath);
  let meta: Record<string, unknown> = {};
  let config: ModelConfig;
  if (existsSync(metaPath)) {
    meta = readJson<Record<string, unknown>>(metaPath);
    if (meta.format !== CHECKPOINT_FORMAT) throw new FormatError('oellm.json is not an oellm checkpoint description', { file: metaPath, expected: `format "${CHECKPOINT_FORMAT}"`, found: String(meta.format) });
    if (typeof meta.version !== 'number' || meta.version > CHECKPOINT_VERSION) throw new FormatError('unsupported checkpoint version', { file: metaPath, expected: `≤ ${CHECKPOINT_VERSION}`, found: String(meta.version), hint: 'upgrade oellm' });
    try {
      config = checkModelConfig(meta.config);
    } catch (e) {
      throw new FormatError(`oellm.json has an invalid model config: ${(e as Error).message}`, { file: metaPath });
    }
    if (lo.verify !== false && meta.files && typeof meta.files === 'object') {
      for (const [name, want] of Object.entries(meta.files as Record<string, string>)) {
        if (lo.skipOptimizer && name === 'optimizer.safetensors') continue;
        const p = join(abs, name);
        if (!existsSync(p)) throw new FormatError(`checkpoint file ${name} is missing`, { file: p, hint: 'the checkpoint is incomplete; restore it or train again' });
        const got = sha(readFileSync(p));
        if (got !== want) throw new FormatError(`checkpoint file ${name} is corrupt (sha256 mismatch)`, { file: p, expected: want.slice(0, 16), found: got.slice(0, 16), hint: 'the file was modified or damaged after it was written' });
      }
    }
  } else {
    config = fromHfConfig(hfConfig, cfgPath);
  }

  const header = readSafetensorsHeader(modelPath);
  const params = new Map<string, Float32Array>();
  for (const s of paramTable(config)) {
    let info = header.tensors[s.hf];
    let key = s.hf;
    if (!info && header.tensors[s.name]) {
      info = header.tensors[s.name];
      key = s.name;
    }
    if (!info) throw new FormatError(`tensor ${s.hf} is missing`, { file: modelPath, hint: `config.json describes ${config.nLayers} layers, vocab ${config.vocabSize}; the weights do not match it` });
    if (info.shape.length !== s.shape.length || info.shape.some((d, i) => d !== s.shape[i])) throw new FormatError(`tensor ${s.hf} has the wrong shape`, { file: modelPath, expected: `[${s.shape}]`, found: `[${info.shape}]` });
    const t = readSafetensor(modelPath, header, key);
    for (let i = 0; i < t.length; i++) {
      if (!Number.isFinite(t[i]!)) throw new FormatError(`tensor ${s.hf} holds a non-finite value at index ${i}`, { file: modelPath });
    }
    params.set(s.name, t);
  }

  const tokens: TokenIds = {};
  const mt = (meta.tokens ?? {}) as TokenIds;
  const pick = (a: unknown, b: unknown): number | undefined => (typeof a === 'number' ? a : typeof b === 'number' ? b : undefined);
  const bos = pick(mt.bos, hfConfig.bos_token_id);
  const eos = pick(mt.eos, Array.isArray(hfConfig.eos_token_id) ? hfConfig.eos_token_id[0] : hfConfig.eos_token_id);
  const pad = pick(mt.pad, hfConfig.pad_token_id);
  if (bos !== undefined) tokens.bos = bos;
  if (eos !== undefined) tokens.eos = eos;
  if (pad !== undefined) tokens.pad = pad;

  const out: LoadedCheckpoint = { dir: abs, config, params, hfConfig, tokens, meta };
  const tj = join(abs, 'tokenizer.json');
  if (existsSync(tj)) out.tokenizerJson = tj;

  const optPath = join(abs, 'optimizer.safetensors');
  if (!lo.skipOptimizer && existsSync(optPath)) {
    const oh = readSafetensorsHeader(optPath);
    const m = new Map<string, Float32Array>();
    const v = new Map<string, Float32Array>();
    for (const s of paramTable(config)) {
      for (const [key, map] of [
        ['exp_avg', m],
        ['exp_avg_sq', v],
      ] as const) {
        const n = `${key}.${s.name}`;
        const info = oh.tensors[n];
        if (!info) throw new FormatError(`optimizer tensor ${n} is missing`, { file: optPath, hint: 'resume needs the optimizer state of the same model; start without --resume or use --init' });
        if (numel(info.shape) !== numel(s.shape)) throw new FormatError(`optimizer tensor ${n} has the wrong shape`, { file: optPath, expected: `[${s.shape}]`, found: `[${info.shape}]` });
        map.set(s.name, readSafetensor(optPath, oh, n));
      }
    }
    out.optimizer = { m, v };
  }
  const tsPath = join(abs, 'trainer_state.json');
  if (existsSync(tsPath)) out.trainerState = readJson<Record<string, unknown>>(tsPath);
  return out;
}
