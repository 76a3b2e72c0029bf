// `oellm build [config.yaml] [--out <run-dir>]`: the main job, curate → tokenize → train →
// export for a model series from one configuration (default: the embedded UDHR corpus).
// Prints a per-language and per-variant summary. Not the orchestration (src/factory/build.ts).
import type { Command } from 'commander';
import { runBuild, resolveBuildConfig, type BuildSummary } from '../../factory/build.js';
import { dumpConfig, type Plain } from '../../config/load.js';
import { createLogger } from '../../util/log.js';
import { Progress } from '../../util/progress.js';
import { emit, fmtNum, table } from '../output.js';
import { configOverrides, OPTIONS, type FlagTarget } from '../flags.js';
import { BuildConfigSchema } from '../../factory/config.js';
import { DataConfigSchema } from '../../data/config.js';
import { formatBuildEval } from '../../eval/build.js';

interface Flags {
  out?: string;
  name?: string;
  steps?: string;
  vocabSize?: string;
  languages?: string;
  workers?: string;
  printConfig?: boolean;
  json?: boolean;
}

/**
 * Each flag is one key of BuildConfigSchema, parsed by that field's kind (ranges are the
 * schema's to check; the flags' own lower bound stays 1). `data` is a record in the build schema,
 * so --workers names DataConfigSchema's field.
 */
const FLAG_TARGETS: Readonly<Record<string, FlagTarget>> = {
  name: 'name',
  vocabSize: { path: 'tokenizer.vocabSize', rule: { min: 1 } },
  languages: 'languages',
  workers: { path: 'data.workers', field: DataConfigSchema.shape.workers, rule: { min: 1 } },
};

/** Flags as a config overlay (only flags given; an empty value, `--name ""`, counts as not given, as it always has here). */
const overrides = (f: Flags): Plain => configOverrides(Object.fromEntries(Object.entries(f).filter(([, v]) => v !== '')), BuildConfigSchema, FLAG_TARGETS);

function humanSummary(s: BuildSummary): string {
  const out: string[] = [];
  const c = s.counts;
  out.push(`\nrun: ${s.runDir}  (${fmtNum(s.wall_s)} s)`);
  out.push(`documents: in ${c.in}, kept ${c.kept} (public ${c.kept_public}, restricted ${c.kept_restricted}), dropped ${c.dropped}, quarantined ${c.quarantined}\n`);
  const vnames = s.variants.map((v) => v.name);
  const rows = s.languages.map((l) => {
    const bpb = vnames.map((n) => {
      const v = s.variants.find((x) => x.name === n)!;
      const vals = Object.entries(v.valBpb)
        .filter(([k]) => l.label.split('+').includes(k))
        .map(([, x]) => x);
      return vals.length ? vals.reduce((a, b) => a + b, 0) / vals.length : '-';
    });
    return [l.code, l.label, l.docs, l.tokens, ...bpb.map((b) => (typeof b === 'number' ? b.toFixed(3) : b))];
  });
  out.push(table(['lang', 'labels', 'docs', 'tokens', ...vnames.map((n) => `bpb ${n}`)], rows));
  if (s.missing.length) out.push(`no documents for: ${s.missing.join(', ')} (the build went on without them)\n`);
  for (const v of s.variants) {
    out.push(`${v.name}: ${fmtNum(v.params)} params, ${v.steps} steps, ${fmtNum(v.tokens)} tokens, final loss ${v.finalLoss.toFixed(3)}, ${fmtNum(v.tokensPerS)} tokens/s`);
    out.push(`  checkpoint  ${v.checkpoint}/`);
    for (const g of v.gguf) out.push(`  ${g.type.padEnd(10)}  ${g.path}  ${(g.bytes / 1e6).toFixed(2)} MB  llama.cpp: "${(g.sample ?? '').replace(/\s+/g, ' ').slice(0, 50)}"`);
  }
  if (s.eval) out.push('\n' + formatBuildEval(s.eval));
  const first = s.variants[0]?.gguf.find((g) => g.type === 'q4_0') ?? s.variants[0]?.gguf[0];
  if (first) out.push(`\ntry it:  npx oellm generate --model ${s.runDir}/${first.path} --prompt "Svi ljudi rađaju se"`);
  out.push(`stages: ${s.stages.map((r) => `${r.stage} ${r.skipped ? 'cached' : `${r.wall_s}s`}`).join(', ')}\n`);
  return out.join('\n') + '\n';
}

export function register(program: Command): void {
  program
    .command('build')
    .description(
      'the main job: corpus → data pipeline → tokenizer → train each model variant → GGUF F16/Q8_0/Q4_0, checked in llama.cpp.\nWith no config file, builds the embedded default (UDHR in every registry language, two variants).\nCached per stage: re-running skips finished stages; a killed build resumes.',
    )
    .argument('[config]', 'build configuration (YAML or JSON); keys: name, corpus, languages, data, tokenizer, series')
    .option('--out <dir>', 'run directory (default runs/<name>)')
    .option('--name <name>', 'run name')
    .addOption(OPTIONS.vocabSize())
    .addOption(OPTIONS.languages('registry codes to build for, comma-separated'))
    .addOption(OPTIONS.workers('data pipeline worker threads'))
    .addOption(OPTIONS.printConfig())
    .addOption(OPTIONS.json('the summary'))
    .action(async (file: string | undefined, f: Flags) => {
      const o = overrides(f);
      if (f.printConfig) {
        const { config, data } = resolveBuildConfig(file, o);
        process.stdout.write(dumpConfig({ ...config, data }));
        return;
      }
      // On a terminal, log lines go above the bars (progress.write), never into a bar's line.
      // eslint-disable-next-line prefer-const -- assigned after the logger that its closure reads
      let progress: Progress | undefined;
      const logger = createLogger({ write: (line) => (progress ? progress.write(line) : process.stderr.write(line)) });
      progress = new Progress({ logger });
      let s: BuildSummary;
      try {
        s = await runBuild({ ...(file ? { file } : {}), overrides: o, ...(f.out ? { out: f.out } : {}), log: (line) => logger.info(line), progress });
      } finally {
        progress.stop();
      }
      emit(f.json, s, () => humanSummary(s));
    });
}
