// The task registry: one table from task names to task definitions (data + template + kind), so
// the runner never knows a task by name. A native JSONL file passed as a task name becomes a
// task too. Not the scorer, not the data readers. Reference: lm-eval tasks/__init__.py TaskManager.
import { existsSync } from 'node:fs';
import { OellmError } from '../../util/errors.js';
import type { Item, TaskData } from '../types.js';
import { exams } from './exams.js';
import { nativeTask, parseTaskFile } from './native.js';
import { pairs } from './pairs.js';
import { text } from './text.js';
import { floresBpb, sib200 } from './sib200.js';

export interface TaskOptions {
  /** The evaluation data folder (../shared/eval). */
  dataDir: string;
  /** Split(s), `+`-joined (default: the task's). */
  split?: string;
  shots?: number;
  /** --text <lang>=<file> */
  texts?: Record<string, string[]>;
  /** --pairs <lang>=<file> */
  pairs?: Record<string, string[]>;
  warn?: (line: string) => void;
}

export interface TaskDef {
  id: string;
  kind: Item['kind'];
  description: string;
  defaultSplit: string;
  /** Languages this task has data for. */
  languages(o: TaskOptions): string[];
  load(lang: string, o: TaskOptions): TaskData;
}

export const TASKS: Record<string, TaskDef> = {
  'flores-bpb': floresBpb,
  sib200,
  exams,
  pairs,
  text,
};

/** The pseudo-task comparing quantized models with their base (see quant.ts). */
export const QUANT_TASK = 'quant';

/** A registered task, or a native task file; unknown names are an error listing the choices. */
export function resolveTask(name: string, warn?: (line: string) => void): TaskDef {
  const t = TASKS[name];
  if (t) return t;
  if (/\.jsonl(\.gz)?$/.test(name) || existsSync(name)) {
    const parsed = parseTaskFile(name);
    for (const e of parsed.errors) warn?.(`${name}:${e.line}: ${e.message}`);
    return nativeTask(parsed);
  }
  throw new OellmError(`unknown task "${name}"`, { code: 'E_CONFIG', hint: `choose from ${[...Object.keys(TASKS), QUANT_TASK].join(', ')}, or pass a native task file (.jsonl)` });
}
