// Reader tests on generated fixtures (WARC/WET written by warcio's serializer, JSONL in plain /
// gzip / zstd, text folders): documents, offsets, ids, collections, input expansion, and every
// bad-input case of issue 2 — truncated .warc.gz and .jsonl.zst, flipped bytes in WARC headers,
// a 50 MB document, invalid UTF-8, latin-1 pages with a meta charset, unknown encodings, binary
// payloads, empty files. Each checks items = docs + quarantines and that nothing before the
// corruption point is lost.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync, gunzipSync } from 'node:zlib';
import iconv from 'iconv-lite';
import { expandInputs, readInput, type ReadItem } from '../src/data/readers/index.js';
import type { Doc } from '../src/data/doc.js';
import { zstd } from '../src/util/compress.js';
import { concat, conversionRecord, requestRecord, responseRecord, warcinfoRecord } from './helpers/warc.js';

const dir = mkdtempSync(join(tmpdir(), 'oellm-readers-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

async function collect(file: string, opts?: Parameters<typeof readInput>[1]): Promise<{ items: ReadItem[]; docs: Doc[]; quarantined: { file: string; offset: number; reason: string }[] }> {
  const items: ReadItem[] = [];
  for await (const it of readInput(file, opts)) items.push(it);
  const docs = items.flatMap((i) => ('doc' in i ? [i.doc] : []));
  const quarantined = items.flatMap((i) => ('quarantine' in i ? [i.quarantine] : []));
  assert.equal(items.length, docs.length + quarantined.length);
  return { items, docs, quarantined };
}

/** A WARC with a warcinfo, `n` request/response pairs and one WET conversion; returns record buffers. */
async function warcParts(n: number, gzip: boolean): Promise<Uint8Array[]> {
  const parts = [await warcinfoRecord('CC-MAIN-2024-10', gzip)];
  for (let i = 0; i < n; i++) {
    parts.push(await requestRecord(`https://www.example.com/page/${i}`, gzip));
    parts.push(await responseRecord({ url: `https://www.example.com/page/${i}`, body: `<html><head><title>Page ${i}</title></head><body><p>Dobar dan, ovo je stranica broj ${i}. Čćžšđ.</p></body></html>` }, gzip));
  }
  parts.push(await conversionRecord('https://www.example.com/wet', 'Plain WET text.\nSecond line.', gzip, 'hrv,eng'));
  return parts;
}

test('WARC and WARC.gz: response and conversion records become documents with url, ts, collection, offsets', async () => {
  for (const gzip of [false, true]) {
    const parts = await warcParts(5, gzip);
    const f = join(dir, gzip ? 'ok.warc.gz' : 'ok.warc');
    writeFileSync(f, concat(parts));
    const { docs, quarantined } = await collect(f);
    assert.equal(quarantined.length, 0);
    assert.equal(docs.length, 6); // 5 responses + 1 conversion; warcinfo and requests are not documents
    const responses = docs.filter((d) => d.source.kind === 'warc-response');
    assert.equal(responses.length, 5);
    const plain = gzip ? gunzipSync(readFileSync(f)) : readFileSync(f);
    for (const [i, d] of responses.entries()) {
      assert.equal(d.url, `https://www.example.com/page/${i}`);
      assert.equal(d.ts, '2024-03-01T12:00:00Z');
      assert.equal(d.source.collection, 'CC-MAIN-2024-10');
      assert.match(String(d.meta?.html), new RegExp(`stranica broj ${i}\\. Čćžšđ`));
      assert.equal(d.meta?.contentType, 'text/html');
      assert.equal(d.meta?.charset, 'utf-8');
      assert.equal(d.meta?.status, 200);
      // The offset points at the record's version line in the decompressed stream.
      assert.equal(plain.subarray(d.source.offset, d.source.offset + 9).toString(), 'WARC/1.1\r');
      assert.match(plain.subarray(d.source.offset, d.source.offset + 400).toString(), /WARC-Type: response/);
      assert.match(d.id, /^[0-9a-f]{32}$/);
    }
    const wet = docs.find((d) => d.source.kind === 'wet-conversion')!;
    assert.equal(wet.text, 'Plain WET text.\nSecond line.');
    assert.equal(wet.meta?.inputLang, 'hrv');
    assert.equal(new Set(docs.map((d) => d.id)).size, docs.length);
    // Deterministic ids: a second read gives the same ones.
    const again = await collect(f);
    assert.deepEqual(
      again.docs.map((d) => d.id),
      docs.map((d) => d.id),
    );
  }
});

test('HPLT-style JSONL in plain, gzip and zstd: fields mapped, offsets are line numbers, blank lines skipped', async () => {
  const lines = [
    JSON.stringify({ id: 'a1', text: 'Prvi dokument.', u: 'https://hr.example/1', ts: '2023-05-01T00:00:00Z', lang: ['hrv_Latn'], crawl_id: 'wide5' }),
    '',
    JSON.stringify({ text: 'Second document.', url: 'https://en.example/2', title: 'T' }),
    JSON.stringify({ text: 'Third.' }),
  ].join('\n');
  const raw = Buffer.from(lines + '\n');
  for (const [name, bytes] of [
    ['h.jsonl', raw],
    ['h.jsonl.gz', gzipSync(raw)],
    ['h.jsonl.zst', zstd(raw)],
  ] as const) {
    const f = join(dir, name);
    writeFileSync(f, bytes);
    const { docs, quarantined } = await collect(f);
    assert.equal(quarantined.length, 0, name);
    assert.deepEqual(
      docs.map((d) => d.source.offset),
      [1, 3, 4],
    );
    assert.equal(docs[0]!.url, 'https://hr.example/1');
    assert.equal(docs[0]!.ts, '2023-05-01T00:00:00Z');
    assert.equal(docs[0]!.source.collection, 'wide5');
    assert.equal(docs[0]!.meta?.inputLang, 'hrv_Latn');
    assert.equal(docs[0]!.meta?.inputId, 'a1');
    assert.equal(docs[1]!.title, 'T');
    assert.equal(docs[2]!.text, 'Third.');
  }
});

test('JSONL records that are not documents are quarantined with their line number', async () => {
  const f = join(dir, 'bad-lines.jsonl');
  writeFileSync(f, ['{"text": "ok 1"}', '{"text": broken', '[1,2]', '{"title": "no text"}', '{"text": "bin\\u0000ary"}', '{"text": "ok 2"}'].join('\n') + '\n');
  const { docs, quarantined } = await collect(f);
  assert.deepEqual(
    docs.map((d) => d.text),
    ['ok 1', 'ok 2'],
  );
  assert.deepEqual(
    quarantined.map((q) => q.offset),
    [2, 3, 4, 5],
  );
  assert.match(quarantined[0]!.reason, /^invalid JSON/);
  assert.match(quarantined[1]!.reason, /"text" field/);
  assert.match(quarantined[3]!.reason, /^binary payload/);
});

test('text folders: one document per file, encodings detected, empty files give nothing; expandInputs', async () => {
  const t = join(dir, 'texts');
  mkdirSync(join(t, 'sub'), { recursive: true });
  writeFileSync(join(t, 'a.txt'), 'První odstavec.\n\nDruhý odstavec.\n');
  writeFileSync(join(t, 'sub', 'b.txt'), iconv.encode('Zażółć gęślą jaźń — polski tekst, który ma wystarczająco dużo znaków, żeby wykrywanie kodowania zadziałało poprawnie.', 'windows-1250'));
  writeFileSync(join(t, 'sub', 'empty.txt'), '');
  writeFileSync(join(t, 'notes.bin'), Buffer.from([0, 1, 2, 3]));
  writeFileSync(join(t, '.hidden.txt'), 'hidden');
  const files = await expandInputs([t]);
  assert.deepEqual(files, [join(t, 'a.txt'), join(t, 'sub', 'b.txt'), join(t, 'sub', 'empty.txt')]);
  const a = await collect(files[0]!);
  assert.equal(a.docs.length, 1);
  assert.equal(a.docs[0]!.text, 'První odstavec.\n\nDruhý odstavec.\n');
  assert.equal(a.docs[0]!.source.kind, 'text');
  const b = await collect(files[1]!);
  assert.equal(b.docs.length, 1);
  assert.match(b.docs[0]!.text, /^Zażółć gęślą jaźń/);
  assert.equal(b.docs[0]!.meta?.charsetSource, 'detected');
  const e = await collect(files[2]!);
  assert.equal(e.items.length, 0);
  // Named explicitly, a binary file with an unknown extension is read (sniffed) and quarantined.
  const bin = await collect(join(t, 'notes.bin'));
  assert.equal(bin.quarantined.length, 1);
  assert.match(bin.quarantined[0]!.reason, /^binary payload/);
});

test('expandInputs: globs (*, **, {a,b}), sorted and deduplicated; a pattern matching nothing is named', async () => {
  const g = join(dir, 'glob');
  mkdirSync(join(g, 'x', 'y'), { recursive: true });
  for (const p of ['one.jsonl.zst', 'two.jsonl', 'x/three.jsonl.zst', 'x/y/four.warc.gz', 'x/y/five.txt']) writeFileSync(join(g, p), '');
  assert.deepEqual(await expandInputs([`${g}/**/*.jsonl.zst`]), [join(g, 'one.jsonl.zst'), join(g, 'x', 'three.jsonl.zst')]);
  assert.deepEqual(await expandInputs([`${g}/*.jsonl*`, `${g}/one.jsonl.zst`]), [join(g, 'one.jsonl.zst'), join(g, 'two.jsonl')]);
  assert.deepEqual(await expandInputs([`${g}/x/**/*.{warc.gz,txt}`]), [join(g, 'x', 'y', 'five.txt'), join(g, 'x', 'y', 'four.warc.gz')]);
  await assert.rejects(expandInputs([`${g}/*.parquet`]), (e: Error) => e.message.includes(`${g}/*.parquet`) && /matched no files/.test(e.message));
  await assert.rejects(expandInputs([join(g, 'missing.jsonl')]), /input not found/);
});

test('truncated .warc.gz: every complete record, then one quarantine naming file, offset and the truncated gzip stream', async () => {
  const parts = await warcParts(40, true);
  const whole = concat(parts);
  const cut = Math.floor(whole.length * 0.7);
  // Records whose gzip member lies entirely before the cut must all come out.
  let end = 0;
  let completeResponses = 0;
  for (const [i, p] of parts.entries()) {
    end += p.length;
    if (end <= cut && i > 0 && i % 2 === 0) completeResponses++;
  }
  const f = join(dir, 'trunc.warc.gz');
  writeFileSync(f, whole.subarray(0, cut));
  const { items, docs, quarantined } = await collect(f);
  assert.equal(quarantined.length, 1);
  assert.ok('quarantine' in items[items.length - 1]!, 'the quarantine item comes last');
  assert.equal(quarantined[0]!.file, f);
  assert.match(quarantined[0]!.reason, /truncated gzip stream/);
  assert.ok(quarantined[0]!.offset > 0);
  assert.equal(docs.length, completeResponses);
  assert.deepEqual(
    docs.map((d) => d.url),
    Array.from({ length: completeResponses }, (_, i) => `https://www.example.com/page/${i}`),
  );
});

test('truncated .jsonl.zst: a gap-free prefix of the lines, then one quarantine at the next line', async () => {
  const n = 20000;
  const raw = Buffer.from(Array.from({ length: n }, (_, i) => JSON.stringify({ text: `document ${i} ${'x'.repeat(i % 50)}` })).join('\n') + '\n');
  const z = zstd(raw);
  const f = join(dir, 'trunc.jsonl.zst');
  writeFileSync(f, z.subarray(0, Math.floor(z.length * 0.6)));
  const { items, docs, quarantined } = await collect(f);
  assert.equal(quarantined.length, 1);
  assert.ok('quarantine' in items[items.length - 1]!);
  assert.match(quarantined[0]!.reason, /truncated zstd stream/);
  assert.ok(docs.length > n * 0.3 && docs.length < n, `got ${docs.length} docs`);
  docs.forEach((d, i) => {
    assert.equal(d.source.offset, i + 1);
    assert.equal(d.text.split(' ')[1], String(i));
  });
  assert.equal(quarantined[0]!.offset, docs.length + 1);
});

test('corrupt WARC record headers: the record is quarantined, the reader resyncs, nothing else is lost', async () => {
  const parts = await warcParts(6, false);
  // Record indices: 0 warcinfo, 1 req0, 2 resp0, 3 req1, 4 resp1, 5 req2, 6 resp2, …
  const flip = (b: Uint8Array, from: string, to: string) => {
    const s = Buffer.from(b);
    const i = s.indexOf(from);
    assert.ok(i >= 0);
    s.write(to, i, 'latin1');
    return s;
  };
  const cases: [string, (p: Uint8Array[]) => void, RegExp][] = [
    ['version line', (p) => (p[4] = flip(p[4]!, 'WARC/1.1', 'WXRC/1.1')), /expected a 'WARC\/1.x' version line/],
    ['header name', (p) => (p[4] = flip(p[4]!, 'WARC-Type', 'WARC Typ\x01')), /bad header line/],
    [
      'Content-Length too big',
      (p) => {
        const s = Buffer.from(p[4]!);
        const m = /Content-Length: (\d+)/.exec(s.toString('latin1'))!;
        // Same number of digits, first digit 9: the length now runs past the record's end.
        assert.notEqual(m[1]![0], '9');
        s.write(`Content-Length: 9${m[1]!.slice(1)}`, m.index, 'latin1');
        p[4] = s;
      },
      /does not end at a record boundary/,
    ],
    [
      'Content-Length too small',
      (p) => {
        const s = Buffer.from(p[4]!);
        const m = /Content-Length: (\d+)/.exec(s.toString('latin1'))!;
        s.write(`Content-Length: ${String(Number(m[1]) - 50).padStart(m[1]!.length, '0')}`, m.index, 'latin1');
        p[4] = s;
      },
      /does not end at a record boundary/,
    ],
  ];
  for (const [name, corrupt, reason] of cases) {
    const p = parts.slice();
    corrupt(p);
    const f = join(dir, `corrupt-${name.replace(/\W+/g, '-')}.warc`);
    writeFileSync(f, concat(p));
    const { docs, quarantined } = await collect(f);
    assert.equal(quarantined.length, 1, `${name}: ${JSON.stringify(quarantined)}`);
    assert.match(quarantined[0]!.reason, reason, name);
    const offset = p.slice(0, 4).reduce((a, b) => a + b.length, 0);
    assert.equal(quarantined[0]!.offset, offset, name);
    // Responses 0 and 2..5 and the conversion survive; response 1 is the quarantined one.
    assert.deepEqual(
      docs.map((d) => d.url),
      [0, 2, 3, 4, 5].map((i) => `https://www.example.com/page/${i}`).concat('https://www.example.com/wet'),
      name,
    );
  }
  // The same in a per-record .warc.gz: corrupt one member's header bytes and recompress it.
  const gz = await warcParts(6, true);
  gz[4] = gzipSync(flip(gunzipSync(gz[4]!), 'WARC/1.1', 'WARC/X.1'));
  const f = join(dir, 'corrupt.warc.gz');
  writeFileSync(f, concat(gz));
  const r = await collect(f);
  assert.equal(r.quarantined.length, 1);
  assert.equal(r.docs.length, 6);
});

/** Writes a file of `mb` MiB of a repeated line without holding it in memory. */
function writeBig(f: string, head: string, mb: number, tail: string): void {
  const fd = openSync(f, 'w');
  writeSync(fd, head);
  const chunk = Buffer.alloc(1 << 20, 'abcdefgh ');
  for (let i = 0; i < mb; i++) writeSync(fd, chunk);
  writeSync(fd, tail);
  closeSync(fd);
}

test('a 50 MB single document is quarantined (document too large) in constant memory; neighbours survive', async () => {
  const before = process.memoryUsage().rss;
  let peak = before;
  const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  try {
    // JSONL: one 50 MB line between two small ones.
    const j = join(dir, 'big.jsonl');
    writeBig(j, '{"text": "small one"}\n{"text": "', 50, '"}\n{"text": "small two"}\n');
    const a = await collect(j);
    assert.deepEqual(
      a.docs.map((d) => d.text),
      ['small one', 'small two'],
    );
    assert.equal(a.quarantined.length, 1);
    assert.equal(a.quarantined[0]!.offset, 2);
    assert.match(a.quarantined[0]!.reason, /^document too large: line of 52428\d+ bytes > maxDocBytes 8388608/);
    // Plain text: one 50 MB file.
    const t = join(dir, 'big.txt');
    writeBig(t, '', 50, '\n');
    const b = await collect(t);
    assert.equal(b.docs.length, 0);
    assert.match(b.quarantined[0]!.reason, /^document too large: 52428801 bytes/);
    // WARC: a 50 MB response between two small ones.
    const small = await responseRecord({ url: 'https://a.example/', body: '<p>small</p>' });
    const w = join(dir, 'big.warc');
    const big = join(dir, 'big.body');
    writeBig(big, '<html><body><p>', 50, '</p></body></html>');
    const bigRec = await responseRecord({ url: 'https://a.example/big', body: readFileSync(big) });
    writeFileSync(w, concat([small, bigRec, small]));
    rmSync(big);
    const c = await collect(w);
    assert.equal(c.docs.length, 2);
    assert.equal(c.quarantined.length, 1);
    assert.equal(c.quarantined[0]!.offset, small.length);
    assert.match(c.quarantined[0]!.reason, /^document too large/);
  } finally {
    clearInterval(sample);
  }
  // The WARC fixture itself is built in memory (warcio serializes whole records); the readers add
  // far less than the documents' 50 MB each on top of that.
  assert.ok(peak - before < 400 * (1 << 20), `rss grew by ${((peak - before) / 2 ** 20).toFixed(0)} MiB`);
});

test('invalid UTF-8: a few bad bytes are replaced and counted; mostly-invalid text is quarantined', async () => {
  const good = Buffer.from('{"text": "Ovo je sasvim običan tekst s jednim lošim bajtom: ');
  const f = join(dir, 'utf8.jsonl');
  writeFileSync(f, Buffer.concat([good, Buffer.from([0xc3, 0x28]), Buffer.from(' i još malo teksta da omjer bude malen, dovoljno dugačak redak."}\n'), Buffer.from('{"text": "'), Buffer.alloc(200, 0xff), Buffer.from('"}\n')]));
  const { docs, quarantined } = await collect(f);
  assert.equal(docs.length, 1);
  assert.equal(docs[0]!.quality?.invalid_utf8, 1);
  assert.match(docs[0]!.text, /bajtom: \uFFFD\(/);
  assert.equal(quarantined.length, 1);
  assert.equal(quarantined[0]!.offset, 2);
  assert.match(quarantined[0]!.reason, /^invalid UTF-8: 200 of \d+ characters replaced/);
});

test('charsets: latin-1 page with a meta charset, header precedence, unknown declared encoding, binary payloads', async () => {
  const fr = 'Le cœur a ses raisons que la raison ne connaît point. Déjà vu, façade, élève, où, garçon.';
  const latin1Page = iconv.encode(`<html><head><meta charset="iso-8859-1"><title>Pensées</title></head><body><p>${fr.replace('œ', 'oe')}</p></body></html>`, 'latin1');
  const win1250 = iconv.encode(`<html><body><p>Příliš žluťoučký kůň úpěl ďábelské ódy. Čeština je krásný jazyk, který má hodně diakritiky a háčků.</p></body></html>`, 'windows-1250');
  const recs = [
    await responseRecord({ url: 'https://fr.example/meta', body: latin1Page, httpHeaders: { 'Content-Type': 'text/html' } }),
    // The header says windows-1252 and wins over the page's (wrong) meta utf-8.
    await responseRecord({ url: 'https://fr.example/header', body: iconv.encode('<meta charset="utf-8"><p>Déjà vu</p>', 'windows-1252'), httpHeaders: { 'Content-Type': 'text/html; charset=windows-1252' } }),
    // An encoding nobody knows: ignored, the bytes are detected.
    await responseRecord({ url: 'https://cs.example/unknown', body: win1250, httpHeaders: { 'Content-Type': 'text/html; charset=x-klingon-1' } }),
    // Binary bytes labelled as HTML: quarantined. A real image: a document the extract step drops.
    await responseRecord({ url: 'https://x.example/fake.html', body: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), httpHeaders: { 'Content-Type': 'text/html' } }),
    await responseRecord({ url: 'https://x.example/img.png', body: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0]), httpHeaders: { 'Content-Type': 'image/png' } }),
  ];
  const f = join(dir, 'charsets.warc');
  writeFileSync(f, concat(recs));
  const { docs, quarantined } = await collect(f);
  const byUrl = new Map(docs.map((d) => [d.url, d]));
  const meta = byUrl.get('https://fr.example/meta')!;
  assert.equal(meta.meta?.charsetSource, 'meta');
  assert.equal(meta.meta?.charset, 'windows-1252');
  assert.match(String(meta.meta?.html), /connaît point\. Déjà vu, façade, élève, où, garçon/);
  const hdr = byUrl.get('https://fr.example/header')!;
  assert.equal(hdr.meta?.charsetSource, 'header');
  assert.match(String(hdr.meta?.html), /Déjà vu/);
  const unk = byUrl.get('https://cs.example/unknown')!;
  assert.equal(unk.meta?.charsetSource, 'detected');
  assert.match(String(unk.meta?.html), /Příliš žluťoučký kůň úpěl ďábelské ódy/);
  assert.equal(quarantined.length, 1);
  assert.equal(
    quarantined[0]!.offset,
    recs.slice(0, 3).reduce((a, b) => a + b.length, 0),
  );
  assert.match(quarantined[0]!.reason, /^binary payload \(png signature\)/);
  const img = byUrl.get('https://x.example/img.png')!;
  assert.equal(img.meta?.contentType, 'image/png');
  assert.equal(img.meta?.html, undefined);
});

test('empty files yield nothing and do not crash, in every format', async () => {
  for (const name of ['e.warc', 'e.warc.gz', 'e.jsonl', 'e.jsonl.zst', 'e.txt', 'e.unknown']) {
    const f = join(dir, name);
    writeFileSync(f, '');
    const { items } = await collect(f);
    assert.equal(items.length, 0, name);
  }
  const g = join(dir, 'e2.jsonl.gz');
  writeFileSync(g, gzipSync(Buffer.alloc(0)));
  assert.equal((await collect(g)).items.length, 0);
});

test('format is sniffed when the name says nothing; an unreadable file is one quarantine item', async () => {
  const f = join(dir, 'mystery.dat');
  writeFileSync(f, gzipSync(Buffer.from('{"text": "sniffed jsonl"}\n')));
  const { docs } = await collect(f);
  assert.equal(docs[0]!.text, 'sniffed jsonl');
  const w = join(dir, 'mystery2.dat');
  writeFileSync(w, await responseRecord({ url: 'https://s.example/', body: '<p>x</p>' }));
  assert.equal((await collect(w)).docs[0]!.source.kind, 'warc-response');
  const missing = await collect(join(dir, 'nope.jsonl'));
  assert.equal(missing.quarantined.length, 1);
  assert.match(missing.quarantined[0]!.reason, /cannot open: ENOENT/);
});

test('HTTP payload encodings: chunked + gzip decoded by warcio, brotli by the reader; a long line spanning many chunks', async () => {
  const html = '<html><body><p>Kodiranje sadržaja: gzip, chunked i brotli. Čćžšđ.</p></body></html>';
  const gz = gzipSync(Buffer.from(html));
  const chunked = Buffer.concat([Buffer.from(`${(10).toString(16)}\r\n`), gz.subarray(0, 10), Buffer.from(`\r\n${(gz.length - 10).toString(16)}\r\n`), gz.subarray(10), Buffer.from('\r\n0\r\n\r\n')]);
  const { brotliCompressSync } = await import('node:zlib');
  const recs = [
    await responseRecord({ url: 'https://enc.example/gz', body: chunked, httpHeaders: { 'Content-Type': 'text/html; charset=utf-8', 'Transfer-Encoding': 'chunked', 'Content-Encoding': 'gzip' } }),
    await responseRecord({ url: 'https://enc.example/br', body: brotliCompressSync(Buffer.from(html)), httpHeaders: { 'Content-Type': 'text/html; charset=utf-8', 'Content-Encoding': 'br' } }),
    await responseRecord({ url: 'https://enc.example/badbr', body: Buffer.from('not brotli at all'), httpHeaders: { 'Content-Type': 'text/html', 'Content-Encoding': 'br' } }),
  ];
  const f = join(dir, 'enc.warc');
  writeFileSync(f, concat(recs));
  const { docs, quarantined } = await collect(f);
  assert.deepEqual(
    docs.map((d) => d.meta?.html),
    [html, html],
  );
  assert.equal(quarantined.length, 1);
  assert.match(quarantined[0]!.reason, /^corrupt brotli payload/);
  // A 6 MB JSONL line through gzip arrives in ~400 zlib chunks and must come out whole.
  const long = 'ž'.repeat(3 << 20);
  const g = join(dir, 'long.jsonl.gz');
  writeFileSync(g, gzipSync(Buffer.from(`{"text": "short"}\n{"text": "${long}"}\n{"text": "after"}\n`)));
  const r = await collect(g);
  assert.deepEqual(
    r.docs.map((d) => d.text.length),
    [5, long.length, 5],
  );
  assert.equal(r.docs[1]!.text, long);
});

test('big gzip members (> 1 MiB compressed) stream natively: whole, followed by small members, and cut short', async () => {
  let seed = 7;
  const rnd = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
  const word = () => Array.from({ length: 3 + Math.floor(rnd() * 8) }, () => String.fromCharCode(97 + Math.floor(rnd() * 26))).join('');
  const n = 30000;
  const lines = Array.from({ length: n }, (_, i) => JSON.stringify({ text: `${i} ` + Array.from({ length: 12 }, word).join(' ') }) + '\n');
  const big = gzipSync(Buffer.from(lines.join('')));
  assert.ok(big.length > 1 << 20, `member of ${big.length} bytes`);
  const tail = gzipSync(Buffer.from(JSON.stringify({ text: 'small member after the big one' }) + '\n'));
  const f = join(dir, 'bigmember.jsonl.gz');
  writeFileSync(f, Buffer.concat([big, tail, tail]));
  const whole = await collect(f);
  assert.equal(whole.quarantined.length, 0);
  assert.equal(whole.docs.length, n + 2);
  assert.equal(whole.docs[n + 1]!.text, 'small member after the big one');
  const cut = join(dir, 'bigmember-cut.jsonl.gz');
  writeFileSync(cut, big.subarray(0, Math.floor(big.length * 0.8)));
  const r = await collect(cut);
  assert.equal(r.quarantined.length, 1);
  assert.match(r.quarantined[0]!.reason, /truncated gzip stream \(unexpected end of file/);
  assert.ok(r.docs.length > n * 0.7, `${r.docs.length} of ${n}`);
  r.docs.forEach((d, i) => assert.equal(d.text.split(' ')[0], String(i)));
  assert.equal(r.quarantined[0]!.offset, r.docs.length + 1);
});

test('a damaged gzip member inside a .warc.gz / .jsonl.gz: quarantined once, reading resumes at the next member', async () => {
  const parts = await warcParts(6, true);
  // Records: 0 warcinfo, 1 req0, 2 resp0, 3 req1, 4 resp1, … Damage the deflate data of resp1.
  const bad = Buffer.from(parts[4]!);
  for (let i = 20; i < 40; i++) bad[i] = 0xff;
  const f = join(dir, 'damaged-member.warc.gz');
  writeFileSync(f, concat([...parts.slice(0, 4), bad, ...parts.slice(5)]));
  const { docs, quarantined } = await collect(f);
  assert.equal(quarantined.length, 1);
  assert.match(quarantined[0]!.reason, /^corrupt gzip member at compressed offset \d+: .*\(member skipped\)$/);
  assert.equal(quarantined[0]!.reason.match(/offset (\d+)/)![1], String(parts.slice(0, 4).reduce((a, p) => a + p.length, 0)));
  assert.deepEqual(
    docs.map((d) => d.url),
    [0, 2, 3, 4, 5].map((i) => `https://www.example.com/page/${i}`).concat('https://www.example.com/wet'),
  );
  // CRC mismatch (the data inflates, the check fails): same outcome. JSONL, one member per 10 lines.
  const members = Array.from({ length: 5 }, (_, m) => gzipSync(Buffer.from(Array.from({ length: 10 }, (_, i) => JSON.stringify({ text: `m${m} l${i}` }) + '\n').join(''))));
  const crcBad = Buffer.from(members[2]!);
  crcBad[crcBad.length - 8]! ^= 0x55;
  const j = join(dir, 'damaged-member.jsonl.gz');
  writeFileSync(j, Buffer.concat([members[0]!, members[1]!, crcBad, members[3]!, members[4]!]));
  const r = await collect(j);
  assert.equal(r.quarantined.length, 1);
  assert.match(r.quarantined[0]!.reason, /incorrect data check \(member skipped\)/);
  assert.equal(r.quarantined[0]!.offset, 21, 'reported at the line where the lost lines were');
  assert.deepEqual(
    r.docs.map((d) => d.text),
    [0, 1, 3, 4].flatMap((m) => Array.from({ length: 10 }, (_, i) => `m${m} l${i}`)),
  );
});
