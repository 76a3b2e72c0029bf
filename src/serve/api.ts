// The OpenAI-compatible handlers: /v1/completions (with `echo` + `logprobs` scoring of the prompt
// tokens, what lm-evaluation-harness needs), /v1/chat/completions, /v1/models, /tokenize and
// /detokenize. Each validates its body (schema.ts), runs every choice on a sequence of the model's
// engine, and returns the OpenAI JSON or streams Server-Sent Events. Not HTTP plumbing (server.ts).
// Reference: OpenAI API reference (legacy completions logprobs, chat logprobs, stream_options);
// vLLM's echo/logprobs behaviour; llama.cpp tools/server /tokenize, /detokenize.
import { randomUUID } from 'node:crypto';
import { ApiError, badRequest, fromZod } from './errors.js';
import { chatPrompt, CHAT_STOPS, type ChatMessage } from './chat.js';
import { ChatRequest, CompletionRequest, DetokenizeRequest, TokenizeRequest } from './schema.js';
import { codePoints, TextAssembler, tokenPieces } from './text.js';
import type { GeneratedToken, ModelEngine, ScoredToken, TokenLogprob } from './engine.js';
import type { ServerState } from './state.js';

/** What a handler streams: one SSE `data:` payload at a time. */
export type Send = (payload: unknown) => void;

function parse<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: import('zod').ZodError } }, body: unknown): T {
  const r = schema.safeParse(body);
  if (!r.success) throw fromZod(r.error);
  return r.data;
}

export function engineFor(state: ServerState, model: string | undefined): ModelEngine {
  if (model === undefined) {
    const first = state.engines.values().next().value;
    if (!first) throw new ApiError(503, 'models are still loading', 'server_error', null, 'loading', { 'Retry-After': '1' });
    return first;
  }
  const e = state.engines.get(model);
  if (e) return e;
  if (state.set.models.some((m) => m.id === model)) throw new ApiError(503, `model ${model} is still loading`, 'server_error', 'model', 'loading', { 'Retry-After': '1' });
  throw badRequest(`the model '${model}' does not exist; GET /v1/models lists ${state.set.models.map((m) => m.id).join(', ')}`, 'model', 'model_not_found');
}

function checkIds(e: ModelEngine, ids: readonly number[], param: string): void {
  const v = e.vocabSize;
  for (const t of ids) if (v > 0 && t >= v) throw badRequest(`token id ${t} is outside the vocabulary (size ${v})`, param, 'invalid_value');
}

/** `scoreOnly` (echo + logprobs, max_tokens 0): the last prompt token is never decoded, so a prompt may be one token longer than the context (what `oellm eval`'s windows send, as its GGUF backend scores them). */
function checkLength(e: ModelEngine, ids: readonly number[], maxTokens: number | null | undefined, param: string, scoreOnly = false): void {
  if (ids.length === 0) throw badRequest('the prompt is empty and the model has no BOS token to start from', param, 'invalid_value');
  if (scoreOnly && ids.length <= e.ctxSize + 1) return;
  if (ids.length >= e.ctxSize) throw badRequest(`the prompt has ${ids.length} tokens; this model's context is ${e.ctxSize} tokens per sequence (at most ${e.ctxSize - 1} for a prompt)`, param, 'context_length_exceeded');
  if (maxTokens != null && ids.length + maxTokens > e.ctxSize) throw badRequest(`prompt (${ids.length} tokens) + max_tokens (${maxTokens}) exceed the context of ${e.ctxSize} tokens`, 'max_tokens', 'context_length_exceeded');
}

interface ChoiceResult {
  text: string;
  generated: GeneratedToken[];
  finish: 'stop' | 'length';
  promptScores: ScoredToken[] | null;
}

interface ChoiceOptions {
  temperature: number;
  topP?: number;
  seed?: number;
  maxTokens: number;
  stop: string[];
  /** Alternatives per token; null: no log-probabilities. */
  logprobs: number | null;
  /** Score the prompt tokens (echo with logprobs). */
  scorePrompt: boolean;
}

/** One choice on one sequence; `onStart` runs once it has a sequence (streams start then, so a 429 is still a plain error); `onToken` sees every token with the text it releases. */
async function runChoice(state: ServerState, e: ModelEngine, prompt: number[], o: ChoiceOptions, signal: AbortSignal, onStart?: () => void, onToken?: (delta: string, tok: GeneratedToken) => void): Promise<ChoiceResult> {
  const slot = await e.acquire(signal);
  onStart?.();
  const t0 = performance.now();
  try {
    let promptScores: ScoredToken[] | null = null;
    if (o.scorePrompt) {
      promptScores = await e.score(slot, prompt, o.logprobs ?? 0);
      if (o.maxTokens > 0) await slot.seq.clearHistory();
    }
    const asm = new TextAssembler((ids) => e.detokenize(ids), o.stop);
    const generated: GeneratedToken[] = [];
    let finish: 'stop' | 'length' = 'length';
    if (o.maxTokens > 0) {
      for await (const tok of e.generate(slot, prompt, { temperature: o.temperature, maxTokens: o.maxTokens, logprobs: o.logprobs, ...(o.topP !== undefined ? { topP: o.topP } : {}), ...(o.seed !== undefined ? { seed: o.seed } : {}) }, signal)) {
        if (generated.length === 0) state.metrics.observe('oellm_time_to_first_token_seconds', { model: e.entry.id }, (performance.now() - t0) / 1000);
        if (tok.eog) {
          finish = 'stop';
          break;
        }
        generated.push(tok);
        const delta = asm.push(tok.id);
        onToken?.(delta, tok);
        if (asm.stopped) {
          finish = 'stop';
          break;
        }
      }
      if (signal.aborted) throw signal.reason;
      const rest = asm.finish();
      if (rest && onToken) onToken(rest, { id: -1, eog: false });
    }
    state.metrics.inc('oellm_prompt_tokens_total', { model: e.entry.id }, prompt.length);
    state.metrics.inc('oellm_generated_tokens_total', { model: e.entry.id }, generated.length);
    return { text: asm.value, generated, finish, promptScores };
  } finally {
    slot.release();
  }
}

/** Runs `count` choices concurrently; the first failure cancels the others. */
async function runAll<T>(count: number, signal: AbortSignal, one: (i: number, signal: AbortSignal) => Promise<T>): Promise<T[]> {
  const ac = new AbortController();
  const stop = () => ac.abort(signal.reason);
  signal.addEventListener('abort', stop, { once: true });
  try {
    return await Promise.all(
      Array.from({ length: count }, (_, i) =>
        one(i, ac.signal).catch((err: unknown) => {
          if (!ac.signal.aborted) ac.abort(err);
          throw err;
        }),
      ),
    );
  } finally {
    signal.removeEventListener('abort', stop);
  }
}

const stops = (s: string | string[] | null | undefined): string[] => (s == null ? [] : typeof s === 'string' ? [s] : s).filter((x) => x.length > 0);

function legacyLogprobs(e: ModelEngine, scored: ScoredToken[] | null, generated: GeneratedToken[], textLen: number, echoText: string) {
  const tokens: string[] = [];
  const token_logprobs: (number | null)[] = [];
  const top_logprobs: (Record<string, number> | null)[] = [];
  const text_offset: number[] = [];
  const detok = (ids: readonly number[]) => e.detokenize(ids);
  const alt = (top: TokenLogprob[] | null | undefined): Record<string, number> | null => {
    if (!top) return null;
    const r: Record<string, number> = {};
    for (const t of top) {
      const k = detok([t.id]);
      if (!(k in r)) r[k] = t.logprob;
    }
    return r;
  };
  if (scored) {
    const p = tokenPieces(
      scored.map((s) => s.id),
      detok,
    );
    scored.forEach((s, i) => {
      tokens.push(p.pieces[i]!);
      token_logprobs.push(s.logprob);
      top_logprobs.push(alt(s.top));
      text_offset.push(p.offsets[i]!);
    });
  }
  const g = tokenPieces(
    generated.map((t) => t.id),
    detok,
    echoText,
  );
  generated.forEach((t, i) => {
    if (g.offsets[i]! >= textLen) return; // after a stop string
    tokens.push(g.pieces[i]!);
    token_logprobs.push(t.logprob ?? null);
    top_logprobs.push(alt(t.top));
    text_offset.push(g.offsets[i]!);
  });
  return { tokens, token_logprobs, top_logprobs, text_offset };
}

const created = () => Math.floor(Date.now() / 1000);

export async function completions(state: ServerState, body: unknown, signal: AbortSignal, send: Send | null): Promise<unknown> {
  const r = parse(CompletionRequest, body);
  const e = engineFor(state, r.model);
  const L = state.limits;
  const n = r.n ?? 1;
  if (n > L.maxN) throw badRequest(`n is ${n}; this server allows at most ${L.maxN}`, 'n', 'invalid_value');
  const p = r.prompt;
  const prompts: number[][] = typeof p === 'string' ? [e.tokenize(p, true)] : typeof p[0] === 'string' ? (p as string[]).map((s) => e.tokenize(s, true)) : typeof p[0] === 'number' ? [[...(p as number[])]] : (p as number[][]).map((x) => [...x]);
  if (prompts.length > L.maxPrompts) throw badRequest(`${prompts.length} prompts in one request; at most ${L.maxPrompts}`, 'prompt', 'invalid_value');
  prompts.forEach((ids, i) => {
    checkIds(e, ids, prompts.length > 1 ? `prompt.${i}` : 'prompt');
    checkLength(e, ids, r.max_tokens, prompts.length > 1 ? `prompt.${i}` : 'prompt', r.max_tokens === 0 && r.echo === true && r.logprobs != null);
  });
  const echo = r.echo ?? false;
  const logprobs = r.logprobs ?? null;
  const maxTokens = r.max_tokens ?? 16;
  const id = `cmpl-${randomUUID()}`;
  const base = { id, object: 'text_completion', created: created(), model: e.entry.id };
  const opts = (seedOffset: number): ChoiceOptions => ({
    temperature: r.temperature ?? 1,
    ...(r.top_p != null ? { topP: r.top_p } : {}),
    ...(r.seed != null ? { seed: r.seed + seedOffset } : {}),
    maxTokens,
    stop: stops(r.stop),
    logprobs,
    scorePrompt: echo && logprobs !== null,
  });
  const echoTexts = prompts.map((ids) => (echo ? tokenPieces(ids, (x) => e.detokenize(x)).text : ''));
  if (send) {
    const results = await runAll(prompts.length * n, signal, (i, sig) => {
      const pi = Math.floor(i / n);
      let offset = codePoints(echoTexts[pi]!);
      const start = () => {
        if (echo) send({ ...base, choices: [{ index: i, text: echoTexts[pi], logprobs: null, finish_reason: null }] });
      };
      return runChoice(state, e, prompts[pi]!, opts(i % n), sig, start, (delta, tok) => {
        if (!delta && logprobs === null) return;
        const lp =
          logprobs !== null && tok.id >= 0 ? { tokens: [e.detokenize([tok.id])], token_logprobs: [tok.logprob ?? null], top_logprobs: [Object.fromEntries((tok.top ?? []).map((t) => [e.detokenize([t.id]), t.logprob]))], text_offset: [offset] } : null;
        offset += codePoints(delta);
        send({ ...base, choices: [{ index: i, text: delta, logprobs: lp, finish_reason: null }] });
      }).then((res) => {
        send({ ...base, choices: [{ index: i, text: '', logprobs: null, finish_reason: res.finish }] });
        return res;
      });
    });
    if (r.stream_options?.include_usage) send({ ...base, choices: [], usage: usage(prompts, results) });
    return null;
  }
  const results = await runAll(prompts.length * n, signal, (i, sig) => runChoice(state, e, prompts[Math.floor(i / n)]!, opts(i % n), sig));
  return {
    ...base,
    choices: results.map((res, i) => {
      const echoText = echoTexts[Math.floor(i / n)]!;
      const text = echoText + res.text;
      return { index: i, text, logprobs: logprobs === null ? null : legacyLogprobs(e, res.promptScores, res.generated, [...text].length, echoText), finish_reason: res.finish };
    }),
    usage: usage(prompts, results),
  };
}

function usage(prompts: number[][], results: ChoiceResult[]) {
  const prompt_tokens = prompts.reduce((a, p) => a + p.length, 0);
  const completion_tokens = results.reduce((a, r) => a + r.generated.length, 0);
  return { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens };
}

const utf8 = (s: string) => [...Buffer.from(s, 'utf8')];

export async function chatCompletions(state: ServerState, body: unknown, signal: AbortSignal, send: Send | null): Promise<unknown> {
  const r = parse(ChatRequest, body);
  const e = engineFor(state, r.model);
  const n = r.n ?? 1;
  if (n > state.limits.maxN) throw badRequest(`n is ${n}; this server allows at most ${state.limits.maxN}`, 'n', 'invalid_value');
  if (r.top_logprobs != null && !r.logprobs) throw badRequest('top_logprobs needs logprobs: true', 'top_logprobs', 'invalid_value');
  const messages: ChatMessage[] = r.messages.map((m) => ({ role: m.role, content: m.content == null ? '' : typeof m.content === 'string' ? m.content : m.content.map((c) => c.text).join('') }));
  const prompt = e.tokenize(chatPrompt(messages), true);
  const maxTokens = r.max_completion_tokens ?? r.max_tokens;
  checkLength(e, prompt, maxTokens, 'messages');
  const logprobs = r.logprobs ? (r.top_logprobs ?? 0) : null;
  const opts = (i: number): ChoiceOptions => ({
    temperature: r.temperature ?? 1,
    ...(r.top_p != null ? { topP: r.top_p } : {}),
    ...(r.seed != null ? { seed: r.seed + i } : {}),
    maxTokens: maxTokens ?? e.ctxSize - prompt.length,
    stop: [...stops(r.stop), ...CHAT_STOPS],
    logprobs,
    scorePrompt: false,
  });
  const entry = (tok: GeneratedToken) => {
    const token = e.detokenize([tok.id]);
    return { token, logprob: tok.logprob ?? 0, bytes: utf8(token), top_logprobs: (tok.top ?? []).map((t) => ({ token: e.detokenize([t.id]), logprob: t.logprob, bytes: utf8(e.detokenize([t.id])) })) };
  };
  const base = { id: `chatcmpl-${randomUUID()}`, created: created(), model: e.entry.id, system_fingerprint: null };
  if (send) {
    const chunk = (choices: unknown[], extra = {}) => send({ ...base, object: 'chat.completion.chunk', choices, ...extra });
    const results = await runAll(n, signal, (i, sig) => {
      const start = () => chunk([{ index: i, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }]);
      return runChoice(state, e, prompt, opts(i), sig, start, (delta, tok) => {
        if (!delta && logprobs === null) return;
        chunk([{ index: i, delta: { content: delta }, logprobs: logprobs !== null && tok.id >= 0 ? { content: [entry(tok)] } : null, finish_reason: null }]);
      }).then((res) => {
        chunk([{ index: i, delta: {}, logprobs: null, finish_reason: res.finish }]);
        return res;
      });
    });
    if (r.stream_options?.include_usage) chunk([], { usage: usage([prompt], results) });
    return null;
  }
  const results = await runAll(n, signal, (i, sig) => runChoice(state, e, prompt, opts(i), sig));
  return {
    ...base,
    object: 'chat.completion',
    choices: results.map((res, i) => ({
      index: i,
      message: { role: 'assistant', content: res.text, refusal: null },
      logprobs: logprobs === null ? null : { content: res.generated.slice(0, Math.max(0, tokenCountWithin(e, res))).map(entry), refusal: null },
      finish_reason: res.finish,
    })),
    usage: usage([prompt], results),
  };
}

/** Generated tokens that lie inside the returned text (tokens after a stop string are dropped). */
function tokenCountWithin(e: ModelEngine, res: ChoiceResult): number {
  const g = tokenPieces(
    res.generated.map((t) => t.id),
    (x) => e.detokenize(x),
  );
  const len = [...res.text].length;
  let k = 0;
  while (k < g.offsets.length && g.offsets[k]! < len) k++;
  return k;
}

export function listModels(state: ServerState): unknown {
  return {
    object: 'list',
    data: state.set.models.map((m) => ({
      id: m.id,
      object: 'model',
      created: state.engines.get(m.id)?.created ?? state.started,
      owned_by: 'oellm',
      // Extra fields (OpenAI clients ignore them): where the model is and how it is served.
      variant: m.variant,
      quant: m.quant,
      bytes: m.bytes,
      ready: state.engines.has(m.id),
      context_length: state.engines.get(m.id)?.ctxSize ?? null,
    })),
  };
}

export function tokenize(state: ServerState, body: unknown): unknown {
  const r = parse(TokenizeRequest, body);
  const e = engineFor(state, r.model);
  const tokens = e.tokenize(r.prompt, r.add_special ?? false);
  if (!r.with_pieces) return { tokens };
  const p = tokenPieces(tokens, (x) => e.detokenize(x));
  return { tokens: tokens.map((id, i) => ({ id, piece: p.pieces[i] })) };
}

export function detokenize(state: ServerState, body: unknown): unknown {
  const r = parse(DetokenizeRequest, body);
  const e = engineFor(state, r.model);
  checkIds(e, r.tokens, 'tokens');
  return { prompt: e.detokenize(r.tokens) };
}
