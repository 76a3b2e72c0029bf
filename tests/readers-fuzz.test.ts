// Fuzzing the readers with seeded random damage (byte flips, inserted garbage, cuts) to WARC,
// WARC.gz and JSONL.zst files: the reader never throws, every record that ends before the first
// damaged byte comes out unchanged (nothing lost before the corruption point), and a clean file
// read after the damaged one is unaffected. Seeded (mulberry32), so a failure is reproducible.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readInput, type ReadItem } from '../src/data/readers/index.js';
import { zstd } from '../src/util/compress.js';
import { concat, conversionRecord, responseRecord } from './helpers/warc.js';
import { mulberry32 } from '../src/util/rng.js';

const dir = mkdtempSync(join(tmpdir(), 'oellm-fuzz-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** Damages `buf` at or after `from`; returns the damaged copy and the first damaged offset. */
function damage(buf: Buffer, rnd: () => number, from = 0): { out: Buffer; at: number } {
  const at = from + Math.floor(rnd() * (buf.length - from));
  const kind = Math.floor(rnd() * 3);
  if (kind === 0) {
    const out = Buffer.from(buf);
    for (let i = 0; i < 1 + Math.floor(rnd() * 8); i++) {
      const p = Math.min(buf.length - 1, at + Math.floor(rnd() * 64));
      out[p] = Math.floor(rnd() * 256);
    }
    return { out, at };
  }
  if (kind === 1) return { out: Buffer.concat([buf.subarray(0, at), Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 200) }, () => Math.floor(rnd() * 256))), buf.subarray(at)]), at };
  return { out: buf.subarray(0, at), at };
}

async function read(file: string): Promise<ReadItem[]> {
  const items: ReadItem[] = [];
  for await (const it of readInput(file)) items.push(it);
  return items;
}

test('damaged WARC / WARC.gz / JSONL.zst: no throw, everything before the damage intact', async () => {
  const rnd = mulberry32(20261123);
  const recs: Uint8Array[] = [];
  for (let i = 0; i < 12; i++) {
    recs.push(
      i % 4 === 3
        ? await conversionRecord(`https://f.example/wet/${i}`, `WET tekst broj ${i}. `.repeat(20))
        : await responseRecord({ url: `https://f.example/${i}`, body: `<html><body><p>Stranica ${i}: ${'riječ '.repeat(40 + i)}</p></body></html>` }),
    );
  }
  // Record end offsets in the uncompressed stream.
  const ends: number[] = [];
  recs.reduce((a, r) => (ends.push(a + r.length), a + r.length), 0);
  const plain = concat(recs);
  const clean = join(dir, 'clean.warc');
  writeFileSync(clean, plain);
  const reference = (await read(clean)).map((it) => ('doc' in it ? it.doc : null));
  assert.equal(reference.length, 12);

  for (let trial = 0; trial < 40; trial++) {
    const { out, at } = damage(plain, rnd);
    const f = join(dir, `fuzz-${trial}.warc`);
    writeFileSync(f, out);
    const items = await read(f);
    const intact = ends.filter((e) => e + 4 <= at).length; // records (with their CRLFCRLF) wholly before the damage
    for (let i = 0; i < intact; i++) {
      const it = items[i];
      assert.ok(it && 'doc' in it, `trial ${trial}: record ${i} (ends ${ends[i]}, damage at ${at}) missing`);
      // Same record (ids and source.file differ only because the file name does).
      const { id: _a, source: sa, ...got } = it.doc;
      const { id: _b, source: sb, ...want } = reference[i]!;
      assert.deepEqual(got, want, `trial ${trial}: record ${i} changed`);
      assert.equal(sa.offset, sb.offset);
    }
  }

  // Gzip per record: damage whole members after the first k; members before come out intact.
  const gzRecs = recs.map((r) => gzipSync(r));
  for (let trial = 0; trial < 15; trial++) {
    const k = 1 + Math.floor(rnd() * 10);
    const head = concat(gzRecs.slice(0, k));
    const tail = concat(gzRecs.slice(k));
    const { out } = damage(tail, rnd);
    const f = join(dir, `fuzz-${trial}.warc.gz`);
    writeFileSync(f, Buffer.concat([head, out]));
    const items = await read(f);
    for (let i = 0; i < k; i++) {
      const it = items[i];
      assert.ok(it && 'doc' in it, `gz trial ${trial}: record ${i} of ${k} missing`);
      assert.equal(it.doc.url, reference[i]!.url);
      assert.equal(it.doc.text, reference[i]!.text);
    }
  }

  // JSONL.zst in independent frames (as oellm's own writers produce): damage after frame k.
  const lines = Array.from({ length: 600 }, (_, i) => JSON.stringify({ text: `redak ${i} ${'ž'.repeat(i % 30)}`, u: `https://j.example/${i}` }) + '\n');
  for (let trial = 0; trial < 15; trial++) {
    const frames = Array.from({ length: 6 }, (_, f) => zstd(Buffer.from(lines.slice(f * 100, f * 100 + 100).join(''))));
    const k = 1 + Math.floor(rnd() * 4);
    const { out } = damage(concat(frames.slice(k)), rnd);
    const f = join(dir, `fuzz-${trial}.jsonl.zst`);
    writeFileSync(f, Buffer.concat([concat(frames.slice(0, k)), out]));
    const items = await read(f);
    for (let i = 0; i < k * 100; i++) {
      const it = items[i];
      assert.ok(it && 'doc' in it, `zst trial ${trial}: line ${i + 1} missing`);
      assert.equal(it.doc.source.offset, i + 1);
      assert.equal(it.doc.url, `https://j.example/${i}`);
    }
  }
  // And the clean file still reads the same afterwards (no shared state).
  assert.deepEqual(
    (await read(clean)).map((it) => ('doc' in it ? it.doc : null)),
    reference,
  );
});
