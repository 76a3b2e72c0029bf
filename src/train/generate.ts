// Sampling from a checkpoint dir for a quick look (`oellm generate --model <checkpoint-dir>`):
// greedy (temperature 0) or temperature + top-p with a seed, streaming decoded text. Recomputes
// the full (causal) window per token — no KV cache; GGUF + llama.cpp is the fast inference path.
// Not the CLI (src/cli/commands/generate.ts dispatches here). Reference: HF generate (top_p).
import { loadCheckpoint } from '../model/checkpoint.js';
import { loadTokenizer } from '../tokenizer/index.js';
import { OellmError } from '../util/errors.js';
import { defaultKernels } from './backend.js';
import type { Kernels } from './kernels.js';
import { LlamaModel } from './model.js';
import { Rng } from '../util/rng.js';

export interface GenerateOptions {
  prompt: string;
  maxTokens?: number;
  /** 0 = greedy. */
  temperature?: number;
  topP?: number;
  seed?: number;
  /** Stop at the EOS token (default true). */
  stopAtEos?: boolean;
  kernels?: Kernels;
}

/** Picks the next token from logits[V]. */
export function sampleToken(logits: Float32Array, temperature: number, topP: number, rng: Rng): number {
  const V = logits.length;
  let best = 0;
  for (let i = 1; i < V; i++) if (logits[i]! > logits[best]!) best = i;
  if (temperature <= 0) return best;
  const p = new Float64Array(V);
  let sum = 0;
  for (let i = 0; i < V; i++) sum += p[i] = Math.exp((logits[i]! - logits[best]!) / temperature);
  for (let i = 0; i < V; i++) p[i]! /= sum;
  let ids = Array.from({ length: V }, (_, i) => i);
  if (topP < 1) {
    ids.sort((a, b) => p[b]! - p[a]! || a - b);
    let c = 0;
    let k = 0;
    while (k < V && c < topP) c += p[ids[k++]!]!;
    ids = ids.slice(0, Math.max(1, k));
  }
  const mass = ids.reduce((s, i) => s + p[i]!, 0);
  let r = rng.float() * mass;
  for (const i of ids) {
    r -= p[i]!;
    if (r <= 0) return i;
  }
  return ids[ids.length - 1]!;
}

export async function* generateText(ckptDir: string, o: GenerateOptions): AsyncGenerator<string> {
  const ck = loadCheckpoint(ckptDir, { skipOptimizer: true });
  if (!ck.tokenizerJson) throw new OellmError('the checkpoint has no tokenizer.json', { file: ckptDir, code: 'E_INPUT', hint: 'copy the tokenizer dir it was trained with into the checkpoint dir' });
  const tok = loadTokenizer(ck.dir);
  if (tok.vocabSize !== ck.config.vocabSize) throw new OellmError(`tokenizer.json has ${tok.vocabSize} tokens but the model has ${ck.config.vocabSize}`, { file: ck.tokenizerJson, code: 'E_VOCAB' });
  const model = new LlamaModel(ck.config, o.kernels ?? defaultKernels());
  model.loadParams(ck.params);
  const rng = new Rng(o.seed ?? 0);
  const eos = ck.tokens.eos ?? tok.eosId;
  const bos = ck.tokens.bos ?? tok.bosId;
  const ids: number[] = [...(bos !== undefined ? [bos] : []), ...tok.encode(o.prompt)];
  if (ids.length === 0) ids.push(eos ?? 0);
  const maxTokens = o.maxTokens ?? 64;
  const T = Math.min(ck.config.maxSeqLen, ids.length + maxTokens);
  const x = new Int32Array(T);
  const V = ck.config.vocabSize;
  const generated: number[] = [];
  let emitted = '';
  for (let n = 0; n < maxTokens; n++) {
    const ctx = ids.slice(-T);
    x.fill(0);
    x.set(ctx);
    model.forward(x, null, 1, T); // causal: padding after the context does not change its logits
    const row = model.logits.subarray((ctx.length - 1) * V, ctx.length * V);
    const next = sampleToken(row, o.temperature ?? 0, o.topP ?? 1, rng);
    if (next === eos && o.stopAtEos !== false) break;
    ids.push(next);
    generated.push(next);
    const text = tok.decode(generated);
    if (text.endsWith('\uFFFD')) continue; // wait for the rest of a multi-byte character
    if (text.length > emitted.length && text.startsWith(emitted)) {
      yield text.slice(emitted.length);
      emitted = text;
    }
  }
  const text = tok.decode(generated);
  if (text.length > emitted.length && text.startsWith(emitted)) yield text.slice(emitted.length);
}
