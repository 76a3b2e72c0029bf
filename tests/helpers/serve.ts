// Test helpers for `oellm serve`: a real tiny run dir made by `oellm build` (reduced config, a
// few seconds, once per test process) and an in-process server over it on a free loopback port.
// Not a mock: real GGUF files, real llama.cpp, real HTTP.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBuild } from '../../src/factory/build.js';
import { discoverModels } from '../../src/serve/models.js';
import { startServer, type RunningServer, type ServeOptions } from '../../src/serve/server.js';

const made: string[] = [];
process.on('exit', () => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

export function tmpDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), `oellm-${prefix}-`));
  made.push(d);
  return d;
}

let run: Promise<string> | undefined;
/** A reduced embedded build (two variants, f16/q8_0/q4_0 and f16/q4_0): models, logs, manifest. */
export function tinyRun(): Promise<string> {
  run ??= (async () => {
    const dir = tmpDir('serve-run');
    const cfg = join(dir, 'build.yaml');
    writeFileSync(
      cfg,
      `name: serve-test
languages: [en, hr, de]
tokenizer: { vocabSize: 600 }
series:
  - { name: core, preset: micro, dim: 64, nLayers: 2, maxSteps: 30, seqLen: 64, batchSize: 4, evalEvery: 10, export: [f16, q8_0, q4_0] }
  - { name: edge, preset: micro, dim: 64, nLayers: 1, nHeads: 2, nKvHeads: 1, ffnDim: 64, maxSteps: 10, seqLen: 32, batchSize: 2, evalEvery: 5, export: [f16, q4_0] }
`,
    );
    const out = join(dir, 'run');
    await runBuild({ file: cfg, out });
    return out;
  })();
  return run;
}

/** Starts a server over the tiny run on 127.0.0.1 and a free port, and waits for the models. */
export async function serveTiny(o: ServeOptions = {}, only?: string[]): Promise<RunningServer> {
  const dir = await tinyRun();
  const set = discoverModels([dir]);
  if (only) set.models = set.models.filter((m) => only.includes(m.id));
  const s = await startServer(set, { port: 0, ...o });
  await s.ready;
  return s;
}

/**
 * Writes `eval/report.json` (schema oellm.eval/1) for a run from real llama.cpp logits: bits per
 * byte of each model on the first corpus document of each language (truncated to fit the
 * context), and per-language KL divergence of each quantized model to its variant's f16. What the
 * eval stage writes, computed small, so the dashboard has a real report to draw.
 */
export async function writeEvalReport(runDir: string): Promise<void> {
  const { readdirSync, readFileSync, mkdirSync } = await import('node:fs');
  const { LlamaCppModel } = await import('../../src/runtime/llamacpp.js');
  const set = discoverModels([runDir]);
  const corpus = join(runDir, 'corpus');
  const texts = readdirSync(corpus)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .map((f) => ({ lang: f.replace(/\.jsonl$/, ''), text: (JSON.parse(readFileSync(join(corpus, f), 'utf8').split('\n')[0]!) as { text: string }).text }));
  const logsm = (row: Float32Array): Float64Array => {
    let max = -Infinity;
    for (const v of row) max = Math.max(max, v);
    let z = 0;
    for (const v of row) z += Math.exp(v - max);
    const lz = max + Math.log(z);
    return Float64Array.from(row, (v) => v - lz);
  };
  const dist = new Map<string, Map<string, { ids: number[]; lp: Float64Array[]; bytes: number }>>();
  for (const m of set.models) {
    const llm = await LlamaCppModel.load(m.path, { threads: 1 });
    const per = new Map<string, { ids: number[]; lp: Float64Array[]; bytes: number }>();
    for (const t of texts) {
      const ids = [llm.bos!, ...llm.tokenize(t.text)].slice(0, Math.min(100, (llm.model.trainContextSize || 128) - 8));
      const lp = (await llm.logits(ids)).map(logsm);
      per.set(t.lang, { ids, lp, bytes: Buffer.byteLength(llm.detokenize(ids.slice(1))) });
    }
    dist.set(m.id, per);
    await llm.dispose();
  }
  const results = [];
  const quant = [];
  for (const m of set.models) {
    for (const t of texts) {
      const d = dist.get(m.id)!.get(t.lang)!;
      let nll = 0;
      for (let i = 1; i < d.ids.length; i++) nll -= d.lp[i - 1]![d.ids[i]!]!;
      results.push({ model: m.id, task: 'udhr_bpb', lang: t.lang, metric: 'bpb', value: nll / Math.LN2 / d.bytes, stderr: null, n: 1, shots: 0, template: 'raw', status: 'ok' });
    }
    const base = set.models.find((b) => b.variant === m.variant && b.quant === 'f16');
    if (!base || base.id === m.id) continue;
    for (const t of texts) {
      const q = dist.get(m.id)!.get(t.lang)!;
      const b = dist.get(base.id)!.get(t.lang)!;
      const kl: number[] = [];
      let top1 = 0;
      let nllQ = 0;
      let nllB = 0;
      for (let i = 0; i + 1 < b.ids.length; i++) {
        const P = b.lp[i]!;
        const Q = q.lp[i]!;
        let k = 0;
        let ap = 0;
        let aq = 0;
        for (let j = 0; j < P.length; j++) {
          k += Math.exp(P[j]!) * (P[j]! - Q[j]!);
          if (P[j]! > P[ap]!) ap = j;
          if (Q[j]! > Q[aq]!) aq = j;
        }
        kl.push(k);
        if (ap === aq) top1++;
        nllQ -= Q[b.ids[i + 1]!]!;
        nllB -= P[b.ids[i + 1]!]!;
      }
      const sorted = [...kl].sort((x, y) => x - y);
      quant.push({
        model: m.id,
        base: base.id,
        lang: t.lang,
        kld_mean: kl.reduce((a, x) => a + x, 0) / kl.length,
        kld_median: sorted[Math.floor(sorted.length / 2)]!,
        kld_p99: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))]!,
        top1: top1 / kl.length,
        rms_dp: null,
        ppl_ratio: Math.exp((nllQ - nllB) / kl.length),
        n_tokens: kl.length,
      });
    }
  }
  mkdirSync(join(runDir, 'eval'), { recursive: true });
  writeFileSync(
    join(runDir, 'eval', 'report.json'),
    JSON.stringify(
      {
        schema: 'oellm.eval/1',
        oellm_version: 'test',
        created: new Date().toISOString(),
        models: set.models.map((m) => ({ id: m.id, path: m.path, kind: 'gguf', sha256: '', quant: m.quant })),
        tasks: [{ id: 'udhr_bpb', data_sha256: '' }],
        results,
        quant,
      },
      null,
      1,
    ),
  );
}

/** A release/ dir with a few documents and their SHA256SUMS (as sha256sum writes it). */
export async function writeRelease(runDir: string): Promise<void> {
  const { mkdirSync } = await import('node:fs');
  const { createHash } = await import('node:crypto');
  const dir = join(runDir, 'release');
  mkdirSync(dir, { recursive: true });
  const files: Record<string, string> = {
    'MODEL_CARD.md': '---\nlicense: apache-2.0\n---\n# serve-test\n',
    'DATA_CARD.md': '# Data card\n',
    'release-manifest.json': '{"files": []}\n',
  };
  let sums = '';
  for (const [name, text] of Object.entries(files)) {
    writeFileSync(join(dir, name), text);
    sums += `${createHash('sha256').update(text).digest('hex')}  ${name}\n`;
  }
  writeFileSync(join(dir, 'SHA256SUMS'), sums);
}
