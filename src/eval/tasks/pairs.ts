// Minimal pairs in MultiBLiMP's published column format: a tab- (or comma-) separated file with
// a header holding `sen` (grammatical) and `wrong_sen` (ungrammatical); accuracy = P(sen) >
// P(wrong_sen), each sentence scored whole after the prefix token. Files come from the user
// (`--pairs <lang>=<file>`); rows without both sentences are skipped and counted.
// Reference: Jumelet et al. 2025, MultiBLiMP 1.0 (jumelet/multiblimp on Hugging Face).
import type { PairItem, TaskData } from '../types.js';
import { combinedSha, parseDelimited, readData } from './files.js';
import type { TaskDef, TaskOptions } from './registry.js';
import { OellmError } from '../../util/errors.js';

export function parsePairs(text: string, file: string): { items: PairItem[]; skipped: Record<string, number> } {
  const delim = (text.split('\n', 1)[0] ?? '').includes('\t') ? '\t' : ',';
  const { header, rows } = parseDelimited(text, delim);
  const good = header.indexOf('sen');
  const bad = header.indexOf('wrong_sen');
  if (good < 0 || bad < 0) throw new OellmError(`minimal-pair file has no \`sen\` and \`wrong_sen\` columns (header: ${header.join(', ')})`, { file, code: 'E_FORMAT', hint: "use MultiBLiMP's column names: sen, wrong_sen" });
  const items: PairItem[] = [];
  const skipped: Record<string, number> = {};
  for (const r of rows) {
    const g = r.cells[good]?.trim();
    const b = r.cells[bad]?.trim();
    if (!g || !b) skipped.missing_sentence = (skipped.missing_sentence ?? 0) + 1;
    else items.push({ kind: 'minimal_pair', id: `${file}:${r.line}`, good: g, bad: b });
  }
  return { items, skipped };
}

export const pairs: TaskDef = {
  id: 'pairs',
  kind: 'minimal_pair',
  description: 'minimal pairs (MultiBLiMP columns sen, wrong_sen) from --pairs <lang>=<file>; acc = P(sen) > P(wrong_sen)',
  defaultSplit: 'test',
  languages: (o) => Object.keys(o.pairs ?? {}),
  load(lang: string, o: TaskOptions): TaskData {
    const files = (o.pairs?.[lang] ?? []).map(readData);
    const items: PairItem[] = [];
    const skipped: Record<string, number> = {};
    for (const f of files) {
      const r = parsePairs(f.text, f.path);
      items.push(...r.items);
      for (const [k, v] of Object.entries(r.skipped)) skipped[k] = (skipped[k] ?? 0) + v;
    }
    return { items, dataSha256: combinedSha(files), skipped, template: { id: 'pair-whole-sentence/1', prompt: '', targetDelimiter: '', fewshotDelimiter: '', description: '' } };
  },
};
