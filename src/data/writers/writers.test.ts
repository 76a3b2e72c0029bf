// Unit tests of the writers: multi-frame JSONL.zst (read back by the system `zstd` when present,
// an implementation nobody here wrote, and by readJsonl), byte-determinism, the temp → commit
// state machine, shard layout by language label, and the refusal of restricted documents.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonlZstWriter, readJsonl } from './jsonl.js';
import { ShardWriter, langLabel } from './shards.js';
import type { Doc } from '../doc.js';

const haveZstd = spawnSync('sh', ['-c', 'command -v zstd']).status === 0;

test('JsonlZstWriter: frames per batch, invisible until commit, identical bytes for identical records', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'oellm-w-'));
  try {
    const recs = Array.from({ length: 500 }, (_, i) => ({ i, text: `dokument ${i} ` + 'ž'.repeat(i % 50) }));
    const write = (name: string) => {
      const w = new JsonlZstWriter(join(dir, name), { batchBytes: 4096 });
      for (const r of recs) w.write(r);
      assert.ok(!existsSync(join(dir, name)) && existsSync(w.tmp));
      const f = w.close();
      assert.throws(() => w.write({}), /after close/);
      w.commit();
      return f;
    };
    const a = write('a.jsonl.zst');
    const b = write('b.jsonl.zst');
    assert.equal(a.docs, 500);
    assert.equal(a.sha256, b.sha256);
    assert.ok(readFileSync(join(dir, 'a.jsonl.zst')).equals(readFileSync(join(dir, 'b.jsonl.zst'))));
    const back: unknown[] = [];
    for await (const r of readJsonl(join(dir, 'a.jsonl.zst'))) back.push(r);
    assert.deepEqual(back, recs);
    if (haveZstd) {
      const z = spawnSync('zstd', ['-dc', join(dir, 'a.jsonl.zst')], { encoding: 'utf8' });
      assert.equal(z.status, 0, z.stderr);
      assert.equal(z.stdout, recs.map((r) => JSON.stringify(r) + '\n').join(''));
    }
    const w = new JsonlZstWriter(join(dir, 'c.jsonl.zst'));
    assert.throws(() => w.commit(), /before close/);
    w.abort();
    assert.ok(!existsSync(w.tmp));
    assert.deepEqual(readdirSync(dir).sort(), ['a.jsonl.zst', 'b.jsonl.zst'], 'no temp file left');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ShardWriter: one file per language label and rank, rollover, restricted refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'oellm-s-'));
  try {
    const doc = (i: number, lang: string, script?: string): Doc => ({ id: `d${i}`, text: 'x'.repeat(100), lang, ...(script ? { script } : {}), source: { file: 'f', offset: i } });
    assert.equal(langLabel({ lang: 'sr', script: 'Cyrl' }), 'srp_Cyrl');
    assert.equal(langLabel({ lang: 'sr', script: 'Latn' }), 'srp_Latn');
    assert.equal(langLabel({ lang: 'hr' }), 'hrv_Latn');
    assert.equal(langLabel({ lang: 'und' }), 'und');
    assert.equal(langLabel({ lang: 'xx' }), 'und');
    const s = new ShardWriter(dir, 7, { level: 3, maxBytes: 250 });
    for (let i = 0; i < 5; i++) s.write(doc(i, 'hr'));
    s.write(doc(9, 'sr', 'Cyrl'));
    assert.throws(() => s.write({ ...doc(10, 'hr'), rights: { decision: 'reserved', reason: 'tdm-header', class: 'restricted' } }), /restricted/);
    const files = s.close();
    s.commit();
    assert.deepEqual(
      files.map((f) => `${f.rel}:${f.docs}`),
      ['shards/hrv_Latn/00007-001.jsonl.zst:2', 'shards/hrv_Latn/00007-002.jsonl.zst:1', 'shards/hrv_Latn/00007.jsonl.zst:2', 'shards/srp_Cyrl/00007.jsonl.zst:1'],
    );
    assert.deepEqual(readdirSync(join(dir, 'shards', 'hrv_Latn')).sort(), ['00007-001.jsonl.zst', '00007-002.jsonl.zst', '00007.jsonl.zst']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
