// quantizeTensorChunks (what `oellm export gguf` writes through) against quantizeTensor: the same
// bytes for every type, and NaN/inf and f16 overflow refused with the index in the whole tensor;
// plus GgufWriter.writeTensorChunks: a file written in chunks reads back byte-identical, and a
// chunk total that does not match the tensor, or a chunk source that throws, leaves no file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QUANTIZERS, quantizeTensor, quantizeTensorChunks } from './index.js';
import { GgufWriter, readGguf, readTensorBytes } from '../formats/gguf/index.js';
import { ggmlType } from '../formats/gguf/constants.js';

function data(n: number, seed: number): Float32Array {
  const x = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    x[i] = (s / 2 ** 32 - 0.5) * 0.2;
  }
  return x;
}
/** Copies each chunk as it comes (a chunk is a view of a reused buffer, valid until the next). */
function concat(parts: Iterable<Uint8Array>): Buffer {
  const copies: Buffer[] = [];
  for (const p of parts) copies.push(Buffer.from(p));
  return Buffer.concat(copies);
}

test('quantizeTensorChunks yields the bytes of quantizeTensor for every type, at any chunk size', () => {
  const x = data(512 * 40, 3);
  for (const t of Object.keys(QUANTIZERS).filter((k) => k !== 'BF16')) {
    const whole = quantizeTensor(t, x, 512, 'w');
    for (const chunk of [1, 1000, 512 * 7, 1 << 20]) assert.deepEqual(concat(quantizeTensorChunks(t, x, 512, 'w', chunk)), Buffer.from(whole), `${t} chunk ${chunk}`);
  }
});

test('quantizeTensorChunks refuses NaN/inf and f16 overflow with the index in the whole tensor', () => {
  const x = data(256 * 8, 4);
  x[256 * 5 + 7] = NaN;
  for (const t of ['F32', 'F16', 'Q8_0', 'Q4_K']) assert.throws(() => [...quantizeTensorChunks(t, x, 256, 'blk.1.ffn_up.weight', 256)], /blk\.1\.ffn_up\.weight holds a non-finite value \(NaN\) at index 1287 \(row 5, column 7\)/, t);
  x[256 * 5 + 7] = 1e5;
  assert.throws(() => [...quantizeTensorChunks('F16', x, 256, 'e', 256)], /e: value 100000 at index 1287 overflows F16/);
  x[256 * 5 + 7] = 1e9;
  assert.throws(() => [...quantizeTensorChunks('Q8_0', x, 256, 'q', 256)], /q: block 40 has a scale that overflows F16/);
});

test('GgufWriter.writeTensorChunks: round trip, and a wrong total or a throwing source leaves no file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oellm-chunks-'));
  try {
    const x = data(64 * 32, 5);
    const path = join(dir, 'a.gguf');
    const w = new GgufWriter(path);
    w.addTensor('a', [32, 64], ggmlType('Q8_0'));
    w.addTensor('b', [32, 64], ggmlType('F16'));
    w.writeTensorChunks('a', quantizeTensorChunks('Q8_0', x, 64, 'a', 100));
    w.writeTensorChunks('b', quantizeTensorChunks('F16', x, 64, 'b', 100));
    w.finish();
    const f = readGguf(path);
    assert.deepEqual(Buffer.from(readTensorBytes(f, 'a')), Buffer.from(quantizeTensor('Q8_0', x, 64, 'a')));
    assert.deepEqual(Buffer.from(readTensorBytes(f, 'b')), Buffer.from(quantizeTensor('F16', x, 64, 'b')));

    const short = new GgufWriter(join(dir, 'short.gguf'));
    short.addTensor('a', [32, 64], ggmlType('Q8_0'));
    assert.throws(() => short.writeTensorChunks('a', [new Uint8Array(10)]), /tensor a: 10 bytes given, Q8_0 \[32,64\] needs 2176/);
    const long = new GgufWriter(join(dir, 'long.gguf'));
    long.addTensor('a', [32, 64], ggmlType('Q8_0'));
    assert.throws(() => long.writeTensorChunks('a', [new Uint8Array(2000), new Uint8Array(200)]), /more than the 2176 bytes/);
    const bad = new GgufWriter(join(dir, 'bad.gguf'));
    bad.addTensor('a', [32, 64], ggmlType('Q8_0'));
    const y = x.slice();
    y[100] = Infinity;
    assert.throws(() => bad.writeTensorChunks('a', quantizeTensorChunks('Q8_0', y, 64, 'a', 64)), /non-finite value \(Infinity\) at index 100/);
    assert.deepEqual(readdirSync(dir).sort(), ['a.gguf']);
    assert.ok(!existsSync(join(dir, 'bad.gguf')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
