// GGUF backend: log-probabilities from llama.cpp through node-llama-cpp. One context holds
// `sequences` independent sequences; requests go to free sequences concurrently, so llama.cpp
// evaluates many of them in one batch. Per scored position it asks only for the target token's
// raw logit, the max logit and Σ exp(logit − max) (node-llama-cpp `totalLogitWeight`), so
// ln P = logit − max − ln Σ — no full-vocabulary copy into JavaScript. `distributions` (for the
// quant task) copies full rows. Not the runtime wrapper (src/runtime/llamacpp.ts).
// Reference: node-llama-cpp 3.x LlamaContextSequence.controlledEvaluate.
import { basename } from 'node:path';
import type { LlamaContext, LlamaContextSequence, Token } from 'node-llama-cpp';
import { LlamaCppModel, type RuntimeOptions } from '../../runtime/llamacpp.js';
import { readGguf } from '../../formats/gguf/reader.js';
import { OellmError } from '../../util/errors.js';
import type { Backend, ScoreRequest, Scored } from '../types.js';
import { fileSha256 } from '../tasks/files.js';

export interface GgufBackendOptions extends RuntimeOptions {
  /** Parallel sequences per context (default 1: one sequence was fastest on CPU in bench/eval, docs/BENCHMARKS.md; a GPU may want more). */
  sequences?: number;
  /** Cap on the context length (default: the model's training context). */
  contextLength?: number;
  id?: string;
}

const QUANT_NAMES: Record<number, string> = { 0: 'f32', 1: 'f16', 7: 'q8_0', 2: 'q4_0', 15: 'q4_k', 14: 'q4_k', 18: 'q6_k' };

export class GgufBackend implements Backend {
  readonly kind = 'gguf' as const;
  private ctx: Promise<LlamaContext> | undefined;
  private free: LlamaContextSequence[] = [];
  private waiters: ((s: LlamaContextSequence) => void)[] = [];

  private constructor(
    readonly id: string,
    readonly path: string,
    readonly sha256: string,
    readonly model: LlamaCppModel,
    readonly contextLength: number,
    readonly prefix: number | null,
    readonly vocabSize: number,
    private readonly sequences: number,
    readonly quant?: string,
  ) {}

  static async open(path: string, o: GgufBackendOptions = {}): Promise<GgufBackend> {
    const model = await LlamaCppModel.load(path, o);
    let quant: string | undefined;
    let vocab = 0;
    try {
      const f = readGguf(path);
      quant = QUANT_NAMES[Number(f.kv.get('general.file_type')?.value)];
      const toks = f.kv.get('tokenizer.ggml.tokens')?.value;
      if (Array.isArray(toks)) vocab = toks.length;
    } catch {
      /* llama.cpp loaded it; the names are informative only */
    }
    const train = model.model.trainContextSize || 2048;
    const ctxLen = Math.min(o.contextLength ?? train, train);
    const addBos = model.model.fileInfo.metadata?.tokenizer?.ggml?.add_bos_token !== false;
    const prefix = addBos && model.bos !== null ? model.bos : model.eos;
    return new GgufBackend(o.id ?? basename(path).replace(/\.gguf$/, ''), path, await fileSha256(path), model, ctxLen, prefix, vocab, Math.max(1, o.sequences ?? 1), ...(quant ? [quant] : []));
  }

  async tokenize(text: string): Promise<number[]> {
    return this.model.tokenize(text, false);
  }

  /** The shared context, created once (concurrent first callers wait for the same one). */
  private context(): Promise<LlamaContext> {
    // Room beyond the window: a full context would trigger a context shift on the last token.
    this.ctx ??= this.model.context(this.contextLength + 16, this.sequences, Math.min(4096, (this.contextLength + 16) * this.sequences)).then((c) => {
      for (let i = 0; i < this.sequences; i++) this.free.push(c.getSequence());
      return c;
    });
    return this.ctx;
  }

  private async acquire(): Promise<LlamaContextSequence> {
    await this.context();
    const s = this.free.pop();
    if (s) return s;
    return new Promise((res) => this.waiters.push(res));
  }

  private release(s: LlamaContextSequence): void {
    const w = this.waiters.shift();
    if (w) w(s);
    else this.free.push(s);
  }

  private check(req: ScoreRequest): void {
    if (req.from < 1 || req.from > req.tokens.length) throw new OellmError(`score request: from ${req.from} outside 1..${req.tokens.length}`, { code: 'E_INPUT' });
    if (req.tokens.length - 1 > this.contextLength) throw new OellmError(`score request of ${req.tokens.length} tokens exceeds the context (${this.contextLength})`, { code: 'E_INPUT', hint: 'split the text into windows (src/eval/windows.ts)' });
  }

  /**
   * A one-sequence context decoding in micro-batches of 16 tokens: llama.cpp (node-llama-cpp 3.22
   * CPU build) returns NaN logits for batches of ≥ 32 tokens on Q4_0 models with 32-wide rows
   * (measured on the build test's dim-32 edge variant); such requests are scored again here.
   */
  private small: Promise<LlamaContextSequence> | undefined;

  private async scoreOne(req: ScoreRequest): Promise<Scored> {
    this.check(req);
    const seq = await this.acquire();
    let r: Scored;
    try {
      r = await this.evaluate(seq, req);
    } finally {
      this.release(seq);
    }
    if (r.logprobs.every(Number.isFinite)) return r;
    this.small ??= this.model.context(this.contextLength + 16, 1, 16).then((c) => ((this.smallCtx = c), c.getSequence()));
    const s = await this.small;
    const again = await this.lock(() => this.evaluate(s, req));
    const bad = again.logprobs.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0)
      throw new OellmError(`llama.cpp returned a non-finite log-probability (${again.logprobs[bad]}) at position ${req.from + bad}`, {
        file: this.path,
        code: 'E_RUNTIME',
        hint: 'the GGUF may be damaged; check it with `oellm inspect` and compare with its F16 export',
      });
    return again;
  }

  private smallCtx: LlamaContext | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  /** Runs fn after every earlier call (the fallback context has one sequence). */
  private lock<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.chain.then(fn, fn);
    this.chain = p.catch(() => {});
    return p;
  }

  private async evaluate(seq: LlamaContextSequence, req: ScoreRequest): Promise<Scored> {
    {
      await seq.clearHistory();
      const t = req.tokens;
      const input = [] as Parameters<LlamaContextSequence['controlledEvaluate']>[0];
      for (let i = 0; i < t.length - 1; i++) {
        input.push(i + 1 >= req.from ? [t[i]! as Token, { generateNext: { logits: { filter: { tokens: [t[i + 1]! as Token], includeTop: 1 } }, totalLogitWeight: true } }] : (t[i]! as Token));
      }
      const res = await seq.controlledEvaluate(input);
      const logprobs: number[] = [];
      let greedy = true;
      for (let i = req.from - 1; i < t.length - 1; i++) {
        const next = res[i]?.next;
        const m = next?.logits;
        const total = next?.totalLogitWeight;
        if (!m || total === undefined) throw new OellmError(`llama.cpp returned no logits for position ${i}`, { code: 'E_RUNTIME' });
        const first = m.entries().next().value as [number, number];
        const target = m.get(t[i + 1]! as Token);
        if (target === undefined) throw new OellmError(`llama.cpp returned no logit for token ${t[i + 1]}`, { code: 'E_RUNTIME' });
        // The map is sorted by logit, highest first: its first entry is the max.
        logprobs.push(target - first[1] - Math.log(total));
        if (first[0] !== t[i + 1] && first[1] > target) greedy = false;
      }
      return { logprobs, greedy };
    }
  }

  score(reqs: readonly ScoreRequest[]): Promise<Scored[]> {
    return Promise.all(reqs.map((r) => this.scoreOne(r)));
  }

  async distributions(req: ScoreRequest): Promise<Float32Array[]> {
    this.check(req);
    const seq = await this.acquire();
    let rows: Float32Array[];
    try {
      rows = await this.rows(seq, req);
    } finally {
      this.release(seq);
    }
    if (rows.every((r) => r.every(Number.isFinite))) return rows;
    this.small ??= this.model.context(this.contextLength + 16, 1, 16).then((c) => ((this.smallCtx = c), c.getSequence()));
    const s = await this.small;
    rows = await this.lock(() => this.rows(s, req));
    if (!rows.every((r) => r.every(Number.isFinite))) throw new OellmError('llama.cpp returned non-finite logits', { file: this.path, code: 'E_RUNTIME', hint: 'the GGUF may be damaged; check it with `oellm inspect`' });
    return rows;
  }

  /** Log-softmax rows for positions from .. end-1 (full logits copied out of llama.cpp). */
  private async rows(seq: LlamaContextSequence, req: ScoreRequest): Promise<Float32Array[]> {
    {
      await seq.clearHistory();
      const t = req.tokens;
      const input = [] as Parameters<LlamaContextSequence['controlledEvaluate']>[0];
      for (let i = 0; i < t.length - 1; i++) input.push(i + 1 >= req.from ? [t[i]! as Token, { generateNext: { logits: true } }] : (t[i]! as Token));
      const res = await seq.controlledEvaluate(input);
      const rows: Float32Array[] = [];
      for (let i = req.from - 1; i < t.length - 1; i++) {
        const m = res[i]?.next.logits;
        if (!m) throw new OellmError(`llama.cpp returned no logits for position ${i}`, { code: 'E_RUNTIME' });
        const row = new Float32Array(this.vocabSize || m.size);
        let max = -Infinity;
        for (const [k, v] of m) {
          row[k] = v;
          if (v > max) max = v;
        }
        let s = 0;
        for (let k = 0; k < row.length; k++) s += Math.exp(row[k]! - max);
        const lse = max + Math.log(s);
        for (let k = 0; k < row.length; k++) row[k] = row[k]! - lse;
        rows.push(row);
      }
      return rows;
    }
  }

  async close(): Promise<void> {
    await (await this.ctx?.catch(() => undefined))?.dispose();
    await this.smallCtx?.dispose();
    await this.model.dispose();
  }
}
