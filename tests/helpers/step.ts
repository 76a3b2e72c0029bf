// Test helpers shared by the step tests: a StepContext that records what a step excluded (as an
// ordered list or by document id) and a per-file temp-dir maker that cleans up after the file.
// Not the pipeline's context (src/data/pipeline/context.ts), which writes stats and exclusions.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { Stats, type StepContext } from '../../src/data/step.js';
import type { Doc, Verdict } from '../../src/data/doc.js';

const reasonOf = (v: Exclude<Verdict, { keep: true }>): string => ('drop' in v ? v.drop : v.quarantine);

/** Context whose `dropped` lists `[doc id, reason]` in the order the step excluded them. */
export function listContext(): StepContext & { dropped: [string, string][] } {
  const dropped: [string, string][] = [];
  return { rank: 0, worldSize: 1, stats: new Stats(), dropped, exclude: (doc: Doc, _s, v) => void dropped.push([doc.id, reasonOf(v)]), log() {} };
}

/** Context whose `dropped` maps doc id → reason. */
export function mapContext(): StepContext & { dropped: Map<string, string> } {
  const dropped = new Map<string, string>();
  return { rank: 0, worldSize: 1, stats: new Stats(), dropped, exclude: (doc: Doc, _s, v) => void dropped.set(doc.id, reasonOf(v)), log() {} };
}

/** A temp dir under the OS temp folder, removed when the calling test file is done. */
export function tmpDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}
