// Eval backend benchmark: scored tokens/s of the GGUF backend (src/eval/backends/gguf.ts: many
// sequences per context, only the target's logit + top logit + Σexp per position) against
// evaluating the same token sequences directly with node-llama-cpp in the same run — (a) the
// plain way, one sequence and full logit rows (LlamaCppModel.logits, then log-softmax in JS), and
// (b) one sequence with the same filtered-logit request — and the endpoint backend against a
// local HTTP server that answers through the GGUF backend (a protocol-overhead figure), and
// against a real `oellm serve` (src/serve, in this process) on the same file: the endpoint-vs-
// direct ratio users get (eval through the server vs the GGUF backend on the file).
// A random Llama (dim 128, 4 layers, vocab 4096: the default build's core shape) exported to
// F16; the token sequences are FLORES dev sentences (../shared/eval, read in place).
// Run: `npx tsx bench/eval/run.ts [--langs 8] [--sentences 16] [--threads 1]`. Prints ratios; asserts nothing.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { Token } from 'node-llama-cpp';
import { checkModelConfig } from '../../src/model/config.js';
import { saveCheckpoint } from '../../src/model/checkpoint.js';
import { exportGguf } from '../../src/export/gguf.js';
import { LlamaCppModel } from '../../src/runtime/llamacpp.js';
import { GgufBackend } from '../../src/eval/backends/gguf.js';
import { EndpointBackend } from '../../src/eval/backends/endpoint.js';
import { discoverModels } from '../../src/serve/models.js';
import { startServer } from '../../src/serve/server.js';
import { floresBpb } from '../../src/eval/tasks/sib200.js';
import { evalDataDir } from '../../src/eval/tasks/files.js';
import { logSumExp } from '../../src/eval/metrics.js';
import { randomParams, trainTestTokenizer } from '../../tests/gguf-helpers.js';
import type { ScoreRequest, TextItem } from '../../src/eval/types.js';

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const nLangs = Number(arg('langs', '8'));
const nSent = Number(arg('sentences', '16'));
const threads = Number(arg('threads', '1'));
const sequences = Number(arg('sequences', '1'));

const root = join(tmpdir(), `oellm-bench-eval-${process.pid}`);
mkdirSync(root, { recursive: true });
try {
  const tokDir = await trainTestTokenizer(root, 4096);
  const config = checkModelConfig({
    dim: 128,
    nLayers: 4,
    nHeads: 4,
    nKvHeads: 2,
    ffnDim: 352,
    maxSeqLen: 128,
    ropeTheta: 10000,
    normEps: 1e-5,
    tiedEmbeddings: true,
    vocabSize: 0 + (await import('../../src/tokenizer/index.js')).loadTokenizer(tokDir).vocabSize,
  });
  const ck = join(root, 'model');
  saveCheckpoint(ck, { config, params: randomParams(config, 3, 0.05), tokenizerDir: tokDir, tokens: { bos: 0, eos: 1 } });
  const gguf = join(root, 'm-f16.gguf');
  exportGguf(ck, { type: 'f16', out: gguf });

  const backend = await GgufBackend.open(gguf, { threads, sequences });
  const dataDir = evalDataDir();
  const langs = floresBpb.languages({ dataDir }).slice(0, nLangs);
  const reqs: ScoreRequest[] = [];
  for (const l of langs) {
    for (const it of floresBpb.load(l, { dataDir, split: 'dev' }).items.slice(0, nSent) as TextItem[]) {
      // The model's BOS when it has one (this random model's tokenizer has none: no null id, which a server rightly refuses).
      const ids = [...(backend.prefix !== null ? [backend.prefix] : []), ...(await backend.tokenize(it.text))].slice(0, backend.contextLength + 1);
      reqs.push({ tokens: ids, from: 1 });
    }
  }
  const scored = reqs.reduce((s, r) => s + r.tokens.length - 1, 0);
  console.log(`model: dim 128, 4 layers, vocab ${config.vocabSize}, F16; ${reqs.length} FLORES dev sentences (${langs.length} languages), ${scored} scored tokens; llama.cpp threads ${threads}`);

  const time = async (name: string, fn: () => Promise<number>): Promise<number> => {
    await fn(); // warm
    let best = Infinity;
    let sum = 0;
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      sum = await fn();
      best = Math.min(best, (performance.now() - t0) / 1000);
    }
    const tps = scored / best;
    console.log(`${name.padEnd(58)} ${tps.toFixed(0).padStart(8)} tokens/s  (Σ ln p ${sum.toFixed(3)})`);
    return tps;
  };
  const ours = await time(`GGUF backend (${sequences} sequences, filtered logits)`, async () => (await backend.score(reqs)).reduce((s, r) => s + r.logprobs.reduce((a, b) => a + b, 0), 0));

  const m = await LlamaCppModel.load(gguf, { threads });
  const plain = await time('direct node-llama-cpp: 1 sequence, full logit rows', async () => {
    let s = 0;
    for (const r of reqs) {
      const L = await m.logits(r.tokens.slice(0, -1));
      for (let t = 1; t < r.tokens.length; t++) s += L[t - 1]![r.tokens[t]!]! - logSumExp(L[t - 1]!);
    }
    return s;
  });
  const ctx = await m.context(backend.contextLength + 16, 1);
  const seq = ctx.getSequence();
  const filtered = await time('direct node-llama-cpp: 1 sequence, filtered logits', async () => {
    let s = 0;
    for (const r of reqs) {
      await seq.clearHistory();
      const t = r.tokens;
      const res = await seq.controlledEvaluate(t.slice(0, -1).map((x, i) => [x as Token, { generateNext: { logits: { filter: { tokens: [t[i + 1]! as Token], includeTop: 1 } }, totalLogitWeight: true } }]));
      res.forEach((o, i) => {
        const lg = o!.next.logits!;
        s += lg.get(t[i + 1]! as Token)! - lg.entries().next().value![1] - Math.log(o!.next.totalLogitWeight!);
      });
    }
    return s;
  });
  await ctx.dispose();

  // Endpoint: a local node:http server answering /v1/completions (echo + logprobs) through the backend.
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c));
    req.on('end', () => {
      void (async () => {
        const b = body ? JSON.parse(body) : {};
        const send = (v: unknown): void => void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(v));
        if (req.url === '/v1/models') return send({ data: [{ id: 'm', max_model_len: backend.contextLength }] });
        if (req.url === '/tokenize') return send({ tokens: b.add_special ? [backend.prefix, ...(await backend.tokenize(b.prompt))] : await backend.tokenize(b.prompt) });
        const prompts = b.prompt as number[][];
        const sc = await backend.score(prompts.map((p) => ({ tokens: p, from: 1 })));
        send({ choices: sc.map((s, i) => ({ index: i, logprobs: { tokens: prompts[i]!.map(String), token_logprobs: [null, ...s.logprobs], top_logprobs: null, text_offset: [] } })) });
      })();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const ep = await EndpointBackend.open(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, { concurrency: 4, promptsPerRequest: 8 });
  const endpoint = await time('endpoint backend → local HTTP server → GGUF backend', async () => (await ep.score(reqs)).reduce((s, r) => s + r.logprobs.reduce((a, b) => a + b, 0), 0));
  server.closeAllConnections();
  server.close();

  // Endpoint through a real `oellm serve` on the same GGUF (its own llama.cpp context, `sequences` parallel slots).
  const served = await startServer(discoverModels([gguf]), { port: 0, limits: { threads, parallel: sequences } });
  await served.ready;
  const sep = await EndpointBackend.open(`${served.url}/v1`, { concurrency: sequences, promptsPerRequest: 8 });
  const viaServe = await time('endpoint backend → oellm serve (same GGUF)', async () => (await sep.score(reqs)).reduce((s, r) => s + r.logprobs.reduce((a, b) => a + b, 0), 0));
  await served.close();

  console.log(`\nratio GGUF backend / direct (full rows):     ${(ours / plain).toFixed(2)}×`);
  console.log(`ratio GGUF backend / direct (filtered):      ${(ours / filtered).toFixed(2)}×`);
  console.log(`ratio endpoint / direct GGUF backend:        ${(endpoint / ours).toFixed(2)}×`);
  console.log(`ratio endpoint via oellm serve / GGUF backend: ${(viaServe / ours).toFixed(2)}×`);
  console.log(`ratio endpoint via oellm serve / direct (filtered): ${(viaServe / filtered).toFixed(2)}×`);
  await m.dispose();
  await backend.close();
} finally {
  rmSync(root, { recursive: true, force: true });
}
