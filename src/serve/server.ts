// `oellm serve`'s HTTP server (node:http): one table of routes, API-key check, body size limit,
// per-request timeout and cancellation when the client disconnects (an AbortSignal every
// handler passes down to llama.cpp), SSE streaming, OpenAI error JSON, /health, /metrics and the
// dashboard's static files and /api/* data. Models load after the socket is bound (health says
// 503 until they are in). Not the handlers (api.ts) and not the engine (engine.ts).
// Reference: llama.cpp tools/server (routes, /health semantics, /metrics); hono's route table.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { timingSafeEqual } from 'node:crypto';
import { ApiError } from './errors.js';
import { ModelEngine } from './engine.js';
import { DEFAULT_LIMITS, type Limits } from './limits.js';
import { LATENCY_BUCKETS, Metrics } from './metrics.js';
import type { ModelSet } from './models.js';
import type { ServerState } from './state.js';
import { chatCompletions, completions, detokenize, listModels, tokenize, type Send } from './api.js';
import { evalReport, releaseStatus, runOverview, trainLog } from './run-info.js';
import { VERSION } from '../util/version.js';

export interface ServeOptions {
  host?: string;
  port?: number;
  apiKey?: string | null;
  limits?: Partial<Limits>;
  /** Called for each model once it is loaded (the CLI prints a line). */
  onLoaded?: (id: string) => void;
}

export interface RunningServer {
  server: Server;
  state: ServerState;
  /** `http://host:port`. */
  url: string;
  /** Resolves when every model is loaded; rejects with the first load error (naming the file). */
  ready: Promise<void>;
  close(): Promise<void>;
}

interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  state: ServerState;
  params: string[];
  signal: AbortSignal;
  body(): Promise<unknown>;
}
type Result = { json: unknown; status?: number } | { text: string; type: string; status?: number } | { stream: true } | null;
type Handler = (c: Ctx) => Promise<Result> | Result;
interface Route {
  method: 'GET' | 'POST';
  path: RegExp;
  name: string;
  handler: Handler;
  /** Needs the API key when one is configured. */
  auth: boolean;
}

/** Runs `fn` as an SSE stream once it sends its first event; errors before that stay plain JSON errors. */
async function sse(c: Ctx, fn: (send: Send) => Promise<unknown>): Promise<Result> {
  let started = false;
  const send: Send = (payload) => {
    if (c.signal.aborted || c.res.destroyed) return;
    if (!started) {
      started = true;
      c.res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    }
    c.res.write(`data: ${JSON.stringify(payload)}\n\n`);
  };
  try {
    await fn(send);
  } catch (e) {
    if (!started) throw e;
    // Headers are gone: the error becomes an SSE event, as OpenAI sends it.
    const err = e instanceof ApiError ? e : new ApiError(500, (e as Error).message ?? String(e));
    c.res.statusCode = err.status; // recorded in metrics; the client already saw 200
    if (!c.res.destroyed) c.res.end(`data: ${JSON.stringify(err.body())}\n\n`);
    return { stream: true };
  }
  if (!started) send({ choices: [] });
  if (!c.res.destroyed) c.res.end('data: [DONE]\n\n');
  return { stream: true };
}

const streaming = (body: unknown): boolean => typeof body === 'object' && body !== null && (body as { stream?: unknown }).stream === true;

const DASH_DIR = [fileURLToPath(new URL('./dashboard/', import.meta.url)), fileURLToPath(new URL('../../src/serve/dashboard/', import.meta.url))].find((d) => existsSync(join(d, 'index.html')));
const MIME: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml' };

function staticFile(name: string): Result {
  if (!DASH_DIR || !/^[\w-]+\.(html|js|css|svg)$/.test(name)) return null;
  const p = join(DASH_DIR, name);
  if (!existsSync(p)) return null;
  return { text: readFileSync(p, 'utf8'), type: MIME[extname(name)]! };
}

const needRun = (c: Ctx): string => {
  if (!c.state.set.runDir) throw new ApiError(404, 'serving model files, not a run dir: no run information', 'not_found_error', null, 'no_run_dir');
  return c.state.set.runDir;
};

const ROUTES: Route[] = [
  { method: 'GET', path: /^\/health$/, name: 'health', auth: false, handler: (c) => (c.state.loading ? { json: { status: 'loading', loaded: c.state.engines.size, models: c.state.set.models.length }, status: 503 } : { json: { status: 'ok' } }) },
  { method: 'GET', path: /^\/metrics$/, name: 'metrics', auth: false, handler: (c) => ({ text: c.state.metrics.render(), type: 'text/plain; version=0.0.4; charset=utf-8' }) },
  { method: 'GET', path: /^\/v1\/models$/, name: 'models', auth: true, handler: (c) => ({ json: listModels(c.state) }) },
  {
    method: 'GET',
    path: /^\/v1\/models\/([^/]+)$/,
    name: 'model',
    auth: true,
    handler: (c) => {
      const id = decodeURIComponent(c.params[0]!);
      const m = (listModels(c.state) as { data: { id: string }[] }).data.find((x) => x.id === id);
      if (!m) throw new ApiError(404, `the model '${id}' does not exist`, 'not_found_error', 'model', 'model_not_found');
      return { json: m };
    },
  },
  {
    method: 'POST',
    path: /^\/v1\/completions$/,
    name: 'completions',
    auth: true,
    handler: async (c) => {
      const body = await c.body();
      return streaming(body) ? sse(c, (send) => completions(c.state, body, c.signal, send)) : { json: await completions(c.state, body, c.signal, null) };
    },
  },
  {
    method: 'POST',
    path: /^\/v1\/chat\/completions$/,
    name: 'chat',
    auth: true,
    handler: async (c) => {
      const body = await c.body();
      return streaming(body) ? sse(c, (send) => chatCompletions(c.state, body, c.signal, send)) : { json: await chatCompletions(c.state, body, c.signal, null) };
    },
  },
  { method: 'POST', path: /^\/(?:v1\/)?tokenize$/, name: 'tokenize', auth: true, handler: async (c) => ({ json: tokenize(c.state, await c.body()) }) },
  { method: 'POST', path: /^\/(?:v1\/)?detokenize$/, name: 'detokenize', auth: true, handler: async (c) => ({ json: detokenize(c.state, await c.body()) }) },
  { method: 'GET', path: /^\/api\/info$/, name: 'api', auth: false, handler: (c) => ({ json: { version: VERSION, runDir: c.state.set.runDir, auth: c.state.apiKey !== null, limits: c.state.limits, loading: c.state.loading } }) },
  { method: 'GET', path: /^\/api\/run$/, name: 'api', auth: true, handler: async (c) => ({ json: await runOverview(c.state.set.runDir, c.state.set.models) }) },
  {
    method: 'GET',
    path: /^\/api\/train\/([\w.-]+)$/,
    name: 'api',
    auth: true,
    handler: (c) => {
      const t = trainLog(needRun(c), c.params[0]!);
      if (!t) throw new ApiError(404, `no training log for variant '${c.params[0]}'`, 'not_found_error', null, 'not_found');
      return { json: t };
    },
  },
  { method: 'GET', path: /^\/api\/eval$/, name: 'api', auth: true, handler: (c) => ({ json: { report: evalReport(needRun(c)) } }) },
  { method: 'GET', path: /^\/api\/release$/, name: 'api', auth: true, handler: async (c) => ({ json: { release: await releaseStatus(needRun(c)) } }) },
  { method: 'GET', path: /^\/$/, name: 'static', auth: false, handler: () => staticFile('index.html') },
  { method: 'GET', path: /^\/dashboard\/([\w.-]+)$/, name: 'static', auth: false, handler: (c) => staticFile(c.params[0]!) },
];

function readBody(req: IncomingMessage, limit: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) return reject(new ApiError(413, `request body is ${declared} bytes; the limit is ${limit} bytes`, 'invalid_request_error', null, 'body_too_large'));
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (b: Buffer) => {
      size += b.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new ApiError(413, `request body is over the limit of ${limit} bytes`, 'invalid_request_error', null, 'body_too_large'));
      } else chunks.push(b);
    });
    req.on('error', reject);
    req.on('end', () => {
      if (size > limit) return;
      const text = Buffer.concat(chunks).toString('utf8');
      if (!text.trim()) return reject(new ApiError(400, 'the request body is empty; send a JSON object', 'invalid_request_error', null, 'invalid_json'));
      try {
        resolve(JSON.parse(text));
      } catch (e) {
        reject(new ApiError(400, `the request body is not valid JSON: ${(e as Error).message}`, 'invalid_request_error', null, 'invalid_json'));
      }
    });
  });
}

function authorized(state: ServerState, req: IncomingMessage): boolean {
  if (state.apiKey === null) return true;
  const h = req.headers.authorization ?? '';
  const m = /^Bearer\s+(.+)$/i.exec(h);
  const got = Buffer.from(m?.[1]?.trim() ?? '');
  const want = Buffer.from(state.apiKey);
  return got.length === want.length && timingSafeEqual(got, want);
}

function newMetrics(state: () => ServerState): Metrics {
  const m = new Metrics();
  m.counter('oellm_requests_total', 'HTTP requests by route and status');
  m.counter('oellm_cancelled_total', 'requests cancelled because the client disconnected');
  m.counter('oellm_prompt_tokens_total', 'prompt tokens processed');
  m.counter('oellm_generated_tokens_total', 'tokens generated');
  m.gauge('oellm_queue_depth', 'requests waiting for a sequence', () => [...state().engines.values()].map((e) => [{ model: e.entry.id }, e.queueDepth]));
  m.gauge('oellm_active_sequences', 'sequences generating or scoring now', () => [...state().engines.values()].map((e) => [{ model: e.entry.id }, e.activeSequences]));
  m.gauge('oellm_process_memory_bytes', 'memory of the server process (rss, V8 heap used, external)', () => {
    const u = process.memoryUsage();
    return [
      [{ kind: 'rss' }, u.rss],
      [{ kind: 'heap_used' }, u.heapUsed],
      [{ kind: 'external' }, u.external],
    ];
  });
  m.gauge('oellm_models_loaded', 'models loaded and ready', () => [[{}, state().engines.size]]);
  m.gauge('oellm_limit', 'configured limits (oellm serve flags)', () => Object.entries(state().limits).map(([k, v]) => [{ name: k }, v]));
  m.histogram('oellm_request_duration_seconds', 'request latency by route, from headers to the last byte', LATENCY_BUCKETS);
  m.histogram('oellm_time_to_first_token_seconds', 'from taking a sequence to the first generated token', LATENCY_BUCKETS);
  return m;
}

export async function startServer(set: ModelSet, o: ServeOptions = {}): Promise<RunningServer> {
  const limits: Limits = { ...DEFAULT_LIMITS, ...o.limits };
  const state: ServerState = { set, engines: new Map(), limits, metrics: null as never, apiKey: o.apiKey ?? null, started: Math.floor(Date.now() / 1000), loading: true };
  state.metrics = newMetrics(() => state);

  const server = createServer((req, res) => void handle(req, res));
  server.requestTimeout = 0; // our own per-request timeout (limits.timeoutS) cancels generation too
  server.keepAliveTimeout = 5000;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const t0 = performance.now();
    const url = new URL(req.url ?? '/', 'http://x');
    let route: Route | undefined;
    let params: string[] = [];
    let pathMatched = false;
    for (const r of ROUTES) {
      const m = r.path.exec(url.pathname);
      if (!m) continue;
      pathMatched = true;
      if (r.method !== req.method) continue;
      route = r;
      params = m.slice(1);
      break;
    }
    const name = route?.name ?? 'unknown';
    const ac = new AbortController();
    let finished = false;
    res.on('close', () => {
      if (!finished && !res.writableFinished) {
        state.metrics.inc('oellm_cancelled_total', { route: name });
        ac.abort(new ApiError(499, 'client closed the connection', 'cancelled', null, 'client_closed'));
      }
    });
    const timer = setTimeout(() => ac.abort(new ApiError(408, `the request took longer than the server's limit of ${limits.timeoutS} s`, 'timeout_error', null, 'timeout')), limits.timeoutS * 1000);
    const send = (status: number, body: string, type: string, headers: Record<string, string> = {}) => {
      if (res.destroyed) return;
      res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), ...headers });
      res.end(body);
    };
    try {
      if (!route)
        throw pathMatched ? new ApiError(405, `${req.method} is not allowed on ${url.pathname}`, 'invalid_request_error', null, 'method_not_allowed') : new ApiError(404, `no route ${req.method} ${url.pathname}`, 'not_found_error', null, 'not_found');
      if (route.auth && !authorized(state, req)) throw new ApiError(401, 'missing or wrong API key: send `Authorization: Bearer <key>`', 'authentication_error', null, 'invalid_api_key');
      const out = await route.handler({ req, res, state, params, signal: ac.signal, body: () => readBody(req, limits.bodyBytes) });
      if (out === null) throw new ApiError(404, `no route ${req.method} ${url.pathname}`, 'not_found_error', null, 'not_found');
      if ('json' in out) send(out.status ?? 200, JSON.stringify(out.json), 'application/json');
      else if ('text' in out) send(out.status ?? 200, out.text, out.type);
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError(500, `internal error: ${(e as Error)?.message ?? String(e)}`);
      if (!res.headersSent) {
        res.statusCode = err.status; // recorded even when the client is gone (499)
        send(err.status, JSON.stringify(err.body()), 'application/json', { ...err.headers, ...(err.status === 413 ? { Connection: 'close' } : {}) });
      } else res.statusCode = err.status;
    } finally {
      finished = true;
      clearTimeout(timer);
      state.metrics.inc('oellm_requests_total', { route: name, status: String(res.statusCode) });
      state.metrics.observe('oellm_request_duration_seconds', { route: name }, (performance.now() - t0) / 1000);
    }
  }

  const host = o.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 8080, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : (o.port ?? 8080);
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const ready = (async () => {
    for (const m of set.models) {
      state.engines.set(m.id, await ModelEngine.load(m, limits));
      o.onLoaded?.(m.id);
    }
    state.loading = false;
  })();
  ready.catch(() => {});

  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
      await ready.catch(() => {});
      for (const e of state.engines.values()) await e.dispose();
      state.engines.clear();
    })());
  return { server, state, url, ready, close };
}
