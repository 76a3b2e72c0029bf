// `oellm eval`: per-language evaluation of checkpoints, GGUF files and OpenAI-compatible
// endpoints side by side (report.json / report.md / SVG charts, printed table); `oellm eval
// validate <task file>` checks a native task file line by line; `oellm eval contamination`
// measures 13-gram overlap with a training dataset; the hidden `oellm eval unit` runs one rank
// of a plan (what worker processes and Slurm array tasks call). Logic lives in src/eval/.
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { OellmError } from '../../util/errors.js';
import { emit } from '../output.js';

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

const int = (name: string, v: string | undefined, min = 0): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new OellmError(`--${name} expects an integer ≥ ${min}, got "${v}"`, { code: 'E_CONFIG' });
  return n;
};

/** `lang=file` pairs into lang → files. */
function langFiles(flag: string, vals: string[] = []): Record<string, string[]> | undefined {
  if (!vals.length) return undefined;
  const out: Record<string, string[]> = {};
  for (const v of vals) {
    const i = v.indexOf('=');
    if (i <= 0) throw new OellmError(`--${flag} expects <lang>=<file>, got "${v}"`, { code: 'E_CONFIG', hint: `e.g. --${flag} hr=my-text.txt` });
    (out[v.slice(0, i)] ??= []).push(v.slice(i + 1));
  }
  return out;
}

interface EvalFlags {
  model?: string[];
  tasks: string;
  langs?: string;
  shots?: string;
  limit?: string;
  split?: string;
  out: string;
  text?: string[];
  pairs?: string[];
  compare?: boolean;
  base?: string;
  quantLimit?: string;
  evalData?: string;
  threads?: string;
  sequences?: string;
  endpointModel?: string;
  apiKeyFile?: string;
  concurrency?: string;
  timeout?: string;
  retries?: string;
  executor?: string;
  workers?: string;
  partition?: string;
  json?: boolean;
}

export function register(program: Command): void {
  const ev = program
    .command('eval')
    .description('evaluate models per language: checkpoints (our forward pass), GGUF files (llama.cpp) and OpenAI-compatible endpoints side by side; writes report.json, report.md and one SVG chart per task')
    .option('--model <spec>', 'checkpoint dir | file.gguf | http(s)://host/v1 (repeat for several models)', collect)
    .option('--tasks <list>', 'comma-separated: flores-bpb, sib200, exams, pairs, text, quant, or native task files (.jsonl)', 'flores-bpb')
    .option('--langs <codes>', 'comma-separated registry codes (default: every language; a task without data for one gives a no_data row)')
    .option('--shots <n>', 'few-shot examples for multiple-choice tasks (from the train split)', '0')
    .option('--limit <n>', 'at most N items per task and language (the first N)')
    .option('--split <split>', 'split(s) to evaluate, + joined (default: flores-bpb dev+test, others test)')
    .option('--out <dir>', 'output dir (report.json, report.md, *.svg, units/ cache)', 'eval-out')
    .option('--text <lang=file>', 'add a native text file for the `text` task (bits per byte), repeatable', collect)
    .option('--pairs <lang=file>', 'minimal-pair file (MultiBLiMP columns sen, wrong_sen) for the `pairs` task, repeatable', collect)
    .option('--compare', 'add the quant task: every other --model against the base (first --model or --base) on FLORES dev text')
    .option('--base <spec>', 'quant: the base model (default: the first --model)')
    .option('--quant-limit <n>', 'quant: FLORES dev sentences per language', '20')
    .option('--eval-data <dir>', 'evaluation data folder (default: $OELLM_EVAL_DATA or ../shared/eval)')
    .option('--threads <n>', 'llama.cpp CPU threads (default: half the cores minus the current load, at least 1)')
    .option('--sequences <n>', 'llama.cpp sequences evaluated together per batch (1 was fastest on CPU, bench/eval)', '1')
    .option('--endpoint-model <name>', 'endpoint: served model name (default: the first of /v1/models)')
    .option('--api-key-file <file>', 'endpoint: send `Authorization: Bearer <first line of file>` (as `oellm serve --api-key-file` expects)')
    .option('--concurrency <n>', 'endpoint: parallel HTTP requests', '4')
    .option('--timeout <ms>', 'endpoint: per-request timeout in ms', '60000')
    .option('--retries <n>', 'endpoint: retries with exponential backoff before a unit fails', '3')
    .option('--executor <name>', 'inline | local (worker processes) | slurm (job array)', 'inline')
    .option('--workers <n>', 'worker processes (local) or array tasks (slurm)', '2')
    .option('--partition <name>', 'slurm partition')
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  oellm eval --model runs/default/models/core/core-f16.gguf --model runs/default/models/core/core-q4_0.gguf --tasks flores-bpb,sib200 --limit 50 --compare\n  oellm eval --model http://localhost:8080/v1 --tasks sib200 --shots 5 --langs hr,sr,bs\n  oellm eval validate my-task.jsonl\n\nUnits (model × task × language) are cached under <out>/units/: rerunning resumes.',
    )
    .action(async (o: EvalFlags) => {
      const models = o.model ?? [];
      if (models.length === 0) throw new OellmError('no --model given', { code: 'E_CONFIG', hint: 'pass --model <checkpoint dir | file.gguf | http(s)://host/v1>; see `oellm eval --help`' });
      const tasks = o.tasks
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      if (o.compare && !tasks.includes('quant')) tasks.push('quant');
      const executor = o.executor as 'inline' | 'local' | 'slurm';
      if (!['inline', 'local', 'slurm'].includes(executor)) throw new OellmError(`--executor must be inline, local or slurm, got "${o.executor}"`, { code: 'E_CONFIG' });
      const { runEval, writeReport, formatTable } = await import('../../eval/index.js');
      const threads = int('threads', o.threads, 1);
      const texts = langFiles('text', o.text);
      const pairs = langFiles('pairs', o.pairs);
      const limit = int('limit', o.limit, 1);
      const report = await runEval({
        models,
        tasks,
        ...(o.langs
          ? {
              langs: o.langs
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean),
            }
          : {}),
        shots: int('shots', o.shots)!,
        ...(limit !== undefined ? { limit } : {}),
        ...(o.split ? { split: o.split } : {}),
        out: o.out,
        ...(o.evalData ? { dataDir: o.evalData } : {}),
        ...(texts ? { texts } : {}),
        ...(pairs ? { pairs } : {}),
        ...(o.base ? { base: o.base } : {}),
        quantLimit: int('quant-limit', o.quantLimit, 1)!,
        backend: {
          ...(threads ? { threads } : {}),
          sequences: int('sequences', o.sequences, 1)!,
          endpoint: {
            ...(o.endpointModel ? { model: o.endpointModel } : {}),
            ...(o.apiKeyFile ? { apiKeyFile: resolve(o.apiKeyFile) } : {}),
            concurrency: int('concurrency', o.concurrency, 1)!,
            timeoutMs: int('timeout', o.timeout, 1)!,
            retries: int('retries', o.retries)!,
          },
        },
        executor,
        workers: int('workers', o.workers, 1)!,
        ...(o.partition ? { slurm: { partition: o.partition } } : {}),
        log: (l) => process.stderr.write(l + '\n'),
      });
      const files = writeReport(o.out, report);
      emit(o.json, report, () => `${formatTable(report)}\nwrote ${files.join(', ')}\n`);
    });

  ev.command('validate')
    .description('check a native task file (JSONL: a header line, then one item per line) and name each bad line as file:line')
    .argument('<file>', 'task file (.jsonl or .jsonl.gz)')
    .option('--json', 'print {file, id, kind, items, errors} as JSON')
    .action(async (file: string, o: { json?: boolean }) => {
      const { parseTaskFile } = await import('../../eval/tasks/native.js');
      const t = parseTaskFile(file);
      const counts = Object.fromEntries([...t.items].map(([l, xs]) => [l, xs.length]));
      const n = Object.values(counts).reduce((s, v) => s + v, 0);
      emit(
        o.json,
        { file, id: t.id, kind: t.kind, items: counts, errors: t.errors.map((e) => ({ ...e, where: `${file}:${e.line}` })) },
        () => (t.errors.length ? t.errors.map((e) => `${file}:${e.line}: ${e.message}`).join('\n') + '\n' : '') + `${file}: task ${t.id} (${t.kind}), ${n} valid item(s) in ${Object.keys(counts).length} language(s), ${t.errors.length} bad line(s)\n`,
      );
      if (t.errors.length) process.exitCode = 1;
    });

  ev.command('contamination')
    .description('normalised 13-gram overlap of eval items with a training dataset (lm-eval decontamination): share contaminated per task × language, and scores re-computed on the clean subset')
    .requiredOption('--data <dir>', 'dataset dir of `oellm data run` (manifest.json + shards/)')
    .option('--tasks <list>', 'comma-separated tasks or native task files', 'sib200,exams')
    .option('--langs <codes>', 'comma-separated registry codes (default: every language a task has)')
    .option('--split <split>', "split(s) to check, + joined (default: each task's own)")
    .option('--eval <dir>', 'an `oellm eval --out` dir: re-score its cached units on the clean items')
    .option('--ngram <n>', 'n-gram length in words', '13')
    .option('--eval-data <dir>', 'evaluation data folder (default: $OELLM_EVAL_DATA or ../shared/eval)')
    .option('--out <file>', 'write the result as JSON to this file')
    .option('--json', 'print the result as JSON')
    .action(async (o: { data: string; tasks: string; langs?: string; split?: string; eval?: string; ngram: string; evalData?: string; out?: string; json?: boolean }) => {
      const { runContamination, formatContamination } = await import('../../eval/contamination.js');
      const { writeJsonAtomic } = await import('../../util/fs.js');
      const r = await runContamination({
        data: o.data,
        tasks: o.tasks
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
        ...(o.langs ? { langs: o.langs.split(',').map((s) => s.trim()) } : {}),
        ...(o.split ? { split: o.split } : {}),
        ...(o.eval ? { evalOut: o.eval } : {}),
        ...(o.evalData ? { dataDir: o.evalData } : {}),
        n: int('ngram', o.ngram, 1)!,
        log: (l) => process.stderr.write(l + '\n'),
      });
      if (o.out) writeJsonAtomic(o.out, r);
      emit(o.json, r, () => formatContamination(r));
    });

  ev.command('unit', { hidden: true })
    .description('run one rank of an eval plan (used by worker processes and Slurm array tasks)')
    .requiredOption('--plan <file>', 'plan.json written by `oellm eval`')
    .option('--rank <n>', 'this rank', process.env.SLURM_ARRAY_TASK_ID ?? '0')
    .option('--ranks <n>', 'number of ranks', '1')
    .action(async (o: { plan: string; rank: string; ranks: string }) => {
      const { runPlanRank } = await import('../../eval/runner.js');
      await runPlanRank(o.plan, int('rank', o.rank)!, int('ranks', o.ranks, 1)!, (l) => process.stdout.write(l + '\n'));
    });
}
