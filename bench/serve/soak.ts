// Soak: a bounded load generator on loopback (127.0.0.1 only) sends thousands of mixed requests
// to `oellm serve` in its own process: valid completions and streamed chats, echo scoring,
// invalid bodies, clients that disconnect mid-stream, oversized bodies, unknown routes. Checks
// that every response is either correct or a well-formed OpenAI error, that the server stays up,
// and samples its RSS (memory flat). Prints errors by status and the RSS curve.
// Usage: npx tsx bench/serve/soak.ts [--model x.gguf] [--requests 3000] [--concurrency 24] [--json]
import { arg, benchModel, rssMiB, startServe, streamRequest } from './common.js';

const N = Number(arg('requests', '3000'));
const CONC = Number(arg('concurrency', '24'));
const model = await benchModel();
const srv = await startServe([model, '--parallel', '4', '--queue', '16', '--timeout', '30', '--threads', '1', '--max-body', String(256 * 1024)]);
const url = srv.url;
if (!url.startsWith('http://127.0.0.1:')) throw new Error('the soak runs on loopback only');
const id = ((await (await fetch(url + '/v1/models')).json()) as { data: { id: string }[] }).data[0]!.id;

type Kind = 'completion' | 'chat_stream' | 'echo' | 'invalid' | 'cancel' | 'oversized' | 'unknown_route' | 'n2' | 'tokenize';
const MIX: [Kind, number][] = [
  ['completion', 25],
  ['chat_stream', 15],
  ['echo', 10],
  ['invalid', 20],
  ['cancel', 10],
  ['oversized', 5],
  ['unknown_route', 5],
  ['n2', 5],
  ['tokenize', 5],
];
const INVALID: unknown[] = [
  { model: id, prompt: 5 },
  { model: id, prompt: 'x', max_tokens: -3 },
  { model: 'no-such-model', prompt: 'x' },
  { model: id, prompt: 'x', temperature: 'warm' },
  { model: id, messages: 'hi' },
  { model: id, prompt: 'word '.repeat(2000) },
  { model: id, prompt: [[1, 2], 'mixed'] },
];
let seed = 12345;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const pick = (): Kind => {
  let r = rand() * 100;
  for (const [k, w] of MIX) if ((r -= w) < 0) return k;
  return 'completion';
};

const byStatus = new Map<string, number>();
const byKind = new Map<string, number>();
const bad: string[] = [];
const count = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
const wellFormedError = (j: unknown) => typeof (j as { error?: { message?: unknown; type?: unknown } })?.error?.message === 'string' && typeof (j as { error: { type?: unknown } }).error.type === 'string';

async function one(k: Kind): Promise<void> {
  count(byKind, k);
  const post = async (path: string, body: unknown, expect: number[]) => {
    const r = await fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
    const text = await r.text();
    count(byStatus, String(r.status));
    let j: unknown;
    try {
      j = JSON.parse(text);
    } catch {
      bad.push(`${k}: HTTP ${r.status} body is not JSON: ${text.slice(0, 80)}`);
      return null;
    }
    if (r.status === 429 && !r.headers.get('retry-after')) bad.push(`${k}: 429 without Retry-After`);
    if (r.status !== 200 && !wellFormedError(j)) bad.push(`${k}: HTTP ${r.status} without an OpenAI error object`);
    if (!expect.includes(r.status) && r.status !== 429) bad.push(`${k}: HTTP ${r.status}, expected ${expect.join('/')}: ${text.slice(0, 120)}`);
    return r.status === 200 ? (j as Record<string, any>) : null;
  };
  switch (k) {
    case 'completion': {
      const j = await post('/v1/completions', { model: id, prompt: 'Everyone has the right', max_tokens: 8 + Math.floor(rand() * 24), temperature: rand() }, [200]);
      if (j && (typeof j.choices?.[0]?.text !== 'string' || typeof j.usage?.completion_tokens !== 'number')) bad.push('completion: malformed 200');
      break;
    }
    case 'n2': {
      const j = await post('/v1/completions', { model: id, prompt: 'All human beings', max_tokens: 8, n: 2, seed: 1 }, [200]);
      if (j && j.choices?.length !== 2) bad.push('n2: not two choices');
      break;
    }
    case 'echo': {
      const j = await post('/v1/completions', { model: id, prompt: 'No one shall be held in slavery', max_tokens: 0, echo: true, logprobs: 1, temperature: 0 }, [200]);
      if (j && (j.choices[0].logprobs.token_logprobs[0] !== null || j.choices[0].logprobs.token_logprobs.slice(1).some((x: number) => !(x <= 0)))) bad.push('echo: malformed logprobs');
      break;
    }
    case 'tokenize': {
      const j = await post('/tokenize', { model: id, prompt: 'Sva ljudska bića' }, [200]);
      if (j && !Array.isArray(j.tokens)) bad.push('tokenize: no tokens');
      break;
    }
    case 'invalid':
      await post('/v1/' + (rand() < 0.5 ? 'completions' : 'chat/completions'), INVALID[Math.floor(rand() * INVALID.length)], [400]);
      break;
    case 'oversized':
      await post('/v1/completions', { model: id, prompt: 'x'.repeat(300 * 1024) }, [413]);
      break;
    case 'unknown_route': {
      const r = await fetch(url + '/v1/engines/' + Math.floor(rand() * 100));
      count(byStatus, String(r.status));
      if (r.status !== 404 || !wellFormedError(await r.json())) bad.push('unknown_route: not a 404 error object');
      break;
    }
    case 'chat_stream':
    case 'cancel': {
      const ac = new AbortController();
      try {
        const r = await streamRequest(
          url,
          '/v1/chat/completions',
          { model: id, messages: [{ role: 'user', content: 'Tell me about rights' }], max_tokens: 48, temperature: 0.8, stream: true, stream_options: { include_usage: true } },
          ac.signal,
          k === 'cancel',
        );
        count(byStatus, String(r.status));
        if (k === 'chat_stream' && r.status === 200 && !(r.tokens > 0)) bad.push('chat_stream: no usage chunk');
        if (k === 'cancel') ac.abort();
      } catch (e) {
        if ((e as Error).name !== 'AbortError') bad.push(`${k}: ${(e as Error).message}`);
      }
      break;
    }
  }
}

const heapMiB = async () => Number(/oellm_process_memory_bytes\{kind="heap_used"\} (\d+)/.exec(await (await fetch(url + '/metrics')).text())?.[1] ?? NaN) / 2 ** 20;
const rss: { done: number; mib: number; heap: number }[] = [{ done: 0, mib: rssMiB(srv.proc.pid!), heap: await heapMiB() }];
let next = 0;
let done = 0;
const t0 = performance.now();
try {
  await Promise.all(
    Array.from({ length: CONC }, async () => {
      while (next < N) {
        next++;
        try {
          await one(pick());
        } catch (e) {
          bad.push(`client error: ${(e as Error).message}`);
        }
        if (++done % Math.ceil(N / 10) === 0) rss.push({ done, mib: rssMiB(srv.proc.pid!), heap: await heapMiB() });
      }
    }),
  );
  const alive = srv.proc.exitCode === null && (await fetch(url + '/health')).status === 200;
  const metrics = await (await fetch(url + '/metrics')).text();
  const secs = (performance.now() - t0) / 1000;
  const warm = rss[1]?.mib ?? rss[0]!.mib;
  const last = rss[rss.length - 1]!.mib;
  const out = {
    requests: done,
    seconds: +secs.toFixed(1),
    alive,
    malformed: bad.length,
    by_status: Object.fromEntries([...byStatus].sort()),
    by_kind: Object.fromEntries(byKind),
    rss_mib: rss.map((r) => [r.done, +r.mib.toFixed(1)]),
    heap_used_mib: rss.map((r) => [r.done, +r.heap.toFixed(1)]),
    rss_growth_after_warmup_mib: +(last - warm).toFixed(1),
    server_cancelled: Number(/oellm_cancelled_total\{route="chat"\} (\d+)/.exec(metrics)?.[1] ?? 0),
  };
  console.error(`${done} requests in ${out.seconds} s; server alive: ${alive}; malformed responses: ${bad.length}`);
  console.error(`by status: ${JSON.stringify(out.by_status)}; server-side cancellations (chat): ${out.server_cancelled}`);
  console.error(`RSS MiB: ${out.rss_mib.map(([d, m]) => `${d}:${m}`).join(' ')} (growth after the first 10 %: ${out.rss_growth_after_warmup_mib} MiB)`);
  console.error(`V8 heap used MiB: ${out.heap_used_mib.map(([d, m]) => `${d}:${m}`).join(' ')}`);
  for (const b of bad.slice(0, 10)) console.error('  ' + b);
  if (process.argv.includes('--json')) console.log(JSON.stringify(out, null, 1));
  process.exitCode = bad.length || !alive ? 1 : 0;
} finally {
  await srv.stop();
}
