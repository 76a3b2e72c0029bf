// llama.cpp thread default under load: generation tokens/s of a Q4_0 model in the default build's
// core shape (dim 128, 4 layers, vocab 4096, random weights) with node-llama-cpp's own default
// (max(CPU math cores, 4) threads — what `oellm generate` used before) against oellm's default
// (src/runtime/llamacpp.ts defaultThreads(): half the cores minus the load, at least 1), rounds
// interleaved in one run. `--load N` adds N busy-looping processes for the duration, to
// oversubscribe the machine on purpose; a generation is cut after --cap seconds (a collapsed run
// would take minutes). Run: `npx tsx bench/eval/threads.ts [--load 2] [--rounds 3] [--cap 20]`.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkModelConfig } from '../../src/model/config.js';
import { saveCheckpoint } from '../../src/model/checkpoint.js';
import { exportGguf } from '../../src/export/gguf.js';
import { LlamaCppModel, defaultThreads } from '../../src/runtime/llamacpp.js';
import { loadTokenizer } from '../../src/tokenizer/index.js';
import { randomParams, trainTestTokenizer } from '../../tests/gguf-helpers.js';

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const load = Number(arg('load', '0'));
const rounds = Number(arg('rounds', '3'));
const cap = Number(arg('cap', '20'));
const root = join(tmpdir(), `oellm-bench-threads-${process.pid}`);
mkdirSync(root, { recursive: true });
const hogs: ChildProcess[] = [];
try {
  const tokDir = await trainTestTokenizer(root, 4096);
  const config = checkModelConfig({ dim: 128, nLayers: 4, nHeads: 4, nKvHeads: 2, ffnDim: 352, maxSeqLen: 128, ropeTheta: 10000, normEps: 1e-5, tiedEmbeddings: true, vocabSize: loadTokenizer(tokDir).vocabSize });
  saveCheckpoint(join(root, 'm'), { config, params: randomParams(config, 5, 0.05), tokenizerDir: tokDir, tokens: { bos: 0, eos: 1 } });
  const gguf = join(root, 'm-q4_0.gguf');
  exportGguf(join(root, 'm'), { type: 'q4_0', out: gguf });
  for (let i = 0; i < load; i++) hogs.push(spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
  const cores = availableParallelism();
  const ours = defaultThreads();
  const nlc = Math.max(cores, 4);
  console.log(`cores ${cores}, load average ${loadavg()[0]!.toFixed(1)} (+${load} busy processes): node-llama-cpp default ${nlc} threads, oellm default ${ours}`);
  const res: Record<string, number[]> = { nlc: [], ours: [] };
  for (let r = 0; r < rounds; r++) {
    for (const [k, threads] of [
      ['nlc', nlc],
      ['ours', ours],
    ] as const) {
      const m = await LlamaCppModel.load(gguf, { threads });
      // Tokens/s from the first token on; a collapsed run is cut after `cap` seconds and counted as what it made.
      let n = 0;
      let t1 = 0;
      const t0 = performance.now();
      try {
        await m.generate('Svi ljudi rađaju se slobodni', {
          maxTokens: 48,
          temperature: 0,
          stopAtEos: false,
          onToken: () => {
            if (n++ === 0) t1 = performance.now();
            if (performance.now() - t0 > cap * 1000) throw new Error('cap');
          },
        });
      } catch (e) {
        if ((e as Error).message !== 'cap') throw e;
      }
      const secs = (performance.now() - (t1 || t0)) / 1000;
      res[k]!.push(n > 1 ? (n - 1) / secs : 0);
      await m.dispose();
    }
  }
  const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(`node-llama-cpp default (${nlc} threads): median ${med(res.nlc!).toFixed(1)} tokens/s  [${res.nlc!.map((x) => x.toFixed(1)).join(', ')}]`);
  console.log(`oellm default (${ours} thread${ours > 1 ? 's' : ''}):        median ${med(res.ours!).toFixed(1)} tokens/s  [${res.ours!.map((x) => x.toFixed(1)).join(', ')}]`);
  console.log(`ratio oellm / node-llama-cpp default: ${(med(res.ours!) / med(res.nlc!)).toFixed(1)}×`);
} finally {
  for (const h of hogs) h.kill();
  rmSync(root, { recursive: true, force: true });
}
