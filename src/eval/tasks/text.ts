// `text`: bits per byte of the user's own text files (`--text <lang>=<file>`), one document per
// blank-line-separated block, scored in the same rolling windows as flores-bpb. Not FLORES.
// Reference: lm-evaluation-harness loglikelihood_rolling tasks (wikitext).
import type { TaskData } from '../types.js';
import { combinedSha, readData } from './files.js';
import type { TaskDef, TaskOptions } from './registry.js';

/** `text`: bits per byte of the user's own text files (`--text <lang>=<file>`), one document per blank-line-separated block. */
export const text: TaskDef = {
  id: 'text',
  kind: 'text',
  description: 'bits per byte of native text files from --text <lang>=<file> (documents separated by blank lines)',
  defaultSplit: 'all',
  languages: (o) => Object.keys(o.texts ?? {}),
  load(lang: string, o: TaskOptions): TaskData {
    const files = (o.texts?.[lang] ?? []).map(readData);
    const items: TaskData['items'] = [];
    for (const f of files) {
      let line = 1;
      for (const block of f.text.split(/\n[ \t]*\n/)) {
        const t = block.trim();
        if (t) items.push({ kind: 'text', id: `${f.path}:${line}`, text: t });
        line += block.split('\n').length + 1;
      }
    }
    return { items, dataSha256: combinedSha(files), skipped: {}, template: { id: 'document/1', prompt: '{{text}}', targetDelimiter: '', fewshotDelimiter: '', description: '' } };
  },
};
