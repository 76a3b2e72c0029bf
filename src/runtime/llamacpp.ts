// llama.cpp through node-llama-cpp (prebuilt binaries from npm, never downloaded or built here):
// load a GGUF (validated by our reader first: src/formats/gguf), tokenize/detokenize, raw logits for every position of a token sequence (F32 KV
// cache, flash attention off: the parity setting), and greedy or sampled generation with
// timing. Not a server (src/serve) and not a chat wrapper: plain completion of a prompt.
// Reference: node-llama-cpp 3.x API (getLlama, LlamaModel, LlamaContextSequence.controlledEvaluate).
import { existsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { getLlama, type Llama, type LlamaContext, type LlamaModel, type Token } from 'node-llama-cpp';
import { OellmError } from '../util/errors.js';
import { readGguf } from '../formats/gguf/reader.js';

export interface RuntimeOptions {
  /** Use a GPU backend when one is available (default false: CPU, reproducible). */
  gpu?: boolean;
  /** Threads for the CPU backend (default: defaultThreads()). */
  threads?: number;
}

/**
 * llama.cpp's CPU thread count when none is given: OELLM_LLAMA_THREADS, else half the cores minus
 * the load other processes already put on them, at least 1. llama.cpp's workers spin at every
 * barrier; when the machine is oversubscribed a descheduled worker stalls the rest, and the
 * default (all cores) fell to 0.6 tokens/s against 1,728 with one thread on the loaded 2-core
 * build machine (bench/eval/threads.ts measures both in one run).
 */
export function defaultThreads(): number {
  const env = Number(process.env.OELLM_LLAMA_THREADS);
  if (Number.isInteger(env) && env > 0) return env;
  const cores = availableParallelism();
  const busy = Math.floor(loadavg()[0] ?? 0);
  return Math.max(1, Math.min(Math.floor(cores / 2), cores - busy));
}

const llamas = new Map<string, Promise<Llama>>();

/** One Llama instance per backend choice, created lazily; never builds or downloads binaries. */
export function runtime(o: RuntimeOptions = {}): Promise<Llama> {
  const key = o.gpu ? 'auto' : 'cpu';
  let p = llamas.get(key);
  if (!p) {
    p = getLlama({ gpu: o.gpu ? 'auto' : false, build: 'never', skipDownload: true, progressLogs: false, logLevel: 'error' as never }).catch((e: unknown) => {
      llamas.delete(key);
      throw new OellmError(`llama.cpp runtime (node-llama-cpp) could not start: ${(e as Error).message}`, {
        code: 'E_RUNTIME',
        hint: 'node-llama-cpp ships prebuilt binaries as optional npm dependencies (@node-llama-cpp/<platform>); reinstall with optional dependencies enabled',
      });
    });
    llamas.set(key, p);
  }
  return p;
}

export interface GenerateOptions {
  maxTokens?: number;
  /** 0 = greedy (default). */
  temperature?: number;
  topK?: number;
  topP?: number;
  seed?: number;
  /** Stop at the model's end-of-generation token (default true). */
  stopAtEos?: boolean;
  /** Prepend BOS as the GGUF's tokenizer.ggml.add_bos_token says (default true). */
  addBos?: boolean;
  onToken?: (text: string) => void;
}

export interface GenerateResult {
  text: string;
  promptTokens: number;
  tokens: number[];
  /** Prompt evaluation and generation wall times, seconds. */
  promptSeconds: number;
  genSeconds: number;
  tokensPerSecond: number;
}

export class LlamaCppModel {
  private constructor(
    readonly path: string,
    readonly model: LlamaModel,
    private readonly opts: RuntimeOptions,
  ) {}

  static async load(path: string, opts: RuntimeOptions = {}): Promise<LlamaCppModel> {
    if (!existsSync(path)) throw new OellmError(`GGUF file not found: ${path}`, { file: path, code: 'E_IO' });
    // Our reader first: counts bounded by the file size, offsets and tensor data inside it. A
    // crafted header makes llama.cpp's loader grow without bound; ours throws a FormatError.
    readGguf(path);
    const llama = await runtime(opts);
    try {
      const model = await llama.loadModel({ modelPath: path, gpuLayers: opts.gpu ? 'auto' : 0, useMmap: true });
      return new LlamaCppModel(path, model, opts);
    } catch (e) {
      throw new OellmError(`llama.cpp could not load the model: ${(e as Error).message}`, { file: path, code: 'E_RUNTIME', hint: 'check it with `oellm inspect`' });
    }
  }

  get bos(): number | null {
    return this.model.tokens.bos;
  }
  get eos(): number | null {
    return this.model.tokens.eos;
  }

  /** Token ids of `text`; `special` parses special-token text like `<|bos|>`. */
  tokenize(text: string, special = false): number[] {
    return Array.from(this.model.tokenize(text, special), Number);
  }

  detokenize(ids: readonly number[], special = false): string {
    return this.model.detokenize(ids as Token[], special);
  }

  /** Threads this model's contexts use (the option, else defaultThreads()). */
  get threads(): number {
    return this.opts.threads ?? defaultThreads();
  }

  /**
   * A context in the parity setting (F32 KV cache, flash attention off) with `sequences`
   * independent sequences of `size` tokens each, evaluated together in batches of `batch` tokens.
   */
  async context(size: number, sequences = 1, batch = size): Promise<LlamaContext> {
    return this.model.createContext({
      contextSize: size,
      sequences,
      batchSize: batch,
      flashAttention: false,
      experimentalKvCacheKeyType: 'F32',
      experimentalKvCacheValueType: 'F32',
      threads: { ideal: this.threads, min: 1 },
    });
  }

  /** Raw logits after each token of `tokens` (result[t] has the vocabulary size), in one batch. */
  async logits(tokens: readonly number[]): Promise<Float32Array[]> {
    // Room beyond the sequence: a full context would trigger a context shift on the last token.
    const ctx = await this.context(Math.max(32, tokens.length + 16));
    try {
      const seq = ctx.getSequence();
      const res = await seq.controlledEvaluate(tokens.map((t) => [t as Token, { generateNext: { logits: true } }]));
      return res.map((r, i) => {
        const m = r?.next.logits;
        if (!m) throw new OellmError(`llama.cpp returned no logits for position ${i}`, { code: 'E_RUNTIME' });
        let max = 0;
        for (const k of m.keys()) if (k > max) max = k;
        const out = new Float32Array(Math.max(max + 1, m.size));
        for (const [k, v] of m) out[k] = v;
        return out;
      });
    } finally {
      await ctx.dispose();
    }
  }

  /** Completes `prompt`; timings separate prompt processing from token generation. */
  async generate(prompt: string, o: GenerateOptions = {}): Promise<GenerateResult> {
    const maxTokens = o.maxTokens ?? 64;
    const addBos = o.addBos ?? true;
    const promptIds = this.tokenize(prompt, false);
    const bos = this.model.tokens.bos;
    const addBosMeta = this.model.fileInfo.metadata?.tokenizer?.ggml?.add_bos_token !== false;
    if (addBos && addBosMeta && bos !== null && promptIds[0] !== bos) promptIds.unshift(bos);
    if (promptIds.length === 0) throw new OellmError('empty prompt', { code: 'E_INPUT', hint: 'pass --prompt TEXT' });
    const ctx = await this.context(Math.min(this.model.trainContextSize || 2048, Math.max(64, promptIds.length + maxTokens + 1)));
    try {
      const seq = ctx.getSequence();
      const stopAtEos = o.stopAtEos ?? true;
      const out: number[] = [];
      const t0 = performance.now();
      let t1 = t0;
      const gen = seq.evaluate(promptIds as Token[], {
        temperature: o.temperature ?? 0,
        ...(o.topK !== undefined ? { topK: o.topK } : {}),
        ...(o.topP !== undefined ? { topP: o.topP } : {}),
        ...(o.seed !== undefined ? { seed: o.seed } : {}),
      });
      for await (const tok of gen) {
        if (out.length === 0) t1 = performance.now();
        if (stopAtEos && this.model.isEogToken(tok)) break;
        out.push(Number(tok));
        o.onToken?.(this.detokenize([tok as number], false));
        if (out.length >= maxTokens) break;
      }
      const t2 = performance.now();
      const genSeconds = (t2 - t1) / 1000;
      return {
        text: this.detokenize(out),
        promptTokens: promptIds.length,
        tokens: out,
        promptSeconds: (t1 - t0) / 1000,
        genSeconds,
        // The first token comes with the prompt batch; the rest are one decode step each.
        tokensPerSecond: out.length > 1 ? (out.length - 1) / genSeconds : 0,
      };
    } finally {
      await ctx.dispose();
    }
  }

  async dispose(): Promise<void> {
    await this.model.dispose();
  }
}
