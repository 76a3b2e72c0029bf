// SIB-200 (topic classification, 7 labels) and its FLORES-200 sentences: `sib200` scores the
// topic as log-likelihood multiple choice (0-shot, or k-shot from the train split), and
// `flores-bpb` scores the sentences' bits per byte (dev + test by default: parallel text, so
// languages compare fairly). Data read in place from <eval data>/sib200/<lang>/<split>.tsv.gz.
// Not the scorer. Reference: Adelani et al. 2023 (arXiv:2309.07445); ../shared/eval/README.md.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { OellmError } from '../../util/errors.js';
import { DEFAULT_TEMPLATE } from '../prompt.js';
import type { McItem, TaskData, Template, TextItem } from '../types.js';
import { combinedSha, parseDelimited, readData, type ReadFile } from './files.js';
import type { TaskDef, TaskOptions } from './registry.js';

/** The seven SIB-200 categories in upstream labels.txt order. */
export const SIB_LABELS = ['science/technology', 'travel', 'politics', 'sports', 'health', 'entertainment', 'geography'];

export const SIB_TEMPLATE: Template = { id: 'sib200-topic-en/1', prompt: 'Text: {{text}}\nTopic:', ...DEFAULT_TEMPLATE };

interface SibRow {
  index: string;
  category: string;
  text: string;
  line: number;
}

function readSplit(dir: string, lang: string, split: string, files: ReadFile[]): SibRow[] {
  const p = join(dir, 'sib200', lang, `${split}.tsv.gz`);
  if (!existsSync(p)) return [];
  const f = readData(p);
  files.push(f);
  const { header, rows } = parseDelimited(f.text, '\t');
  const ci = { index: header.indexOf('index_id'), category: header.indexOf('category'), text: header.indexOf('text') };
  if (ci.text < 0 || ci.category < 0) throw new OellmError(`SIB-200 file without index_id/category/text columns`, { file: p, code: 'E_FORMAT' });
  return rows.filter((r) => r.cells[ci.text]).map((r) => ({ index: r.cells[ci.index] ?? String(r.line), category: r.cells[ci.category]!, text: r.cells[ci.text]!, line: r.line }));
}

const splitsOf = (s: string | undefined, dflt: string): string[] => (s ?? dflt).split('+');

export function sibLanguages(dir: string): string[] {
  const d = join(dir, 'sib200');
  if (!existsSync(d)) return [];
  return readdirSync(d).filter((n) => existsSync(join(d, n, 'test.tsv.gz')));
}

export const floresBpb: TaskDef = {
  id: 'flores-bpb',
  kind: 'text',
  description: 'bits per byte on the FLORES-200 sentences of SIB-200 (parallel text), dev+test by default',
  defaultSplit: 'dev+test',
  languages: (o) => sibLanguages(o.dataDir),
  load(lang: string, o: TaskOptions): TaskData {
    const files: ReadFile[] = [];
    const items: TextItem[] = [];
    for (const s of splitsOf(o.split, 'dev+test')) for (const r of readSplit(o.dataDir, lang, s, files)) items.push({ kind: 'text', id: `${s}:${r.index}`, text: r.text });
    return { items, dataSha256: combinedSha(files), skipped: {}, template: { id: 'sentence/1', prompt: '{{text}}', ...DEFAULT_TEMPLATE } };
  },
};

export const sib200: TaskDef = {
  id: 'sib200',
  kind: 'multiple_choice',
  description: 'SIB-200 topic classification (7 labels) as log-likelihood multiple choice; k-shot from train',
  defaultSplit: 'test',
  languages: (o) => sibLanguages(o.dataDir),
  load(lang: string, o: TaskOptions): TaskData {
    const files: ReadFile[] = [];
    const skipped: Record<string, number> = {};
    const toItem =
      (s: string) =>
      (r: SibRow): McItem | null => {
        const gold = SIB_LABELS.indexOf(r.category);
        if (gold < 0) {
          skipped.unknown_category = (skipped.unknown_category ?? 0) + 1;
          return null;
        }
        return { kind: 'multiple_choice', id: `${s}:${r.index}`, fields: { text: r.text }, choices: SIB_LABELS, gold };
      };
    const items: McItem[] = [];
    for (const s of splitsOf(o.split, 'test'))
      for (const r of readSplit(o.dataDir, lang, s, files)) {
        const it = toItem(s)(r);
        if (it) items.push(it);
      }
    const fewshot =
      (o.shots ?? 0) > 0
        ? readSplit(o.dataDir, lang, 'train', files)
            .map(toItem('train'))
            .filter((x): x is McItem => x !== null)
        : [];
    return { items, fewshot, template: SIB_TEMPLATE, dataSha256: combinedSha(files), skipped };
  },
};
