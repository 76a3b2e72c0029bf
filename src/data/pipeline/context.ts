// The StepContext a rank hands its steps: counts every drop and quarantine under one naming
// scheme, feeds the exclusion writer and the rank's quarantine log, and forwards log lines.
// Counter names (stats.json, manifest): `docs.in`, `docs.dropped`, `docs.quarantined`,
// `dropped.<step>.<reason>`, `quarantined.<step>.<reason class>`. Not a step.
import type { Doc, Verdict } from '../doc.js';
import { Stats, type StepContext } from '../step.js';
import type { Logger } from '../../util/log.js';
import type { ExclusionWriter } from '../writers/exclusions.js';
import type { JsonlZstWriter } from '../writers/jsonl.js';

/** `quality.short` under step `quality` → `short`; dots elsewhere are kept. */
export function reasonKey(step: string, reason: string): string {
  return reason.startsWith(step + '.') ? reason.slice(step.length + 1) : reason;
}

/** A counter-safe class of a free-text reason: the part before `:` or `(`, slugged. */
export function reasonClass(reason: string): string {
  const head = reason.split(/[:(]/)[0]!.trim().toLowerCase();
  return (
    head
      .replace(/[^a-z0-9.]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'unknown'
  );
}

export interface QuarantineRecord {
  file: string;
  offset: number;
  step: string;
  reason: string;
  id?: string;
}

export function makeContext(opts: { rank: number; worldSize: number; stats: Stats; logger: Logger; quarantine: JsonlZstWriter; exclusions?: ExclusionWriter | undefined }): StepContext & { quarantineRecord(q: QuarantineRecord): void } {
  const { stats, quarantine, exclusions, logger } = opts;
  const quarantineRecord = (q: QuarantineRecord) => {
    stats.inc('docs.quarantined');
    stats.inc(`quarantined.${q.step}.${reasonClass(q.reason)}`);
    quarantine.write(q);
  };
  return {
    rank: opts.rank,
    worldSize: opts.worldSize,
    stats,
    exclude(doc: Doc, step: string, verdict: Exclude<Verdict, { keep: true }>) {
      if ('drop' in verdict) {
        stats.inc('docs.dropped');
        stats.inc(`dropped.${step}.${reasonKey(step, verdict.drop)}`);
        exclusions?.write(doc, step, verdict.drop);
      } else {
        quarantineRecord({ file: doc.source.file, offset: doc.source.offset, step, reason: verdict.quarantine, id: doc.id });
      }
    },
    log(level, msg, fields) {
      logger.log(level, msg, fields);
    },
    quarantineRecord,
  };
}

export { Stats };
