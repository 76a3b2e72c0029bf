// EXAMS: national high-school exam questions (3–5 options) as log-likelihood multiple choice,
// read in place from <eval data>/exams/<lang>/<split>.jsonl.gz. Questions whose answerKey matches
// no choice label (upstream has four, answerKey "@") are skipped and counted as
// `no_valid_answer_key`; malformed lines are counted as `malformed`. Not the scorer.
// Reference: Hardalov et al., EMNLP 2020; ../shared/eval/README.md.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_TEMPLATE } from '../prompt.js';
import type { McItem, TaskData, Template } from '../types.js';
import { combinedSha, readData, type ReadFile } from './files.js';
import type { TaskDef, TaskOptions } from './registry.js';

export const EXAMS_TEMPLATE: Template = { id: 'exams-qa-en/1', prompt: 'Question: {{question}}\nAnswer:', ...DEFAULT_TEMPLATE };

interface ExamsLine {
  id?: string;
  question?: { stem?: string; choices?: { text?: string; label?: string }[] };
  answerKey?: string;
}

/** Parses one EXAMS split; returns items and skip counts. */
export function parseExams(text: string, file: string, split: string): { items: McItem[]; skipped: Record<string, number>; bad: string[] } {
  const items: McItem[] = [];
  const skipped: Record<string, number> = {};
  const bad: string[] = [];
  const skip = (why: string, line: number, what: string): void => {
    skipped[why] = (skipped[why] ?? 0) + 1;
    bad.push(`${file}:${line}: ${what}`);
  };
  text.split('\n').forEach((raw, i) => {
    if (!raw.trim()) return;
    let q: ExamsLine;
    try {
      q = JSON.parse(raw) as ExamsLine;
    } catch (e) {
      return skip('malformed', i + 1, `not JSON (${(e as Error).message})`);
    }
    const choices = q.question?.choices;
    if (!q.question?.stem || !Array.isArray(choices) || choices.length < 2 || choices.some((c) => typeof c.text !== 'string')) return skip('malformed', i + 1, 'no question stem or fewer than two choices');
    const gold = choices.findIndex((c) => c.label === q.answerKey);
    if (gold < 0) return skip('no_valid_answer_key', i + 1, `answerKey ${JSON.stringify(q.answerKey)} matches no choice label`);
    items.push({ kind: 'multiple_choice', id: `${split}:${q.id ?? i + 1}`, fields: { question: q.question.stem }, choices: choices.map((c) => c.text!), gold });
  });
  return { items, skipped, bad };
}

export const exams: TaskDef = {
  id: 'exams',
  kind: 'multiple_choice',
  description: 'EXAMS school-exam questions (14 languages), multiple choice; questions without a valid answer key are skipped and counted',
  defaultSplit: 'test',
  languages(o) {
    const d = join(o.dataDir, 'exams');
    return existsSync(d) ? readdirSync(d).filter((n) => existsSync(join(d, n))) : [];
  },
  load(lang: string, o: TaskOptions): TaskData {
    const files: ReadFile[] = [];
    const items: McItem[] = [];
    const skipped: Record<string, number> = {};
    const read = (split: string): McItem[] => {
      const p = join(o.dataDir, 'exams', lang, `${split}.jsonl.gz`);
      if (!existsSync(p)) return [];
      const f = readData(p);
      files.push(f);
      const r = parseExams(f.text, p, split);
      for (const [k, v] of Object.entries(r.skipped)) skipped[k] = (skipped[k] ?? 0) + v;
      for (const b of r.bad) o.warn?.(b);
      return r.items;
    };
    for (const s of (o.split ?? 'test').split('+')) items.push(...read(s));
    const fewshot = (o.shots ?? 0) > 0 ? read('train') : [];
    return { items, fewshot, template: EXAMS_TEMPLATE, dataSha256: combinedSha(files), skipped };
  },
};
