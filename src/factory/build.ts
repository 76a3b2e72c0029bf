// `oellm build`: the whole factory from one configuration — corpus → data pipeline → data
// commitment → tokenizer → one trained checkpoint per variant → GGUF exports (each checked in
// llama.cpp) → per-language evaluation → release bundle — into a run directory laid out as
// DESIGN.md says. Stages are cached by content key (stages.ts): change only the series and only
// training/export/eval/release re-run; a killed build resumes.
// Not the stages themselves: each is the library of its module (data, tokenizer, train, export).
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { BuildConfigSchema, DEFAULT_BUILD, type BuildConfig, type Variant } from './config.js';
import { StageRunner, stageKey, type StageRecord } from './stages.js';
import { udhrCorpus, udhrVersion } from '../corpus/udhr.js';
import { getLanguage, label, LANGUAGES } from '../lang/index.js';
import { DataConfigSchema, readJsonl, runDataPipeline, type DataConfig, type Manifest } from '../data/index.js';
import { loadTokenizer, trainTokenizer } from '../tokenizer/index.js';
import { train, TrainConfigSchema, type TrainConfig, type TrainResult } from '../train/index.js';
import { shapeFromModel } from '../train/config.js';
import { heldOutTexts } from '../train/data.js';
import { exportGguf } from '../export/gguf.js';
import { LlamaCppModel } from '../runtime/llamacpp.js';
import { ModelConfigSchema, PRESETS } from '../model/config.js';
import { ConfigError, OellmError } from '../util/errors.js';
import { readJson, writeFileAtomic, writeJsonAtomic } from '../util/fs.js';
import { deepMerge, dumpConfig, resolveConfig, zodIssues, type Plain } from '../config/load.js';
import { VERSION } from '../util/version.js';
import type { Progress } from '../util/progress.js';
import { lockDir } from '../util/lock.js';
import { checkOutDir } from '../util/outdir.js';
import { catchStopSignals } from '../util/interrupt.js';
import { BUILD_EVAL_LIMITS, buildEval, type BuildEvalSummary } from '../eval/build.js';
import { BUILD_COMMITMENT, buildCommitmentRoot, releaseInputs, releaseStage, writeBuildCommitment } from '../release/stage.js';

export interface BuildOptions {
  /** Config file (YAML/JSON); none = the embedded default. */
  file?: string;
  /** Flag overrides, nested (`{tokenizer: {vocabSize: 2048}}`). */
  overrides?: Plain;
  /** Run dir; default runs/<name>. */
  out?: string;
  log?: (line: string) => void;
  progress?: Progress;
}

export interface VariantSummary {
  name: string;
  params: number;
  steps: number;
  tokens: number;
  finalLoss: number;
  /** Validation bits per byte per language label. */
  valBpb: Record<string, number>;
  /** Adapted variants: the `init` model's validation bits per byte before training, and where it came from. */
  valBpbBefore?: Record<string, number>;
  init?: string;
  tokensPerS: number;
  checkpoint: string;
  gguf: { type: string; path: string; bytes: number; fallbacks: string[]; sample?: string; tokensPerS?: number }[];
}

export interface BuildSummary {
  runDir: string;
  config: BuildConfig;
  counts: Manifest['counts'];
  languages: { code: string; label: string; docs: number; bytes: number; tokens: number }[];
  /** Configured languages that ended with no public documents. */
  missing: string[];
  tokenizer: { vocabSize: number; dir: string };
  variants: VariantSummary[];
  stages: StageRecord[];
  /** Per-language eval figures (src/eval/build.ts); the full report is eval/report.json. */
  eval?: BuildEvalSummary;
  wall_s: number;
}

/** The embedded default merged under the user's file and flags, validated before any work. */
export function resolveBuildConfig(file?: string, overrides?: Plain): { config: BuildConfig; data: DataConfig } {
  const base: Plain = file ? {} : (DEFAULT_BUILD as unknown as Plain);
  const config = resolveConfig(BuildConfigSchema, { base, ...(file ? { file } : {}), ...(overrides ? { overrides } : {}) });
  // Sub-configs are validated now too, so every problem is listed before work starts.
  const issues: { path: string; message: string }[] = [];
  const data = DataConfigSchema.safeParse(dataSettings(config));
  if (!data.success) issues.push(...zodIssues(data.error).map((i) => ({ ...i, path: `data.${i.path}` })));
  config.series.forEach((v, i) => {
    if (v.init !== undefined) {
      const bad = initProblem(v.init);
      if (bad) issues.push({ path: `series.${i}.init`, message: bad });
      return;
    }
    const m = ModelConfigSchema.safeParse(modelShape(v, config.tokenizer.vocabSize));
    if (!m.success) issues.push(...zodIssues(m.error).map((e) => ({ path: `series.${i}.${e.path}`, message: e.message })));
  });
  if (issues.length) throw new ConfigError(issues, file);
  return { config, data: data.data! };
}

/** Pipeline settings of a build: the embedded corpus is short articles, so the defaults relax word counts. */
function dataSettings(c: BuildConfig): Plain {
  const embeddedDefaults: Plain = c.corpus.embedded && c.corpus.inputs.length === 0 ? { quality: { defaults: { minWords: 5, minStopWords: 1, minLinePunctFrac: null, maxShortLinesFrac: null, maxTopNgramFrac: null, maxDupNgramFrac: null } } } : {};
  const merged = deepMerge(embeddedDefaults, c.data as Plain);
  const lid = (merged.lid as Plain | undefined) ?? {};
  // The embedded corpus is labelled by its source: trust that label over the model's guess.
  const declared = c.corpus.embedded && c.corpus.inputs.length === 0 ? { declared: 'trust' } : {};
  return { ...merged, lid: { languages: c.languages, ...declared, ...lid } };
}

function modelShape(v: Variant, vocabSize: number): Plain {
  const p = PRESETS[v.preset]!;
  return {
    ...p,
    vocabSize,
    maxSeqLen: Math.max(p.maxSeqLen, v.seqLen),
    ...(v.dim !== undefined ? { dim: v.dim } : {}),
    ...(v.nLayers !== undefined ? { nLayers: v.nLayers } : {}),
    ...(v.nHeads !== undefined ? { nHeads: v.nHeads } : {}),
    ...(v.nKvHeads !== undefined ? { nKvHeads: v.nKvHeads } : {}),
    ...(v.ffnDim !== undefined ? { ffnDim: v.ffnDim } : {}),
  };
}

/** Why `init` cannot be adapted from (missing dir, config or tokenizer), or undefined. */
function initProblem(init: string): string | undefined {
  if (!existsSync(init) || !statSync(init).isDirectory()) return `${init} is not a directory (a Hugging Face model dir or an oellm checkpoint)`;
  if (!existsSync(join(init, 'config.json'))) return `${init} has no config.json`;
  if (!existsSync(join(init, 'tokenizer.json'))) return `${init} has no tokenizer.json: adaptation keeps the model's own tokenizer`;
  return undefined;
}

function trainConfig(v: Variant, runDir: string): TrainConfig {
  return TrainConfigSchema.parse({
    data: join(runDir, 'data'),
    // Adaptation keeps the model's own tokenizer (never retrained) and starts from its weights.
    tokenizer: v.init !== undefined ? resolve(v.init) : join(runDir, 'tokenizer'),
    ...(v.init !== undefined ? { init: resolve(v.init) } : {}),
    out: join(runDir, 'models', v.name),
    preset: v.preset,
    ...shapeFromModel(v),
    seqLen: v.seqLen,
    batchSize: v.batchSize,
    maxSteps: v.maxSteps,
    lr: v.lr,
    warmup: v.warmupSteps,
    valEvery: v.evalEvery,
    checkpointEvery: Math.max(50, Math.ceil(v.maxSteps / 4)),
    seed: v.seed,
  });
}

/**
 * Writes the documents the trainer held out for validation (its own split, src/train/data.ts) as
 * `<run>/eval/val/<code>.txt`, all scripts of a language together, one document per
 * blank-line-separated block (blank lines inside a document become single newlines), and returns
 * code → file for the eval's `text` task. The split is the first variant's: every variant trains
 * on the same dataset with the same held-out options.
 */
async function writeValTexts(runDir: string, config: BuildConfig): Promise<Record<string, string>> {
  const cfg = trainConfig(config.series[0]!, runDir);
  const byLabel = await heldOutTexts(cfg.data, loadTokenizer(cfg.tokenizer), { seed: cfg.seed, valFraction: cfg.valFraction, maxValDocs: cfg.maxValDocs, temperature: cfg.temperature });
  const dir = join(runDir, 'eval', 'val');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const out: Record<string, string> = {};
  for (const code of config.languages) {
    const l = getLanguage(code);
    const docs = l.scripts.flatMap((s) => byLabel.get(label(l, s)) ?? []).map((t) => t.trim().replace(/\n[ \t]*\n\s*/g, '\n'));
    if (docs.length === 0) continue;
    out[code] = join(dir, `${code}.txt`);
    writeFileAtomic(out[code], docs.join('\n\n') + '\n');
  }
  return out;
}

/** Signature of input files (path, size, mtime) so a changed input re-runs the data stage. */
function inputSignature(inputs: string[]): unknown[] {
  return inputs.map((p) => {
    try {
      const s = statSync(p);
      return [resolve(p), s.size, Math.floor(s.mtimeMs)];
    } catch {
      return [p];
    }
  });
}

/** Writes the embedded UDHR corpus as HPLT-style JSONL, one file per (language, script). */
function writeEmbeddedCorpus(dir: string, langs: string[]): void {
  const by = new Map<string, string[]>();
  const version = udhrVersion();
  for (const a of udhrCorpus(LANGUAGES.filter((l) => langs.includes(l.code)))) {
    const key = label(getLanguage(a.lang), a.script);
    const rec = { id: `udhr-${a.udhrCode}-${a.article}`, text: a.text, lang: a.lang, url: `https://www.ohchr.org/en/human-rights/universal-declaration/translations#udhr-${version}-${a.udhrCode}-article-${a.article}`, ts: '1948-12-10T00:00:00Z' };
    (by.get(key) ?? by.set(key, []).get(key)!).push(JSON.stringify(rec));
  }
  mkdirSync(dir, { recursive: true });
  for (const [key, lines] of by) writeFileAtomic(join(dir, `${key}.jsonl`), lines.join('\n') + '\n');
}

function wrapIo<T>(what: string, fn: () => Promise<T>): Promise<T> {
  return fn().catch((e: unknown) => {
    if (e instanceof OellmError) throw e;
    const err = e as NodeJS.ErrnoException;
    const resumable = 'then run the same command again: finished stages are kept and skipped';
    if (err.code === 'ENOSPC' || err.code === 'EDQUOT') throw new OellmError(`${what}: the disk is full (${err.message})`, { code: 'E_IO', hint: `free space, ${resumable}`, cause: e });
    if (err.code === 'EACCES' || err.code === 'EPERM' || err.code === 'EROFS') throw new OellmError(`${what}: permission denied (${err.message})`, { code: 'E_IO', hint: `choose a writable --out or fix the permissions, ${resumable}`, cause: e });
    if (typeof err.code === 'string' && err.syscall) throw new OellmError(`${what}: ${err.message}`, { code: 'E_IO', ...(err.path ? { file: err.path } : {}), hint: `check the path, ${resumable}`, cause: e });
    throw e;
  });
}

/** What every stage of one build run shares. */
interface BuildRun {
  config: BuildConfig;
  data: DataConfig;
  runDir: string;
  stages: StageRunner;
  log: (line: string) => void;
  progress?: Progress;
}

/** Stage 1: the embedded text, materialised as JSONL input for the pipeline; returns its key and the pipeline inputs. */
async function corpusStage(r: BuildRun): Promise<{ key: string; inputs: string[] }> {
  const { config, runDir, stages } = r;
  const key = stageKey('corpus', { embedded: config.corpus.embedded, languages: config.languages, udhr: 6 });
  if (config.corpus.embedded) {
    await wrapIo('corpus', () => stages.run('corpus', key, ['corpus'], async () => writeEmbeddedCorpus(join(runDir, 'corpus'), config.languages)));
  }
  const inputs = [...(config.corpus.embedded ? [join(runDir, 'corpus')] : []), ...config.corpus.inputs];
  if (inputs.length === 0) throw new OellmError('the build has no corpus: corpus.embedded is false and corpus.inputs is empty', { code: 'E_CONFIG', hint: 'add files, folders or globs to corpus.inputs' });
  return { key, inputs };
}

/** Stage 2: the corpus pipeline; returns its key and the manifest (refusing a corpus with nothing public). */
async function dataStage(r: BuildRun, corpus: { key: string; inputs: string[] }): Promise<{ key: string; manifest: Manifest }> {
  const { config, data, runDir, stages, log } = r;
  const key = stageKey('data', { data, inputs: inputSignature(config.corpus.inputs) }, [corpus.key]);
  await wrapIo('data', () =>
    stages.run(
      'data',
      key,
      ['data/manifest.json'],
      async () => {
        log('data: running the corpus pipeline');
        await runDataPipeline(data, { inputs: corpus.inputs, out: join(runDir, 'data'), ...(r.progress ? { progress: r.progress } : {}) });
      },
      ['data'],
    ),
  );
  const manifest = readJson<Manifest>(join(runDir, 'data', 'manifest.json'));
  if (manifest.counts.kept_public === 0)
    throw new OellmError('the corpus pipeline kept no public documents: nothing to train on', {
      file: join(runDir, 'data', 'manifest.json'),
      code: 'E_DATA',
      hint: 'see the manifest `dropped` and `quarantined` counts and relax the filters in the `data:` section',
    });
  return { key, manifest };
}

/** Stage 3: the tokenizer, then the token count per language of the public shards; returns the tokenizer key and the counts. */
async function tokenizerStage(r: BuildRun, dataKey: string, manifest: Manifest): Promise<{ key: string; tokenCounts: Record<string, number> }> {
  const { config, runDir, stages, log } = r;
  const key = stageKey('tokenizer', config.tokenizer, [dataKey]);
  await wrapIo('tokenizer', () =>
    stages.run(
      'tokenizer',
      key,
      ['tokenizer/tokenizer.json'],
      async () => {
        log(`tokenizer: training a ${config.tokenizer.vocabSize}-token byte-level BPE`);
        const bar = r.progress?.bar('tokenizer', config.tokenizer.vocabSize, 'merges');
        await trainTokenizer({
          inputs: [join(runDir, 'data')],
          vocabSize: config.tokenizer.vocabSize,
          temperature: config.tokenizer.temperature,
          seed: config.tokenizer.seed,
          out: join(runDir, 'tokenizer'),
          onProgress: (phase, done, total) => {
            if (phase === 'merge') {
              bar?.setTotal(total);
              bar?.update(done);
            }
          },
        });
        bar?.stop();
      },
      ['tokenizer'],
    ),
  );
  // Tokens per language on the public shards (the summary's token column).
  await wrapIo('tokens', () =>
    stages.run('tokens', stageKey('tokens', {}, [key]), ['tokenizer/tokens_per_language.json'], async () => {
      const tok = loadTokenizer(join(runDir, 'tokenizer'));
      const counts: Record<string, number> = {};
      for (const sh of manifest.shards) {
        for await (const rec of readJsonl<{ text: string }>(join(runDir, 'data', sh.path))) counts[sh.lang] = (counts[sh.lang] ?? 0) + tok.encode(rec.text).length;
      }
      writeJsonAtomic(join(runDir, 'tokenizer', 'tokens_per_language.json'), counts);
    }),
  );
  return { key, tokenCounts: readJson<Record<string, number>>(join(runDir, 'tokenizer', 'tokens_per_language.json')) };
}

/** Stage 4 for one variant: training (resuming only a killed run of this very configuration); returns its key and result. */
async function trainStage(r: BuildRun, v: Variant, upstream: string[]): Promise<{ key: string; result: TrainResult; ckpt: string }> {
  const { config, runDir, stages, log } = r;
  const tc = trainConfig(v, runDir);
  const ckpt = join(runDir, 'models', v.name);
  const key = stageKey(`train:${v.name}`, { ...tc, out: undefined, data: undefined, tokenizer: undefined, ...(v.init !== undefined ? { initFiles: inputSignature([join(v.init, 'config.json'), join(v.init, 'tokenizer.json')]) } : {}) }, upstream);
  let result: TrainResult | undefined;
  await wrapIo(`train ${v.name}`, () =>
    stages.run(
      `train-${v.name}`,
      key,
      [`models/${v.name}/model.safetensors`, `models/${v.name}/train_result.json`],
      async () => {
        log(`train ${v.name}: ${v.maxSteps} steps${v.init !== undefined ? ` adapting ${v.init}` : ''}`);
        // Resume only a killed run of this very configuration; anything else starts afresh.
        const keyFile = join(runDir, '.oellm', `train-${v.name}.key`);
        const prevTrain = existsSync(keyFile) && readFileSync(keyFile, 'utf8') === key && existsSync(join(ckpt, 'trainer_state.json'));
        if (!prevTrain) {
          rmSync(ckpt, { recursive: true, force: true });
          writeFileAtomic(keyFile, key);
        }
        const bar = r.progress?.bar(`train ${v.name}`, v.maxSteps, 'steps');
        result = await train({
          config: { ...tc, resume: prevTrain },
          meta: { build: config.name, variant: v.name, languages: config.languages },
          onProgress: (p) => bar?.update(p.step, { loss: Number(p.loss.toFixed(3)), 'tok/s': Math.round(p.tokensPerS) }),
        });
        bar?.stop();
        writeJsonAtomic(join(ckpt, 'train_result.json'), result);
      },
      [],
    ),
  );
  return { key, result: result ?? readJson<TrainResult>(join(ckpt, 'train_result.json')), ckpt };
}

/** Stages 5–6 for one variant and type: GGUF export, then a llama.cpp load-and-generate check. */
async function exportStage(r: BuildRun, v: Variant, type: Variant['export'][number], ckpt: string, trainKey: string, commitment: string): Promise<VariantSummary['gguf'][number]> {
  const { runDir, stages } = r;
  const file = join(ckpt, `${v.name}-${type}.gguf`);
  const exportKey = stageKey(`export:${v.name}:${type}`, { type, commitment }, [trainKey]);
  await wrapIo(`export ${v.name} ${type}`, () =>
    stages.run(`export-${v.name}-${type}`, exportKey, [relative(runDir, file), relative(runDir, file) + '.json'], async () => {
      const rep = exportGguf(ckpt, { type, out: file, dataCommitment: commitment }); // name and languages: modelIdentity, as `oellm export gguf`
      // Check that llama.cpp loads it and generates, and keep what it said.
      // One thread: these models are tiny, and llama.cpp's spinning thread pool collapses on a busy machine.
      const m = await LlamaCppModel.load(file, { threads: 1 });
      const prompt = 'All human beings are';
      const g = await m.generate(prompt, { maxTokens: 16, temperature: 0 });
      await m.model.dispose();
      writeJsonAtomic(file + '.json', { bytes: rep.bytes, fallbacks: rep.fallbacks, prompt, sample: g.text, tokensPerS: g.tokensPerSecond });
    }),
  );
  const info = readJson<{ bytes: number; fallbacks: string[]; sample: string; tokensPerS: number }>(file + '.json');
  return { type, path: relative(runDir, file), bytes: info.bytes, fallbacks: info.fallbacks, sample: info.sample, tokensPerS: info.tokensPerS };
}

/** Documents, bytes and tokens per configured language (all its scripts together). */
function languageSummary(config: BuildConfig, manifest: Manifest, tokenCounts: Record<string, number>): BuildSummary['languages'] {
  return config.languages.map((code) => {
    const l = getLanguage(code);
    let docs = 0;
    let bytes = 0;
    let tokens = 0;
    for (const s of l.scripts) {
      const e = manifest.languages[label(l, s)];
      if (e) {
        docs += e.docs;
        bytes += e.bytes;
      }
      tokens += tokenCounts[label(l, s)] ?? 0;
    }
    return { code, label: l.scripts.map((s) => label(l, s)).join('+'), docs, bytes, tokens };
  });
}

/** Runs (or resumes) a build and returns its summary (also saved as build_summary.json). */
export async function runBuild(opts: BuildOptions = {}): Promise<BuildSummary> {
  const log = opts.log ?? (() => {});
  const { config, data } = resolveBuildConfig(opts.file, opts.overrides);
  const runDir = resolve(opts.out ?? join('runs', config.name));
  checkOutDir(opts.out ?? runDir, { inputs: config.corpus.inputs });
  const t0 = performance.now();
  await wrapIo(`cannot create the run directory ${runDir}`, async () => mkdirSync(runDir, { recursive: true }));
  const unlock = lockDir(runDir, { what: 'oellm build' });
  const release = catchStopSignals();
  try {
    return await buildIn(runDir, config, data, opts, log, t0);
  } finally {
    release();
    unlock();
  }
}

/** The stages of runBuild, in a run dir this process has checked and locked. */
async function buildIn(runDir: string, config: BuildConfig, data: DataConfig, opts: BuildOptions, log: (line: string) => void, t0: number): Promise<BuildSummary> {
  writeFileAtomic(join(runDir, 'config.resolved.yaml'), dumpConfig({ ...config, data }, `oellm ${VERSION} — resolved build configuration${opts.file ? ` (from ${opts.file})` : ' (embedded default)'}`));
  const r: BuildRun = { config, data, runDir, stages: new StageRunner(runDir, log), log, ...(opts.progress ? { progress: opts.progress } : {}) };

  const corpus = await corpusStage(r);
  const { key: dataKey, manifest } = await dataStage(r, corpus);
  // Data commitment (src/release/stage.ts): its root goes into every GGUF export.
  const commitKey = stageKey('commitment', { v: 1 }, [dataKey]);
  await wrapIo('commitment', () => r.stages.run('commitment', commitKey, [BUILD_COMMITMENT], () => writeBuildCommitment(runDir, data)));
  const commitment = buildCommitmentRoot(runDir);
  const { key: tokKey, tokenCounts } = await tokenizerStage(r, dataKey, manifest);
  const variants: VariantSummary[] = [];
  const trainKeys: string[] = [];
  for (const v of config.series) {
    const { key: trainKey, result, ckpt } = await trainStage(r, v, [dataKey, tokKey]);
    trainKeys.push(trainKey);
    const gguf: VariantSummary['gguf'] = [];
    for (const type of v.export) gguf.push(await exportStage(r, v, type, ckpt, trainKey, commitment));
    variants.push({
      name: v.name,
      params: result.params,
      steps: result.steps,
      tokens: result.tokens,
      finalLoss: result.finalLoss,
      valBpb: result.val,
      ...(result.valInit ? { valBpbBefore: result.valInit, init: v.init } : {}),
      tokensPerS: result.tokensPerS,
      checkpoint: relative(runDir, ckpt),
      gguf,
    });
  }

  // Eval: every variant and quantization per language, a stage like the others (its key: the
  // exported models and the limits; through the train keys, the data and tokenizer, hence also the
  // held-out validation documents it scores), so a finished build re-run leaves eval/ and release/ untouched;
  // inside it, units are cached under eval/units (a killed eval resumes unit by unit).
  const evalKey = stageKey('eval', { limits: BUILD_EVAL_LIMITS, languages: config.languages, exports: variants.map((v) => [v.name, v.gguf.map((g) => g.type)]), commitment }, trainKeys);
  const evalFile = join(runDir, 'eval', 'build_eval.json');
  await wrapIo('eval', () =>
    r.stages.run(
      'eval',
      evalKey,
      ['eval/report.json', 'eval/build_eval.json'],
      async () => {
        const valTexts = await writeValTexts(runDir, config);
        writeJsonAtomic(evalFile, await buildEval({ runDir, variants, languages: config.languages, valTexts, log }));
      },
      [],
    ),
  );
  const evaluation = readJson<BuildEvalSummary>(evalFile);

  const languages = languageSummary(config, manifest, tokenCounts);
  const summary: BuildSummary = {
    runDir,
    config,
    counts: manifest.counts,
    languages,
    missing: languages.filter((l) => l.docs === 0).map((l) => l.code),
    tokenizer: { vocabSize: config.tokenizer.vocabSize, dir: 'tokenizer' },
    variants,
    stages: r.stages.records,
    eval: evaluation,
    wall_s: Math.round((performance.now() - t0) / 100) / 10,
  };
  writeJsonAtomic(join(runDir, 'build_summary.json'), summary);
  // Last stage: the release bundle (src/release), from the records above.
  const releaseKey = stageKey('release', releaseInputs(runDir, config.release), [commitKey, ...r.stages.records.map((x) => x.key)]);
  await wrapIo('release', () => r.stages.run('release', releaseKey, ['release/release-manifest.json'], () => releaseStage(runDir, config.release, log), ['release']));
  writeJsonAtomic(join(runDir, 'build_summary.json'), { ...summary, stages: r.stages.records });
  return { ...summary, stages: r.stages.records };
}
