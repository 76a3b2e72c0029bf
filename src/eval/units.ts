// Units of work: one (model × task × language) — or (quantized model × base × language) for the
// quant task — with a content key over everything that decides its result (model sha256, task
// data sha256, split, shots, limit, template, scorer version). A finished unit is a JSON file
// `<out>/units/<key>.json` holding its rows and per-item results, so a rerun or a killed run
// resumes and contamination can re-score a clean subset; a failed unit leaves `<key>.failed.json`
// (read for the report, retried next run). Not the scorer, not the executors (runner.ts).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { readGguf } from '../formats/gguf/reader.js';
import { writeJsonAtomic } from '../util/fs.js';
import { fileSha256 } from './tasks/files.js';
import type { QuantSummary } from './quant.js';
import type { ItemResult } from './score.js';
import type { Item, ModelKind, ResultRow } from './types.js';

/** Bump when scoring changes so that old cached units are not reused. */
export const SCORER_VERSION = 1;

export interface ModelInfo {
  id: string;
  path: string;
  kind: ModelKind;
  sha256: string;
  quant?: string;
}

export interface PlanUnit {
  key: string;
  /** Model spec as passed (path or URL) and its report id. */
  model: string;
  modelId: string;
  task: string;
  /** Task name or native task file as given (default: task). */
  taskRef?: string;
  lang: string;
  split: string;
  shots: number;
  limit?: number;
  /** quant: the base model's spec and id. */
  base?: string;
  baseId?: string;
}

export interface UnitFile {
  unit: PlanUnit;
  status: 'ok' | 'failed';
  rows: ResultRow[];
  kind?: Item['kind'];
  items?: ItemResult[];
  quant?: (QuantSummary & { model: string; base: string; lang: string })[];
  error?: string;
  wall_s: number;
}

const QUANT_NAMES: Record<number, string> = { 0: 'f32', 1: 'f16', 7: 'q8_0', 2: 'q4_0', 3: 'q4_1', 8: 'q5_0', 15: 'q4_k', 14: 'q4_k', 18: 'q6_k', 32: 'bf16' };

/** What the report says about a model, without loading it. */
export async function modelInfo(spec: string, endpointModel?: string): Promise<Omit<ModelInfo, 'id'>> {
  if (/^https?:\/\//.test(spec))
    return {
      path: spec,
      kind: 'endpoint',
      sha256: createHash('sha256')
        .update(`${spec}\n${endpointModel ?? ''}`)
        .digest('hex'),
    };
  if (existsSync(spec) && statSync(spec).isDirectory()) return { path: resolve(spec), kind: 'checkpoint', sha256: await fileSha256(join(spec, 'model.safetensors')), quant: 'f32' };
  let quant: string | undefined;
  try {
    quant = QUANT_NAMES[Number(readGguf(spec).kv.get('general.file_type')?.value)];
  } catch {
    /* llama.cpp will say what is wrong when it loads */
  }
  return { path: resolve(spec), kind: 'gguf', sha256: await fileSha256(spec), ...(quant ? { quant } : {}) };
}

/** Report ids: file/dir base names (the host for a URL), made unique with a suffix. */
export function modelIds(specs: readonly string[]): string[] {
  const raw = specs.map((s) => (/^https?:\/\//.test(s) ? new URL(s).host : basename(resolve(s)).replace(/\.gguf$/, '')));
  return raw.map((r, i) => (raw.indexOf(r) !== i || raw.lastIndexOf(r) !== i ? `${r}#${i + 1}` : r));
}

export function unitKey(parts: Record<string, unknown>): string {
  return createHash('sha256')
    .update(JSON.stringify({ v: SCORER_VERSION, ...parts }))
    .digest('hex')
    .slice(0, 32);
}

export const unitPath = (out: string, key: string, failed = false): string => join(out, 'units', `${key}${failed ? '.failed' : ''}.json`);

export function readUnit(out: string, key: string): UnitFile | undefined {
  for (const failed of [false, true]) {
    const p = unitPath(out, key, failed);
    if (existsSync(p)) {
      try {
        return JSON.parse(readFileSync(p, 'utf8')) as UnitFile;
      } catch {
        /* a torn file cannot exist (atomic writes); anything else is re-run */
      }
    }
  }
  return undefined;
}

export const isDone = (out: string, key: string): boolean => existsSync(unitPath(out, key));

export function writeUnit(out: string, u: UnitFile): void {
  writeJsonAtomic(unitPath(out, u.unit.key, u.status === 'failed'), u);
}
