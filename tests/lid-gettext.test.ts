// The .mo reader and string cleaner of bench/lid's unseen test domain (bench/lid/gettext.ts), on
// a catalogue written here byte by byte as GNU gettext lays it out (little- and big-endian), and
// on the machine's own catalogues when /usr/share/locale has them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { cleanUiString, gettextSamples, readMo } from '../bench/lid/gettext.js';

/** A .mo file: magic, revision, N, offset of originals, offset of translations, (no hash table), strings. */
function writeMo(pairs: [string, string][], le = true): Uint8Array {
  const enc = new TextEncoder();
  const ids = pairs.map(([a]) => enc.encode(a));
  const strs = pairs.map(([, b]) => enc.encode(b));
  const n = pairs.length;
  const head = 28;
  const orig = head;
  const trans = orig + 8 * n;
  let off = trans + 8 * n;
  const size = off + [...ids, ...strs].reduce((s, b) => s + b.length + 1, 0);
  const buf = new Uint8Array(size);
  const dv = new DataView(buf.buffer);
  [0x950412de, 0, n, orig, trans, 0, 0].forEach((v, i) => dv.setUint32(4 * i, v, le));
  for (const [table, list] of [
    [orig, ids],
    [trans, strs],
  ] as const) {
    list.forEach((b, i) => {
      dv.setUint32(table + 8 * i, b.length, le);
      dv.setUint32(table + 8 * i + 4, off, le);
      buf.set(b, off);
      off += b.length + 1;
    });
  }
  return buf;
}

test('readMo: header skipped, context dropped, first plural form, both byte orders', () => {
  const pairs: [string, string][] = [
    ['', 'Content-Type: text/plain; charset=UTF-8\n'],
    ['menu\u0004_Open file', '_Otvori datoteku'],
    ['%d file\0%d files', '%d datoteka\0%d datoteke'],
  ];
  for (const le of [true, false]) {
    assert.deepEqual(readMo(writeMo(pairs, le)), [
      ['_Open file', '_Otvori datoteku'],
      ['%d file', '%d datoteka'],
    ]);
  }
  assert.throws(() => readMo(new Uint8Array(40), 'x.mo'), /x\.mo: not a \.mo file/);
  const cut = writeMo(pairs).subarray(0, 70);
  assert.throws(() => readMo(cut, 'cut.mo'), /runs past the end/);
});

test('cleanUiString removes accelerators, format directives and markup', () => {
  assert.equal(cleanUiString('_Otvori %s datoteku u <b>novom</b> prozoru\\n'), 'Otvori datoteku u novom prozoru');
  assert.equal(cleanUiString('Spre&mi {0} kao %(name)s…'), 'Spremi kao …');
});

test('gettextSamples reads the machine catalogues when present', { skip: !existsSync('/usr/share/locale/de/LC_MESSAGES') }, () => {
  const s = gettextSamples(['de'], 50);
  assert.equal(s.length, 50);
  assert.ok(s.every((x) => x.lang === 'de' && x.text.length >= 20 && x.source.startsWith('gettext:de/')));
});
