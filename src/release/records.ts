// The run's own records, read once for every release document: resolved config, dataset
// manifest and stats, quarantine count, tokenizer, per-variant checkpoint metadata, training log
// and GGUF files, build summary, stage markers and the eval report (oellm.eval/1) when present.
// A missing record is listed in `missing` (the caller fails or writes "not recorded").
// Not a document: documents are projections of this object (one file each in this folder).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import YAML from 'yaml';
import type { Manifest } from '../data/index.js';
import { findLanguage, type Language, type Script } from '../lang/index.js';
import { kvValue, readGguf } from '../formats/gguf/reader.js';
import { ReleaseConfigSchema, type ReleaseConfig } from './config.js';
import { ConfigError, OellmError } from '../util/errors.js';
import { zodIssues } from '../config/load.js';

export interface GgufRecord {
  file: string;
  /** Path relative to the run dir. */
  path: string;
  type: string;
  bytes: number;
  sha256?: string;
  commitment?: string;
  sample?: string;
}

export interface VariantRecord {
  name: string;
  dir: string;
  hfConfig: Record<string, unknown>;
  meta: Record<string, unknown> & { training?: Record<string, unknown>; config?: Record<string, unknown>; files?: Record<string, string> };
  params?: number;
  steps?: number;
  tokens?: number;
  seconds?: number;
  flops?: number;
  finalLoss?: number;
  valBpb?: Record<string, number>;
  kernels?: string;
  trainLogLines: number;
  firstLoss?: number;
  gguf: GgufRecord[];
  trainConfig?: Record<string, unknown>;
}

export interface EvalReport {
  schema: string;
  models: { id: string; path: string; kind: string; sha256?: string; quant?: string }[];
  tasks: { id: string; data_sha256?: string }[];
  results: { model: string; task: string; lang: string; metric: string; value: number; stderr?: number; n?: number; shots?: number; status: string }[];
}

export interface LangInfo {
  /** `iso3_Script` label. */
  label: string;
  code: string;
  name: string;
  group: string;
  eu: boolean;
  publicDocs: number;
  publicBytes: number;
  restrictedDocs: number;
  restrictedBytes: number;
  tokens: number | null;
}

export interface RunRecords {
  runDir: string;
  name: string;
  config: Record<string, unknown>;
  release: ReleaseConfig;
  manifest: Manifest;
  stats: Record<string, number>;
  quarantineLines: number;
  tokenizer: { vocabSize: number; model: string; sha256: string };
  tokensPerLang: Record<string, number> | null;
  variants: VariantRecord[];
  buildSummary: Record<string, unknown> | null;
  stages: { stage: string; wall_s: number }[];
  evalReport: EvalReport | null;
  languages: LangInfo[];
  /** Records that are absent: `path: what it would have given`. */
  missing: string[];
}

function tryJson<T>(file: string, missing: string[], what: string): T | null {
  if (!existsSync(file)) {
    missing.push(`${file}: ${what}`);
    return null;
  }
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (e) {
    throw new OellmError(`not valid JSON: ${(e as Error).message}`, { file, code: 'E_FORMAT', hint: 'the record is corrupt; re-run the stage that wrote it (`oellm build` re-runs what is missing)' });
  }
}

/** `eng_Latn` → registry language and script (undefined for `und` or unknown labels). */
export function fromLabel(l: string): { lang: Language; script: Script } | undefined {
  const [iso3, script] = l.split('_');
  const lang = findLanguage(iso3 ?? '') ?? undefined;
  return lang && script ? { lang, script: script as Script } : undefined;
}

export function readRecords(runDir: string, overrides: Partial<ReleaseConfig> = {}): RunRecords {
  const missing: string[] = [];
  const need = (file: string, what: string): string => {
    if (!existsSync(file)) throw new OellmError(`missing record: ${what}`, { file, code: 'E_MISSING', hint: 'point `oellm release` at a run dir written by `oellm build` (or re-run the build to fill it in)' });
    return file;
  };
  const cfgFile = need(join(runDir, 'config.resolved.yaml'), 'the resolved build configuration');
  const config = (YAML.parse(readFileSync(cfgFile, 'utf8')) ?? {}) as Record<string, unknown>;
  const rel = ReleaseConfigSchema.safeParse({ ...((config.release as object | undefined) ?? {}), ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) });
  if (!rel.success)
    throw new ConfigError(
      zodIssues(rel.error).map((i) => ({ ...i, path: `release.${i.path}` })),
      cfgFile,
    );
  const dataDir = join(runDir, 'data');
  const manifest = JSON.parse(readFileSync(need(join(dataDir, 'manifest.json'), 'the dataset manifest'), 'utf8')) as Manifest;
  const stats = tryJson<Record<string, number>>(join(dataDir, 'stats.json'), missing, 'dataset statistics') ?? {};
  const qf = join(dataDir, 'quarantine.jsonl');
  const quarantineLines = existsSync(qf)
    ? readFileSync(qf, 'utf8')
        .split('\n')
        .filter((l) => l.length > 0).length
    : 0;
  const tokFile = need(join(runDir, 'tokenizer', 'tokenizer.json'), 'the tokenizer');
  const tokBytes = readFileSync(tokFile);
  const tok = JSON.parse(tokBytes.toString('utf8')) as { model?: { type?: string; vocab?: Record<string, number> }; added_tokens?: unknown[] };
  const vocabSize = Object.keys(tok.model?.vocab ?? {}).length + (tok.added_tokens?.length ?? 0);
  const tokenizer = { vocabSize, model: tok.model?.type ?? 'BPE', sha256: createHash('sha256').update(tokBytes).digest('hex') };
  const tokensPerLang = tryJson<Record<string, number>>(join(runDir, 'tokenizer', 'tokens_per_language.json'), missing, 'tokens per language');
  const buildSummary = tryJson<Record<string, unknown>>(join(runDir, 'build_summary.json'), missing, 'build summary (wall time, stages)');

  const variants: VariantRecord[] = [];
  const modelsDir = join(runDir, 'models');
  const series = Array.isArray(config.series) ? (config.series as { name: string }[]).map((s) => s.name) : existsSync(modelsDir) ? readdirSync(modelsDir).sort() : [];
  if (series.length === 0) missing.push(`${modelsDir}: trained models`);
  for (const name of series) {
    const dir = join(modelsDir, name);
    if (!existsSync(join(dir, 'config.json'))) {
      missing.push(`${join(dir, 'config.json')}: the checkpoint of variant ${name}`);
      continue;
    }
    const hfConfig = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    const meta = (tryJson<VariantRecord['meta']>(join(dir, 'oellm.json'), missing, `training metadata of ${name}`) ?? {}) as VariantRecord['meta'];
    const result = tryJson<{ params?: number; steps?: number; tokens?: number; seconds?: number; finalLoss?: number; val?: Record<string, number>; kernels?: string }>(join(dir, 'train_result.json'), missing, `training result of ${name}`);
    const logFile = join(dir, 'train_log.jsonl');
    let trainLogLines = 0;
    let firstLoss: number | undefined;
    if (existsSync(logFile)) {
      for (const line of readFileSync(logFile, 'utf8').split('\n')) {
        if (!line) continue;
        trainLogLines++;
        const r = JSON.parse(line) as { loss?: number };
        if (firstLoss === undefined && typeof r.loss === 'number') firstLoss = r.loss;
      }
    } else missing.push(`${logFile}: training log of ${name}`);
    const gguf: GgufRecord[] = [];
    for (const f of readdirSync(dir)
      .filter((f) => f.endsWith('.gguf'))
      .sort()) {
      const file = join(dir, f);
      const g = readGguf(file);
      const info = existsSync(file + '.json') ? (JSON.parse(readFileSync(file + '.json', 'utf8')) as { sample?: string }) : {};
      const m = /-([a-z0-9_]+)\.gguf$/.exec(f);
      const commitment = kvValue(g, 'oellm.data.commitment');
      gguf.push({ file, path: join('models', name, f), type: m ? m[1]! : 'unknown', bytes: statSync(file).size, ...(typeof commitment === 'string' ? { commitment } : {}), ...(info.sample !== undefined ? { sample: info.sample } : {}) });
    }
    const tr = meta.training ?? {};
    const tcFile = join(dir, 'train_config.yaml');
    variants.push({
      name,
      dir,
      hfConfig,
      meta,
      trainLogLines,
      gguf,
      ...(result?.params !== undefined ? { params: result.params } : {}),
      ...(result?.steps !== undefined ? { steps: result.steps } : {}),
      ...(result?.tokens !== undefined ? { tokens: result.tokens } : {}),
      ...(result?.seconds !== undefined ? { seconds: result.seconds } : {}),
      ...(typeof tr.flops === 'number' ? { flops: tr.flops } : {}),
      ...(result?.finalLoss !== undefined ? { finalLoss: result.finalLoss } : {}),
      ...(result?.val ? { valBpb: result.val } : {}),
      ...(result?.kernels ? { kernels: result.kernels } : {}),
      ...(firstLoss !== undefined ? { firstLoss } : {}),
      ...(existsSync(tcFile) ? { trainConfig: (YAML.parse(readFileSync(tcFile, 'utf8')) ?? {}) as Record<string, unknown> } : {}),
    });
  }

  const stagesDir = join(runDir, '.oellm', 'stages');
  const stages = existsSync(stagesDir)
    ? readdirSync(stagesDir)
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((f) => JSON.parse(readFileSync(join(stagesDir, f), 'utf8')) as { stage?: string; wall_s: number } & Record<string, unknown>)
        .map((s, i) => ({
          stage:
            s.stage ??
            basename(
              readdirSync(stagesDir)
                .filter((f) => f.endsWith('.json'))
                .sort()[i]!,
              '.json',
            ),
          wall_s: s.wall_s,
        }))
    : [];
  const evalFile = join(runDir, 'eval', 'report.json');
  const evalReport = existsSync(evalFile) ? (JSON.parse(readFileSync(evalFile, 'utf8')) as EvalReport) : null;

  const labels = new Set([...Object.keys(manifest.languages), ...Object.keys(manifest.vault?.languages ?? {})]);
  const languages: LangInfo[] = [...labels].sort().map((l) => {
    const f = fromLabel(l);
    const pub = manifest.languages[l];
    const res = manifest.vault?.languages?.[l];
    return {
      label: l,
      code: f?.lang.code ?? l,
      name: f ? f.lang.name : 'undetermined',
      group: f?.lang.group ?? 'none',
      eu: f?.lang.group === 'eu',
      publicDocs: pub?.docs ?? 0,
      publicBytes: pub?.bytes ?? 0,
      restrictedDocs: res?.docs ?? 0,
      restrictedBytes: res?.bytes ?? 0,
      tokens: tokensPerLang ? (tokensPerLang[l] ?? 0) : null,
    };
  });
  const name = typeof config.name === 'string' ? config.name : basename(runDir);
  return { runDir, name, config, release: rel.data, manifest, stats, quarantineLines, tokenizer, tokensPerLang, variants, buildSummary, stages, evalReport, languages, missing };
}
