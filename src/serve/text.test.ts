// TextAssembler and tokenPieces over a byte-level vocabulary (one token per UTF-8 byte, decoded
// by TextDecoder as llama.cpp decodes byte-level BPE pieces): streamed deltas add up to the
// text, never split a character, never show a stop string, and pieces concatenate to the text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codePoints, TextAssembler, tokenPieces } from './text.js';

const enc = (s: string) => [...Buffer.from(s, 'utf8')];
const dec = (ids: readonly number[]) => new TextDecoder('utf-8').decode(Uint8Array.from(ids));

test('deltas add up to the text and never end inside a character', () => {
  const text = 'Zürich → Београд 😀 done';
  const a = new TextAssembler(dec, []);
  let out = '';
  for (const id of enc(text)) {
    const d = a.push(id);
    assert.ok(!d.includes('\uFFFD'), `delta ${JSON.stringify(d)}`);
    out += d;
  }
  out += a.finish();
  assert.equal(out, text);
  assert.equal(a.value, text);
});

test('a stop string ends the text before it, even split over tokens, and is never streamed', () => {
  const a = new TextAssembler(dec, ['\nUser:', 'STOP']);
  let out = '';
  for (const id of enc('Hello there\nUse it\nUser: more')) {
    out += a.push(id);
    if (a.stopped) break;
  }
  assert.ok(a.stopped);
  assert.equal(out, 'Hello there\nUse it');
  assert.equal(a.value, 'Hello there\nUse it');
  const b = new TextAssembler(dec, ['STOP']);
  let o2 = '';
  for (const id of enc('no stop here, ST')) o2 += b.push(id);
  assert.equal(o2, 'no stop here, ', 'a possible stop prefix is held back');
  assert.equal(o2 + b.finish(), 'no stop here, ST');
});

test('tokenPieces: pieces concatenate to the text; offsets count code points', () => {
  const text = 'a😀b → č';
  const p = tokenPieces(enc(text), dec);
  assert.equal(p.pieces.join(''), text);
  assert.equal(p.text, text);
  for (let i = 0; i < p.pieces.length; i++) assert.equal(p.offsets[i], codePoints(p.pieces.slice(0, i).join('')));
  assert.equal(codePoints('a😀b'), 3);
});
