// One served model: a GGUF loaded in llama.cpp (node-llama-cpp) with one context of `parallel`
// sequences that llama.cpp batches into shared decode steps, a bounded wait queue in front of
// them (429 when full), token generation with optional log-probabilities, and prompt scoring
// (the log-probability of every prompt token, for `echo`). Not HTTP (api.ts) and not text
// handling such as stop strings (generation.ts). Reference: node-llama-cpp 3.x LlamaContext,
// LlamaContextSequence.evaluateWithMetadata / controlledEvaluate; llama.cpp tools/server slots.
import type { LlamaContext, LlamaContextSequence, Token } from 'node-llama-cpp';
import { LlamaCppModel } from '../runtime/llamacpp.js';
import { ApiError } from './errors.js';
import type { Limits } from './limits.js';
import type { ModelEntry } from './models.js';

export interface SampleOptions {
  temperature: number;
  topP?: number;
  seed?: number;
  maxTokens: number;
  /** Alternatives per generated token (0: only the chosen token's log-probability; null: none). */
  logprobs: number | null;
}

export interface TokenLogprob {
  id: number;
  logprob: number;
}

export interface GeneratedToken {
  id: number;
  /** Log-probability of the token and the top alternatives (when asked for). */
  logprob?: number;
  top?: TokenLogprob[];
  eog: boolean;
}

export interface ScoredToken {
  id: number;
  /** null for the first token (nothing before it to condition on). */
  logprob: number | null;
  top: TokenLogprob[] | null;
}

/** A sequence lent to one request; `release()` hands it back and wakes the next waiter. */
export interface Slot {
  seq: LlamaContextSequence;
  release(): void;
}

/** Cells per sequence beyond the advertised context (see ModelEngine.load). */
const CONTEXT_ROOM = 16;

export class ModelEngine {
  private readonly free: LlamaContextSequence[] = [];
  private readonly waiters: { resolve: (s: LlamaContextSequence) => void; reject: (e: unknown) => void; signal: AbortSignal; onAbort: () => void }[] = [];
  private active = 0;

  private constructor(
    readonly entry: ModelEntry,
    readonly llm: LlamaCppModel,
    readonly context: LlamaContext,
    /** Tokens per sequence. */
    readonly ctxSize: number,
    readonly limits: Limits,
    readonly created: number,
  ) {
    for (let i = 0; i < limits.parallel; i++) this.free.push(context.getSequence());
  }

  static async load(entry: ModelEntry, limits: Limits): Promise<ModelEngine> {
    const llm = await LlamaCppModel.load(entry.path, { threads: limits.threads });
    const ctxSize = limits.ctx > 0 ? limits.ctx : llm.model.trainContextSize || 2048;
    try {
      const context = await llm.model.createContext({
        // Room beyond the advertised context: a sequence filled to its last cell makes
        // node-llama-cpp shift the context (dropping early tokens), which changed scores of full
        // windows (as src/eval/backends/gguf.ts found); requests stay within `ctxSize` (api.ts).
        contextSize: ctxSize + CONTEXT_ROOM,
        sequences: limits.parallel,
        batchSize: Math.min(4096, Math.max(512, ctxSize)),
        threads: limits.threads,
        // The parity setting of src/runtime/llamacpp.ts, so scores over HTTP equal the GGUF backend's.
        flashAttention: false,
        experimentalKvCacheKeyType: 'F32',
        experimentalKvCacheValueType: 'F32',
      });
      return new ModelEngine(entry, llm, context, Math.min(ctxSize, context.contextSize - CONTEXT_ROOM), limits, Math.floor(Date.now() / 1000));
    } catch (e) {
      await llm.dispose();
      throw e;
    }
  }

  get queueDepth(): number {
    return this.waiters.length;
  }
  get activeSequences(): number {
    return this.active;
  }

  get bos(): number | null {
    return this.llm.bos;
  }
  /** Whether a text prompt gets BOS prepended (tokenizer.ggml.add_bos_token, default true). */
  get addsBos(): boolean {
    return this.llm.bos !== null && this.llm.model.fileInfo.metadata?.tokenizer?.ggml?.add_bos_token !== false;
  }
  get vocabSize(): number {
    return this.llm.model.fileInfo.metadata?.tokenizer?.ggml?.tokens?.length ?? 0;
  }

  tokenize(text: string, addSpecial: boolean): number[] {
    const ids = this.llm.tokenize(text, false);
    if (addSpecial && this.addsBos && ids[0] !== this.bos) ids.unshift(this.bos!);
    return ids;
  }
  detokenize(ids: readonly number[]): string {
    return this.llm.detokenize(ids, false);
  }

  /** Waits for a free sequence; 429 when `queue` requests already wait; rejects when `signal` aborts. */
  acquire(signal: AbortSignal): Promise<Slot> {
    const lend = (seq: LlamaContextSequence): Slot => {
      this.active++;
      let done = false;
      return {
        seq,
        release: () => {
          if (done) return;
          done = true;
          this.active--;
          void seq.clearHistory().then(
            () => this.handBack(seq),
            () => this.handBack(seq),
          );
        },
      };
    };
    if (signal.aborted) return Promise.reject(signal.reason);
    const seq = this.free.pop();
    if (seq) return Promise.resolve(lend(seq));
    if (this.waiters.length >= this.limits.queue) {
      return Promise.reject(new ApiError(429, `model ${this.entry.id} is busy: ${this.limits.parallel} requests running and ${this.waiters.length} waiting; retry later`, 'rate_limit_error', null, 'queue_full', { 'Retry-After': '1' }));
    }
    return new Promise<Slot>((resolve, reject) => {
      const w = {
        resolve: (s: LlamaContextSequence) => resolve(lend(s)),
        reject,
        signal,
        onAbort: () => {
          const i = this.waiters.indexOf(w);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(signal.reason);
        },
      };
      signal.addEventListener('abort', w.onAbort, { once: true });
      this.waiters.push(w);
    });
  }

  private handBack(seq: LlamaContextSequence): void {
    const w = this.waiters.shift();
    if (w) {
      w.signal.removeEventListener('abort', w.onAbort);
      w.resolve(seq);
    } else this.free.push(seq);
  }

  /**
   * Generates after `prompt` on the slot's sequence until `maxTokens`, an end-of-generation token
   * (yielded with eog, then stops), the context's end, or `signal`. The caller stops early by
   * breaking out of the loop (stop strings), which stops llama.cpp's generation too.
   */
  async *generate(slot: Slot, prompt: readonly number[], o: SampleOptions, signal: AbortSignal): AsyncGenerator<GeneratedToken> {
    const room = this.ctxSize - prompt.length;
    const max = Math.min(o.maxTokens, room);
    if (max <= 0 || signal.aborted) return;
    // OpenAI's semantics: no top-k and top_p 1 unless asked (node-llama-cpp's own defaults are
    // top-k 40 and top-p 0.95); the end-of-generation token is yielded so finish_reason is "stop".
    const sampling = {
      temperature: o.temperature,
      topK: 0,
      topP: o.topP ?? 1,
      yieldEogToken: true,
      ...(o.seed !== undefined ? { seed: o.seed } : {}),
    };
    const k = o.logprobs;
    const source: AsyncGenerator<unknown, void, void | Token | Token[]> = k === null ? slot.seq.evaluate(prompt as Token[], sampling) : slot.seq.evaluateWithMetadata(prompt as Token[], { probabilities: true }, sampling);
    // One token ahead: the next decode runs in llama.cpp's thread while this one is turned into
    // text, JSON and bytes on the socket, so the per-token JavaScript work does not add to the
    // decode time. Never past max_tokens or an end-of-generation token; a stop string or a
    // disconnect costs at most one extra decode.
    let pending = source.next();
    let ahead = true;
    let n = 0;
    try {
      for (;;) {
        const r = await pending;
        ahead = false;
        if (r.done || signal.aborted) return;
        const out = r.value as Token | { token: Token; probabilities: Map<Token, number> };
        const tok = typeof out === 'object' ? out.token : out;
        const eog = this.llm.model.isEogToken(tok);
        n++;
        if (!eog && n < max) {
          pending = source.next();
          ahead = true;
        }
        if (typeof out !== 'object') yield { id: Number(tok), eog };
        else {
          const p = out.probabilities.get(tok) ?? 0;
          const top: TokenLogprob[] = [];
          if (k !== null && k > 0)
            for (const [id, q] of out.probabilities) {
              if (top.length >= k) break;
              top.push({ id: Number(id), logprob: Math.log(q) });
            }
          yield { id: Number(tok), logprob: Math.log(p), top, eog };
        }
        if (eog || n >= max) return;
      }
    } finally {
      // A decode requested ahead must finish before the sequence is reused.
      if (ahead) await pending.catch(() => undefined);
      await source.return(undefined);
    }
  }

  /**
   * Log-probability of each token of `tokens` given the ones before it, and the `k` most likely
   * tokens at each position (k = 0: none), from raw logits in one pass:
   * log p(t) = logit(t) − max − ln Σ exp(logit − max).
   */
  async score(slot: Slot, tokens: readonly number[], k: number): Promise<ScoredToken[]> {
    // The last token is scored, never decoded (nothing comes after it), so a prompt of context + 1
    // tokens fits, as in the eval stage's windows (src/eval/windows.ts).
    const input = tokens.slice(0, -1).map((t, i) => [t as Token, { generateNext: { logits: { filter: { tokens: [tokens[i + 1]! as Token], includeTop: Math.max(1, k) } }, totalLogitWeight: true } }] as const);
    const res = input.length > 0 ? await slot.seq.controlledEvaluate(input as never) : [];
    const out: ScoredToken[] = [{ id: tokens[0]!, logprob: null, top: null }];
    for (let i = 0; i + 1 < tokens.length; i++) {
      const next = res[i]?.next;
      const logits = next?.logits;
      const total = next?.totalLogitWeight;
      if (!logits || total === undefined) throw new ApiError(500, `llama.cpp returned no logits for prompt position ${i}`);
      let max = -Infinity;
      for (const v of logits.values()) if (v > max) max = v;
      const norm = max + Math.log(total);
      const want = tokens[i + 1]!;
      const sorted = k > 0 ? [...logits.entries()].sort((a, b) => b[1] - a[1]).slice(0, k) : [];
      out.push({ id: want, logprob: logits.get(want as Token)! - norm, top: k > 0 ? sorted.map(([id, v]) => ({ id: Number(id), logprob: v - norm })) : null });
    }
    return out;
  }

  async dispose(): Promise<void> {
    for (const w of this.waiters.splice(0)) w.reject(new ApiError(503, 'server shutting down'));
    await this.context.dispose();
    await this.llm.dispose();
  }
}
