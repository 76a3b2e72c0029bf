// Typed configuration resolution: schema defaults ← YAML/JSON config file ← command-line flags.
// Unknown keys are an error (schemas are strict); every problem is listed with its path before
// any work starts. Not a schema itself: each stage owns its zod schema next to its code.
// Reference: nanoGPT/nanochat configurator, zod `safeParse`.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import YAML from 'yaml';
import { ConfigError } from '../util/errors.js';

export type Plain = Record<string, unknown>;

/** Deep merge of plain objects; arrays and scalars in `over` replace those in `base`. */
export function deepMerge(base: Plain, over: Plain): Plain {
  const out: Plain = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    const b = out[k];
    out[k] = isPlain(v) && isPlain(b) ? deepMerge(b, v) : v;
  }
  return out;
}

function isPlain(v: unknown): v is Plain {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads a YAML or JSON config file into a plain object (an empty file is `{}`). */
export function readConfigFile(file: string): Plain {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError([{ path: '', message: `cannot read config file: ${(e as Error).message}` }], file);
  }
  let doc: YAML.Document.Parsed;
  try {
    doc = YAML.parseDocument(text, { prettyErrors: true });
  } catch (e) {
    throw new ConfigError([{ path: '', message: (e as Error).message }], file);
  }
  if (doc.errors.length)
    throw new ConfigError(
      doc.errors.map((e) => ({ path: `line ${e.linePos?.[0]?.line ?? '?'}`, message: e.message.split('\n')[0]! })),
      file,
    );
  const v = doc.toJS() as unknown;
  if (v == null) return {};
  if (!isPlain(v)) throw new ConfigError([{ path: '', message: 'the top level must be a mapping of keys to values' }], file);
  return v;
}

/** Formats zod issues as `{path, message}` with dotted paths (`model.series.0.dim`). */
export function zodIssues(err: z.ZodError): { path: string; message: string }[] {
  return err.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

/**
 * Resolves a configuration: schema defaults, then the file (if any), then flag overrides.
 * Throws ConfigError listing every problem. `schema` should be a strict object with defaults.
 */
export function resolveConfig<S extends z.ZodType>(schema: S, opts: { file?: string; overrides?: Plain; base?: Plain } = {}): z.output<S> {
  let merged: Plain = opts.base ?? {};
  if (opts.file) merged = deepMerge(merged, readConfigFile(opts.file));
  if (opts.overrides) merged = deepMerge(merged, opts.overrides);
  const r = schema.safeParse(merged);
  if (!r.success) throw new ConfigError(zodIssues(r.error), opts.file);
  return r.data;
}

/** YAML text of a resolved config, with a header naming the tool version; saved in run dirs. */
export function dumpConfig(cfg: unknown, header?: string): string {
  return (header ? `# ${header}\n` : '') + YAML.stringify(cfg, { sortMapEntries: false });
}
