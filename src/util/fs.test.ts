// Tests of the one atomic writer: invisible until commit, nothing left after abort, out-of-order
// calls refused, patching written bytes, and the one temp-name scheme the cleanups know.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { AtomicFile, removeTempsOf, tempPathOf, TEMP_NAME_RE, writeFileAtomic } from './fs.js';

test('AtomicFile: invisible until commit, patch rewrites bytes, abort leaves nothing, order enforced', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oellm-fs-'));
  try {
    const path = join(dir, 'a.bin');
    const f = new AtomicFile(path);
    f.write('hello ');
    f.write(new Uint8Array(3 << 20).fill(120)); // larger than the buffer: written through
    f.write('!');
    f.patch(0, Buffer.from('J'));
    assert.equal(f.size, 6 + (3 << 20) + 1);
    assert.ok(!existsSync(path) && existsSync(f.tmp));
    f.close();
    assert.throws(() => f.write('x'), /state "closed"/);
    f.commit();
    const got = readFileSync(path);
    assert.equal(got.subarray(0, 6).toString(), 'Jello ');
    assert.equal(got[got.length - 1], '!'.charCodeAt(0));
    f.abort(); // after commit: a no-op
    assert.ok(existsSync(path));

    const g = new AtomicFile(join(dir, 'b.bin'));
    g.write('partial');
    g.abort();
    assert.deepEqual(readdirSync(dir), ['a.bin']);

    writeFileAtomic(join(dir, 'c.json'), '{}\n');
    assert.deepEqual(readdirSync(dir).sort(), ['a.bin', 'c.json']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('one temp-name scheme: hidden, unique, matched by TEMP_NAME_RE, removed per target by removeTempsOf', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oellm-fs-'));
  try {
    const target = join(dir, 'shard.jsonl.zst');
    const t1 = tempPathOf(target);
    const t2 = tempPathOf(target);
    assert.notEqual(t1, t2);
    assert.ok(basename(t1).startsWith('.shard.jsonl.zst.tmp-') && TEMP_NAME_RE.test(basename(t1)));
    assert.ok(!TEMP_NAME_RE.test('shard.jsonl.zst') && !TEMP_NAME_RE.test('.hidden'));
    for (const p of [t1, t2, join(dir, '.shard.jsonl.zst.tmp'), tempPathOf(join(dir, 'other.zst')), join(dir, 'shard.jsonl.zst')]) writeFileSync(p, 'x');
    assert.equal(removeTempsOf(target), 3);
    const left = readdirSync(dir).sort();
    assert.equal(left.length, 2);
    assert.ok(left[0]!.startsWith('.other.zst.tmp-'), "another target's temp is kept");
    assert.equal(left[1], 'shard.jsonl.zst');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
