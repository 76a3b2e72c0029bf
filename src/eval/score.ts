// Scores one task's items for one language on one backend: texts → bits per byte over rolling
// windows; multiple choice → one (context, continuation) log-likelihood per choice, then acc /
// acc_norm / acc_bytes; minimal pairs → P(good) > P(bad). Returns the per-item results (kept in
// the unit cache for contamination re-scoring) and the aggregated rows. Not the task data
// (tasks/) and not caching (units.ts). Reference: lm-eval api/task.py, evaluator.py.
import { mulberry32 } from '../util/rng.js';
import { bitsPerByte, bitsPerByteStderr, mean, meanStderr, multipleChoice, utf8Bytes } from './metrics.js';
import { continuation, encodePair, fewshotContext, sampleFewshot } from './prompt.js';
import { rollingWindows } from './windows.js';
import type { Backend, Item, McItem, PairItem, ResultRow, ScoreRequest, TaskData, TextItem } from './types.js';

export interface TextResult {
  id: string;
  ll: number;
  bytes: number;
  tokens: number;
}
export interface McResult {
  id: string;
  lls: number[];
  gold: number;
  acc: number;
  acc_norm: number;
  acc_bytes: number;
}
export interface PairResult {
  id: string;
  good: number;
  bad: number;
  acc: number;
}
export type ItemResult = TextResult | McResult | PairResult;

/** Log-likelihood and byte count of each text, scored in rolling windows that never drop a token. */
export async function scoreTexts(b: Backend, texts: readonly { id: string; text: string }[], overlap?: number): Promise<TextResult[]> {
  const reqs: ScoreRequest[] = [];
  const owner: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < texts.length; i++) {
    const ids = await b.tokenize(texts[i]!.text);
    // Without a prefix token the first token is context only (it cannot be predicted).
    const seq = b.prefix !== null ? [b.prefix, ...ids] : ids;
    counts.push(seq.length - 1);
    for (const w of rollingWindows(seq.length, b.contextLength + 1, overlap)) {
      reqs.push({ tokens: seq.slice(w.start, w.end), from: w.from - w.start });
      owner.push(i);
    }
  }
  const scored = await b.score(reqs);
  const ll = new Array<number>(texts.length).fill(0);
  scored.forEach((s, k) => {
    for (const v of s.logprobs) ll[owner[k]!]! += v;
  });
  return texts.map((t, i) => ({ id: t.id, ll: ll[i]!, bytes: utf8Bytes(t.text), tokens: counts[i]! }));
}

export async function scoreMc(b: Backend, data: TaskData, items: readonly McItem[], shots: number): Promise<McResult[]> {
  const t = data.template!;
  const reqs: ScoreRequest[] = [];
  for (let i = 0; i < items.length; i++) {
    const it = items[i]!;
    const ex = shots > 0 ? sampleFewshot(data.fewshot ?? [], shots, i, it.id, mulberry32) : [];
    const ctx = fewshotContext(t, it, ex);
    for (const c of it.choices) reqs.push(await encodePair(b, ctx, continuation(t, c)));
  }
  const scored = await b.score(reqs);
  let k = 0;
  return items.map((it) => {
    const lls = it.choices.map(() => scored[k++]!.logprobs.reduce((s, v) => s + v, 0));
    return { id: it.id, lls, gold: it.gold, ...multipleChoice(lls, it.choices, it.gold) };
  });
}

export async function scorePairs(b: Backend, items: readonly PairItem[]): Promise<PairResult[]> {
  const reqs: ScoreRequest[] = [];
  for (const it of items) {
    reqs.push(await encodePair(b, '', it.good));
    reqs.push(await encodePair(b, '', it.bad));
  }
  const s = await b.score(reqs);
  const sum = (i: number): number => s[i]!.logprobs.reduce((a, v) => a + v, 0);
  return items.map((it, i) => ({ id: it.id, good: sum(2 * i), bad: sum(2 * i + 1), acc: sum(2 * i) > sum(2 * i + 1) ? 1 : 0 }));
}

export interface UnitSpec {
  model: string;
  task: string;
  lang: string;
  shots: number;
  split: string;
}

/** Rows of a unit from its per-item results (also used to re-score a clean subset). */
export function aggregate(spec: UnitSpec, data: Pick<TaskData, 'template' | 'skipped'>, kind: Item['kind'], results: readonly ItemResult[], templateId?: string): ResultRow[] {
  const base = {
    model: spec.model,
    task: spec.task,
    lang: spec.lang,
    shots: spec.shots,
    split: spec.split,
    template: templateId ?? data.template?.id ?? 'none',
    status: 'ok' as const,
    n: results.length,
    ...(Object.keys(data.skipped).length ? { skipped: data.skipped } : {}),
  };
  if (results.length === 0) return [{ ...base, metric: kind === 'text' ? 'bits_per_byte' : 'acc', value: null, stderr: null, status: 'no_data', error: 'no items for this language' }];
  if (kind === 'text') {
    const r = results as TextResult[];
    if (!Number.isFinite(bitsPerByte(r))) return [{ ...base, metric: 'bits_per_byte', value: null, stderr: null, status: 'failed', error: 'non-finite log-likelihood from the model' }];
    return [
      { ...base, metric: 'bits_per_byte', value: bitsPerByte(r), stderr: bitsPerByteStderr(r) },
      { ...base, metric: 'tokens_per_byte', value: r.reduce((s, d) => s + d.tokens, 0) / r.reduce((s, d) => s + d.bytes, 0), stderr: null },
    ];
  }
  const keys = kind === 'multiple_choice' ? (['acc', 'acc_norm', 'acc_bytes'] as const) : (['acc'] as const);
  return keys.map((m) => {
    const xs = results.map((r) => (r as unknown as Record<string, number>)[m]!);
    return { ...base, metric: m, value: mean(xs), stderr: meanStderr(xs) };
  });
}

/** Scores every item of `data` (already limited) and aggregates. */
export async function scoreUnit(b: Backend, spec: UnitSpec, data: TaskData): Promise<{ rows: ResultRow[]; items: ItemResult[]; kind: Item['kind'] }> {
  const kind = data.items[0]?.kind ?? 'text';
  // Few-shot needs a pool (a train split): the rows say how many shots were really used.
  if (kind === 'multiple_choice' && spec.shots > 0) spec = { ...spec, shots: Math.min(spec.shots, Math.max(0, (data.fewshot?.length ?? 0) - 1)) };
  let items: ItemResult[];
  if (kind === 'text') items = await scoreTexts(b, data.items as TextItem[]);
  else if (kind === 'multiple_choice') items = await scoreMc(b, data, data.items as McItem[], spec.shots);
  else items = await scorePairs(b, data.items as PairItem[]);
  return { rows: aggregate(spec, data, kind, items), items, kind };
}
