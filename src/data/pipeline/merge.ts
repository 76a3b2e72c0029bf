// The last step of a run, in the driver: gathers every rank's summary, writes quarantine.jsonl
// (the ranks' logs in stage and rank order), stats.json (all counters merged) and manifest.json
// last, each atomically; then checks in = kept + dropped + quarantined. Idempotent: running it
// again over the same ranks writes the same bytes. Not a rank (ranks.ts).
import { existsSync, readdirSync, readFileSync, statSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { OellmError } from '../../util/errors.js';
import { AtomicFile, TEMP_NAME_RE, writeFileAtomic, writeJsonAtomic } from '../../util/fs.js';
import { buildManifest, type Manifest } from '../writers/manifest.js';
import type { Plan } from './plan.js';
import { checkpoint, isDone, quarantinePath, readSummary, type RankSummary } from './ranks.js';

/** Removes temp leftovers from the deliverable folders; safe once every rank has its marker. */
function removeStaleTemps(out: string): number {
  let n = 0;
  const sweep = (dir: string, depth: number) => {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (TEMP_NAME_RE.test(name)) {
        rmSync(p, { force: true });
        n++;
      } else if (depth > 0 && name !== 'work' && statSync(p).isDirectory()) sweep(p, depth - 1);
    }
  };
  sweep(out, 2);
  return n;
}

export function mergeRun(plan: Plan, out: string, opts: { keepWork?: boolean } = {}): Manifest {
  const summaries: RankSummary[] = [];
  for (const st of plan.stages) {
    for (let r = 0; r < st.ranks; r++) {
      if (!isDone(out, st.name, r)) throw new OellmError(`rank ${r} of stage ${st.name} has not finished`, { code: 'E_INCOMPLETE', hint: 'run the same command again to resume' });
      summaries.push(readSummary(out, st.name, r));
    }
  }
  removeStaleTemps(out);
  // quarantine.jsonl: concatenation, stage1 ranks then final ranks.
  const qPath = join(out, 'quarantine.jsonl');
  const q = new AtomicFile(qPath);
  for (const st of ['stage1', 'final'] as const) {
    const ranks = plan.stages.find((s) => s.name === st)!.ranks;
    for (let r = 0; r < ranks; r++) {
      const f = quarantinePath(out, st, r);
      if (existsSync(f)) q.write(readFileSync(f));
    }
  }
  q.commit();
  const { manifest, stats } = buildManifest(plan, summaries);
  const vault = summaries.flatMap((s) => (s.stage === 'final' ? (s.vault ?? []) : []));
  if (vault.length) writeFileAtomic(join(out, 'vault', 'SHA256SUMS'), vault.map((v) => `${v.sha256}  ${v.path.replace(/^vault\//, '')}\n`).join(''));
  writeJsonAtomic(join(out, 'stats.json'), stats);
  checkpoint('merge');
  writeJsonAtomic(join(out, 'manifest.json'), manifest);
  const c = manifest.counts;
  if (!c.balanced) {
    throw new OellmError(`counts do not balance: in ${c.in} ≠ kept ${c.kept} + dropped ${c.dropped} + quarantined ${c.quarantined}`, {
      code: 'E_BALANCE',
      file: join(out, 'manifest.json'),
      hint: 'a step lost or duplicated documents; this is a bug: report it with stats.json',
    });
  }
  if (opts.keepWork === false) rmSync(join(out, 'work'), { recursive: true, force: true });
  return manifest;
}
