// The eval report: report.json (schema "oellm.eval/1", documented in docs/EVAL.md), report.md
// (per-language tables per task, a parity view — each language relative to English and to the
// best language — and the quantization cost table), one SVG chart per task, and the plain-text
// table `oellm eval` prints. Not the scoring. Reference: lm-eval's results JSON (one row per
// task × metric, with stderr), the lead's contract for the dashboard.
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { getLanguage } from '../lang/index.js';
import { VERSION } from '../util/version.js';
import { writeJsonAtomic } from '../util/fs.js';
import { barChart } from './svg.js';
import type { QuantSummary } from './quant.js';
import type { ResultRow } from './types.js';
import type { ModelInfo, UnitFile } from './units.js';
import type { EvalPlan } from './runner.js';

export const REPORT_SCHEMA = 'oellm.eval/1';

export type QuantRow = QuantSummary & { model: string; base: string; lang: string };

export interface Report {
  schema: typeof REPORT_SCHEMA;
  oellm_version: string;
  created: string;
  models: ModelInfo[];
  tasks: EvalPlan['tasks'];
  results: ResultRow[];
  quant: QuantRow[];
  /** Wall seconds spent in units this run and before (cached). */
  wall_s: number;
}

export function buildReport(plan: Pick<EvalPlan, 'models' | 'tasks'>, units: readonly UnitFile[]): Report {
  return {
    schema: REPORT_SCHEMA,
    oellm_version: VERSION,
    created: new Date().toISOString(),
    models: plan.models,
    tasks: plan.tasks,
    results: units.flatMap((u) => u.rows),
    quant: units.flatMap((u) => u.quant ?? []),
    wall_s: Math.round(units.reduce((s, u) => s + u.wall_s, 0) * 10) / 10,
  };
}

/** The metric a task's table shows, and whether lower is better. */
export function primaryMetric(rows: readonly ResultRow[]): { metric: string; lowerIsBetter: boolean } {
  if (rows.some((r) => r.metric === 'bits_per_byte')) return { metric: 'bits_per_byte', lowerIsBetter: true };
  if (rows.some((r) => r.metric === 'kld_mean')) return { metric: 'kld_mean', lowerIsBetter: true };
  return { metric: 'acc', lowerIsBetter: false };
}

const fmt = (v: number | null | undefined, d = 3): string => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(d));
const langName = (code: string): string => {
  try {
    return getLanguage(code).name;
  } catch {
    return code;
  }
};

interface Cell {
  value: number | null;
  stderr: number | null;
  status: string;
  n: number;
}

/** task → lang → model → cell, for the primary metric. */
function grid(r: Report): Map<string, { metric: string; lowerIsBetter: boolean; langs: string[]; cells: Map<string, Map<string, Cell>> }> {
  const out = new Map<string, { metric: string; lowerIsBetter: boolean; langs: string[]; cells: Map<string, Map<string, Cell>> }>();
  for (const t of r.tasks) {
    const rows = r.results.filter((x) => x.task === t.id);
    const pm = primaryMetric(rows);
    const cells = new Map<string, Map<string, Cell>>();
    const langs: string[] = [];
    for (const x of rows) {
      if (x.metric !== pm.metric && x.status === 'ok') continue;
      if (!cells.has(x.lang)) {
        cells.set(x.lang, new Map());
        langs.push(x.lang);
      }
      cells.get(x.lang)!.set(x.model, { value: x.value, stderr: x.stderr, status: x.status, n: x.n });
    }
    out.set(t.id, { ...pm, langs, cells });
  }
  return out;
}

/** The printed table: one block per task, a row per language, a column per model. */
export function formatTable(r: Report): string {
  const lines: string[] = [];
  const ids = r.models.map((m) => m.id);
  for (const [task, g] of grid(r)) {
    lines.push(`${task} — ${g.metric}${g.lowerIsBetter ? ' (lower is better)' : ''}`);
    const w = Math.max(12, ...ids.map((s) => s.length + 2));
    lines.push('lang'.padEnd(6) + ids.map((m) => m.padStart(w)).join('') + '   n');
    for (const lang of g.langs) {
      const row = g.cells.get(lang)!;
      const vals = ids.map((m) => {
        const c = row.get(m);
        if (!c) return ''.padStart(w);
        return (c.status === 'ok' ? fmt(c.value) : c.status).padStart(w);
      });
      const n = Math.max(0, ...[...row.values()].map((c) => c.n));
      lines.push(lang.padEnd(6) + vals.join('') + `   ${n}`);
    }
    lines.push('');
  }
  if (r.quant.length) {
    lines.push('quant — KLD mean / median / p99, top-1, RMS Δp, PPL ratio vs base');
    for (const q of r.quant)
      lines.push(
        `${q.lang.padEnd(6)}${q.model.padEnd(24)} ${fmt(q.kld_mean, 5)} ${fmt(q.kld_median, 5)} ${fmt(q.kld_p99, 5)}  ${(100 * q.top1).toFixed(1)}%  ${(100 * q.rms_dp).toFixed(2)}%  ${fmt(q.ppl_ratio, 4)}  (${q.n_tokens} tokens vs ${q.base})`,
      );
    lines.push('');
  }
  const bad = r.results.filter((x) => x.status === 'failed');
  if (bad.length)
    lines.push(
      `${bad.length} failed unit(s): ${bad
        .slice(0, 5)
        .map((x) => `${x.model} ${x.task} ${x.lang}: ${x.error}`)
        .join('; ')}${bad.length > 5 ? '; …' : ''}`,
    );
  return lines.join('\n');
}

/** report.md: tables, parity view and quant cost. */
export function markdown(r: Report): string {
  const ids = r.models.map((m) => m.id);
  const L: string[] = [`# Evaluation report`, '', `oellm ${r.oellm_version}, ${r.created}, schema \`${r.schema}\`.`, '', '## Models', '', '| id | kind | quant | sha256 |', '|---|---|---|---|'];
  for (const m of r.models) L.push(`| ${m.id} | ${m.kind} | ${m.quant ?? ''} | \`${m.sha256.slice(0, 16)}\` |`);
  for (const [task, g] of grid(r)) {
    const meta = r.tasks.find((t) => t.id === task);
    L.push('', `## ${task}`, '', `${meta?.description ?? ''}. Metric: \`${g.metric}\`${g.lowerIsBetter ? ' (lower is better)' : ' (higher is better)'}; ± is the standard error.`, '', `![${task}](${task.replace(/[^a-z0-9._-]/gi, '_')}.svg)`, '');
    L.push(`| language | ${ids.join(' | ')} | n |`, `|---|${ids.map(() => '---:').join('|')}|---:|`);
    for (const lang of g.langs) {
      const row = g.cells.get(lang)!;
      const vals = ids.map((m) => {
        const c = row.get(m);
        if (!c) return '';
        return c.status === 'ok' ? `${fmt(c.value)}${c.stderr !== null ? ` ± ${fmt(c.stderr)}` : ''}` : `*${c.status}*`;
      });
      L.push(`| ${lang} ${langName(lang)} | ${vals.join(' | ')} | ${Math.max(0, ...[...row.values()].map((c) => c.n))} |`);
    }
    // Parity: each language relative to English and to the best language, per model.
    const parity: string[] = [];
    for (const m of ids) {
      const vals = g.langs.map((l) => ({ l, v: g.cells.get(l)?.get(m) })).filter((x) => x.v?.status === 'ok' && x.v.value !== null && x.v.value !== 0) as { l: string; v: Cell }[];
      if (vals.length < 2) continue;
      const en = vals.find((x) => x.l === 'en')?.v.value ?? null;
      const best = vals.reduce((a, b) => ((g.lowerIsBetter ? b.v.value! < a.v.value! : b.v.value! > a.v.value!) ? b : a));
      parity.push(
        `### parity: ${m}`,
        '',
        `Ratio of each language's \`${g.metric}\` to English${en === null ? ' (no English row)' : ` (${fmt(en)})`} and to the best language (${best.l}, ${fmt(best.v.value)}). ${g.lowerIsBetter ? 'Above 1: worse than the reference.' : 'Below 1: worse than the reference.'}`,
        '',
        '| language | vs en | vs best |',
        '|---|---:|---:|',
      );
      for (const x of vals) parity.push(`| ${x.l} | ${en === null ? '—' : fmt(x.v.value! / en, 2)} | ${fmt(x.v.value! / best.v.value!, 2)} |`);
      parity.push('');
    }
    if (parity.length) L.push('', ...parity);
  }
  if (r.quant.length) {
    L.push(
      '',
      '## Quantization cost per language',
      '',
      'llama-perplexity `--kl-divergence` definitions (src/eval/quant.ts): KL divergence of the quantized model from its base per token (mean, median, 99th percentile), top-1 agreement, RMS of Δp on the actual token, PPL(Q)/PPL(base).',
      '',
      '| language | model | base | KLD mean | KLD median | KLD p99 | top-1 | RMS Δp | PPL ratio | tokens |',
      '|---|---|---|---:|---:|---:|---:|---:|---:|---:|',
    );
    for (const q of r.quant)
      L.push(`| ${q.lang} | ${q.model} | ${q.base} | ${fmt(q.kld_mean, 5)} | ${fmt(q.kld_median, 5)} | ${fmt(q.kld_p99, 5)} | ${(100 * q.top1).toFixed(2)} % | ${(100 * q.rms_dp).toFixed(3)} % | ${fmt(q.ppl_ratio, 4)} | ${q.n_tokens} |`);
  }
  const other = r.results.filter((x) => x.status !== 'ok');
  if (other.length) {
    L.push('', '## Rows without a value', '', '| model | task | language | status | why |', '|---|---|---|---|---|');
    for (const x of other) L.push(`| ${x.model} | ${x.task} | ${x.lang} | ${x.status} | ${(x.error ?? '').replace(/\|/g, '\\|')} |`);
  }
  const skipped = r.results.filter((x) => x.skipped && x.metric === primaryMetric([x]).metric);
  if (skipped.length) {
    L.push('', '## Skipped items', '', '| model | task | language | skipped |', '|---|---|---|---|');
    for (const x of skipped)
      L.push(
        `| ${x.model} | ${x.task} | ${x.lang} | ${Object.entries(x.skipped!)
          .map(([k, v]) => `${k}: ${v}`)
          .join(', ')} |`,
      );
  }
  return L.join('\n') + '\n';
}

/** Writes report.json, report.md and one <task>.svg per task into `out`. */
export function writeReport(out: string, r: Report): string[] {
  mkdirSync(out, { recursive: true });
  writeJsonAtomic(join(out, 'report.json'), r);
  writeFileSync(join(out, 'report.md'), markdown(r));
  const files = [join(out, 'report.json'), join(out, 'report.md')];
  for (const [task, g] of grid(r)) {
    const series = r.models
      .map((m) => ({
        name: m.id,
        values: g.langs.map((l) => {
          const c = g.cells.get(l)?.get(m.id);
          return c?.status === 'ok' ? c.value : null;
        }),
      }))
      .filter((s) => s.values.some((v) => v !== null));
    if (!series.length) continue;
    const f = join(out, `${task.replace(/[^a-z0-9._-]/gi, '_')}.svg`);
    writeFileSync(f, barChart({ title: `${task}: ${g.metric}${g.lowerIsBetter ? ' (lower is better)' : ' (higher is better)'}`, categories: g.langs, series }));
    files.push(f);
  }
  return files;
}
