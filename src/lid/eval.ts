// Scoring of a language identifier on labelled sentences: per-language precision/recall/F1,
// macro-F1 over a fixed language list (a language never predicted correctly scores 0), and a
// confusion table. Not a benchmark runner (bench/lid/run.ts) — shared by the bench and tests.

export interface Scores {
  macroF1: number;
  accuracy: number;
  perLang: Record<string, { p: number; r: number; f1: number; n: number }>;
  /** confusion[gold][pred] = count. */
  confusion: Record<string, Record<string, number>>;
}

export function score(gold: string[], pred: string[], langs: readonly string[]): Scores {
  const tp: Record<string, number> = {};
  const fp: Record<string, number> = {};
  const fn: Record<string, number> = {};
  const confusion: Record<string, Record<string, number>> = {};
  let ok = 0;
  for (let i = 0; i < gold.length; i++) {
    const g = gold[i]!;
    const p = pred[i]!;
    const row = (confusion[g] ??= {});
    row[p] = (row[p] ?? 0) + 1;
    if (g === p) {
      tp[g] = (tp[g] ?? 0) + 1;
      ok++;
    } else {
      fn[g] = (fn[g] ?? 0) + 1;
      fp[p] = (fp[p] ?? 0) + 1;
    }
  }
  const perLang: Scores['perLang'] = {};
  let sum = 0;
  for (const l of langs) {
    const t = tp[l] ?? 0;
    const p = t + (fp[l] ?? 0) ? t / (t + (fp[l] ?? 0)) : 0;
    const r = t + (fn[l] ?? 0) ? t / (t + (fn[l] ?? 0)) : 0;
    const f1 = p + r ? (2 * p * r) / (p + r) : 0;
    perLang[l] = { p, r, f1, n: t + (fn[l] ?? 0) };
    sum += f1;
  }
  return { macroF1: langs.length ? sum / langs.length : 0, accuracy: gold.length ? ok / gold.length : 0, perLang, confusion };
}
