// Unit tests of the run plan (file split over ranks, bands over bucket ranks, execution settings
// kept out), the sbatch --array spec and the counter naming of drop/quarantine reasons.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataConfigSchema } from '../config.js';
import { assignFiles, makePlan, writeOrCheckPlan } from './plan.js';
import { arraySpec } from '../executors/slurm.js';
import { reasonClass, reasonKey } from './context.js';

test('assignFiles: deterministic, every file once, balanced by size', () => {
  const inputs = [100, 5, 60, 40, 0, 0, 30, 30].map((bytes, i) => ({ path: `/in/f${i}`, bytes }));
  const a = assignFiles(inputs, 3);
  assert.deepEqual(assignFiles(inputs, 3), a);
  assert.deepEqual(
    a.flat().sort((x, y) => x - y),
    [0, 1, 2, 3, 4, 5, 6, 7],
  );
  const loads = a.map((r) => r.reduce((s, i) => s + inputs[i]!.bytes, 0));
  assert.ok(Math.max(...loads) - Math.min(...loads) <= 40, `loads ${loads}`);
  for (const r of a)
    assert.deepEqual(
      [...r],
      [...r].sort((x, y) => x - y),
      'each rank reads its files in path order',
    );
  // More ranks than files: the extra ranks are empty, not an error.
  assert.deepEqual(assignFiles(inputs.slice(0, 1), 3), [[0], [], []]);
});

test('makePlan: bands (and the exact band) spread over bucket ranks; workers/executor not in the plan', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oellm-plan-'));
  try {
    const files = ['b.txt', 'a.txt'].map((n) => join(dir, n));
    for (const f of files) writeFileSync(f, 'x');
    const cfg = DataConfigSchema.parse({ workers: 2, ranks: 3 });
    const p = makePlan(cfg, files);
    assert.deepEqual(
      p.inputs.map((f) => f.path),
      [...files].sort(),
    );
    assert.deepEqual(
      p.stages.map((s) => `${s.name}:${s.ranks}`),
      ['stage1:3', 'buckets:3', 'clusters:1', 'final:3'],
    );
    assert.deepEqual(
      p.bands.flat().sort((a, b) => a - b),
      Array.from({ length: 15 }, (_, i) => i),
      '14 LSH bands + exact band 14',
    );
    assert.ok(!('workers' in p.config) && !('executor' in p.config) && !('slurm' in p.config));
    const same = makePlan(DataConfigSchema.parse({ workers: 1, ranks: 3, executor: 'slurm' }), files);
    assert.deepEqual(same, p, 'execution settings do not change the plan');
    const noMinhash = makePlan(DataConfigSchema.parse({ ranks: 2, dedup: { minhash: false } }), files);
    assert.deepEqual(noMinhash.bands, [[14]]);
    const noDedup = makePlan(DataConfigSchema.parse({ ranks: 2, dedup: { minhash: false, exact: false } }), files);
    assert.deepEqual(
      noDedup.stages.map((s) => s.name),
      ['stage1', 'final'],
    );
    writeOrCheckPlan(dir, p);
    writeOrCheckPlan(dir, same);
    assert.throws(() => writeOrCheckPlan(dir, noDedup), /another plan/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('arraySpec compresses rank lists', () => {
  assert.equal(arraySpec([0, 1, 2, 5, 7, 8]), '0-2,5,7-8');
  assert.equal(arraySpec([3]), '3');
  assert.equal(arraySpec([]), '');
});

test('reason keys: step prefix stripped once, free text classed', () => {
  assert.equal(reasonKey('quality', 'quality.too_few_words'), 'too_few_words');
  assert.equal(reasonKey('lid', 'und'), 'und');
  assert.equal(reasonKey('rights', 'rights.restricted-no-vault-key'), 'restricted-no-vault-key');
  assert.equal(reasonClass('truncated gzip stream (unexpected end of file)'), 'truncated-gzip-stream');
  assert.equal(reasonClass('corrupt WARC record: bad Content-Length'), 'corrupt-warc-record');
  assert.equal(reasonClass(':::'), 'unknown');
});
