// The pipeline step contract, datatrove-style: a step maps an async stream of Docs to an
// async stream of Docs and reports exclusions; a Filter implements only `filter(doc)` and the
// base class does the bookkeeping. Not an executor (executors/ run steps over ranks).
// Reference: datatrove pipeline/base.py, filters/base_filter.py.
import type { Doc, Verdict } from './doc.js';

/** Per-rank statistics; counters are plain numbers keyed by dotted names (`dropped.quality.short`). */
export class Stats {
  readonly counters: Record<string, number> = {};
  inc(key: string, n = 1): void {
    this.counters[key] = (this.counters[key] ?? 0) + n;
  }
  merge(other: Record<string, number>): void {
    for (const [k, v] of Object.entries(other)) this.inc(k, v);
  }
  toJSON(): Record<string, number> {
    return Object.fromEntries(Object.entries(this.counters).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
}

export interface StepContext {
  rank: number;
  worldSize: number;
  stats: Stats;
  /** Called for every dropped or quarantined document (exclusion writers, counts). */
  exclude(doc: Doc, step: string, verdict: Exclude<Verdict, { keep: true }>): void;
  /** Structured log line (warnings about inputs, etc.). */
  log(level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>): void;
}

export interface Step {
  /** Short name used in stats keys and drop reasons (`quality`, `pii`, `dedup-exact`). */
  readonly name: string;
  run(docs: AsyncIterable<Doc>, ctx: StepContext): AsyncIterable<Doc>;
}

/** Base for steps that decide per document: implement `filter`, the base does stats. */
export abstract class Filter implements Step {
  abstract readonly name: string;
  /** Returns keep (the doc may be modified in place), drop with a reason, or quarantine. */
  abstract filter(doc: Doc): Verdict | Promise<Verdict>;

  async *run(docs: AsyncIterable<Doc>, ctx: StepContext): AsyncIterable<Doc> {
    for await (const doc of docs) {
      const v = await this.filter(doc);
      if ('keep' in v) {
        yield doc;
      } else {
        ctx.exclude(doc, this.name, v);
      }
    }
  }
}
