// Training throughput: oellm (`benchTrain`, native kernels) against the PyTorch peer
// ../shared/peers/torch_llama.py (Debian python3-torch + OpenBLAS pthread) on the three configs
// of issue 4, same threads, same batch and sequence, same FLOP formula, measured in the same run
// (peer then oellm, per config); prints tokens/s, GFLOP/s, the ratio and the kernel time shares.
// Usage: npx tsx bench/train/run.ts [--steps N] [--threads 2] [--only 1,2,3] [--json]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { benchTrain, type BenchTrainResult } from '../../src/train/bench.js';
import { nativeKernels, setThreads } from '../../src/train/backend.js';

const repo = new URL('../..', import.meta.url).pathname;
const peer = join(repo, '..', 'shared', 'peers', 'torch_llama.py');
const arg = (k: string, d?: string): string | undefined => {
  const i = process.argv.indexOf(`--${k}`);
  return i >= 0 ? process.argv[i + 1] : d;
};
const threads = Number(arg('threads', '2'));
const only = (arg('only', '1,2,3') ?? '').split(',').map(Number);
const json = process.argv.includes('--json');

const CONFIGS = [
  { dim: 128, layers: 2, heads: 4, kvHeads: 2, ffn: 352, vocab: 4096, seq: 128, batch: 8, steps: 10 },
  { dim: 384, layers: 6, heads: 6, kvHeads: 2, ffn: 1024, vocab: 8192, seq: 256, batch: 8, steps: 5 },
  { dim: 640, layers: 8, heads: 10, kvHeads: 2, ffn: 1728, vocab: 16384, seq: 256, batch: 4, steps: 3 },
];

const python = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0);
if (!python) console.error('peer unavailable: python3 with torch not found (Debian python3-torch + libopenblas0-pthread)');
if (!existsSync(peer)) console.error(`peer unavailable: ${peer} not found`);
setThreads(threads);
const nat = nativeKernels();
if (!nat.kernels) throw new Error(`native kernels unavailable: ${nat.error}`);

const rows: { config: number; params: number; torch?: { tokens_per_s: number; gflops_per_s: number }; oellm: BenchTrainResult; ratio?: number; load: number[] }[] = [];
for (const [i, c] of CONFIGS.entries()) {
  if (!only.includes(i + 1)) continue;
  const steps = Number(arg('steps', String(c.steps)));
  const load = loadavg().map((x) => Math.round(x * 10) / 10);
  let torch: { tokens_per_s: number; gflops_per_s: number } | undefined;
  if (python && existsSync(peer)) {
    const r = spawnSync(python, [peer, '--dim', String(c.dim), '--layers', String(c.layers), '--heads', String(c.heads), '--kv-heads', String(c.kvHeads), '--ffn', String(c.ffn), '--vocab', String(c.vocab), '--seq', String(c.seq), '--batch', String(c.batch), '--steps', String(steps), '--threads', String(threads)], { encoding: 'utf8', env: { ...process.env, OPENBLAS_NUM_THREADS: String(threads) } });
    if (r.status === 0) torch = JSON.parse(r.stdout.trim().split('\n').pop()!) as { tokens_per_s: number; gflops_per_s: number };
    else console.error(`peer failed: ${r.stderr}`);
  }
  const ours = benchTrain({ ...c, steps, profile: i === CONFIGS.length - 1 || process.argv.includes('--profile') }, nat.kernels, threads);
  const row = { config: i + 1, params: ours.params, ...(torch ? { torch, ratio: Math.round((ours.tokens_per_s / torch.tokens_per_s) * 100) / 100 } : {}), oellm: ours, load };
  rows.push(row);
  if (!json) {
    console.log(`config ${i + 1} (${(ours.params / 1e6).toFixed(1)}M params, ${steps} steps, load ${load.join(' ')}): pytorch ${torch?.tokens_per_s ?? '-'} tok/s (${torch?.gflops_per_s ?? '-'} GFLOP/s) | oellm ${ours.tokens_per_s} tok/s (${ours.gflops_per_s} GFLOP/s, ${ours.tokens_per_cpu_s} tok/cpu-s) | ratio ${row.ratio ?? '-'}`);
    if (ours.profile) console.log('  kernel shares: ' + Object.entries(ours.profile).map(([k, v]) => `${k} ${(v * 100).toFixed(1)}%`).join(', '));
  }
}
if (json) console.log(JSON.stringify({ threads, kernels: nat.kernels.name, rows }, null, 2));
