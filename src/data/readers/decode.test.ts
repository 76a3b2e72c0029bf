// The invalid-UTF-8 rule for bytes declared UTF-8 (HTTP header, <meta>, BOM): replacement
// characters are counted (quality.invalid_utf8) and past maxInvalidRatio the record is
// quarantined; the bytes are never re-decoded in a guessed charset (that published windows-1252
// mojibake with no count). Undeclared bytes are still detected. Not the reader tests (tests/readers).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import iconv from 'iconv-lite';
import { decodeText } from './decode.js';

const latin1 = iconv.encode('Le cœur a ses raisons que la raison ne connaît point. Déjà vu, façade, élève, où, garçon.'.replace('œ', 'oe'), 'latin1');

test('declared UTF-8 with many invalid bytes is quarantined, not re-decoded as windows-1252', () => {
  for (const how of [{ declared: 'utf-8' }, { declared: 'UTF8' }, { html: true }] as const) {
    const bytes = 'html' in how ? Buffer.concat([Buffer.from('<meta charset="utf-8">'), latin1]) : latin1;
    const d = decodeText(bytes, how);
    assert.ok('error' in d, `${JSON.stringify(how)}: ${JSON.stringify(d)}`);
    assert.match(d.error, /^invalid UTF-8: \d+ of \d+ characters replaced/);
  }
});

test('declared UTF-8 with a few invalid bytes keeps the text and counts them', () => {
  const text = 'Ovo je sasvim običan tekst s jednim lošim bajtom, a ostatak je dugačak i ispravan. '.repeat(3);
  const bytes = Buffer.concat([Buffer.from(text), Buffer.from([0xe9]), Buffer.from(text)]);
  const d = decodeText(bytes, { declared: 'utf-8' });
  assert.ok(!('error' in d), JSON.stringify(d));
  assert.equal(d.charset, 'utf-8');
  assert.equal(d.invalid, 1);
  assert.ok(d.text.includes('\uFFFD'));
});

test('undeclared latin-1 bytes are still detected', () => {
  const d = decodeText(latin1, {});
  assert.ok(!('error' in d), JSON.stringify(d));
  assert.notEqual(d.charset, 'utf-8');
  assert.match(d.text, /connaît point\. Déjà vu/);
});
