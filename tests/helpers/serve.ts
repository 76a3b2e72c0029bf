// Test helpers for `oellm serve`: a real tiny run dir made by `oellm build` (reduced config, a
// few seconds, once per test process) and an in-process server over it on a free loopback port.
// Not a mock: real GGUF files, real llama.cpp, real HTTP.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBuild } from '../../src/build/build.js';
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
  - { name: edge, preset: micro, dim: 32, nLayers: 1, nHeads: 2, nKvHeads: 1, ffnDim: 64, maxSteps: 10, seqLen: 32, batchSize: 2, evalEvery: 5, export: [f16, q4_0] }
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
