// The native JSONL task format, so a national lab adds its benchmark as a data file: line 1 is a
// header `{"oellm_task": 1, "id", "kind": "multiple_choice" | "minimal_pair" | "text",
// "templates": {"default": {...}, "<lang>": {...}}}`, every other line one item with its `lang`
// (see docs/EVAL.md). `validateTaskFile` names each bad line as file:line; loading skips bad
// lines (counted as `malformed`) and runs the rest. Not the scorer.
// Reference: lm-evaluation-harness task YAML (doc_to_text, target_delimiter, fewshot_delimiter).
import { basename } from 'node:path';
import { isLangCode } from '../../lang/index.js';
import { DEFAULT_TEMPLATE, placeholders } from '../prompt.js';
import type { Item, TaskData, Template } from '../types.js';
import { combinedSha, readData } from './files.js';
import type { TaskDef, TaskOptions } from './registry.js';
import { OellmError } from '../../util/errors.js';

export const NATIVE_KINDS = ['multiple_choice', 'minimal_pair', 'text'] as const;
type Kind = (typeof NATIVE_KINDS)[number];

interface RawTemplate {
  prompt?: unknown;
  target_delimiter?: unknown;
  fewshot_delimiter?: unknown;
  description?: unknown;
}

export interface NativeTask {
  file: string;
  id: string;
  kind: Kind;
  description: string;
  /** Templates by language; `default` applies to languages without their own. */
  templates: Record<string, Template>;
  /** Items by language, then split. */
  items: Map<string, { split: string; item: Item; line: number }[]>;
  errors: { line: number; message: string }[];
  sha256: string;
}

const isStr = (v: unknown): v is string => typeof v === 'string';

/** Parses and checks a task file; every problem is an error with its line number. */
export function parseTaskFile(file: string): NativeTask {
  const f = readData(file);
  const lines = f.text.split('\n');
  const errors: { line: number; message: string }[] = [];
  const err = (line: number, message: string): void => void errors.push({ line, message });
  let header: Record<string, unknown> = {};
  try {
    header = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
  } catch (e) {
    err(1, `the header line is not JSON (${(e as Error).message})`);
  }
  if (header.oellm_task !== 1) err(1, 'the header needs "oellm_task": 1 (the format version)');
  const kind = header.kind as Kind;
  if (!NATIVE_KINDS.includes(kind)) err(1, `"kind" must be one of ${NATIVE_KINDS.join(', ')}, got ${JSON.stringify(header.kind)}`);
  const id = isStr(header.id) && /^[a-z0-9][a-z0-9._-]*$/i.test(header.id) ? header.id : basename(file).replace(/\.jsonl(\.gz)?$/, '');
  if (header.id !== undefined && id !== header.id) err(1, `"id" may hold letters, digits, . _ - only, got ${JSON.stringify(header.id)}`);
  const templates: Record<string, Template> = {};
  const rawT = (header.templates ?? {}) as Record<string, RawTemplate>;
  if (typeof rawT !== 'object' || Array.isArray(rawT)) err(1, '"templates" must be an object keyed by language code (or "default")');
  const needsPrompt = kind === 'multiple_choice';
  for (const [lang, t] of Object.entries(rawT)) {
    if (lang !== 'default' && !isLangCode(lang)) err(1, `template for unknown language "${lang}" (see \`oellm langs\`)`);
    if (!t || typeof t !== 'object') {
      err(1, `template "${lang}" must be an object`);
      continue;
    }
    if (t.prompt !== undefined && !isStr(t.prompt)) err(1, `template "${lang}": "prompt" must be a string`);
    for (const k of ['target_delimiter', 'fewshot_delimiter', 'description'] as const) if (t[k] !== undefined && !isStr(t[k])) err(1, `template "${lang}": "${k}" must be a string`);
    templates[lang] = {
      id: `${id}/${lang}`,
      prompt: isStr(t.prompt) ? t.prompt : '',
      targetDelimiter: isStr(t.target_delimiter) ? t.target_delimiter : DEFAULT_TEMPLATE.targetDelimiter,
      fewshotDelimiter: isStr(t.fewshot_delimiter) ? t.fewshot_delimiter : DEFAULT_TEMPLATE.fewshotDelimiter,
      description: isStr(t.description) ? t.description : '',
    };
  }
  if (needsPrompt && !templates.default?.prompt && Object.keys(templates).length === 0) err(1, 'a multiple_choice task needs "templates": {"default": {"prompt": "…{{field}}…"}}');
  const items = new Map<string, { split: string; item: Item; line: number }[]>();
  for (let i = 1; i < lines.length; i++) {
    const n = i + 1;
    const raw = lines[i]!;
    if (!raw.trim()) continue;
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(raw) as Record<string, unknown>;
    } catch (e) {
      err(n, `not JSON (${(e as Error).message})`);
      continue;
    }
    if (!o || typeof o !== 'object' || Array.isArray(o)) {
      err(n, 'an item must be a JSON object');
      continue;
    }
    const lang = o.lang;
    if (!isStr(lang) || !isLangCode(lang)) {
      err(n, `"lang" must be a registry code (see \`oellm langs\`), got ${JSON.stringify(lang)}`);
      continue;
    }
    const split = o.split === undefined ? 'test' : o.split;
    if (!isStr(split) || !['train', 'dev', 'test'].includes(split)) {
      err(n, `"split" must be train, dev or test, got ${JSON.stringify(o.split)}`);
      continue;
    }
    const itemId = o.id === undefined ? `${split}:${n}` : String(o.id);
    let item: Item | undefined;
    if (kind === 'multiple_choice') {
      const t = templates[lang] ?? templates.default;
      const choices = o.choices;
      if (!Array.isArray(choices) || choices.length < 2 || !choices.every(isStr)) err(n, '"choices" must be an array of at least two strings');
      else if (!Number.isInteger(o.answer) || (o.answer as number) < 0 || (o.answer as number) >= choices.length) err(n, `"answer" must be the 0-based index of the right choice (0..${choices.length - 1}), got ${JSON.stringify(o.answer)}`);
      else if (!t) err(n, `no template for language "${lang}" and no "default" template`);
      else {
        const fields: Record<string, string> = {};
        const missing = placeholders(t.prompt).filter((k) => !isStr(o[k]));
        if (missing.length) err(n, `the template needs the string field(s) ${missing.map((k) => `"${k}"`).join(', ')}`);
        else {
          for (const k of placeholders(t.prompt)) fields[k] = o[k] as string;
          item = { kind, id: itemId, fields, choices, gold: o.answer as number };
        }
      }
    } else if (kind === 'minimal_pair') {
      if (!isStr(o.good) || !o.good.trim() || !isStr(o.bad) || !o.bad.trim()) err(n, 'a minimal pair needs non-empty "good" and "bad" strings');
      else item = { kind, id: itemId, good: o.good, bad: o.bad };
    } else if (kind === 'text') {
      if (!isStr(o.text) || !o.text.trim()) err(n, 'a text item needs a non-empty "text" string');
      else item = { kind, id: itemId, text: o.text };
    }
    if (item) (items.get(lang) ?? items.set(lang, []).get(lang)!).push({ split, item, line: n });
  }
  return { file, id, kind, description: isStr(header.description) ? header.description : `native task ${id} (${file})`, templates, items, errors, sha256: f.sha256 };
}

/** A TaskDef over a parsed native file; bad lines were reported and are skipped (counted as malformed). */
export function nativeTask(t: NativeTask): TaskDef {
  if (!NATIVE_KINDS.includes(t.kind)) throw new OellmError(`${t.file}:1: not a usable task file: ${t.errors[0]?.message ?? 'bad header'}`, { file: t.file, code: 'E_FORMAT', hint: `run \`oellm eval validate ${t.file}\`` });
  return {
    id: t.id,
    kind: t.kind,
    description: t.description,
    defaultSplit: 'test',
    languages: () => [...t.items.keys()],
    load(lang: string, o: TaskOptions): TaskData {
      const all = t.items.get(lang) ?? [];
      const splits = (o.split ?? 'test').split('+');
      const items = all.filter((x) => splits.includes(x.split)).map((x) => x.item);
      const fewshot = all.filter((x) => x.split === 'train' && x.item.kind === 'multiple_choice').map((x) => x.item) as TaskData['fewshot'];
      const malformed = t.errors.filter((e) => e.line > 1).length;
      const template = t.templates[lang] ?? t.templates.default ?? { id: `${t.id}/none`, prompt: '', ...DEFAULT_TEMPLATE };
      return { items, ...(fewshot?.length ? { fewshot } : {}), template, dataSha256: combinedSha([{ path: t.file, sha256: t.sha256, text: '' }]), skipped: malformed ? { malformed } : {} };
    },
  };
}
