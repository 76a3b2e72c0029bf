// End-to-end tests of `oellm serve`'s API with the official `openai` npm client (6.30.1, Node 20)
// against a real server over a real tiny run (llama.cpp through node-llama-cpp): every endpoint,
// streaming, sampling parameters, echo+logprobs scoring checked against llama.cpp's raw logits,
// and the limits (400s, 401, 404, 413, 429 with Retry-After, timeouts, client disconnects).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import OpenAI from 'openai';
import { LlamaCppModel } from '../src/runtime/llamacpp.js';
import type { RunningServer } from '../src/serve/server.js';
import { serveTiny } from './helpers/serve.js';

const post = async (s: RunningServer, path: string, body: unknown, headers: Record<string, string> = {}) => {
  const r = await fetch(s.url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: r.status, headers: r.headers, json: (await r.json()) as Record<string, any> };
};
const metric = async (s: RunningServer, line: RegExp): Promise<number> => {
  const text = await (await fetch(s.url + '/metrics')).text();
  const m = text.split('\n').find((l) => line.test(l));
  return m ? Number(m.split(' ').pop()) : 0;
};

describe('oellm serve API', () => {
  let s: RunningServer;
  let client: OpenAI;
  let direct: LlamaCppModel;
  const MODEL = 'core-f16';
  before(async () => {
    s = await serveTiny({ limits: { parallel: 4, threads: 1 } });
    client = new OpenAI({ baseURL: `${s.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    direct = await LlamaCppModel.load(s.state.set.models.find((m) => m.id === MODEL)!.path, { threads: 1 });
  });
  after(async () => {
    await direct?.dispose();
    await s?.close();
  });

  test('health is 200 once loaded; /v1/models lists every variant × quantization', async () => {
    assert.equal((await fetch(s.url + '/health')).status, 200);
    const ids: string[] = [];
    for await (const m of client.models.list()) ids.push(m.id);
    assert.deepEqual(ids.sort(), ['core-f16', 'core-q4_0', 'core-q8_0', 'edge-f16', 'edge-q4_0']);
    const one = await client.models.retrieve('edge-q4_0');
    assert.equal(one.id, 'edge-q4_0');
  });

  test('greedy completion equals node-llama-cpp generating directly, and usage counts tokens', async () => {
    const prompt = 'All human beings are born';
    const r = await client.completions.create({ model: MODEL, prompt, max_tokens: 12, temperature: 0 });
    const d = await direct.generate(prompt, { maxTokens: 12, temperature: 0 });
    assert.equal(r.choices[0]!.text, d.text);
    assert.equal(r.usage!.prompt_tokens, d.promptTokens);
    assert.equal(r.usage!.completion_tokens, d.tokens.length);
    assert.equal(r.object, 'text_completion');
  });

  test("echo + logprobs + max_tokens 0 returns each prompt token's log-probability, equal to llama.cpp's raw logits", async () => {
    const prompt = 'Everyone has the right to life';
    const ids = direct.tokenize(prompt);
    ids.unshift(direct.bos!);
    const r = await client.completions.create({ model: MODEL, prompt, max_tokens: 0, echo: true, logprobs: 3, temperature: 0 });
    const lp = r.choices[0]!.logprobs!;
    assert.equal(r.choices[0]!.text, prompt);
    assert.equal(lp.tokens!.length, ids.length);
    assert.equal(lp.token_logprobs![0], null);
    assert.equal(lp.tokens!.join(''), prompt);
    const logits = await direct.logits(ids);
    for (let i = 1; i < ids.length; i++) {
      const row = logits[i - 1]!;
      let max = -Infinity;
      for (const v of row) max = Math.max(max, v);
      let z = 0;
      for (const v of row) z += Math.exp(v - max);
      const want = row[ids[i]!]! - max - Math.log(z);
      assert.ok(Math.abs(lp.token_logprobs![i]! - want) < 1e-4, `token ${i}: ${lp.token_logprobs![i]} vs ${want}`);
      const top = Object.values(lp.top_logprobs![i]!);
      assert.ok(top.length >= 1 && top.length <= 3);
      assert.ok(Math.max(...top) >= lp.token_logprobs![i]! - 1e-9, 'the best alternative is at least as likely as the token');
      assert.equal(lp.text_offset![i], [...prompt.slice(0, lp.text_offset![i])].length);
    }
    assert.equal(r.usage!.prompt_tokens, ids.length);
    assert.equal(r.usage!.completion_tokens, 0);
  });

  test('a batch of token-id prompts: one choice per prompt, in order, scored without an added BOS', async () => {
    const a = direct.tokenize('Everyone has');
    const b = direct.tokenize('No one shall be');
    const r = await post(s, '/v1/completions', { model: MODEL, prompt: [a, b], max_tokens: 0, echo: true, logprobs: 0, temperature: 0 });
    assert.equal(r.status, 200);
    assert.deepEqual(
      r.json.choices.map((c: any) => c.index),
      [0, 1],
    );
    assert.equal(r.json.choices[0].logprobs.tokens.length, a.length);
    assert.equal(r.json.choices[1].logprobs.tokens.length, b.length);
    assert.equal(r.json.choices[1].text, 'No one shall be');
    assert.equal(r.json.usage.prompt_tokens, a.length + b.length);
  });

  test('chat: streamed deltas with include_usage add up to the non-streamed answer', async () => {
    const messages = [
      { role: 'system' as const, content: 'You answer briefly.' },
      { role: 'user' as const, content: 'Everyone has the right' },
    ];
    const whole = await client.chat.completions.create({ model: MODEL, messages, max_tokens: 20, temperature: 0 });
    assert.equal(whole.object, 'chat.completion');
    assert.equal(whole.choices[0]!.message.role, 'assistant');
    const stream = await client.chat.completions.create({ model: MODEL, messages, max_tokens: 20, temperature: 0, stream: true, stream_options: { include_usage: true } });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined;
    let finish: string | null = null;
    let chunks = 0;
    for await (const c of stream) {
      chunks++;
      if (c.usage) usage = c.usage;
      for (const ch of c.choices) {
        text += ch.delta.content ?? '';
        finish = ch.finish_reason ?? finish;
      }
    }
    assert.ok(chunks > 2);
    assert.equal(text, whole.choices[0]!.message.content);
    assert.equal(finish, whole.choices[0]!.finish_reason);
    assert.deepEqual(usage, whole.usage);
  });

  test('streamed completions add up to the non-streamed text', async () => {
    const body = { model: 'core-q8_0', prompt: 'Article 1', max_tokens: 15, temperature: 0 };
    const whole = await client.completions.create(body);
    let text = '';
    for await (const c of await client.completions.create({ ...body, stream: true })) text += c.choices[0]?.text ?? '';
    assert.equal(text, whole.choices[0]!.text);
  });

  test('stop strings end the text before the stop, with finish_reason stop', async () => {
    const prompt = 'All human beings are born free';
    const free = await client.completions.create({ model: MODEL, prompt, max_tokens: 24, temperature: 0 });
    const t = free.choices[0]!.text;
    const stop = t.slice(4, 7);
    assert.ok(stop.length === 3);
    const cut = await client.completions.create({ model: MODEL, prompt, max_tokens: 24, temperature: 0, stop: [stop] });
    assert.equal(cut.choices[0]!.text, t.slice(0, t.indexOf(stop)));
    assert.equal(cut.choices[0]!.finish_reason, 'stop');
    let streamed = '';
    for await (const c of await client.completions.create({ model: MODEL, prompt, max_tokens: 24, temperature: 0, stop, stream: true })) streamed += c.choices[0]?.text ?? '';
    assert.equal(streamed, cut.choices[0]!.text, 'streaming never emits text of a stop string');
  });

  test('seed makes sampling repeatable; n returns n indexed choices; top_p narrows', async () => {
    const body = { model: MODEL, prompt: 'Everyone', max_tokens: 16, temperature: 1.2, seed: 7 };
    const a = await client.completions.create(body);
    const b = await client.completions.create(body);
    assert.equal(a.choices[0]!.text, b.choices[0]!.text);
    const seeds = await Promise.all([1, 2, 3, 4].map((seed) => client.completions.create({ ...body, seed })));
    assert.ok(new Set(seeds.map((x) => x.choices[0]!.text)).size > 1, 'different seeds give different samples');
    const n = await client.completions.create({ ...body, n: 3 });
    assert.deepEqual(
      n.choices.map((c) => c.index),
      [0, 1, 2],
    );
    const singles = await Promise.all([7, 8, 9].map((seed) => client.completions.create({ ...body, seed })));
    assert.deepEqual(
      n.choices.map((c) => c.text),
      singles.map((x) => x.choices[0]!.text),
      'choice i samples with seed + i',
    );
    assert.equal(
      n.usage!.completion_tokens,
      singles.reduce((a, x) => a + x.usage!.completion_tokens, 0),
    );
    const greedyish = await client.completions.create({ ...body, top_p: 1e-6 });
    const greedy = await client.completions.create({ ...body, temperature: 0 });
    assert.equal(greedyish.choices[0]!.text, greedy.choices[0]!.text, 'top_p → 0 keeps only the most likely token');
  });

  test('chat logprobs: the chosen token and top_logprobs alternatives, sorted', async () => {
    const r = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'Hello' }], max_tokens: 6, temperature: 0, logprobs: true, top_logprobs: 3 });
    const content = r.choices[0]!.logprobs!.content!;
    assert.ok(content.length > 0);
    assert.equal(content.map((c) => c.token).join(''), r.choices[0]!.message.content);
    for (const c of content) {
      assert.equal(c.top_logprobs.length, 3);
      assert.ok(c.logprob <= 0);
      assert.ok(c.top_logprobs[0]!.logprob >= c.top_logprobs[1]!.logprob && c.top_logprobs[1]!.logprob >= c.top_logprobs[2]!.logprob);
      assert.ok(Math.abs(c.top_logprobs[0]!.logprob - c.logprob) < 1e-6, 'greedy picks the top token');
    }
  });

  test('tokenize / detokenize match llama.cpp and round-trip', async () => {
    const text = 'Sva ljudska bića rađaju se slobodna';
    const t = await post(s, '/tokenize', { model: MODEL, prompt: text });
    assert.deepEqual(t.json.tokens, direct.tokenize(text));
    const withBos = await post(s, '/tokenize', { model: MODEL, prompt: text, add_special: true });
    assert.equal(withBos.json.tokens[0], direct.bos);
    const d = await post(s, '/detokenize', { model: MODEL, tokens: t.json.tokens });
    assert.equal(d.json.prompt, text);
  });

  test('every invalid request is an OpenAI-style 400 naming the field', async () => {
    const cases: [unknown, string | null, string][] = [
      [{ model: MODEL, prompt: 5 }, 'prompt', 'wrong type'],
      [{ model: MODEL, prompt: 'x', max_tokens: -1 }, 'max_tokens', 'negative max_tokens'],
      [{ model: MODEL, prompt: 'x', temperature: 'hot' }, 'temperature', 'wrong type'],
      [{ model: 'nope', prompt: 'x' }, 'model', 'unknown model'],
      [{ prompt: 'x' }, 'model', 'missing model'],
      [{ model: MODEL, prompt: 'word '.repeat(400) }, 'prompt', 'prompt longer than the context'],
      [{ model: MODEL, prompt: 'x', max_tokens: 100000 }, 'max_tokens', 'prompt + max_tokens beyond the context'],
      [{ model: MODEL, prompt: [999999] }, 'prompt', 'token id outside the vocabulary'],
      [{ model: MODEL, prompt: 'x', n: 1000 }, 'n', 'n over the limit'],
    ];
    for (const [body, param, what] of cases) {
      const r = await post(s, '/v1/completions', body);
      assert.equal(r.status, 400, what);
      assert.equal(r.json.error.type, 'invalid_request_error', what);
      assert.equal(r.json.error.param, param, what);
      assert.ok(r.json.error.message.length > 10, what);
    }
    const chat = await post(s, '/v1/chat/completions', { model: MODEL, messages: [{ role: 'robot', content: 'hi' }] });
    assert.equal(chat.status, 400);
    assert.equal(chat.json.error.param, 'messages.0.role');
    const bad = await post(s, '/v1/completions', '{"model": ');
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.code, 'invalid_json');
    await assert.rejects(client.completions.create({ model: 'nope', prompt: 'x' }), (e: unknown) => e instanceof OpenAI.BadRequestError && e.status === 400);
    const nf = await fetch(s.url + '/v1/nothing');
    assert.equal(nf.status, 404);
    assert.equal(((await nf.json()) as any).error.code, 'not_found');
  });

  test('a body over the limit is 413 before it is parsed', async () => {
    const r = await post(s, '/v1/completions', { model: MODEL, prompt: 'x'.repeat(s.state.limits.bodyBytes + 10) });
    assert.equal(r.status, 413);
    assert.equal(r.json.error.code, 'body_too_large');
  });

  test('a client that disconnects mid-stream stops the generation and frees its sequence', async () => {
    const before = await metric(s, /^oellm_cancelled_total\{route="completions"\}/);
    const gen0 = await metric(s, /^oellm_generated_tokens_total\{model="edge-f16"\}/);
    // ctx 128 per sequence: at most ~120 tokens; the test disconnects after the first event.
    await new Promise<void>((resolve, reject) => {
      const req = request(s.url + '/v1/completions', { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => {});
      req.on('close', () => resolve());
      req.end(JSON.stringify({ model: 'edge-f16', prompt: 'A', max_tokens: 120, temperature: 0.9, seed: 1, stream: true }));
      setTimeout(() => reject(new Error('no first event')), 30000).unref();
    });
    for (let i = 0; i < 200 && s.state.engines.get('edge-f16')!.activeSequences > 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(s.state.engines.get('edge-f16')!.activeSequences, 0, 'the sequence is back in the pool');
    assert.equal(await metric(s, /^oellm_cancelled_total\{route="completions"\}/), before + 1);
    assert.equal(await metric(s, /^oellm_generated_tokens_total\{model="edge-f16"\}/), gen0, 'a cancelled choice is not counted as served');
  });

  test('/metrics: requests by status, queue depth, tokens, latency histograms and limits', async () => {
    const text = await (await fetch(s.url + '/metrics')).text();
    assert.match(text, /oellm_requests_total\{route="completions",status="200"\} \d+/);
    assert.match(text, /oellm_requests_total\{route="completions",status="400"\} \d+/);
    assert.match(text, /oellm_queue_depth\{model="core-f16"\} 0/);
    assert.match(text, /oellm_prompt_tokens_total\{model="core-f16"\} \d+/);
    assert.match(text, /oellm_request_duration_seconds_bucket\{route="chat",le="\+Inf"\} \d+/);
    assert.match(text, /oellm_time_to_first_token_seconds_count\{model="core-f16"\} \d+/);
    assert.match(text, /oellm_limit\{name="parallel"\} 4/);
  });
});

describe('oellm serve limits', () => {
  test('a full queue answers 429 with Retry-After; a queued request times out with 408', async () => {
    const s = await serveTiny({ limits: { parallel: 1, queue: 1, timeoutS: 1, threads: 1 } }, ['edge-q4_0']);
    try {
      const e = s.state.engines.get('edge-q4_0')!;
      const hold = await e.acquire(new AbortController().signal); // the only sequence, held by the test
      const queued = post(s, '/v1/completions', { model: 'edge-q4_0', prompt: 'x', max_tokens: 1 });
      for (let i = 0; i < 200 && e.queueDepth === 0; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(e.queueDepth, 1);
      const full = await post(s, '/v1/completions', { model: 'edge-q4_0', prompt: 'x', max_tokens: 1 });
      assert.equal(full.status, 429);
      assert.equal(full.headers.get('retry-after'), '1');
      assert.equal(full.json.error.code, 'queue_full');
      const late = await queued;
      assert.equal(late.status, 408);
      assert.equal(late.json.error.code, 'timeout');
      assert.equal(e.queueDepth, 0);
      hold.release();
      const ok = await post(s, '/v1/completions', { model: 'edge-q4_0', prompt: 'x', max_tokens: 1, temperature: 0 });
      assert.equal(ok.status, 200);
    } finally {
      await s.close();
    }
  });

  test('with an API key: 401 without it, 200 with it; /health stays open', async () => {
    const s = await serveTiny({ apiKey: 'sekret-key', limits: { threads: 1 } }, ['edge-f16']);
    try {
      const bare = await fetch(s.url + '/v1/models');
      assert.equal(bare.status, 401);
      assert.equal(((await bare.json()) as any).error.type, 'authentication_error');
      await assert.rejects(new OpenAI({ baseURL: `${s.url}/v1`, apiKey: 'wrong', maxRetries: 0 }).models.list(), (e: unknown) => e instanceof OpenAI.AuthenticationError);
      const ok = new OpenAI({ baseURL: `${s.url}/v1`, apiKey: 'sekret-key', maxRetries: 0 });
      const r = await ok.completions.create({ model: 'edge-f16', prompt: 'x', max_tokens: 2, temperature: 0 });
      assert.equal(r.choices.length, 1);
      assert.equal((await fetch(s.url + '/health')).status, 200);
    } finally {
      await s.close();
    }
  });
});
