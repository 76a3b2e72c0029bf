// The `decontaminate` step of `oellm data run`: drops training documents that share a normalised
// 13-gram with an evaluation item (the eval stage's NgramIndex, src/eval/contamination.ts), so
// benchmark text never reaches training. Configured by task names (sib200, exams, flores-bpb),
// native task files or folders of them; off when `tasks` is empty. A drop is counted as
// `decontaminate.<task>` like every other drop reason. Not the report-side contamination check.
// Reference: lm-evaluation-harness decontamination/janitor.py; GPT-3 paper §4 (13-gram overlap).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Doc, Verdict } from '../doc.js';
import { Filter } from '../step.js';
import { NGRAM, NgramIndex, itemText, taskItems } from '../../eval/contamination.js';

export const DecontaminateConfigSchema = z
  .strictObject({
    tasks: z.array(z.string()).default([]).describe('eval tasks whose items must stay out of training: names (sib200, exams, flores-bpb), native task files (.jsonl) or folders of them; empty: step off'),
    split: z.string().default('dev+test').describe('splits of the tasks to protect, + joined (train splits may be trained on)'),
    ngram: z.number().int().min(1).default(NGRAM).describe('n-gram length in words (lm-eval: 13)'),
    evalData: z.string().optional().describe('evaluation data folder (default: $OELLM_EVAL_DATA or ../shared/eval)'),
  })
  .describe('decontamination against evaluation tasks');
type DecontaminateConfig = z.output<typeof DecontaminateConfigSchema>;

/** Task names as given, with folders expanded to the .jsonl task files inside. */
function expand(tasks: readonly string[]): string[] {
  const out: string[] = [];
  for (const t of tasks) {
    let dir = false;
    try {
      dir = statSync(t).isDirectory();
    } catch {
      /* a task name */
    }
    if (dir) for (const f of readdirSync(t).sort()) if (/\.jsonl(\.gz)?$/.test(f)) out.push(join(t, f));
    if (!dir) out.push(t);
  }
  return out;
}

export class DecontaminateFilter extends Filter {
  readonly name = 'decontaminate';
  private index: NgramIndex | undefined;
  private owners: string[] = [];
  constructor(private readonly cfg: DecontaminateConfig) {
    super();
  }

  private build(): NgramIndex {
    const idx = new NgramIndex(this.cfg.ngram);
    const items = taskItems({ tasks: expand(this.cfg.tasks), split: this.cfg.split, ...(this.cfg.evalData ? { dataDir: this.cfg.evalData } : {}) });
    items.forEach((x, i) => idx.add(itemText(x.item), i));
    this.owners = items.map((x) => x.task);
    return idx;
  }

  filter(doc: Doc): Verdict {
    this.index ??= this.build();
    const hit = this.index.match(doc.text);
    if (hit.size === 0) return { keep: true };
    const first = Math.min(...hit);
    return { drop: `decontaminate.${this.owners[first]!.replace(/[^a-z0-9-]+/gi, '-')}` };
  }
}
