// Import benchmark on a ≥1B-parameter model: a random-weight Llama of ~1.1B parameters (bf16,
// sharded like save_pretrained; bench/import/make-model.py) → `oellm import hf --gguf` Q8_0 and
// Q4_K_M, wall time and peak RSS (GNU time), against transformers (5.x, torch CPU) loading the
// same checkpoint in the same run, with the ratios; checks that our peak RSS stays below twice
// the largest shard (shards streamed) and that llama.cpp loads each GGUF and generates.
// Run: `npx tsx bench/import/run.ts [--shards 5] [--layers 22] [--types q8_0,q4_k_m] [--limit-s 3600] [--keep]`. Deletes the model
// (≈2.2 GB) and the GGUFs afterwards. Not a test: nothing is asserted, figures are printed.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LlamaCppModel } from '../../src/runtime/llamacpp.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const PY = process.env.OELLM_PYTHON ?? '/work/venv/bin/python';
const root = join(tmpdir(), `oellm-bench-import-${process.pid}`);
const model = join(root, 'model');
mkdirSync(root, { recursive: true });

/** Runs a command under GNU time: wall seconds, CPU seconds (user + sys), peak RSS (KiB), stdout. */
function timed(cmd: string, args: string[]): { seconds: number; cpu: number; maxRssKb: number; stdout: string } {
  // Each child has its own time limit, so a stopped benchmark never leaves an orphan converting.
  // (GNU timeout signals its whole process group: time and the command under it.)
  const r = spawnSync('timeout', ['-s', 'KILL', arg('limit-s', '3600'), '/usr/bin/time', '-f', 'TIME %e %U %S %M', cmd, ...args], { encoding: 'utf8', cwd: repo, maxBuffer: 1 << 26 });
  const m = /TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)\s*$/.exec(r.stderr);
  if (r.status !== 0 || !m) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stderr.slice(-2000)}`);
  return { seconds: Number(m[1]), cpu: Number(m[2]) + Number(m[3]), maxRssKb: Number(m[4]), stdout: r.stdout };
}

try {
  const gen = timed(PY, [join(repo, 'bench/import/make-model.py'), model, '--shards', arg('shards', '5'), '--layers', arg('layers', '22')]);
  const info = JSON.parse(gen.stdout.trim().split('\n').at(-1)!) as { params: number; shards: number };
  for (const f of ['tokenizer.json', 'tokenizer_config.json']) copyFileSync(join(repo, 'tests/fixtures/hf-import/tokenizer', f), join(model, f));
  const shardBytes = readdirSync(model)
    .filter((f) => f.endsWith('.safetensors'))
    .map((f) => statSync(join(model, f)).size);
  const largest = Math.max(...shardBytes);
  const mb = (b: number): string => `${(b / 2 ** 20).toFixed(0)} MiB`;
  console.log(`model: ${(info.params / 1e9).toFixed(2)}B parameters, bf16, ${shardBytes.length} shards, largest ${mb(largest)}, total ${mb(shardBytes.reduce((a, b) => a + b, 0))} (generated in ${gen.seconds.toFixed(0)} s)`);

  const peer = timed(PY, [join(repo, 'bench/import/load-transformers.py'), model]);
  console.log(`transformers from_pretrained (bf16, every weight touched): ${peer.seconds.toFixed(1)} s wall, ${peer.cpu.toFixed(1)} CPU-s, peak RSS ${mb(peer.maxRssKb * 1024)}`);

  const rows: string[] = [];
  for (const type of arg('types', 'q8_0,q4_k_m').split(',')) {
    const out = join(root, `${type}.gguf`);
    const r = timed(process.execPath, ['--import', 'tsx', join(repo, 'src/cli/main.ts'), 'import', 'hf', model, '--gguf', out, '--type', type, '--json']);
    const rss = r.maxRssKb * 1024;
    const m = await LlamaCppModel.load(out, { threads: 2 });
    let gen = 0;
    try {
      gen = (await m.generate('Hello', { maxTokens: 4 })).tokens.length;
    } finally {
      await m.dispose();
    }
    rows.push(
      `${type}: ${r.seconds.toFixed(1)} s wall (${(r.seconds / peer.seconds).toFixed(2)}× transformers' load), ${r.cpu.toFixed(1)} CPU-s (${(r.cpu / peer.cpu).toFixed(2)}×), peak RSS ${mb(rss)} ` +
        `(${(rss / (peer.maxRssKb * 1024)).toFixed(2)}× transformers; ${(rss / largest).toFixed(2)}× the largest shard: ${rss < 2 * largest ? 'below' : 'ABOVE'} 2×), ` +
        `GGUF ${mb(statSync(out).size)}, llama.cpp loads it and generated ${gen} token(s)`,
    );
    console.log(rows.at(-1));
    rmSync(out, { force: true });
  }
} finally {
  if (!process.argv.includes('--keep')) rmSync(root, { recursive: true, force: true });
}
