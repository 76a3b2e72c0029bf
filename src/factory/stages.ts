// Stage caching for `oellm build`: each stage has a key (sha256 of its resolved settings and the
// keys of the stages it reads), a marker file written after its outputs are complete, and a
// record of wall time and peak memory. A stage whose marker key matches is skipped; a killed
// build re-runs only the unfinished stages. Not a scheduler: stages run in order in one process.
// Reference: make / DVC-style content-addressed stage caching.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { sha256, writeJsonAtomic } from '../util/fs.js';
import { checkStop } from '../util/interrupt.js';

export interface StageRecord {
  stage: string;
  key: string;
  wall_s: number;
  /** Peak resident set size of the build process while the stage ran, MiB. */
  peak_rss_mib: number;
  outputs: string[];
  skipped?: boolean;
}

/** Canonical JSON (sorted keys) so that key order in a config file does not change a hash. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v as object)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

export function stageKey(stage: string, settings: unknown, upstream: string[] = []): string {
  return sha256(canonical({ stage, settings, upstream })).slice(0, 16);
}

export class StageRunner {
  readonly records: StageRecord[] = [];
  constructor(
    private readonly runDir: string,
    private readonly log: (msg: string) => void = () => {},
  ) {}

  private marker(stage: string): string {
    return join(this.runDir, '.oellm', 'stages', `${stage.replace(/[^\w.-]/g, '_')}.json`);
  }

  /** The key of a finished stage, if its marker exists and its outputs are all present. */
  done(stage: string): StageRecord | undefined {
    const m = this.marker(stage);
    if (!existsSync(m)) return undefined;
    try {
      const rec = JSON.parse(readFileSync(m, 'utf8')) as StageRecord;
      if (!rec.outputs.every((o) => existsSync(join(this.runDir, o)))) return undefined;
      return rec;
    } catch {
      return undefined;
    }
  }

  /**
   * Runs `fn` unless the stage already finished with the same key. `clean` lists outputs
   * (relative to the run dir) removed before a re-run so stale files never mix with new ones.
   */
  async run(stage: string, key: string, outputs: string[], fn: () => Promise<void>, clean: string[] = outputs): Promise<StageRecord> {
    const prev = this.done(stage);
    if (prev && prev.key === key) {
      const rec = { ...prev, skipped: true };
      this.records.push(rec);
      this.log(`${stage}: up to date (key ${key}), skipped`);
      return rec;
    }
    // Stage boundaries are where a stop signal ends a build (stages stop inside themselves too).
    await checkStop('build stopped', 'run the same command again: finished stages are kept and skipped');
    rmSync(this.marker(stage), { force: true });
    for (const o of clean) rmSync(join(this.runDir, o), { recursive: true, force: true });
    let peak = process.memoryUsage().rss;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 200);
    timer.unref();
    const t0 = performance.now();
    try {
      await fn();
    } finally {
      clearInterval(timer);
    }
    peak = Math.max(peak, process.memoryUsage().rss);
    const rec: StageRecord = { stage, key, wall_s: Math.round((performance.now() - t0) / 10) / 100, peak_rss_mib: Math.round(peak / 2 ** 20), outputs };
    writeJsonAtomic(this.marker(stage), rec);
    this.records.push(rec);
    return rec;
  }
}
