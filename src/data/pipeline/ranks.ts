// One rank of one stage of the corpus pipeline, as a pure function of (plan, stage, rank):
//   stage1   read → extract → normalize → lid → quality → rights → pii; public docs to an
//            intermediate file, restricted ones to an intermediate vault + dedup signatures
//   buckets  LSH band pairs for this rank's bands       clusters  union-find → cluster map
//   final    dedup filter by the cluster map → public shards / vault (restricted)
// Every output goes to a temp name, is renamed when the rank is complete, then the rank writes
// its summary (stats) and its completion marker; a rank with a marker is never run again. Not
// an executor (executors/ decide where ranks run). Reference: datatrove PipelineExecutor._run_for_rank.
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Doc } from '../doc.js';
import { Stats, runEach, runEachBatches, type Step } from '../step.js';
import { removeTempsOf, tempPathOf, writeFileAtomic, writeJsonAtomic, readJson } from '../../util/fs.js';
import { OellmError } from '../../util/errors.js';
import { silentLogger, type Logger } from '../../util/log.js';
import { JsonlZstWriter, readJsonl, type WrittenFile } from '../writers/jsonl.js';
import { ShardWriter, langLabel, rankName, type ShardFile } from '../writers/shards.js';
import { ExclusionWriter } from '../writers/exclusions.js';
import { makeContext } from './context.js';
import { dedupEnabled, type Plan, type StageName } from './plan.js';
import { stage1Steps, readerSource, dedupStages, openVault, vaultKey, idBaseOf, type VaultSink } from './steps.js';
import { VaultWriter, readVault } from '../vault/index.js';

interface RankHooks {
  logger?: Logger;
  /** Documents processed so far in this rank (called every ~1,000 docs and at the end). */
  onProgress?: (docs: number) => void;
}

/** What a rank leaves besides its files: merged into stats.json and manifest.json. */
export interface RankSummary {
  stage: StageName;
  rank: number;
  stats: Record<string, number>;
  shards?: ShardFile[];
  vault?: WrittenFile[];
  ts?: { min: string; max: string } | null;
}

// Paths inside the dataset dir. work/ holds everything that is not a deliverable.
export const workDir = (out: string, stage: StageName) => join(out, 'work', stage);
const markerPath = (out: string, stage: StageName, rank: number) => join(workDir(out, stage), `${rankName(rank)}.done`);
const summaryPath = (out: string, stage: StageName, rank: number) => join(workDir(out, stage), `${rankName(rank)}.json`);
export const quarantinePath = (out: string, stage: StageName, rank: number) => join(workDir(out, stage), `${rankName(rank)}.quarantine.jsonl`);
export const docsPath = (out: string, rank: number) => join(workDir(out, 'stage1'), `${rankName(rank)}.docs.jsonl.zst`);
/** Stage 1's restricted documents, encrypted like the vault (restricted text is never plain, work/ included). */
const restrictedPath = (out: string, rank: number) => join(workDir(out, 'stage1'), `${rankName(rank)}.restricted.vault`);
const sigPath = (out: string, rank: number) => join(workDir(out, 'stage1'), `${rankName(rank)}.sig`);
const pairsPath = (out: string, band: number) => join(workDir(out, 'buckets'), `band-${String(band).padStart(3, '0')}.pairs`);
const clustersPath = (out: string) => join(workDir(out, 'clusters'), 'clusters.bin');

export function isDone(out: string, stage: StageName, rank: number): boolean {
  return existsSync(markerPath(out, stage, rank));
}

// Test hook: OELLM_TEST_KILL_AT=<point> SIGKILLs the process when the run reaches that point
// (`stage1.00001.commit`, `final.00000.doc5`, `merge`…), to prove kill/resume byte-identity.
const KILL_AT = process.env.OELLM_TEST_KILL_AT;
export function checkpoint(point: string): void {
  if (KILL_AT !== undefined && KILL_AT === point) process.kill(process.pid, 'SIGKILL');
}

/** Runs one rank unless its marker exists; returns false when it was already done. */
export async function runRank(plan: Plan, out: string, stage: StageName, rank: number, hooks: RankHooks = {}): Promise<boolean> {
  const st = plan.stages.find((s) => s.name === stage);
  if (!st) throw new OellmError(`the plan has no stage "${stage}"`, { code: 'E_PLAN', hint: `stages: ${plan.stages.map((s) => s.name).join(', ')}` });
  if (!Number.isInteger(rank) || rank < 0 || rank >= st.ranks) throw new OellmError(`rank ${rank} is outside stage ${stage} (0..${st.ranks - 1})`, { code: 'E_PLAN' });
  if (isDone(out, stage, rank)) return false;
  mkdirSync(workDir(out, stage), { recursive: true });
  const logger = (hooks.logger ?? silentLogger).child({ stage, rank });
  let summary: RankSummary;
  if (stage === 'stage1') summary = await runStage1(plan, out, rank, logger, hooks);
  else if (stage === 'buckets') summary = await runBuckets(plan, out, rank);
  else if (stage === 'clusters') summary = await runClusters(plan, out);
  else summary = await runFinal(plan, out, rank, logger, hooks);
  checkpoint(`${stage}.${rankName(rank)}.summary`);
  writeJsonAtomic(summaryPath(out, stage, rank), summary);
  checkpoint(`${stage}.${rankName(rank)}.marker`);
  writeFileAtomic(markerPath(out, stage, rank), 'done\n');
  return true;
}

/** A stream as batches of one document. */
async function* oneByOne(docs: AsyncIterable<Doc>): AsyncIterable<Doc[]> {
  for await (const d of docs) yield [d];
}

function progressTicker(hooks: RankHooks): { tick(): void; end(): void; n: number } {
  const t = {
    n: 0,
    tick() {
      t.n++;
      if (t.n % 1000 === 0) hooks.onProgress?.(t.n);
    },
    end() {
      hooks.onProgress?.(t.n);
    },
  };
  return t;
}

async function runStage1(plan: Plan, out: string, rank: number, logger: Logger, hooks: RankHooks): Promise<RankSummary> {
  const cfg = plan.config;
  const stats = new Stats();
  const quarantine = new JsonlZstWriter(quarantinePath(out, 'stage1', rank), { compress: false });
  const exclusions = cfg.exclusions ? new ExclusionWriter(out, rank, cfg.zstdLevel) : undefined;
  const ctx = makeContext({ rank, worldSize: plan.assignment.length, stats, logger, quarantine, exclusions });
  const docs = new JsonlZstWriter(docsPath(out, rank), { level: cfg.zstdLevel });
  const key = vaultKey(cfg);
  const restricted = key ? new VaultWriter(restrictedPath(out, rank), key, { level: cfg.zstdLevel }) : undefined;
  const files = plan.assignment[rank]!.map((i) => plan.inputs[i]!.path);
  const ticker = progressTicker(hooks);
  const name = `stage1.${rankName(rank)}`;
  try {
    const idBase = idBaseOf(plan.inputs.map((f) => f.path));
    const stream: AsyncIterable<Doc> = readerSource(
      files,
      cfg,
      ctx,
      () => {
        stats.inc('docs.in');
        ticker.tick();
        if (KILL_AT) checkpoint(`${name}.doc${ticker.n}`);
      },
      idBase,
    );
    const steps: Step[] = await stage1Steps(cfg);
    removeTempsOf(sigPath(out, rank)); // a killed attempt's
    const sigTmp = tempPathOf(sigPath(out, rank));
    const sigs = dedupEnabled(cfg) ? dedupStages.signatureWriter(sigTmp, cfg.dedup, rank) : undefined;
    // Every stage-1 step has a per-document form: the steps run one after the other over
    // batches of documents (runEachBatches) instead of one async generator per step and
    // document; the same documents, order and exclusions as chaining `run`. The sinks (the
    // docs file, the signatures) then take the batch one after the other too.
    const batches: AsyncIterable<Doc[]> = steps.every((s) => s.each) ? runEachBatches(steps, stream, ctx) : oneByOne(steps.reduce((st, s) => s.run(st, ctx), stream));
    for await (const batch of batches) {
      for (const d of batch) {
        delete d.meta; // transport fields (raw HTML, headers) end here
        if (d.rights?.class !== 'restricted') docs.write(d);
        else if (restricted) {
          if (!restricted.write(d))
            throw new OellmError(`document id ${d.id} occurs twice in stage 1 rank ${rank}`, { code: 'E_BALANCE', file: d.source.file, offset: d.source.offset, hint: 'ids derive from file and offset; is an input listed twice?' });
        } else {
          // No key: the text may be stored nowhere. The record goes on without it (a copy: the
          // signatures below still hash the text) so that the final stage drops it after dedup.
          docs.write({ ...d, text: '' });
        }
        stats.inc('docs.stage1_out');
      }
      if (sigs) for (const d of batch) sigs.add(d);
    }
    sigs?.finish();
    ticker.end();
    docs.close();
    restricted?.close();
    quarantine.close();
    exclusions?.close();
    checkpoint(`${name}.commit`);
    docs.commit();
    restricted?.commit();
    if (dedupEnabled(cfg)) renameSync(sigTmp, sigPath(out, rank));
    quarantine.commit();
    exclusions?.commit();
  } catch (e) {
    docs.abort();
    restricted?.abort();
    quarantine.abort();
    exclusions?.abort();
    throw e;
  }
  return { stage: 'stage1', rank, stats: stats.toJSON() };
}

async function runBuckets(plan: Plan, out: string, rank: number): Promise<RankSummary> {
  const stats = new Stats();
  const ranks1 = plan.assignment.length;
  const sigFiles = Array.from({ length: ranks1 }, (_, r) => sigPath(out, r));
  for (const band of plan.bands[rank]!) {
    const target = pairsPath(out, band);
    removeTempsOf(target); // a killed attempt's
    const tmp = tempPathOf(target);
    const n = dedupStages.findBucketPairs(sigFiles, band, tmp);
    checkpoint(`buckets.${rankName(rank)}.band${band}`);
    renameSync(tmp, target);
    stats.inc('dedup.pairs', n);
  }
  return { stage: 'buckets', rank, stats: stats.toJSON() };
}

async function runClusters(plan: Plan, out: string): Promise<RankSummary> {
  const stats = new Stats();
  const pairFiles = plan.bands
    .flat()
    .sort((a, b) => a - b)
    .map((b) => pairsPath(out, b));
  const sigFiles = plan.assignment.map((_, r) => sigPath(out, r));
  const target = clustersPath(out);
  removeTempsOf(target); // a killed attempt's
  const tmp = tempPathOf(target);
  mkdirSync(dirname(target), { recursive: true });
  const r = dedupStages.buildClusters(pairFiles, sigFiles, tmp);
  for (const [k, v] of Object.entries(r)) stats.inc(`dedup.${k}`, v);
  renameSync(tmp, target);
  return { stage: 'clusters', rank: 0, stats: stats.toJSON() };
}

async function runFinal(plan: Plan, out: string, rank: number, logger: Logger, hooks: RankHooks): Promise<RankSummary> {
  const cfg = plan.config;
  const stats = new Stats();
  const quarantine = new JsonlZstWriter(quarantinePath(out, 'final', rank), { compress: false });
  const exclusions = cfg.exclusions ? new ExclusionWriter(out, rank, cfg.zstdLevel) : undefined;
  const ctx = makeContext({ rank, worldSize: plan.assignment.length, stats, logger, quarantine, exclusions });
  const shards = new ShardWriter(out, rank, { level: cfg.zstdLevel, maxBytes: cfg.shardMaxBytes });
  let vault: VaultSink | undefined;
  let vaultOpened = false;
  const ticker = progressTicker(hooks);
  const name = `final.${rankName(rank)}`;
  let tsMin: string | undefined;
  let tsMax: string | undefined;
  let shardFiles: ShardFile[];
  let vaultFiles: WrittenFile[] = [];
  try {
    // Every document stage 1 wrote must come back: a short intermediate file is an error, not a loss.
    // Public docs first, then the restricted ones (decrypted in memory only); the dedup filter
    // decides per id, so the order does not change what is kept.
    let read = 0;
    const key = vaultKey(cfg);
    async function* stage1Docs(): AsyncIterable<Doc> {
      for await (const d of readJsonl<Doc>(docsPath(out, rank))) {
        read++;
        yield d;
      }
      if (!key) return;
      for await (const d of readVault(restrictedPath(out, rank), key)) {
        read++;
        yield d as unknown as Doc;
      }
    }
    const dedup = dedupEnabled(cfg) ? dedupStages.filter(clustersPath(out)) : undefined;
    let stream: AsyncIterable<Doc> = stage1Docs();
    if (dedup) stream = dedup.each ? runEach([dedup], stream, ctx) : dedup.run(stream, ctx);
    for await (const doc of stream) {
      ticker.tick();
      if (KILL_AT) checkpoint(`${name}.doc${ticker.n}`);
      const bytes = Buffer.byteLength(doc.text);
      if (doc.rights?.class === 'restricted') {
        if (!vaultOpened) {
          vault = await openVault(out, rank, cfg);
          vaultOpened = true;
        }
        if (!vault) {
          // No key: the text may neither be published nor stored; count it as a drop (step
          // `vault`, so its exclusion file never collides with stage 1's `rights` one).
          ctx.exclude(doc, 'vault', { drop: 'restricted-no-vault-key' });
          continue;
        }
        vault.write(doc);
        stats.inc('docs.kept.restricted');
        stats.inc(`vault.lang.${langLabel(doc)}.docs`);
        stats.inc(`vault.lang.${langLabel(doc)}.bytes`, bytes);
        continue;
      }
      const lang = shards.write(doc);
      stats.inc('docs.kept.public');
      stats.inc(`lang.${lang}.docs`);
      stats.inc(`lang.${lang}.bytes`, bytes);
      const host = hostOf(doc.url);
      stats.inc(`domain.${host}.docs`);
      stats.inc(`domain.${host}.bytes`, bytes);
      if (doc.ts) {
        const t = normTs(doc.ts);
        if (t) {
          if (tsMin === undefined || t < tsMin) tsMin = t;
          if (tsMax === undefined || t > tsMax) tsMax = t;
        }
      }
    }
    ticker.end();
    const expected = readSummary(out, 'stage1', rank).stats['docs.stage1_out'] ?? 0;
    if (read !== expected) {
      throw new OellmError(`stage 1 rank ${rank} wrote ${expected} documents but ${read} were read back`, { code: 'E_BALANCE', file: docsPath(out, rank), hint: 'the intermediate file was changed or truncated; delete work/ and run again' });
    }
    shardFiles = shards.close();
    if (vault) vaultFiles = vault.close();
    quarantine.close();
    exclusions?.close();
    checkpoint(`${name}.commit`);
    shards.commit();
    vault?.commit();
    quarantine.commit();
    exclusions?.commit();
  } catch (e) {
    shards.abort();
    vault?.abort();
    quarantine.abort();
    exclusions?.abort();
    throw e;
  }
  const rel = (f: WrittenFile) => ({
    ...f,
    path: f.path
      .slice(out.length + 1)
      .split('\\')
      .join('/'),
  });
  return {
    stage: 'final',
    rank,
    stats: stats.toJSON(),
    shards: shardFiles.map((s) => ({ ...s, path: s.rel })),
    vault: vaultFiles.map(rel),
    ts: tsMin !== undefined && tsMax !== undefined ? { min: tsMin, max: tsMax } : null,
  };
}

/** Host of a URL, lower case, for per-domain counts; `(none)` without a URL. */
export function hostOf(url: string | undefined): string {
  if (!url) return '(none)';
  try {
    return new URL(url).hostname.toLowerCase() || '(none)';
  } catch {
    return '(invalid-url)';
  }
}

function normTs(ts: string): string | undefined {
  const t = Date.parse(ts);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

export function readSummary(out: string, stage: StageName, rank: number): RankSummary {
  return readJson<RankSummary>(summaryPath(out, stage, rank));
}
