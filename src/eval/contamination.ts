// Contamination: normalised 13-gram overlap of evaluation items with training documents, as
// lm-evaluation-harness's decontamination does it (decontamination/janitor.py: lower-case, delete
// punctuation, split on whitespace, word 13-grams; an item is contaminated when any of its
// 13-grams occurs in the training data). Two extensions, stated: punctuation and case are
// Unicode-aware (\p{P}, \p{S}, toLowerCase) for our 39 languages, and an item shorter than 13
// words is matched as its whole word sequence (lm-eval never flags such items).
// Per task × language: the share of contaminated items and, from the eval unit cache, the
// scores re-computed on the clean subset. Not the data pipeline's decontaminate step
// (src/data/decontaminate/step.ts uses the same index). Reference: Brown et al. 2020 (GPT-3) §4.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readJson } from '../util/fs.js';
import { OellmError } from '../util/errors.js';
import { readJsonl } from '../data/writers/jsonl.js';
import { getLanguage } from '../lang/index.js';
import { aggregate, type ItemResult } from './score.js';
import { resolveTask, type TaskOptions } from './tasks/registry.js';
import { evalDataDir } from './tasks/files.js';
import type { Item, ResultRow } from './types.js';
import { readUnit } from './units.js';
import type { EvalPlan } from './runner.js';

export const NGRAM = 13;

/** lm-eval janitor normalisation, Unicode-aware: lower-case, punctuation and symbols deleted, whitespace words. */
export function normalizeWords(s: string): string[] {
  return s
    .toLowerCase()
    .normalize('NFC')
    .replace(/[\p{P}\p{S}]/gu, '')
    .split(/\s+/u)
    .filter(Boolean);
}

/** Word n-grams of a text; a text shorter than n words is one gram of all its words. */
export function ngrams(words: readonly string[], n = NGRAM): string[] {
  if (words.length === 0) return [];
  if (words.length < n) return [words.join(' ')];
  const out: string[] = [];
  for (let i = 0; i + n <= words.length; i++) out.push(words.slice(i, i + n).join(' '));
  return out;
}

/** The text of an item that is checked (lm-eval doc_to_decontamination_query: the question/text, not the answer). */
export function itemText(it: Item): string {
  if (it.kind === 'text') return it.text;
  if (it.kind === 'minimal_pair') return it.good;
  return Object.values(it.fields).join(' ');
}

/** n-grams of eval items → item indices; `match` returns the items a document overlaps. */
export class NgramIndex {
  private readonly map = new Map<string, number[]>();
  /** Word counts of the short items (< n words), whose whole sequence is their only gram. */
  private readonly shortLens = new Set<number>();
  size = 0;
  constructor(readonly n = NGRAM) {}

  add(text: string, item: number): void {
    const w = normalizeWords(text);
    if (w.length === 0) return;
    if (w.length < this.n) this.shortLens.add(w.length);
    for (const g of new Set(ngrams(w, this.n))) {
      const l = this.map.get(g);
      if (l) l.push(item);
      else this.map.set(g, [item]);
    }
    this.size++;
  }

  match(text: string): Set<number> {
    const hit = new Set<number>();
    const w = normalizeWords(text);
    for (const k of [this.n, ...this.shortLens]) {
      for (let i = 0; i + k <= w.length; i++) {
        const l = this.map.get(w.slice(i, i + k).join(' '));
        if (l) for (const x of l) hit.add(x);
      }
    }
    return hit;
  }
}

export interface ContaminationRow {
  task: string;
  lang: string;
  n: number;
  contaminated: number;
  share: number;
  /** Up to five contaminated item ids. */
  examples: string[];
}

export interface ContaminationResult {
  schema: 'oellm.contamination/1';
  data: string;
  ngram: number;
  docs: number;
  rows: ContaminationRow[];
  /** Rows of the eval report re-computed on the clean items (when an eval output dir was given). */
  clean: (ResultRow & { subset: 'clean'; contaminated: number })[];
}

export interface ContaminationOptions {
  /** Dataset dir (manifest.json + shards/) of `oellm data run`. */
  data: string;
  tasks: string[];
  langs?: string[];
  split?: string;
  dataDir?: string;
  texts?: Record<string, string[]>;
  pairs?: Record<string, string[]>;
  /** An `oellm eval --out` dir whose cached units are re-scored on the clean subset. */
  evalOut?: string;
  n?: number;
  log?: (line: string) => void;
}

/** Items of the tasks, per (task, lang); the same ids the eval units record. */
export function taskItems(o: Pick<ContaminationOptions, 'tasks' | 'langs' | 'split' | 'dataDir' | 'texts' | 'pairs' | 'log'>): { task: string; lang: string; item: Item }[] {
  const topt: TaskOptions = { dataDir: evalDataDir(o.dataDir), ...(o.split ? { split: o.split } : {}), ...(o.texts ? { texts: o.texts } : {}), ...(o.pairs ? { pairs: o.pairs } : {}), ...(o.log ? { warn: o.log } : {}) };
  const out: { task: string; lang: string; item: Item }[] = [];
  for (const name of o.tasks) {
    const t = resolveTask(name, o.log);
    for (const lang of t.languages(topt)) {
      if (o.langs && !o.langs.includes(lang)) continue;
      for (const item of t.load(lang, topt).items) out.push({ task: t.id, lang, item });
    }
  }
  return out;
}

export async function runContamination(o: ContaminationOptions): Promise<ContaminationResult> {
  const data = resolve(o.data);
  const mf = join(data, 'manifest.json');
  if (!existsSync(mf)) throw new OellmError(`not a dataset dir: ${mf} is missing`, { file: data, code: 'E_INPUT', hint: 'pass the --out dir of `oellm data run` (or runs/<name>/data of a build)' });
  const manifest = readJson<{ shards: { path: string; lang: string }[] }>(mf);
  const items = taskItems(o);
  const index = new NgramIndex(o.n ?? NGRAM);
  items.forEach((x, i) => index.add(itemText(x.item), i));
  const hit = new Set<number>();
  let docs = 0;
  for (const sh of manifest.shards) {
    for await (const d of readJsonl<{ text?: string }>(join(data, sh.path))) {
      docs++;
      if (typeof d.text === 'string') for (const i of index.match(d.text)) hit.add(i);
    }
  }
  const groups = new Map<string, { task: string; lang: string; ids: string[]; bad: string[] }>();
  items.forEach((x, i) => {
    const k = `${x.task}\0${x.lang}`;
    const g = groups.get(k) ?? groups.set(k, { task: x.task, lang: x.lang, ids: [], bad: [] }).get(k)!;
    g.ids.push(x.item.id);
    if (hit.has(i)) g.bad.push(x.item.id);
  });
  const rows: ContaminationRow[] = [...groups.values()].map((g) => ({ task: g.task, lang: g.lang, n: g.ids.length, contaminated: g.bad.length, share: g.ids.length ? g.bad.length / g.ids.length : 0, examples: g.bad.slice(0, 5) }));
  const clean: ContaminationResult['clean'] = [];
  if (o.evalOut) {
    const plan = readJson<EvalPlan>(join(resolve(o.evalOut), 'plan.json'));
    for (const u of plan.units) {
      const g = groups.get(`${u.task}\0${u.lang}`);
      const f = readUnit(plan.out, u.key);
      if (!g || !f || f.status !== 'ok' || !f.items || !f.kind) continue;
      const bad = new Set(g.bad);
      const kept = f.items.filter((x: ItemResult) => !bad.has(x.id));
      const first = f.rows[0]!;
      for (const r of aggregate({ model: u.modelId, task: u.task, lang: u.lang, shots: u.shots, split: u.split }, { skipped: {} }, f.kind, kept, first.template)) clean.push({ ...r, subset: 'clean', contaminated: f.items.length - kept.length });
    }
  }
  return { schema: 'oellm.contamination/1', data, ngram: index.n, docs, rows, clean };
}

export function formatContamination(r: ContaminationResult): string {
  const L = [`${r.docs} training documents scanned for ${r.ngram}-gram overlap (${r.data})`, 'task          lang      items  contaminated   share'];
  for (const x of r.rows) L.push(`${x.task.padEnd(14)}${`${x.lang} ${safeName(x.lang)}`.padEnd(10).slice(0, 10)}${String(x.n).padStart(5)}${String(x.contaminated).padStart(14)}${(100 * x.share).toFixed(1).padStart(7)} %`);
  if (r.clean.length) {
    L.push('', 'scores on the clean subset', 'model                 task          lang  metric        clean     n  removed');
    for (const c of r.clean) L.push(`${c.model.padEnd(22)}${c.task.padEnd(14)}${c.lang.padEnd(6)}${c.metric.padEnd(14)}${c.value === null ? '—' : c.value.toFixed(3)}${String(c.n).padStart(6)}${String(c.contaminated).padStart(9)}`);
  }
  return L.join('\n') + '\n';
}

const safeName = (code: string): string => {
  try {
    return getLanguage(code).iso3 ?? '';
  } catch {
    return '';
  }
};
