// Checkpoint backend: log-probabilities from oellm's own forward pass (src/train/model.ts, the
// native kernels when they load) over a checkpoint dir, requests padded into batches of equal
// length (causal attention: padding after a sequence does not change its logits), log-softmax in
// float64. Not a KV-cached generator: every request is one full forward over its tokens.
// Reference: lm-evaluation-harness models/huggingface.py (_loglikelihood_tokens).
import { join } from 'node:path';
import { loadCheckpoint } from '../../model/checkpoint.js';
import { loadTokenizer, type LoadedTokenizer } from '../../tokenizer/index.js';
import { defaultKernels } from '../../train/backend.js';
import { LlamaModel } from '../../train/model.js';
import { OellmError } from '../../util/errors.js';
import type { Backend, ScoreRequest, Scored } from '../types.js';
import { fileSha256 } from '../tasks/files.js';
import { basename, resolve } from 'node:path';

export class CheckpointBackend implements Backend {
  readonly kind = 'checkpoint' as const;
  readonly quant = 'f32';
  private constructor(
    readonly id: string,
    readonly path: string,
    readonly sha256: string,
    private readonly model: LlamaModel,
    private readonly tok: LoadedTokenizer,
    readonly contextLength: number,
    readonly prefix: number | null,
    readonly vocabSize: number,
    private readonly batch: number,
  ) {}

  static async open(dir: string, o: { id?: string; batch?: number; contextLength?: number } = {}): Promise<CheckpointBackend> {
    const ck = loadCheckpoint(dir, { skipOptimizer: true });
    if (!ck.tokenizerJson) throw new OellmError('the checkpoint has no tokenizer.json', { file: dir, code: 'E_INPUT', hint: 'copy the tokenizer dir it was trained with into the checkpoint dir' });
    const tok = loadTokenizer(ck.dir);
    if (tok.vocabSize !== ck.config.vocabSize)
      throw new OellmError(`tokenizer.json has ${tok.vocabSize} tokens but the model has ${ck.config.vocabSize}`, { file: ck.tokenizerJson, code: 'E_VOCAB', hint: 'the tokenizer does not belong to this model' });
    const model = new LlamaModel(ck.config, defaultKernels());
    model.loadParams(ck.params);
    const bos = ck.tokens.bos ?? tok.bosId;
    const eos = ck.tokens.eos ?? tok.eosId;
    const ctxLen = Math.min(o.contextLength ?? ck.config.maxSeqLen, ck.config.maxSeqLen);
    return new CheckpointBackend(o.id ?? basename(resolve(dir)), dir, await fileSha256(join(dir, 'model.safetensors')), model, tok, ctxLen, bos ?? eos ?? null, ck.config.vocabSize, Math.max(1, o.batch ?? 8));
  }

  async tokenize(text: string): Promise<number[]> {
    return this.tok.encode(text);
  }

  /** Forward over up to `batch` requests; calls `row(r, t, logits)` for each wanted position. */
  private forward(reqs: readonly ScoreRequest[], row: (r: number, t: number, logits: Float32Array) => void): void {
    const V = this.vocabSize;
    for (const q of reqs) {
      if (q.from < 1 || q.from > q.tokens.length) throw new OellmError(`score request: from ${q.from} outside 1..${q.tokens.length}`, { code: 'E_INPUT' });
      if (q.tokens.length - 1 > this.contextLength) throw new OellmError(`score request of ${q.tokens.length} tokens exceeds the context (${this.contextLength})`, { code: 'E_INPUT', hint: 'split the text into windows (src/eval/windows.ts)' });
    }
    const T = Math.max(1, ...reqs.map((q) => q.tokens.length - 1));
    const B = reqs.length;
    const x = new Int32Array(B * T);
    reqs.forEach((q, b) => {
      for (let t = 0; t < q.tokens.length - 1; t++) x[b * T + t] = q.tokens[t]!;
    });
    this.model.forward(x, null, B, T);
    reqs.forEach((q, b) => {
      for (let t = q.from - 1; t < q.tokens.length - 1; t++) row(b, t, this.model.logits.subarray((b * T + t) * V, (b * T + t + 1) * V));
    });
  }

  /** Requests sorted by length so each batch pads little; results in request order. */
  private batches<T>(reqs: readonly ScoreRequest[], run: (group: ScoreRequest[], idx: number[]) => T[]): T[] {
    const order = reqs.map((_, i) => i).sort((a, b) => reqs[b]!.tokens.length - reqs[a]!.tokens.length);
    const out = new Array<T>(reqs.length);
    for (let i = 0; i < order.length; i += this.batch) {
      const idx = order.slice(i, i + this.batch);
      const res = run(
        idx.map((j) => reqs[j]!),
        idx,
      );
      idx.forEach((j, k) => (out[j] = res[k]!));
    }
    return out;
  }

  async score(reqs: readonly ScoreRequest[]): Promise<Scored[]> {
    return this.batches(reqs, (group) => {
      const res: Scored[] = group.map(() => ({ logprobs: [], greedy: true }));
      this.forward(group, (b, t, logits) => {
        const target = group[b]!.tokens[t + 1]!;
        let max = -Infinity;
        let arg = 0;
        for (let i = 0; i < logits.length; i++) {
          if (logits[i]! > max) {
            max = logits[i]!;
            arg = i;
          }
        }
        let s = 0;
        for (let i = 0; i < logits.length; i++) s += Math.exp(logits[i]! - max);
        res[b]!.logprobs.push(logits[target]! - max - Math.log(s));
        if (arg !== target && logits[arg]! > logits[target]!) res[b]!.greedy = false;
      });
      return res;
    });
  }

  async distributions(req: ScoreRequest): Promise<Float32Array[]> {
    const rows: Float32Array[] = [];
    this.forward([req], (_, __, logits) => {
      let max = -Infinity;
      for (let i = 0; i < logits.length; i++) if (logits[i]! > max) max = logits[i]!;
      let s = 0;
      for (let i = 0; i < logits.length; i++) s += Math.exp(logits[i]! - max);
      const lse = max + Math.log(s);
      rows.push(Float32Array.from(logits, (v) => v - lse));
    });
    return rows;
  }

  async close(): Promise<void> {}
}
