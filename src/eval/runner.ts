// `oellm eval` end to end: plan the units (model × task × language, plus quantized × base ×
// language for `quant`), run the pending ones — in this process, over local worker processes, or
// as a Slurm job array — each cached by content key, then collect every unit into the report.
// A unit that throws (endpoint down, bad data) becomes failed rows; the other units go on.
// Not the scoring (score.ts) or the report format (report.ts).
// Reference: lm-eval evaluator.simple_evaluate; datatrove executors (rank = unit index mod ranks).
import { spawn, execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { isLangCode, LANGUAGE_CODES } from '../lang/index.js';
import { OellmError } from '../util/errors.js';
import { readJson, sha256, writeJsonAtomic } from '../util/fs.js';
import { openBackend, type OpenOptions } from './backends/index.js';
import { compareOnTexts, summarize, type BaseRowCache } from './quant.js';
import { scoreUnit } from './score.js';
import { QUANT_TASK, resolveTask, type TaskDef, type TaskOptions } from './tasks/registry.js';
import { floresBpb } from './tasks/sib200.js';
import { evalDataDir } from './tasks/files.js';
import type { Backend, ResultRow, TaskData, TextItem } from './types.js';
import { isDone, modelIds, modelInfo, readUnit, unitKey, writeUnit, type ModelInfo, type PlanUnit, type UnitFile } from './units.js';
import { buildReport, type Report } from './report.js';

export interface EvalOptions {
  models: string[];
  tasks: string[];
  langs?: string[];
  shots?: number;
  limit?: number;
  /** Split(s) for every task (default: each task's own). */
  split?: string;
  out: string;
  dataDir?: string;
  texts?: Record<string, string[]>;
  pairs?: Record<string, string[]>;
  /** quant: the base model (default: the first --model); the others are compared with it. */
  base?: string;
  /** quant: FLORES sentences per language (default 20). */
  quantLimit?: number;
  backend?: OpenOptions;
  executor?: 'inline' | 'local' | 'slurm';
  workers?: number;
  slurm?: { partition?: string; time?: string; extra?: string[] };
  log?: (line: string) => void;
}

export interface EvalPlan {
  version: 1;
  out: string;
  models: ModelInfo[];
  task: Omit<TaskOptions, 'warn'>;
  backend: OpenOptions;
  quantLimit: number;
  units: PlanUnit[];
  tasks: { id: string; kind: string; description: string; data_sha256: string }[];
}

function loadLimited(t: TaskDef, lang: string, o: TaskOptions, limit?: number): TaskData {
  const d = t.load(lang, o);
  return limit !== undefined && d.items.length > limit ? { ...d, items: d.items.slice(0, limit) } : d;
}

/** Resolves models, tasks and languages into units with content keys. */
export async function planEval(o: EvalOptions): Promise<EvalPlan> {
  if (o.models.length === 0) throw new OellmError('no --model given', { code: 'E_CONFIG', hint: 'pass --model <checkpoint dir | file.gguf | http(s)://host/v1>, repeatable' });
  const log = o.log ?? (() => {});
  const out = resolve(o.out);
  const ids = modelIds(o.models);
  const models: ModelInfo[] = [];
  for (let i = 0; i < o.models.length; i++) models.push({ id: ids[i]!, ...(await modelInfo(o.models[i]!, o.backend?.endpoint?.model)) });
  const topt: TaskOptions = { dataDir: evalDataDir(o.dataDir), ...(o.split ? { split: o.split } : {}), shots: o.shots ?? 0, ...(o.texts ? { texts: o.texts } : {}), ...(o.pairs ? { pairs: o.pairs } : {}), warn: log };
  for (const l of o.langs ?? []) if (!isLangCode(l)) throw new OellmError(`unknown language "${l}"`, { code: 'E_CONFIG', hint: 'see `oellm langs` for the registry codes' });
  const units: PlanUnit[] = [];
  const tasks: EvalPlan['tasks'] = [];
  const quantLimit = o.quantLimit ?? 20;
  for (const name of o.tasks) {
    if (name === QUANT_TASK) {
      const baseSpec = o.base ?? o.models[0]!;
      const bi = o.models.indexOf(baseSpec);
      const base: ModelInfo = bi >= 0 ? models[bi]! : { id: modelIds([baseSpec])[0]!, ...(await modelInfo(baseSpec)) };
      const langs = o.langs ?? floresBpb.languages(topt);
      const shas: string[] = [];
      for (const lang of langs) {
        const d = floresBpb.languages(topt).includes(lang) ? loadLimited(floresBpb, lang, { ...topt, split: 'dev' }, quantLimit) : undefined;
        shas.push(d?.dataSha256 ?? 'none');
        models.forEach((m, i) => {
          if (o.models[i] === baseSpec) return;
          units.push({
            key: unitKey({ task: QUANT_TASK, model: m.sha256, base: base.sha256, lang, data: d?.dataSha256 ?? null, limit: quantLimit }),
            model: o.models[i]!,
            modelId: m.id,
            task: QUANT_TASK,
            lang,
            split: 'dev',
            shots: 0,
            limit: quantLimit,
            base: baseSpec,
            baseId: base.id,
          });
        });
      }
      tasks.push({ id: QUANT_TASK, kind: 'quant', description: `quantization cost vs ${base.id} on FLORES dev sentences (llama-perplexity --kl-divergence definitions)`, data_sha256: sha256(shas.join('\n')) });
      continue;
    }
    const t = resolveTask(name, log);
    const own = t.id === 'pairs' || t.id === 'text' || !TASK_IDS_WITH_SHARED_DATA.has(t.id);
    const langs = o.langs ?? (own ? t.languages(topt) : [...LANGUAGE_CODES]);
    const available = new Set(t.languages(topt));
    const split = o.split ?? t.defaultSplit;
    const shas: string[] = [];
    for (const lang of langs) {
      const d = available.has(lang) ? loadLimited(t, lang, topt, o.limit) : undefined;
      shas.push(`${lang}:${d?.dataSha256 ?? 'none'}`);
      for (let i = 0; i < o.models.length; i++) {
        units.push({
          key: unitKey({ task: t.id, model: models[i]!.sha256, lang, data: d?.dataSha256 ?? null, n: d?.items.length ?? 0, split, shots: o.shots ?? 0, limit: o.limit ?? null, template: d?.template?.id ?? null }),
          model: o.models[i]!,
          modelId: models[i]!.id,
          task: t.id,
          taskRef: name,
          lang,
          split,
          shots: t.kind === 'multiple_choice' ? (o.shots ?? 0) : 0,
          ...(o.limit !== undefined ? { limit: o.limit } : {}),
        });
      }
    }
    tasks.push({ id: t.id, kind: t.kind, description: t.description, data_sha256: sha256(shas.join('\n')) });
  }
  const { warn: _w, ...task } = topt;
  return { version: 1, out, models, task, backend: o.backend ?? {}, quantLimit, units, tasks };
}

const TASK_IDS_WITH_SHARED_DATA = new Set(['flores-bpb', 'sib200', 'exams']);

/** Runs the plan's pending units with index ≡ rank (mod ranks), one model open at a time. */
export async function runUnits(plan: EvalPlan, rank = 0, ranks = 1, log: (line: string) => void = () => {}): Promise<{ ran: number; failed: number; cached: number }> {
  const mine = plan.units.filter((_, i) => i % ranks === rank);
  const pending = mine.filter((u) => !isDone(plan.out, u.key));
  const stats = { ran: 0, failed: 0, cached: mine.length - pending.length };
  const open = new Map<string, Promise<Backend>>();
  const backend = (spec: string, id: string): Promise<Backend> => {
    let p = open.get(spec);
    if (!p) open.set(spec, (p = openBackend(spec, { ...plan.backend, id })));
    return p;
  };
  const closeAllBut = async (keep: string[]): Promise<void> => {
    for (const [k, p] of open) {
      if (keep.includes(k)) continue;
      open.delete(k);
      await p.then((b) => b.close()).catch(() => {});
    }
  };
  // Units of the same model together, so each model loads once per rank; quant units by base and
  // language, so the base's distributions of a language are computed once for every quantized model.
  pending.sort((a, b) => (a.base ?? '').localeCompare(b.base ?? '') || (a.base ? a.lang.localeCompare(b.lang) : 0) || a.model.localeCompare(b.model));
  let baseRows: { key: string; cache: BaseRowCache } = { key: '', cache: new Map() };
  const topt: TaskOptions = { ...plan.task, warn: log };
  try {
    for (let i = 0; i < pending.length; i++) {
      const u = pending[i]!;
      // Close the models no remaining unit needs (quant units alternate between several).
      await closeAllBut(pending.slice(i).flatMap((x) => [x.model, ...(x.base ? [x.base] : [])]));
      const t0 = performance.now();
      const wall = (): number => Math.round((performance.now() - t0) / 10) / 100;
      const spec = { model: u.modelId, task: u.task, lang: u.lang, shots: u.shots, split: u.split };
      try {
        if (u.task === QUANT_TASK) {
          const avail = floresBpb.languages(topt).includes(u.lang);
          if (!avail) {
            writeUnit(plan.out, { unit: u, status: 'ok', rows: [{ ...spec, metric: 'kld_mean', value: null, stderr: null, n: 0, template: 'sentence/1', status: 'no_data', error: 'no FLORES text for this language' }], quant: [], wall_s: wall() });
            log(`eval: ${u.modelId} ${u.task} ${u.lang}: no data`);
            continue;
          }
          const d = loadLimited(floresBpb, u.lang, { ...topt, split: 'dev' }, u.limit);
          const [b, q] = await Promise.all([backend(u.base!, u.baseId!), backend(u.model, u.modelId)]);
          if (baseRows.key !== `${u.base}\0${u.lang}`) baseRows = { key: `${u.base}\0${u.lang}`, cache: new Map() };
          const s = summarize(
            await compareOnTexts(
              b,
              q,
              (d.items as TextItem[]).map((x) => x.text),
              baseRows.cache,
            ),
          );
          const row = { model: u.modelId, base: u.baseId!, lang: u.lang, ...s };
          writeUnit(plan.out, { unit: u, status: 'ok', rows: [{ ...spec, metric: 'kld_mean', value: s.kld_mean, stderr: null, n: s.n_tokens, template: 'sentence/1', status: 'ok' }], quant: [row], wall_s: wall() });
        } else {
          const t = resolveTask(u.taskRef ?? u.task);
          if (!t.languages(topt).includes(u.lang)) {
            const metric = t.kind === 'text' ? 'bits_per_byte' : 'acc';
            writeUnit(plan.out, { unit: u, status: 'ok', rows: [{ ...spec, metric, value: null, stderr: null, n: 0, template: 'none', status: 'no_data', error: `${t.id} has no data for ${u.lang}` }], wall_s: wall() });
            log(`eval: ${u.modelId} ${u.task} ${u.lang}: no data`);
            continue;
          }
          const d = loadLimited(t, u.lang, topt, u.limit);
          const b = await backend(u.model, u.modelId);
          const r = await scoreUnit(b, spec, d);
          writeUnit(plan.out, { unit: u, status: 'ok', rows: r.rows, kind: r.kind, items: r.items, wall_s: wall() });
        }
        stats.ran++;
        log(`eval: ${u.modelId} ${u.task} ${u.lang} done (${wall()} s)`);
      } catch (e) {
        stats.failed++;
        const msg = e instanceof OellmError ? e.message : (e as Error).message;
        log(`eval: ${u.modelId} ${u.task} ${u.lang} FAILED: ${msg}`);
        // A model that cannot open keeps its rejected promise: its other units fail fast with the same error.
        writeUnit(plan.out, { unit: u, status: 'failed', rows: [{ ...spec, metric: primaryMetricOf(u), value: null, stderr: null, n: 0, template: 'none', status: 'failed', error: msg }], error: msg, wall_s: wall() });
      }
    }
  } finally {
    await closeAllBut([]);
  }
  return stats;
}

/** The metric a failed or missing unit's row carries (its task's primary metric). */
function primaryMetricOf(u: PlanUnit): string {
  if (u.task === QUANT_TASK) return 'kld_mean';
  try {
    return resolveTask(u.taskRef ?? u.task).kind === 'text' ? 'bits_per_byte' : 'acc';
  } catch {
    return 'acc';
  }
}

function binPath(): string {
  return fileURLToPath(new URL('../../bin/oellm.js', import.meta.url));
}

/** Local executor: N child processes, each `oellm eval unit --plan P --rank i --ranks N`. */
async function runLocalWorkers(planFile: string, n: number, log: (line: string) => void): Promise<void> {
  const codes = await Promise.all(
    Array.from(
      { length: n },
      (_, rank) =>
        new Promise<number>((res) => {
          const p = spawn(process.execPath, [binPath(), 'eval', 'unit', '--plan', planFile, '--rank', String(rank), '--ranks', String(n)], { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
          p.stdout.on('data', (b: Buffer) =>
            b
              .toString()
              .split('\n')
              .filter(Boolean)
              .forEach((l) => log(`[worker ${rank}] ${l}`)),
          );
          p.stderr.on('data', (b: Buffer) =>
            b
              .toString()
              .split('\n')
              .filter(Boolean)
              .forEach((l) => log(`[worker ${rank}] ${l}`)),
          );
          p.on('close', (c) => res(c ?? 1));
        }),
    ),
  );
  codes.forEach((c, i) => c !== 0 && log(`eval: worker ${i} exited with ${c}; its unfinished units are reported as missing and rerun next time`));
}

/** Slurm executor: one `sbatch --wait --array=0-(N-1)` job; task i runs rank i. */
async function runSlurm(plan: EvalPlan, planFile: string, n: number, s: EvalOptions['slurm'] = {}, log: (line: string) => void): Promise<void> {
  const logs = join(plan.out, 'slurm');
  mkdirSync(logs, { recursive: true });
  const script = join(logs, 'eval.sbatch');
  const q = (x: string): string => `'${x.replace(/'/g, `'\\''`)}'`;
  writeFileSync(script, `#!/bin/bash\n#SBATCH --job-name=oellm-eval\n#SBATCH --output=${logs}/%A_%a.log\nexec ${q(process.execPath)} ${q(binPath())} eval unit --plan ${q(planFile)} --rank "$SLURM_ARRAY_TASK_ID" --ranks ${n}\n`);
  const args = ['--wait', `--array=0-${n - 1}`, ...(s.partition ? [`--partition=${s.partition}`] : []), ...(s.time ? [`--time=${s.time}`] : []), ...(s.extra ?? []), script];
  log(`eval: sbatch ${args.join(' ')}`);
  try {
    const { stdout } = await promisify(execFile)('sbatch', args, { maxBuffer: 1 << 20 });
    log(`eval: ${stdout.trim()}`);
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') throw new OellmError('sbatch not found', { code: 'E_SLURM', hint: 'the slurm executor needs the Slurm client tools on PATH; use --executor local otherwise' });
    // A failed array task still leaves the others' units; the report shows what is missing.
    log(`eval: sbatch reported a failure: ${(err.stderr ?? err.message).trim()} (logs in ${logs})`);
  }
}

/** Plans, runs and reports; writes report.json, report.md and the SVG charts into `out`. */
export async function runEval(o: EvalOptions): Promise<Report> {
  const log = o.log ?? (() => {});
  const plan = await planEval(o);
  mkdirSync(join(plan.out, 'units'), { recursive: true });
  const planFile = join(plan.out, 'plan.json');
  writeJsonAtomic(planFile, plan);
  const pending = plan.units.filter((u) => !isDone(plan.out, u.key)).length;
  log(`eval: ${plan.units.length} units, ${plan.units.length - pending} cached`);
  const ex = o.executor ?? 'inline';
  const n = Math.max(1, Math.min(o.workers ?? 1, pending || 1));
  if (pending > 0) {
    if (ex === 'inline' || (ex === 'local' && n === 1)) await runUnits(plan, 0, 1, log);
    else if (ex === 'local') await runLocalWorkers(planFile, n, log);
    else await runSlurm(plan, planFile, n, o.slurm, log);
  }
  return collect(plan);
}

/** Reads every unit of the plan into the report (a unit with no file is a failed "missing" row). */
export function collect(plan: EvalPlan): Report {
  const units: UnitFile[] = plan.units.map((u) => {
    const f = readUnit(plan.out, u.key);
    if (f) return f;
    const row: ResultRow = {
      model: u.modelId,
      task: u.task,
      lang: u.lang,
      metric: primaryMetricOf(u),
      value: null,
      stderr: null,
      n: 0,
      shots: u.shots,
      template: 'none',
      status: 'failed',
      error: 'unit did not finish (worker killed?): rerun to resume',
    };
    return { unit: u, status: 'failed', rows: [row], wall_s: 0 };
  });
  return buildReport(plan, units);
}

/** `oellm eval unit`: runs one rank of a plan file (what workers and Slurm array tasks call). */
export async function runPlanRank(planFile: string, rank: number, ranks: number, log: (line: string) => void): Promise<void> {
  const plan = readJson<EvalPlan>(planFile);
  const s = await runUnits(plan, rank, ranks, log);
  log(`eval rank ${rank}/${ranks}: ${s.ran} ran, ${s.failed} failed, ${s.cached} cached`);
}
