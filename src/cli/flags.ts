// The one flags module of the CLI: number parsing with one error (code E_USAGE, naming the flag),
// list and key=weight parsing, the option definitions every command shares (one spelling per
// concept: --json, --languages, --vocab-size, --workers …, old spellings as hidden aliases), and
// flags derived from a zod config schema (name, help text and number kind from the schema).
// Not the config loader (src/config/load.ts resolves defaults ← file ← these overrides).
// Reference: nanoGPT configurator (--key=value over one config), commander Option API.
import { Option, type Command } from 'commander';
import type { z } from 'zod';
import type { Plain } from '../config/load.js';
import { OellmError } from '../util/errors.js';

/** camelCase → kebab-case (`vocabSize` → `vocab-size`). */
export const kebab = (s: string): string => s.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());

export interface NumberRule {
  int?: boolean;
  min?: number;
  max?: number;
}

/** Parses one numeric flag value; anything else is an E_USAGE error naming the flag and the rule. */
export function parseNumber(flag: string, v: string, rule: NumberRule = {}): number {
  const n = v.trim() === '' ? NaN : Number(v);
  const ok = Number.isFinite(n) && (!rule.int || Number.isInteger(n)) && (rule.min === undefined || n >= rule.min) && (rule.max === undefined || n <= rule.max);
  if (ok) return n;
  const kind = rule.int ? 'an integer' : 'a number';
  const range = rule.min !== undefined && rule.max !== undefined ? ` in [${rule.min}, ${rule.max}]` : rule.min !== undefined ? ` ≥ ${rule.min}` : rule.max !== undefined ? ` ≤ ${rule.max}` : '';
  throw new OellmError(`--${flag} must be ${kind}${range}, got "${v}"`, { code: 'E_USAGE', hint: "see the command's --help" });
}

/** A commander argument parser for a numeric flag (`.option('--top <k>', help, numberArg('top', {int: true}))`). */
export const numberArg =
  (flag: string, rule: NumberRule = {}) =>
  (v: string): number =>
    parseNumber(flag, v, rule);

/** An optional numeric flag value as a number (undefined when the flag was not given). */
export function optNumber(flag: string, v: string | undefined, rule: NumberRule = {}): number | undefined {
  return v === undefined ? undefined : parseNumber(flag, v, rule);
}

/** `hr,sr bs` or ['hr,sr', 'bs'] → ['hr', 'sr', 'bs']. */
export function parseList(v: string | readonly string[]): string[] {
  return (typeof v === 'string' ? [v] : v).flatMap((s) => s.split(/[,\s]+/)).filter(Boolean);
}

/** `--lang-weight en=0.5 mt=2` → {en: 0.5, mt: 2}. */
export function parseWeights(flag: string, items: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const kv of items) {
    const m = /^([A-Za-z_-]+)=(.+)$/.exec(kv);
    if (!m) throw new OellmError(`--${flag} expects lang=weight (e.g. en=0.5), got "${kv}"`, { code: 'E_USAGE', hint: "see the command's --help" });
    out[m[1]!] = parseNumber(flag, m[2]!, { min: 0 });
  }
  return out;
}

/** Shared options: one spelling and one help line per concept in every command. */
export const OPTIONS = {
  json: (what = 'the result'): Option => new Option('--json', `print ${what} as JSON`),
  languages: (help = 'registry codes, comma-separated (see `oellm langs`)'): Option => new Option('--languages <codes>', help),
  vocabSize: (help = 'tokenizer vocabulary size'): Option => new Option('--vocab-size <n>', help),
  workers: (help = 'worker threads'): Option => new Option('--workers <n>', help),
  seed: (help = 'random seed'): Option => new Option('--seed <n>', help),
  threads: (help = 'CPU threads'): Option => new Option('--threads <n>', help),
  printConfig: (): Option => new Option('--print-config', 'print the resolved configuration and exit'),
  /** An old spelling kept working but out of --help (`--langs` for --languages). */
  alias: (flags: string): Option => new Option(flags).hideHelp(),
};

/** The zod type under optional/default/prefault wrappers. */
function unwrap(t: z.ZodType): z.ZodType {
  let u = t as unknown as { def: { type: string; innerType?: z.ZodType } };
  while (u.def && (u.def.type === 'optional' || u.def.type === 'default' || u.def.type === 'prefault' || u.def.type === 'nullable') && u.def.innerType) u = u.def.innerType as unknown as typeof u;
  return u as unknown as z.ZodType;
}

/** Number kind of a schema field, or undefined when it is not a number. */
export function numberRuleOf(t: z.ZodType): NumberRule | undefined {
  const u = unwrap(t) as unknown as { def: { type: string }; isInt?: boolean };
  return u.def.type === 'number' ? { int: !!u.isInt } : undefined;
}

type ObjectSchema = z.ZodObject<z.ZodRawShape>;

/** Adds `--kebab-name <n>` (or a switch for booleans) for each field, help text from the schema's description. */
export function addSchemaFlags(cmd: Command, schema: ObjectSchema, fields: readonly string[]): Command {
  for (const f of fields) {
    const t = schema.shape[f] as z.ZodType | undefined;
    if (!t) throw new Error(`addSchemaFlags: no field ${f} in the schema`);
    const help = t.description ?? f;
    const isBool = (unwrap(t) as unknown as { def: { type: string } }).def.type === 'boolean';
    cmd.option(isBool ? `--${kebab(f)}` : `--${kebab(f)} <${numberRuleOf(t) ? 'n' : 'value'}>`, help);
  }
  return cmd;
}

/** The field's type at a dotted path (`lid.model`) of an object schema, through optional/default wrappers. */
export function schemaFieldAt(schema: ObjectSchema, path: string): z.ZodType | undefined {
  let t: z.ZodType | undefined = schema;
  for (const p of path.split('.')) {
    const u = (t ? unwrap(t) : undefined) as unknown as { def: { type: string }; shape?: Record<string, z.ZodType> } | undefined;
    if (!u || u.def.type !== 'object' || !u.shape) return undefined;
    t = u.shape[p];
  }
  return t;
}

/**
 * Where a flag goes in the config: a dotted path (`lid.model`), or a path with the field's own
 * schema where the path runs through an untyped record (the build's `data.workers`) and a
 * narrower number rule (`min`) where the flag checks one before the schema does.
 */
export type FlagTarget = string | { path: string; field?: z.ZodType; rule?: NumberRule };

/**
 * Config overrides from parsed flags (commander's camelCase keys) mapped onto schema paths:
 * numbers parsed by the field's kind (int or not; ranges are the schema's to check), list fields
 * from `a,b c` strings, strings and switches as given. Flags not given are left out.
 */
export function configOverrides(o: Record<string, unknown>, schema: ObjectSchema, targets: Readonly<Record<string, FlagTarget>>): Plain {
  const out: Plain = {};
  for (const [flag, target] of Object.entries(targets)) {
    const v = o[flag];
    if (v === undefined) continue;
    const { path, field, rule } = typeof target === 'string' ? { path: target, field: undefined, rule: undefined } : target;
    const t = field ?? schemaFieldAt(schema, path);
    if (!t) throw new Error(`configOverrides: no field ${path} in the schema`);
    const num = numberRuleOf(t);
    const isList = (unwrap(t) as unknown as { def: { type: string } }).def.type === 'array';
    const value = num && typeof v === 'string' ? parseNumber(kebab(flag), v, { ...num, ...rule }) : isList && typeof v === 'string' ? parseList(v) : v;
    const keys = path.split('.');
    let at = out;
    for (const k of keys.slice(0, -1)) at = (at[k] ??= {}) as Plain;
    at[keys[keys.length - 1]!] = value;
  }
  return out;
}

/** Config overrides for top-level schema fields named as their flags (`seqLen` ← `--seq-len`). */
export function schemaOverrides(o: Record<string, unknown>, schema: ObjectSchema, fields: readonly string[]): Plain {
  return configOverrides(o, schema, Object.fromEntries(fields.map((f) => [f, f])));
}
