// Heap check for the soak: the server in-process (so the V8 heap can be collected and read
// exactly), 6,500 mixed requests (valid, invalid, oversized, echo scoring, streams cancelled after
// the first event) in rounds, V8 heap used after two full GCs printed after each round: a leak
// grows it, lazy collection does not. Client and server share the process, so both are counted.
// Usage: node --expose-gc --import tsx bench/serve/heap.ts [--model x.gguf]
import { discoverModels } from '../../src/serve/models.js';
import { startServer } from '../../src/serve/server.js';
import { benchModel, streamRequest } from './common.js';
const s = await startServer(discoverModels([await benchModel()]), { port: 0, limits: { threads: 1, parallel: 4, queue: 8, bodyBytes: 256 * 1024 } });
await s.ready;
const url = s.url;
const id = s.state.set.models[0]!.id;
const kinds = [
  () => fetch(url + '/v1/completions', { method: 'POST', body: JSON.stringify({ model: id, prompt: 'Everyone has', max_tokens: 8 }) }).then((r) => r.text()),
  () => fetch(url + '/v1/completions', { method: 'POST', body: JSON.stringify({ model: id, prompt: 5 }) }).then((r) => r.text()),
  () =>
    fetch(url + '/v1/completions', { method: 'POST', body: JSON.stringify({ model: id, prompt: 'x'.repeat(300000) }) })
      .then((r) => r.text())
      .catch(() => ''),
  () => fetch(url + '/v1/completions', { method: 'POST', body: JSON.stringify({ model: id, prompt: 'No one', max_tokens: 0, echo: true, logprobs: 1 }) }).then((r) => r.text()),
  async () => {
    const ac = new AbortController();
    try {
      await streamRequest(url, '/v1/chat/completions', { model: id, messages: [{ role: 'user', content: 'hi' }], max_tokens: 100, stream: true }, ac.signal, true);
    } catch {
      /* the client aborts this stream on purpose */
    }
  },
];
async function round(n: number) {
  let next = 0;
  await Promise.all(
    Array.from({ length: 12 }, async () => {
      while (next < n) {
        const k = kinds[next++ % kinds.length]!;
        await k();
      }
    }),
  );
}
const heap = () => {
  (globalThis as any).gc();
  (globalThis as any).gc();
  return (process.memoryUsage().heapUsed / 2 ** 20).toFixed(1);
};
await round(500);
console.log('after 500', heap());
for (let i = 1; i <= 4; i++) {
  await round(1500);
  const cancelled = /oellm_cancelled_total\{route="chat"\} (\d+)/.exec(s.state.metrics.render())?.[1] ?? 0;
  console.log(`after ${500 + i * 1500}: ${heap()} MiB heap after gc; rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB; cancelled mid-stream so far ${cancelled}`);
}
await s.close();
