// The eval stage of `oellm build`: every variant and every quantization scored per language —
// flores-bpb on the FLORES dev split, quantization cost of each exported type against the
// variant's first (highest-precision) export, sib200 0-shot on that export, and the `text` task
// (bits per byte) on the build's own held-out validation documents (<run>/eval/val/<lang>.txt) — into
// <run>/eval/report.json (+ report.md, SVG charts), with the per-language figures for
// build_summary.json and the printed table. Units are cached under <run>/eval/units, so a rebuild
// only scores new models. Limits keep the default build inside its time budget (docs/EVAL.md).
// Not the build orchestration (src/factory/build.ts calls this once).
import { join } from 'node:path';
import { runEval } from './runner.js';
import { writeReport, type Report } from './report.js';
import { table } from '../cli/output.js';

/** Items per language in a build's eval (FLORES dev sentences, SIB-200 questions, quant sentences, held-out validation documents). */
export const BUILD_EVAL_LIMITS = { flores: 10, sib200: 4, quant: 3, val: 20 };

export interface BuildEvalInput {
  runDir: string;
  variants: { name: string; gguf: { type: string; path: string }[] }[];
  languages: string[];
  /** language code → text file of the build's held-out validation documents (blank-line separated). */
  valTexts?: Record<string, string>;
  log?: (line: string) => void;
  limits?: Partial<typeof BUILD_EVAL_LIMITS>;
}

export interface BuildEvalSummary {
  report: string;
  /** model id (`<variant>-<type>`) → language → FLORES dev bits per byte. */
  floresBpb: Record<string, Record<string, number | null>>;
  /** model id → language → bits per byte on the build's held-out validation documents (`text` task). */
  valTextBpb: Record<string, Record<string, number | null>>;
  /** variant base model id → language → SIB-200 0-shot accuracy. */
  sib200: Record<string, Record<string, number | null>>;
  /** quantized model id → language → KL divergence mean vs the variant's base export. */
  quantKld: Record<string, Record<string, number | null>>;
  limits: typeof BUILD_EVAL_LIMITS;
  wall_s: number;
}

function byLang(r: Report, task: string, metric: string): Record<string, Record<string, number | null>> {
  const out: Record<string, Record<string, number | null>> = {};
  for (const x of r.results) if (x.task === task && x.metric === metric) (out[x.model] ??= {})[x.lang] = x.status === 'ok' ? x.value : null;
  return out;
}

export async function buildEval(o: BuildEvalInput): Promise<BuildEvalSummary> {
  const limits = { ...BUILD_EVAL_LIMITS, ...o.limits };
  const out = join(o.runDir, 'eval');
  const t0 = performance.now();
  const all = o.variants.flatMap((v) => v.gguf.map((g) => join(o.runDir, g.path)));
  const bases = o.variants.filter((v) => v.gguf.length).map((v) => join(o.runDir, v.gguf[0]!.path));
  const log = o.log ?? (() => {});
  const common = { langs: o.languages, out, backend: {}, log: (l: string) => (/FAILED/.test(l) ? log(l) : undefined) };
  if (process.env.OELLM_EVAL_DEBUG) common.log = (l: string) => process.stderr.write(l + '\n');
  // Failed units are not cached: a second pass reruns only those (a transient failure heals).
  const twice = async (opts: Parameters<typeof runEval>[0]): Promise<Report> => {
    const r = await runEval(opts);
    return r.results.some((x) => x.status === 'failed') ? runEval(opts) : r;
  };
  const flores = await twice({ ...common, models: all, tasks: ['flores-bpb'], split: 'dev', limit: limits.flores });
  const texts = Object.fromEntries(Object.entries(o.valTexts ?? {}).map(([l, f]) => [l, [f]]));
  const val = await twice({ ...common, models: all, tasks: ['text'], texts, limit: limits.val });
  const sib = await twice({ ...common, models: bases, tasks: ['sib200'], limit: limits.sib200 });
  const quant: Report[] = [];
  for (const v of o.variants) {
    if (v.gguf.length < 2) continue;
    quant.push(await twice({ ...common, models: v.gguf.map((g) => join(o.runDir, g.path)), tasks: ['quant'], quantLimit: limits.quant }));
  }
  // One report over the four runs (they share models and the unit cache).
  const models = [...new Map([flores, val, sib, ...quant].flatMap((r) => r.models).map((m) => [m.id, m])).values()];
  const report: Report = {
    ...flores,
    models,
    tasks: [flores, val, sib, ...quant].flatMap((r) => r.tasks).filter((t, i, a) => a.findIndex((x) => x.id === t.id) === i),
    results: [flores, val, sib, ...quant].flatMap((r) => r.results),
    quant: quant.flatMap((r) => r.quant),
    wall_s: [flores, val, sib, ...quant].reduce((s, r) => s + r.wall_s, 0),
  };
  writeReport(out, report);
  return {
    report: 'eval/report.json',
    floresBpb: byLang(report, 'flores-bpb', 'bits_per_byte'),
    valTextBpb: byLang(report, 'text', 'bits_per_byte'),
    sib200: byLang(report, 'sib200', 'acc'),
    quantKld: byLang(report, 'quant', 'kld_mean'),
    limits,
    wall_s: Math.round((performance.now() - t0) / 100) / 10,
  };
}

/** The build's printed per-language eval table: FLORES bpb and validation-text bpb per model, SIB-200 acc, KLD per quantized model. */
export function formatBuildEval(e: BuildEvalSummary): string {
  const bpb = Object.keys(e.floresBpb);
  const vt = Object.keys(e.valTextBpb);
  const sib = Object.keys(e.sib200);
  const kld = Object.keys(e.quantKld);
  const langs = [...new Set([...Object.values(e.floresBpb), ...Object.values(e.sib200)].flatMap((m) => Object.keys(m)))];
  const f = (v: number | null | undefined, d: number): string => (v === null || v === undefined ? '-' : v.toFixed(d));
  const rows = langs.map((l) => [l, ...bpb.map((m) => f(e.floresBpb[m]![l], 3)), ...vt.map((m) => f(e.valTextBpb[m]![l], 3)), ...sib.map((m) => f(e.sib200[m]![l], 2)), ...kld.map((m) => f(e.quantKld[m]![l], 4))]);
  const head = ['lang', ...bpb.map((m) => `bpb ${m}`), ...vt.map((m) => `val ${m}`), ...sib.map((m) => `sib ${m}`), ...kld.map((m) => `kld ${m}`)];
  return (
    `eval (FLORES dev bits per byte, ${e.limits.flores} sentences/lang; val: bits per byte on the build's held-out documents, ≤ ${e.limits.val}/lang; SIB-200 0-shot acc, ${e.limits.sib200}/lang; KLD vs base, ${e.limits.quant} sentences/lang) → ${e.report}, ${e.wall_s} s\n` +
    table(head, rows)
  );
}
