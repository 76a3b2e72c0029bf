// `oellm train` (dataset + tokenizer → checkpoint dir, resumable) and `oellm bench train`
// (throughput on random tokens for an explicit architecture, comparable with
// ../shared/peers/torch_llama.py). Flags resolve over the TrainConfig schema (defaults ←
// --config file ← flags). Not the trainer: see src/train/.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { Progress, type Bar } from '../../util/progress.js';
import { createLogger } from '../../util/log.js';
import { resolveConfig, type Plain } from '../../config/load.js';
import { addSchemaFlags, kebab, numberRuleOf, OPTIONS, parseList, parseNumber, parseWeights, schemaOverrides } from '../flags.js';
import { TrainConfigSchema } from '../../train/config.js';
import { train, pickKernels } from '../../train/trainer.js';
import { benchTrain } from '../../train/bench.js';
import { nativeKernels } from '../../train/backend.js';
import { emit, table } from '../output.js';

/** Every numeric field of the schema is a flag (`seqLen` → `--seq-len <n>`), parsed by its kind. */
const NUM_FLAGS = Object.keys(TrainConfigSchema.shape).filter((f) => numberRuleOf(TrainConfigSchema.shape[f as keyof typeof TrainConfigSchema.shape]));
const STR_FLAGS = ['data', 'tokenizer', 'out', 'preset', 'init', 'schedule', 'kernels'] as const;

export function register(program: Command): void {
  const t = program
    .command('train')
    .description('train a Llama-style model from scratch (or from --init) on a dataset dir; writes a Hugging Face checkpoint dir with train_log.jsonl')
    .option('--data <dir>', 'dataset dir (shards/<lang>/*.jsonl.zst)')
    .option('--tokenizer <dir>', "dir with tokenizer.json (default with --init: the init model's own)")
    .option('--out <dir>', 'checkpoint dir to write (model.safetensors, config.json, tokenizer, oellm.json, optimizer state, train_log.jsonl)')
    .option('--preset <name>', 'model size: micro | tiny | small | base')
    .option('--max-steps <n>', 'optimizer steps')
    .option('--seed <n>', 'seed for init and data order')
    .option('--resume', 'continue the run saved in --out')
    .option('--init <dir>', 'start from a checkpoint or Hugging Face Llama dir')
    .option('--config <file>', 'YAML/JSON config file (keys as in the flags, camelCase)');
  addSchemaFlags(
    t,
    TrainConfigSchema,
    NUM_FLAGS.filter((f) => f !== 'maxSteps' && f !== 'seed'),
  );
  t.option('--schedule <kind>', 'cosine | wsd | constant')
    .option('--kernels <kind>', 'auto | native | ts')
    .option('--tied', 'tie input and output embeddings')
    .addOption(OPTIONS.languages('only these languages, comma-separated (shard folder labels like mlt_Latn, or registry codes)'))
    .addOption(OPTIONS.alias('--langs <labels...>'))
    .option('--lang-weight <lang=w...>', 'extra sampling weight per language, e.g. --lang-weight mlt_Latn=2')
    .addOption(OPTIONS.json('the result (no progress bar)'))
    .action(async (o: Record<string, unknown>) => {
      const ov: Plain = schemaOverrides(o, TrainConfigSchema, [...NUM_FLAGS, ...STR_FLAGS]);
      if (o.resume) ov.resume = true;
      if (o.tied) ov.tied = true;
      const langs = (o.languages ?? o.langs) as string[] | undefined;
      if (langs) ov.langs = parseList(langs);
      if (o.langWeight) ov.langWeights = parseWeights('lang-weight', o.langWeight as string[]);
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
      // On a terminal, log lines go above the bar (Progress.write), never into the bar's line.
      const progress = tty ? new Progress({ tty: true, logger: createLogger() }) : undefined;
      let bar: Bar | undefined;
      const shown = { loss: '-', 'tok/s': '-', lr: '-' };
      const r = await train({
        config: cfg,
        log: (l) => !o.json && (progress ? progress.write(l) : process.stderr.write(`${l}\n`)),
        onProgress: (p) => {
          if (!progress) return;
          bar ??= progress.bar('train', p.maxSteps, 'steps');
          Object.assign(shown, Number.isFinite(p.loss) ? { loss: p.loss.toFixed(4) } : {}, p.phase === 'train' ? { 'tok/s': Math.round(p.tokensPerS), lr: p.lr.toExponential(2) } : {});
          bar.update(p.step, shown);
        },
      }).finally(() => progress?.stop());
      emit(
        !!o.json,
        r,
        () =>
          `trained ${r.steps} steps, ${r.tokens.toLocaleString('en-US')} tokens, ${r.params.toLocaleString('en-US')} parameters in ${r.seconds.toFixed(1)} s (${Math.round(r.tokensPerS)} tokens/s, ${r.kernels})\n` +
          `final loss ${r.finalLoss.toFixed(4)}\n` +
          (Object.keys(r.val).length
            ? table(
                ['language', 'val bits/byte'],
                Object.entries(r.val).map(([l, v]) => [l, Math.round(v * 1000) / 1000]),
              )
            : '') +
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
    .addOption(OPTIONS.vocabSize('vocabulary').default('4096'))
    .addOption(OPTIONS.alias('--vocab <n>'))
    .option('--seq-len <n>', 'sequence length', '128')
    .addOption(OPTIONS.alias('--seq <n>'))
    .option('--batch-size <n>', 'batch size', '8')
    .addOption(OPTIONS.alias('--batch <n>'))
    .option('--steps <n>', 'timed steps (after 2 warmup steps)', '10')
    .option('--threads <n>', 'native kernel threads')
    .option('--kernels <kind>', 'auto | native | ts', 'auto')
    .option('--profile', 'report the share of time per kernel')
    .addOption(OPTIONS.json())
    .action((o: Record<string, string | boolean | undefined>) => {
      const n = (k: string): number => parseNumber(kebab(k), o[k] as string, { int: true, min: 1 });
      // Old spellings (--vocab, --seq, --batch) still work, hidden from --help.
      for (const [now, old] of [
        ['vocabSize', 'vocab'],
        ['seqLen', 'seq'],
        ['batchSize', 'batch'],
      ] as const)
        if (o[old] !== undefined) o[now] = o[old];
      const threads = o.threads !== undefined ? n('threads') : undefined;
      const kernels = pickKernels(o.kernels as 'auto' | 'native' | 'ts', threads);
      const r = benchTrain(
        { dim: n('dim'), layers: n('layers'), heads: n('heads'), kvHeads: n('kvHeads'), ffn: n('ffn'), vocab: n('vocabSize'), seq: n('seqLen'), batch: n('batchSize'), steps: n('steps'), profile: !!o.profile },
        kernels,
        kernels.name.startsWith('native') ? nativeKernels().threads : 1,
      );
      emit(
        !!o.json,
        r,
        () =>
          `${r.params.toLocaleString('en-US')} params, ${r.kernels}: ${r.tokens_per_s} tokens/s, ${r.gflops_per_s} GFLOP/s, loss ${r.loss}\n` +
          (r.profile
            ? table(
                ['kernel', 'share'],
                Object.entries(r.profile).map(([k, v]) => [k, `${(v * 100).toFixed(1)}%`]),
              )
            : ''),
      );
    });
}
