// The training loop behind `oellm train` and `oellm build`: tokenizer + dataset → Llama model
// trained with AdamW, checkpoints (atomic, resumable bit for bit), train_log.jsonl and per-language
// validation in bits per byte. Not the kernels, not the CLI (src/cli/commands/train.ts).
// Reference: llm.c train_gpt2.c main loop; nanoGPT train.py (accumulation, schedule, eval).
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { lockDir, siblingLockFile } from '../util/lock.js';
import { checkOutDir } from '../util/outdir.js';
import { catchStopSignals, Interrupted, stopRequested } from '../util/interrupt.js';
import { checkModelConfig, PRESETS, type ModelConfig } from '../model/config.js';
import { loadCheckpoint, recoverCheckpoint, saveCheckpoint, type LoadedCheckpoint } from '../model/checkpoint.js';
import { loadTokenizer } from '../tokenizer/index.js';
import { loadInitModel } from '../import/hf.js';
import { OellmError } from '../util/errors.js';
import { writeFileAtomic } from '../util/fs.js';
import { VERSION } from '../util/version.js';
import { dumpConfig } from '../config/load.js';
import { defaultKernels, nativeKernels, setThreads } from './backend.js';
import { refKernels, type Kernels } from './kernels.js';
import { BatchSampler, languageWeights, loadTrainData, valRows, type LangData, type SamplerState } from './data.js';
import { LlamaModel } from './model.js';
import { AdamW, clipGradNorm, lrAt, type ScheduleConfig } from './optim.js';
import { Rng } from '../util/rng.js';
import { shapeToModel, type TrainConfig } from './config.js';

export interface TrainProgress {
  step: number;
  maxSteps: number;
  loss: number;
  lr: number;
  tokensPerS: number;
  phase: 'data' | 'train' | 'val' | 'checkpoint' | 'done';
  val?: Record<string, number>;
}

export interface TrainResult {
  checkpointDir: string;
  steps: number;
  tokens: number;
  finalLoss: number;
  /** Mean train loss over the last 10 steps. */
  lastLosses: number[];
  val: Record<string, number>;
  /** Validation bits per byte of the --init model before any step (adaptation: before vs after). */
  valInit?: Record<string, number>;
  seconds: number;
  tokensPerS: number;
  params: number;
  kernels: string;
}

/** Training FLOPs per token, the formula of ../shared/peers/torch_llama.py (6N + 12·L·C·T). */
export function flopsPerToken(c: ModelConfig, nParams: number, T: number): number {
  return 6 * nParams + 12 * c.nLayers * c.dim * T;
}

export function pickKernels(kind: 'auto' | 'native' | 'ts', threads?: number): Kernels {
  if (kind === 'ts') return refKernels;
  if (threads) setThreads(threads);
  if (kind === 'native') {
    const n = nativeKernels();
    if (!n.kernels) throw new OellmError(`native kernels unavailable: ${n.error}`, { code: 'E_NATIVE', hint: 'run `npm rebuild` (needs g++ and Node headers) or use --kernels ts' });
    return n.kernels;
  }
  return defaultKernels();
}

/** Model config from preset + overrides (or from --init), with the tokenizer's vocabulary. */
export function modelConfigFor(cfg: TrainConfig, vocabSize: number, init?: ModelConfig): ModelConfig {
  if (init) return init;
  const p = PRESETS[cfg.preset]!;
  const raw = {
    ...p,
    vocabSize,
    ...shapeToModel(cfg),
    ...(cfg.seqLen !== undefined ? { maxSeqLen: Math.max(cfg.seqLen, p.maxSeqLen) } : {}),
  };
  return checkModelConfig(raw);
}

/** Llama-style init: N(0, 0.02); attention/FFN output projections scaled by 1/√(2L); norms 1. */
export function initParams(model: LlamaModel, seed: number): void {
  const rng = new Rng(seed);
  const L = model.config.nLayers;
  for (const p of model.table) {
    const v = model.params.subarray(p.offset, p.offset + p.size);
    if (p.spec.kind === 'norm') {
      v.fill(1);
      continue;
    }
    const std = /attn_output|ffn_down/.test(p.spec.name) ? 0.02 / Math.sqrt(2 * L) : 0.02;
    for (let i = 0; i < v.length; i++) v[i] = rng.normal() * std;
  }
}

interface TrainerState {
  step: number;
  tokens: number;
  adamStep: number;
  sampler: SamplerState;
  lastGoodLoss: number;
  seconds: number;
  config: TrainConfig;
  val: Record<string, number>;
}

const views = (model: LlamaModel, buf: Float32Array): Map<string, Float32Array> => new Map(model.table.map((p) => [p.spec.name, buf.subarray(p.offset, p.offset + p.size)]));

/** Validation bits per byte per language: mean nats/token × tokens/bytes of the held-out stream / ln 2. */
export function validate(model: LlamaModel, data: LangData[], B: number, T: number, maxRows: number): Record<string, number> {
  const out: Record<string, number> = {};
  const x = new Int32Array(B * T);
  const y = new Int32Array(B * T);
  for (const d of data) {
    if (d.valDocs === 0 || d.val.length < 2 || d.valBytes === 0) continue;
    const r = valRows(d.val, T, maxRows);
    let sum = 0;
    let n = 0;
    for (let row = 0; row < r.rows; row += B) {
      const real = Math.min(B, r.rows - row);
      for (let b = 0; b < B; b++) {
        const src = row + (b % real);
        x.set(r.x.subarray(src * T, src * T + T), b * T);
        y.set(r.y.subarray(src * T, src * T + T), b * T);
      }
      model.forward(x, y, B, T, 0);
      for (let i = 0; i < real * T; i++) sum += model.losses[i]!;
      n += real * T;
    }
    out[d.lang] = (sum / n / Math.LN2) * (d.val.length / d.valBytes);
  }
  return out;
}

export interface TrainOptions {
  config: TrainConfig;
  onProgress?: (p: TrainProgress) => void;
  /** Extra fields for the checkpoint's oellm.json. */
  meta?: Record<string, unknown>;
  /** Print-free logger for notable events (resume, data summary). */
  log?: (line: string) => void;
}

/**
 * Trains (or resumes) into `config.out`: checks the location, locks it against a second writer
 * (a sibling `.<name>.oellm.lock`, since checkpoints replace the folder itself), and stops at
 * the next step boundary on SIGINT/SIGTERM/SIGHUP with a checkpoint there (src/util/interrupt.ts).
 */
export async function train(opts: TrainOptions): Promise<TrainResult> {
  const out = checkOutDir(opts.config.out);
  mkdirSync(dirname(out), { recursive: true });
  const unlock = lockDir(out, { file: siblingLockFile(out), what: 'oellm train' });
  const release = catchStopSignals();
  try {
    return await trainLocked(opts);
  } finally {
    release();
    unlock();
  }
}

/**
 * The locked run. The tokenized corpus streams from token files in `<out>.tokens/`
 * (beside the checkpoint dir, which is swapped whole at each save), removed when training ends;
 * OELLM_TRAIN_TOKENS=memory keeps them in memory instead (same tokens, same losses).
 */
async function trainLocked(opts: TrainOptions): Promise<TrainResult> {
  const tokenDir = `${resolve(opts.config.out)}.tokens`;
  const cleanup: (() => void)[] = [];
  try {
    return await trainStreaming(opts, tokenDir, cleanup);
  } finally {
    for (const c of cleanup) c();
    rmSync(tokenDir, { recursive: true, force: true });
  }
}

/** Resume: the saved config wins, except the step budget and run-time knobs. Returns the config to run and what was saved. */
function resumeRun(cfg: TrainConfig, out: string, log: (line: string) => void): { cfg: TrainConfig; resumed?: LoadedCheckpoint; state?: TrainerState } {
  if (!cfg.resume) return { cfg };
  recoverCheckpoint(out); // a kill during a checkpoint write leaves the previous one; put it back
  const resumed = existsSync(join(out, 'config.json')) ? loadCheckpoint(out) : undefined;
  if (!resumed) {
    log(`nothing to resume in ${out}; starting a new run`);
    return { cfg };
  }
  if (!resumed.trainerState || !resumed.optimizer) throw new OellmError('cannot resume: the checkpoint has no trainer_state.json / optimizer.safetensors', { file: out, code: 'E_RESUME', hint: 'use --init to start a new run from these weights' });
  const state = resumed.trainerState as unknown as TrainerState;
  log(`resuming ${out} at step ${state.step}`);
  return { cfg: { ...state.config, maxSteps: cfg.maxSteps, resume: true, threads: cfg.threads, kernels: cfg.kernels, out: cfg.out, valEvery: cfg.valEvery, checkpointEvery: cfg.checkpointEvery }, resumed, state };
}

/** The model shape (resumed, --init, or preset + overrides) checked against the tokenizer; the --init checkpoint when one is used. */
function resolveModel(cfg: TrainConfig, vocabSize: number, resumed: LoadedCheckpoint | undefined): { mc: ModelConfig; initCk?: LoadedCheckpoint } {
  const initCk = !resumed && cfg.init ? loadInitModel(cfg.init) : undefined; // oellm checkpoint or HF dir (sharded too)
  const fixed = resumed?.config ?? initCk?.config;
  // A Hugging Face model may pad its embedding past its tokenizer (vocab_size ≥ tokens); never fewer rows than tokens.
  const hfInit = initCk !== undefined && !existsSync(join(initCk.dir, 'oellm.json'));
  if (fixed && (hfInit ? fixed.vocabSize < vocabSize : fixed.vocabSize !== vocabSize)) {
    throw new OellmError(`the tokenizer's vocabulary (${vocabSize}) does not match the checkpoint's (${fixed.vocabSize})`, {
      file: (resumed ?? initCk)!.dir,
      code: 'E_VOCAB',
      hint: 'use the tokenizer the checkpoint was trained with (its tokenizer.json is inside the checkpoint dir)',
    });
  }
  try {
    return { mc: modelConfigFor(cfg, vocabSize, fixed), ...(initCk ? { initCk } : {}) };
  } catch (e) {
    throw new OellmError((e as Error).message, { code: 'E_CONFIG', hint: 'heads must divide dim, kv-heads must divide heads, head dim must be even' });
  }
}

/** train_log.jsonl: a resumed run keeps only the lines up to its checkpoint; a new run starts it empty. */
function trimTrainLog(logPath: string, resumedAt: number | undefined): void {
  if (!existsSync(logPath)) return;
  if (resumedAt === undefined) {
    writeFileSync(logPath, '');
    return;
  }
  const keep = readFileSync(logPath, 'utf8')
    .split('\n')
    .filter((l) => {
      if (!l.trim()) return false;
      try {
        return (JSON.parse(l) as { step: number }).step <= resumedAt;
      } catch {
        return false; // a torn last line from the kill
      }
    });
  writeFileSync(logPath, keep.map((l) => l + '\n').join(''));
}

async function trainStreaming(opts: TrainOptions, tokenDir: string, cleanup: (() => void)[]): Promise<TrainResult> {
  const out = resolve(opts.config.out);
  const logPath = join(out, 'train_log.jsonl');
  const log = opts.log ?? (() => {});
  const { cfg, resumed, state } = resumeRun(opts.config, out, log);

  const tok = loadTokenizer(cfg.tokenizer);
  const eos = tok.eosId;
  if (eos === undefined) throw new OellmError('the tokenizer has no EOS token (needed to separate packed documents)', { file: cfg.tokenizer, code: 'E_INPUT', hint: 'set eos_token in tokenizer_config.json' });
  const { mc, initCk } = resolveModel(cfg, tok.vocabSize, resumed);
  const T = cfg.seqLen ?? mc.maxSeqLen;
  if (T > mc.maxSeqLen) throw new OellmError(`--seq-len ${T} exceeds the model's context length ${mc.maxSeqLen}`, { code: 'E_CONFIG' });
  const B = cfg.batchSize;

  // ---- data
  opts.onProgress?.({ step: state?.step ?? 0, maxSteps: cfg.maxSteps, loss: NaN, lr: 0, tokensPerS: 0, phase: 'data' });
  const data = await loadTrainData(cfg.data, tok, eos, {
    seed: cfg.seed,
    valFraction: cfg.valFraction,
    maxValDocs: cfg.maxValDocs,
    temperature: cfg.temperature,
    ...(cfg.langWeights ? { langWeights: cfg.langWeights } : {}),
    ...(cfg.langs ? { langs: cfg.langs } : {}),
    ...(process.env.OELLM_TRAIN_TOKENS === 'memory' ? {} : { tokenDir }),
  });
  cleanup.push(() => data.forEach((d) => d.train.close()));
  const weights = languageWeights(data, cfg.temperature, cfg.langWeights);
  log(`data: ${data.map((d, i) => `${d.lang} ${d.train.length} tok (${d.trainDocs} docs, p=${weights[i]!.toFixed(3)}, val ${d.valDocs} docs)`).join('; ')}`);
  const sampler = new BatchSampler(data, weights, T, cfg.seed + 1, state?.sampler);

  // ---- model + optimizer
  const kernels = pickKernels(cfg.kernels, cfg.threads);
  const model = new LlamaModel(mc, kernels);
  if (resumed) model.loadParams(resumed.params);
  else if (initCk) model.loadParams(initCk.params);
  else initParams(model, cfg.seed);
  const opt = new AdamW(kernels, model.table, model.numParams);
  if (resumed) {
    model.loadParams(resumed.optimizer!.m, opt.m);
    model.loadParams(resumed.optimizer!.v, opt.v);
    opt.step = state!.adamStep;
  }
  const sched: ScheduleConfig = { kind: cfg.schedule, lr: cfg.lr, warmup: cfg.warmup, total: cfg.maxSteps, minLrRatio: cfg.minLrRatio, decayFraction: cfg.decayFraction };

  trimTrainLog(logPath, resumed ? state!.step : undefined);

  let step = state?.step ?? 0;
  let tokens = state?.tokens ?? 0;
  let seconds = state?.seconds ?? 0;
  let val: Record<string, number> = state?.val ?? {};
  let lastGood = state?.lastGoodLoss ?? NaN;
  const lastLosses: number[] = [];
  const x = new Int32Array(B * T);
  const y = new Int32Array(B * T);
  const fpt = flopsPerToken(mc, model.numParams, T);
  const languages = data.map((d) => d.lang);

  const save = (): void => {
    opts.onProgress?.({ step, maxSteps: cfg.maxSteps, loss: lastGood, lr: 0, tokensPerS: 0, phase: 'checkpoint' });
    const ts: TrainerState = { step, tokens, adamStep: opt.step, sampler: sampler.state(), lastGoodLoss: lastGood, seconds, config: cfg, val };
    saveCheckpoint(out, {
      config: mc,
      params: views(model, model.params),
      tokenizerDir: resolve(cfg.tokenizer),
      tokens: { ...(tok.bosId !== undefined ? { bos: tok.bosId } : {}), eos, ...(tok.padId !== undefined ? { pad: tok.padId } : {}) },
      meta: {
        ...opts.meta,
        languages,
        training: {
          steps: step,
          tokens,
          seconds: Math.round(seconds * 100) / 100,
          flops: tokens * fpt,
          final_loss: lastGood,
          val_bpb: val,
          seq_len: T,
          batch_size: B,
          grad_accum: cfg.gradAccum,
          kernels: kernels.name,
          ...(cfg.init ? { init: cfg.init } : {}),
        },
      },
      optimizer: { m: views(model, opt.m), v: views(model, opt.v) },
      trainerState: ts as unknown as Record<string, unknown>,
    });
  };

  const runVal = (): void => {
    opts.onProgress?.({ step, maxSteps: cfg.maxSteps, loss: lastGood, lr: 0, tokensPerS: 0, phase: 'val' });
    val = validate(model, data, B, T, cfg.valRows);
    const line: Record<string, unknown> = { step, val_bpb: val };
    appendFileSync(logPath, JSON.stringify(line) + '\n');
  };

  if (!resumed) save(); // step-0 checkpoint: a kill before the first periodic one still resumes (and replaces an older run in --out)
  // Adaptation: measure the imported model on this corpus before the first step.
  let valInit: Record<string, number> | undefined;
  if (initCk && !resumed) valInit = validate(model, data, B, T, cfg.valRows); // not logged: the log's lines stay training steps
  writeFileAtomic(join(out, 'train_config.yaml'), dumpConfig({ ...cfg, model: mc }, `oellm ${VERSION} train — resolved configuration`));
  const scale = 1 / (B * T * cfg.gradAccum);
  let lastYield = 0;
  while (step < cfg.maxSteps) {
    // The step boundary is the safe point: a signal saves a checkpoint here and stops. Yielding
    // to the event loop (where signal handlers run) at most every 20 ms keeps tiny steps fast.
    if (performance.now() - lastYield > 20) {
      await new Promise<void>((r) => setImmediate(r));
      lastYield = performance.now();
    }
    const sig = stopRequested();
    if (sig) {
      if (step !== loadSavedStep(out)) save();
      throw new Interrupted(sig, `training stopped at step ${step} of ${cfg.maxSteps} (checkpoint saved in ${out})`, `resume with: oellm train --resume --out ${cfg.out}`);
    }
    const t0 = performance.now();
    model.zeroGrad();
    let loss = 0;
    const langCount: Record<string, number> = {};
    for (let micro = 0; micro < cfg.gradAccum; micro++) {
      for (const l of sampler.next(x, y, B)) langCount[l] = (langCount[l] ?? 0) + 1;
      loss += model.forward(x, y, B, T, scale) / cfg.gradAccum;
      model.backward();
    }
    const gradNorm = clipGradNorm(kernels, model.grads, cfg.gradClip);
    if (!Number.isFinite(loss) || !Number.isFinite(gradNorm)) {
      throw new OellmError(`training diverged: ${!Number.isFinite(loss) ? `loss is ${loss}` : `gradient norm is ${gradNorm}`} at step ${step + 1}; the last good checkpoint (step ${loadSavedStep(out) ?? 0}) is kept in ${out}`, {
        code: 'E_DIVERGED',
        hint: 'lower --lr, raise --warmup, or keep --grad-clip on; then --resume',
      });
    }
    const lr = lrAt(step, sched);
    opt.update(model.params, model.grads, lr, { lr, beta1: cfg.beta1, beta2: cfg.beta2, eps: cfg.eps, weightDecay: cfg.weightDecay });
    step++;
    tokens += B * T * cfg.gradAccum;
    const dt = (performance.now() - t0) / 1000;
    seconds += dt;
    lastGood = loss;
    lastLosses.push(loss);
    if (lastLosses.length > 10) lastLosses.shift();
    const tps = (B * T * cfg.gradAccum) / dt;
    appendFileSync(logPath, JSON.stringify({ step, loss, lr, grad_norm: gradNorm, tokens, tokens_per_s: Math.round(tps * 10) / 10, langs: langCount }) + '\n');
    opts.onProgress?.({ step, maxSteps: cfg.maxSteps, loss, lr, tokensPerS: tps, phase: 'train' });
    const last = step === cfg.maxSteps;
    if ((cfg.valEvery > 0 && step % cfg.valEvery === 0) || last) runVal();
    if ((cfg.checkpointEvery > 0 && step % cfg.checkpointEvery === 0) || last) save();
  }
  if (step >= cfg.maxSteps && Object.keys(val).length === 0) runVal();
  opts.onProgress?.({ step, maxSteps: cfg.maxSteps, loss: lastGood, lr: 0, tokensPerS: tokens / Math.max(1e-9, seconds), phase: 'done', val });
  return {
    checkpointDir: out,
    steps: step,
    tokens,
    finalLoss: lastGood,
    lastLosses,
    val,
    ...(valInit ? { valInit } : {}),
    seconds,
    tokensPerS: tokens / Math.max(1e-9, seconds),
    params: model.numParams,
    kernels: kernels.name,
  };
}

function loadSavedStep(out: string): number | undefined {
  try {
    return (JSON.parse(readFileSync(join(out, 'trainer_state.json'), 'utf8')) as { step: number }).step;
  } catch {
    return undefined;
  }
}
