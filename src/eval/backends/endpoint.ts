// Endpoint backend: log-probabilities from an OpenAI-compatible server, the way vLLM serves them
// and `oellm serve` answers (the contract in docs/EVAL.md): `POST /v1/completions` with token-id
// prompts, `max_tokens: 0, echo: true, logprobs: 1, temperature: 0`, and `POST /tokenize` for
// exact token ids. Bounded concurrency, a timeout per request, retries with exponential backoff;
// after the last retry the error propagates and the unit becomes a failed row.
// Not a chat client. Reference: OpenAI legacy completions API (logprobs), vLLM, llama.cpp server.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { OellmError } from '../../util/errors.js';
import type { Backend, ScoreRequest, Scored } from '../types.js';

export interface EndpointOptions {
  /** Served model name (default: the first of /v1/models). */
  model?: string;
  /** Parallel HTTP requests (default 4). */
  concurrency?: number;
  /** Prompts per /v1/completions request (default 8). */
  promptsPerRequest?: number;
  /** Per-request timeout, ms (default 60 000). */
  timeoutMs?: number;
  /** Retries after the first attempt (default 3); backoff 250 ms · 2^k. */
  retries?: number;
  backoffMs?: number;
  /** Context length when /v1/models does not say (default 2048). */
  contextLength?: number;
  apiKey?: string;
  /** A file whose first line is the API key (`oellm serve --api-key-file`); only its path travels in plan.json. */
  apiKeyFile?: string;
  id?: string;
}

interface LegacyLogprobs {
  tokens: string[];
  token_logprobs: (number | null)[];
  top_logprobs: (Record<string, number> | null)[] | null;
}

export class EndpointError extends OellmError {
  constructor(
    message: string,
    readonly url: string,
    readonly status?: number,
  ) {
    super(message, { code: 'E_ENDPOINT', hint: 'check that the server is up and speaks the OpenAI completions API with echo + logprobs (docs/EVAL.md)' });
    this.name = 'EndpointError';
  }
}

/** The first line of an API key file, as `oellm serve --api-key-file` reads it. */
function readApiKey(file: string): string {
  let key: string | undefined;
  try {
    key = readFileSync(file, 'utf8').split(/\r?\n/)[0]?.trim();
  } catch (e) {
    throw new OellmError(`cannot read the API key file: ${(e as Error).message}`, { file, code: 'E_IO', hint: 'pass a file whose first line is the key' });
  }
  if (!key) throw new OellmError('the API key file is empty', { file, code: 'E_INPUT', hint: 'its first line must be the key' });
  return key;
}

/** A counting semaphore for the concurrency bound. */
class Gate {
  private active = 0;
  private queue: (() => void)[] = [];
  constructor(private readonly max: number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((r) => this.queue.push(r));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }
}

export class EndpointBackend implements Backend {
  readonly kind = 'endpoint' as const;
  private readonly gate: Gate;
  /** Requests made, retries taken (for reports and tests). */
  readonly stats = { requests: 0, retries: 0, failures: 0 };

  private constructor(
    readonly id: string,
    readonly path: string,
    readonly sha256: string,
    private readonly base: string,
    private readonly model: string,
    readonly contextLength: number,
    readonly prefix: number | null,
    readonly vocabSize: number,
    private readonly o: Required<Pick<EndpointOptions, 'concurrency' | 'promptsPerRequest' | 'timeoutMs' | 'retries' | 'backoffMs'>> & { apiKey?: string },
  ) {
    this.gate = new Gate(o.concurrency);
  }

  static async open(url: string, o: EndpointOptions = {}): Promise<EndpointBackend> {
    const base = url.replace(/\/+$/, '').replace(/\/v1$/, '');
    const apiKey = o.apiKey ?? (o.apiKeyFile ? readApiKey(o.apiKeyFile) : undefined);
    const opts = { concurrency: o.concurrency ?? 4, promptsPerRequest: o.promptsPerRequest ?? 8, timeoutMs: o.timeoutMs ?? 60_000, retries: o.retries ?? 3, backoffMs: o.backoffMs ?? 250, ...(apiKey ? { apiKey } : {}) };
    const probe = new EndpointBackend(o.id ?? new URL(base).host, url, '', base, o.model ?? '', o.contextLength ?? 2048, null, 0, opts);
    const models = (await probe.call('GET', '/v1/models')) as { data?: { id: string; max_model_len?: number; context_length?: number; meta?: { n_ctx_train?: number; n_vocab?: number } }[] };
    const m = o.model ? models.data?.find((d) => d.id === o.model) : models.data?.[0];
    if (!m) throw new EndpointError(o.model ? `the endpoint does not serve a model named "${o.model}"` : 'the endpoint lists no models at /v1/models', url);
    const ctx = o.contextLength ?? m.max_model_len ?? m.context_length ?? m.meta?.n_ctx_train ?? 2048; // vLLM, oellm serve, llama.cpp server
    const withSpecial = (await probe.post('/tokenize', { model: m.id, prompt: '', add_special: true })) as { tokens: number[] };
    const prefix = withSpecial.tokens?.[0] ?? null;
    const sha = createHash('sha256').update(`${base}\n${m.id}`).digest('hex');
    return new EndpointBackend(o.id ?? `${new URL(base).host}/${m.id}`, url, sha, base, m.id, ctx, prefix, m.meta?.n_vocab ?? 0, opts);
  }

  /** One HTTP call with timeout and retries (5xx, 429, network errors and timeouts retry; 4xx do not). */
  private async call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    let last: Error | undefined;
    let retried = 0;
    for (let attempt = 0; attempt <= this.o.retries; attempt++) {
      retried = attempt;
      if (attempt > 0) {
        this.stats.retries++;
        await new Promise((r) => setTimeout(r, this.o.backoffMs * 2 ** (attempt - 1)));
      }
      this.stats.requests++;
      try {
        const res = await fetch(this.base + path, {
          method,
          headers: { 'content-type': 'application/json', ...(this.o.apiKey ? { authorization: `Bearer ${this.o.apiKey}` } : {}) },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
          signal: AbortSignal.timeout(this.o.timeoutMs),
        });
        const text = await res.text();
        if (!res.ok) {
          last = new EndpointError(`${method} ${path}: HTTP ${res.status} ${text.slice(0, 200)}`, this.base, res.status);
          if (res.status < 500 && res.status !== 429) break;
          continue;
        }
        return JSON.parse(text);
      } catch (e) {
        const err = e as Error;
        last = new EndpointError(`${method} ${path}: ${err.name === 'TimeoutError' ? `timed out after ${this.o.timeoutMs} ms` : err.message}`, this.base);
      }
    }
    this.stats.failures++;
    throw new EndpointError(`${last!.message} (after ${retried} retries)`, this.base, (last as EndpointError).status);
  }

  private post(path: string, body: unknown): Promise<unknown> {
    return this.gate.run(() => this.call('POST', path, body));
  }

  async tokenize(text: string): Promise<number[]> {
    const r = (await this.post('/tokenize', { model: this.model, prompt: text, add_special: false })) as { tokens?: number[] };
    if (!Array.isArray(r.tokens)) throw new EndpointError('/tokenize answered without a tokens array', this.base);
    return r.tokens;
  }

  private async scoreGroup(reqs: readonly ScoreRequest[]): Promise<Scored[]> {
    const r = (await this.post('/v1/completions', { model: this.model, prompt: reqs.map((q) => [...q.tokens]), max_tokens: 0, echo: true, logprobs: 1, temperature: 0 })) as { choices?: { index: number; logprobs?: LegacyLogprobs }[] };
    const out: Scored[] = [];
    for (let i = 0; i < reqs.length; i++) {
      const q = reqs[i]!;
      const c = r.choices?.find((x) => x.index === i);
      const lp = c?.logprobs;
      if (!lp || lp.token_logprobs.length < q.tokens.length) throw new EndpointError(`/v1/completions: choice ${i} has ${lp?.token_logprobs.length ?? 'no'} prompt logprobs for ${q.tokens.length} tokens (is echo supported?)`, this.base);
      const logprobs: number[] = [];
      let greedy = true;
      for (let t = q.from; t < q.tokens.length; t++) {
        const v = lp.token_logprobs[t];
        if (typeof v !== 'number') throw new EndpointError(`/v1/completions: no logprob for prompt token ${t}`, this.base);
        logprobs.push(v);
        const top = lp.top_logprobs?.[t];
        if (top) {
          const best = Math.max(...Object.values(top));
          if (best > v + 1e-6) greedy = false;
        }
      }
      out.push({ logprobs, greedy });
    }
    return out;
  }

  async score(reqs: readonly ScoreRequest[]): Promise<Scored[]> {
    const groups: ScoreRequest[][] = [];
    for (let i = 0; i < reqs.length; i += this.o.promptsPerRequest) groups.push(reqs.slice(i, i + this.o.promptsPerRequest));
    const res = await Promise.all(groups.map((g) => this.scoreGroup(g)));
    return res.flat();
  }

  async close(): Promise<void> {}
}
