// Corpora larger than memory: peak resident memory of `oellm train` (train(), tiny model, a few
// steps) against the size of the corpus, with the token streams on disk (the default: token files
// read by position) and, for comparison in the same run, held in memory (OELLM_TRAIN_TOKENS=memory,
// the trainer before streaming). Corpus: real UD sentences (../shared/data/ud, 8 languages)
// repeated into numbered 12-sentence documents up to each size, plain JSONL shards. Each run is a
// child process; peak RSS is its getrusage maxrss. Not a test: nothing is asserted.
// Run: npx tsx bench/train/stream.ts [--sizes 100,1000] [--memory-sizes 100] [--steps 5]
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const args = process.argv.slice(2);
const arg = (k: string, d: string): string => {
  const i = args.indexOf(`--${k}`);
  return i >= 0 ? args[i + 1]! : d;
};
const here = import.meta.dirname;
const repo = join(here, '..', '..');

if (args[0] === '--child') {
  // Child: one training run; prints {maxRssMiB, seconds, tokens...} as the last line.
  const { train } = await import('../../src/train/index.js');
  const { TrainConfigSchema } = await import('../../src/train/config.js');
  const [, data, tokenizer, out, steps] = args;
  const t0 = performance.now();
  let trainTokens = 0;
  const log = (l: string): void => {
    if (l.startsWith('data: ')) for (const m of l.matchAll(/ (\d+) tok \(/g)) trainTokens += Number(m[1]);
  };
  const r = await train({
    log,
    config: TrainConfigSchema.parse({
      data,
      tokenizer,
      out,
      preset: 'micro',
      dim: 64,
      layers: 2,
      heads: 4,
      kvHeads: 2,
      ffn: 128,
      seqLen: 128,
      batchSize: 4,
      maxSteps: Number(steps),
      warmup: 1,
      valEvery: 0,
      checkpointEvery: 0,
      valRows: 2,
      maxValDocs: 50,
    }),
  });
  console.log(JSON.stringify({ maxRssMiB: process.resourceUsage().maxRSS / 1024, seconds: (performance.now() - t0) / 1000, steps: r.steps, loss: r.finalLoss, trainTokens }));
  // No process.exit here: it can hang in the native thread pool's shutdown; the process ends by itself.
} else {
  const sizes = arg('sizes', '100,1000').split(',').map(Number);
  const memSizes = new Set(arg('memory-sizes', '100').split(',').filter(Boolean).map(Number));
  const steps = arg('steps', '5');
  const UD = join(repo, '..', 'shared', 'data', 'ud');
  const LANGS = ['en', 'de', 'fr', 'cs', 'fi', 'el', 'es', 'mt'];
  const tmp = mkdtempSync(join(tmpdir(), 'oellm-stream-'));
  try {
    const { trainTokenizer } = await import('../../src/tokenizer/index.js');
    const sents = new Map(
      LANGS.map((l) => [
        l,
        readFileSync(join(UD, `${l}.txt`), 'utf8')
          .split('\n')
          .filter((s) => s.trim()),
      ]),
    );
    // Tokenizer: 4k BPE on one copy of the sentences.
    const seed = join(tmp, 'seed');
    for (const [l, ss] of sents) {
      mkdirSync(join(seed, 'shards', l), { recursive: true });
      const fd = openSync(join(seed, 'shards', l, '0.jsonl'), 'w');
      writeSync(fd, ss.map((t) => JSON.stringify({ text: t })).join('\n') + '\n');
      closeSync(fd);
    }
    const tokDir = join(tmp, 'tok');
    await trainTokenizer({ inputs: [seed], vocabSize: 4096, out: tokDir });
    console.log(
      `corpus: UD sentences of ${LANGS.join(' ')} repeated into numbered 12-sentence documents; tokenizer 4,096 BPE; model dim 64, 2 layers; ${steps} steps; load ${loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')}`,
    );
    console.log(['text MB', 'docs', 'train tokens MB (int32)', 'mode', 'peak RSS MiB', 'seconds'].join('\t'));
    for (const mb of sizes) {
      const data = join(tmp, `data-${mb}`);
      const per = (mb * 1e6) / LANGS.length;
      let docs = 0;
      for (const [l, ss] of sents) {
        mkdirSync(join(data, 'shards', l), { recursive: true });
        const fd = openSync(join(data, 'shards', l, '00000.jsonl'), 'w');
        let bytes = 0;
        let k = 0;
        let chunk: string[] = [];
        while (bytes < per) {
          const start = (k * 12) % Math.max(1, ss.length - 12);
          const text = `${k}. ${ss.slice(start, start + 12).join(' ')}`;
          bytes += Buffer.byteLength(text);
          chunk.push(JSON.stringify({ text }));
          k++;
          if (chunk.length === 2000) {
            writeSync(fd, chunk.join('\n') + '\n');
            chunk = [];
          }
        }
        if (chunk.length) writeSync(fd, chunk.join('\n') + '\n');
        closeSync(fd);
        docs += k;
      }
      for (const mode of ['stream', 'memory']) {
        if (mode === 'memory' && !memSizes.has(mb)) continue;
        const out = join(tmp, `model-${mb}-${mode}`);
        // Sample the token dir size while the child runs is not needed: the streams equal tokens × 4 bytes.
        const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, 'stream.ts'), '--child', data, tokDir, out, steps], {
          cwd: repo,
          encoding: 'utf8',
          env: { ...process.env, ...(mode === 'memory' ? { OELLM_TRAIN_TOKENS: 'memory' } : {}) },
          maxBuffer: 1 << 26,
        });
        if (r.status !== 0) {
          console.log([mb, docs, '-', mode, `failed (exit ${r.status ?? r.signal}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`].join('\t'));
          continue;
        }
        const j = JSON.parse(r.stdout.trim().split('\n').pop()!) as { maxRssMiB: number; seconds: number; trainTokens: number };
        console.log([mb, docs, ((j.trainTokens * 4) / 1e6).toFixed(1), mode, j.maxRssMiB.toFixed(0), j.seconds.toFixed(1)].join('\t'));
        rmSync(out, { recursive: true, force: true });
      }
      rmSync(data, { recursive: true, force: true });
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
