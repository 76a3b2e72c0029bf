// `oellm train` (dataset + tokenizer → checkpoint dir, resumable) and `oellm bench train`
// (throughput on random tokens for an explicit architecture, comparable with
// ../shared/peers/torch_llama.py). Flags resolve over the TrainConfig schema (defaults ←
// --config file ← flags). Not the trainer: see src/train/.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { resolveConfig, type Plain } from '../../config/load.js';
import { OellmError } from '../../util/errors.js';
import { TrainConfigSchema } from '../../train/config.js';
import { train, pickKernels } from '../../train/trainer.js';
import { benchTrain } from '../../train/bench.js';
import { nativeKernels } from '../../train/backend.js';
import { emit, table } from '../output.js';

function num(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new OellmError(`--${name} expects a number, got "${v}"`, { code: 'E_CONFIG' });
  return n;
}

const NUM_FLAGS = ['dim', 'layers', 'heads', 'kvHeads', 'ffn', 'ropeTheta', 'seqLen', 'batchSize', 'gradAccum', 'maxSteps', 'lr', 'minLrRatio', 'warmup', 'decayFraction', 'weightDecay', 'beta1', 'beta2', 'eps', 'gradClip', 'seed', 'temperature', 'valFraction', 'maxValDocs', 'valEvery', 'valRows', 'checkpointEvery', 'threads'] as const;
const STR_FLAGS = ['data', 'tokenizer', 'out', 'preset', 'init', 'schedule', 'kernels'] as const;
const kebab = (s: string): string => s.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());

export function register(program: Command): void {
  const t = program
    .command('train')
    .description('train a Llama-style model from scratch (or from --init) on a dataset dir; writes a Hugging Face checkpoint dir with train_log.jsonl')
    .option('--data <dir>', 'dataset dir (shards/<lang>/*.jsonl.zst)')
    .option('--tokenizer <dir>', 'dir with tokenizer.json (default with --init: the init model\'s own)')
    .option('--out <dir>', 'checkpoint dir to write (model.safetensors, config.json, tokenizer, oellm.json, optimizer state, train_log.jsonl)')
    .option('--preset <name>', 'model size: micro | tiny | small | base')
    .option('--max-steps <n>', 'optimizer steps')
    .option('--seed <n>', 'seed for init and data order')
    .option('--resume', 'continue the run saved in --out')
    .option('--init <dir>', 'start from a checkpoint or Hugging Face Llama dir')
    .option('--config <file>', 'YAML/JSON config file (keys as in the flags, camelCase)');
  for (const f of ['dim', 'layers', 'heads', 'kvHeads', 'ffn', 'ropeTheta', 'seqLen', 'batchSize', 'gradAccum', 'lr', 'minLrRatio', 'warmup', 'decayFraction', 'weightDecay', 'beta1', 'beta2', 'eps', 'gradClip', 'temperature', 'valFraction', 'maxValDocs', 'valEvery', 'valRows', 'checkpointEvery', 'threads'] as const) {
    const d = TrainConfigSchema.shape[f].description ?? f;
    t.option(`--${kebab(f)} <n>`, d);
  }
  t.option('--schedule <kind>', 'cosine | wsd | constant')
    .option('--kernels <kind>', 'auto | native | ts')
    .option('--tied', 'tie input and output embeddings')
    .option('--langs <labels...>', 'only these languages')
    .option('--lang-weight <lang=w...>', 'extra sampling weight per language, e.g. --lang-weight mlt_Latn=2')
    .option('--json', 'print the result as JSON (no progress bar)')
    .action(async (o: Record<string, unknown>) => {
      const ov: Plain = {};
      for (const f of NUM_FLAGS) if (o[f] !== undefined) ov[f] = num(kebab(f), o[f] as string);
      for (const f of STR_FLAGS) if (o[f] !== undefined) ov[f] = o[f];
      if (o.resume) ov.resume = true;
      if (o.tied) ov.tied = true;
      if (o.langs) ov.langs = o.langs;
      if (o.langWeight) {
        const w: Record<string, number> = {};
        for (const kv of o.langWeight as string[]) {
          const m = /^([A-Za-z_-]+)=([0-9.]+)$/.exec(kv);
          if (!m) throw new OellmError(`--lang-weight expects lang=weight, got "${kv}"`, { code: 'E_CONFIG' });
          w[m[1]!] = Number(m[2]);
        }
        ov.langWeights = w;
      }
      // --resume without --max-steps keeps the saved budget.
      if (o.resume && o.maxSteps === undefined && typeof ov.out === 'string') {
        try {
          const st = JSON.parse(readFileSync(join(ov.out, 'trainer_state.json'), 'utf8')) as { config?: { maxSteps?: number; data?: string; tokenizer?: string } };
          if (st.config?.maxSteps) ov.maxSteps = st.config.maxSteps;
          if (ov.data === undefined && st.config?.data) ov.data = st.config.data;
          if (ov.tokenizer === undefined && st.config?.tokenizer) ov.tokenizer = st.config.tokenizer;
        } catch {
          /* nothing saved yet: a fresh run */
        }
      }
      // Adaptation: --init without --tokenizer keeps the model's own tokenizer (never retrained).
      if (ov.init !== undefined && ov.tokenizer === undefined && !o.config) ov.tokenizer = ov.init;
      const cfg = resolveConfig(TrainConfigSchema, { ...(o.config ? { file: o.config as string } : {}), overrides: ov });
      const tty = !!process.stderr.isTTY && !o.json;
      const bar = tty ? new cliProgress.SingleBar({ format: ' {phase} |{bar}| {value}/{total} steps  loss {loss}  {tps} tok/s  lr {lr}', stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic) : undefined;
      let started = false;
      const r = await train({
        config: cfg,
        log: (l) => !o.json && process.stderr.write(`${l}\n`),
        onProgress: (p) => {
          if (!bar) return;
          if (!started) {
            bar.start(p.maxSteps, p.step, { phase: p.phase, loss: '-', tps: '-', lr: '-' });
            started = true;
          }
          bar.update(p.step, { phase: p.phase.padEnd(10), ...(Number.isFinite(p.loss) ? { loss: p.loss.toFixed(4) } : {}), ...(p.phase === 'train' ? { tps: Math.round(p.tokensPerS), lr: p.lr.toExponential(2) } : {}) });
        },
      }).finally(() => bar?.stop());
      emit(!!o.json, r, () =>
        `trained ${r.steps} steps, ${r.tokens.toLocaleString('en-US')} tokens, ${r.params.toLocaleString('en-US')} parameters in ${r.seconds.toFixed(1)} s (${Math.round(r.tokensPerS)} tokens/s, ${r.kernels})\n` +
        `final loss ${r.finalLoss.toFixed(4)}\n` +
        (Object.keys(r.val).length ? table(['language', 'val bits/byte'], Object.entries(r.val).map(([l, v]) => [l, Math.round(v * 1000) / 1000])) : '') +
        `checkpoint: ${r.checkpointDir}\n`,
      );
    });

  const bench = program.commands.find((c) => c.name() === 'bench') ?? program.command('bench').description('benchmarks against named peers');
  bench
    .command('train')
    .description('train an explicit architecture on random tokens (AdamW, clip 1.0) and print tokens/s and GFLOP/s, comparable with ../shared/peers/torch_llama.py')
    .option('--dim <n>', 'model width', '128')
    .option('--layers <n>', 'blocks', '2')
    .option('--heads <n>', 'attention heads', '4')
    .option('--kv-heads <n>', 'key/value heads', '2')
    .option('--ffn <n>', 'SwiGLU width', '352')
    .option('--vocab <n>', 'vocabulary', '4096')
    .option('--seq <n>', 'sequence length', '128')
    .option('--batch <n>', 'batch size', '8')
    .option('--steps <n>', 'timed steps (after 2 warmup steps)', '10')
    .option('--threads <n>', 'native kernel threads')
    .option('--kernels <kind>', 'auto | native | ts', 'auto')
    .option('--profile', 'report the share of time per kernel')
    .option('--json', 'machine-readable output')
    .action((o: Record<string, string | boolean | undefined>) => {
      const n = (k: string): number => num(k, o[k] as string)!;
      const threads = o.threads !== undefined ? n('threads') : undefined;
      const kernels = pickKernels(o.kernels as 'auto' | 'native' | 'ts', threads);
      const r = benchTrain({ dim: n('dim'), layers: n('layers'), heads: n('heads'), kvHeads: n('kvHeads'), ffn: n('ffn'), vocab: n('vocab'), seq: n('seq'), batch: n('batch'), steps: n('steps'), profile: !!o.profile }, kernels, kernels.name.startsWith('native') ? nativeKernels().threads : 1);
      emit(!!o.json, r, () =>
        `${r.params.toLocaleString('en-US')} params, ${r.kernels}: ${r.tokens_per_s} tokens/s, ${r.gflops_per_s} GFLOP/s, loss ${r.loss}\n` +
        (r.profile ? table(['kernel', 'share'], Object.entries(r.profile).map(([k, v]) => [k, `${(v * 100).toFixed(1)}%`])) : ''),
      );
    });
}
