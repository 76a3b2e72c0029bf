// Training throughput: oellm (`benchTrain`, native kernels) against the PyTorch peer
// ../shared/peers/torch_llama.py — under PyTorch 2.x (MKL, oneDNN) from a venv when one is
// present (OELLM_TORCH_PYTHON, else /work/venv/bin/python), otherwise Debian's python3-torch 1.13
// + OpenBLAS pthread; the peer that ran (python, torch version) is printed — on the three configs
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

// Peer interpreters, strongest first: the first that imports torch runs the peer.
const PEER_PYTHONS = [process.env.OELLM_TORCH_PYTHON, join(repo, '..', 'venv', 'bin', 'python'), '/work/venv/bin/python', '/usr/bin/python3', 'python3'].filter((p): p is string => !!p);
let python: string | undefined;
let torchVersion = '';
for (const p of PEER_PYTHONS) {
  const r = spawnSync(p, ['-c', 'import torch; print(torch.__version__, torch.backends.mkl.is_available(), torch.backends.mkldnn.is_available())'], { encoding: 'utf8' });
  if (r.status === 0) {
    python = p;
    torchVersion = r.stdout.trim();
    break;
  }
}
if (!python) console.error('peer unavailable: no python with torch (a venv with PyTorch 2.x, or Debian python3-torch + libopenblas0-pthread)');
else {
  const [ver, mkl, dnn] = torchVersion.split(' ');
  torchVersion = `torch ${ver} (${python}; MKL ${mkl === 'True' ? 'yes' : 'no'}, oneDNN ${dnn === 'True' ? 'yes' : 'no'})`;
  if (!json) console.log(`peer: ${peer} under ${torchVersion}`);
}
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
    const r = spawnSync(
      python,
      [
        peer,
        '--dim',
        String(c.dim),
        '--layers',
        String(c.layers),
        '--heads',
        String(c.heads),
        '--kv-heads',
        String(c.kvHeads),
        '--ffn',
        String(c.ffn),
        '--vocab',
        String(c.vocab),
        '--seq',
        String(c.seq),
        '--batch',
        String(c.batch),
        '--steps',
        String(steps),
        '--threads',
        String(threads),
      ],
      { encoding: 'utf8', env: { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) } },
    );
    if (r.status === 0) torch = JSON.parse(r.stdout.trim().split('\n').pop()!) as { tokens_per_s: number; gflops_per_s: number };
    else console.error(`peer failed: ${r.stderr}`);
  }
  const ours = benchTrain({ ...c, steps, profile: i === CONFIGS.length - 1 || process.argv.includes('--profile') }, nat.kernels, threads);
  const row = { config: i + 1, params: ours.params, ...(torch ? { torch, ratio: Math.round((ours.tokens_per_s / torch.tokens_per_s) * 100) / 100 } : {}), oellm: ours, load };
  rows.push(row);
  if (!json) {
    console.log(
      `config ${i + 1} (${(ours.params / 1e6).toFixed(1)}M params, ${steps} steps, load ${load.join(' ')}): pytorch ${torch?.tokens_per_s ?? '-'} tok/s (${torch?.gflops_per_s ?? '-'} GFLOP/s) | oellm ${ours.tokens_per_s} tok/s (${ours.gflops_per_s} GFLOP/s, ${ours.tokens_per_cpu_s} tok/cpu-s) | ratio ${row.ratio ?? '-'}`,
    );
    if (ours.profile)
      console.log(
        '  kernel shares: ' +
          Object.entries(ours.profile)
            .map(([k, v]) => `${k} ${(v * 100).toFixed(1)}%`)
            .join(', '),
      );
  }
}
if (json) console.log(JSON.stringify({ threads, kernels: nat.kernels.name, peer: torchVersion || null, rows }, null, 2));
