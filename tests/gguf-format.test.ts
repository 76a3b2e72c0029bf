// The GGUF writer state machine, the reader (round trip of every value type, dims written
// innermost-first), bad input (truncated/corrupt GGUF and safetensors name the file, offset and
// expected vs found; NaN/inf weights refused with the tensor name; unknown quantization type),
// the Q/K permutation against llama.cpp's definition, and per-tensor fallbacks in an export.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, truncateSync, copyFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { GgufWriter, gv } from '../src/formats/gguf/writer.js';
import { readGguf, readTensorBytes } from '../src/formats/gguf/reader.js';
import { ggmlType } from '../src/formats/gguf/constants.js';
import { exportGguf, parseExportType, permuteQK } from '../src/export/gguf.js';
import { loadCheckpoint } from '../src/model/checkpoint.js';
import { quantizeTensor } from '../src/quant/index.js';
import { FormatError, OellmError } from '../src/util/errors.js';
import { makeCheckpoint, randn, tmp } from './gguf-helpers.js';

let dir: string;
let tokDir: string;
before(async () => {
  dir = tmp('gguffmt');
  tokDir = (await makeCheckpoint({ root: join(dir, 'base'), config: { nLayers: 1 } })).tokenizerDir;
});

test('writer refuses out-of-order calls, duplicates, wrong sizes and bad rows', () => {
  const p = join(dir, 'sm.gguf');
  const w = new GgufWriter(p);
  w.addKv('general.architecture', gv.str('llama'));
  assert.throws(() => w.addKv('general.architecture', gv.str('x')), /duplicate metadata key general\.architecture/);
  assert.throws(() => w.addTensor('q', [3, 48], ggmlType('Q8_0')), /row length 48 is not a multiple of the Q8_0 block size 32/);
  w.addTensor('a', [2, 32], ggmlType('Q8_0'));
  w.addTensor('b', [4], ggmlType('F32'));
  assert.throws(() => w.addKv('late', gv.u32(1)), /cannot add metadata key late in state "tensors"/);
  assert.throws(() => w.addTensor('a', [4], ggmlType('F32')), /duplicate tensor a/);
  assert.throws(() => w.writeTensorData('b', new Uint8Array(16)), /out of order: expected a, got b/);
  assert.throws(() => w.writeTensorData('a', new Uint8Array(10)), /a: 10 bytes given, Q8_0 \[2,32\] needs 68/);
  w.writeTensorData('a', new Uint8Array(68));
  assert.throws(() => w.finish(), /1 declared tensors unwritten \(next: b\)/);
  assert.throws(() => w.addTensor('c', [4], ggmlType('F32')), /cannot declare tensor c in state "data"/);
  w.writeTensorData('b', new Uint8Array(16));
  w.finish();
  assert.throws(() => w.finish(), /cannot finish in state "done"/);
  assert.throws(() => new GgufWriter(p).addKv('k', gv.u32(-1)).finish(), /value -1 does not fit type UINT32/);
});

test('reader round-trips every value type; dims are stored innermost-first', () => {
  const p = join(dir, 'rt.gguf');
  const w = new GgufWriter(p);
  w.addKv('u8', { type: 'UINT8', value: 255 }).addKv('i8', { type: 'INT8', value: -128 }).addKv('u16', { type: 'UINT16', value: 65535 });
  w.addKv('i16', { type: 'INT16', value: -32768 }).addKv('u32', gv.u32(4294967295)).addKv('i32', gv.i32(-5)).addKv('f32', gv.f32(0.5));
  w.addKv('b', gv.bool(true))
    .addKv('s', gv.str('Grüße 🌍'))
    .addKv('u64', gv.u64(2n ** 60n))
    .addKv('i64', { type: 'INT64', value: -7 })
    .addKv('f64', { type: 'FLOAT64', value: Math.PI });
  w.addKv('arr', gv.arr('STRING', ['a', 'bb', ''])).addKv('iarr', gv.arr('INT32', [1, -2, 3]));
  const x = randn(3 * 64, 1);
  w.addTensor('w', [3, 64], ggmlType('F32')).addTensor('q', [3, 64], ggmlType('Q4_0'));
  w.writeTensorData('w', new Uint8Array(x.buffer)).writeTensorData('q', quantizeTensor('Q4_0', x, 64, 'q'));
  w.finish();
  const f = readGguf(p);
  const v = (k: string) => f.kv.get(k)?.value;
  assert.deepEqual([v('u8'), v('i8'), v('u16'), v('i16'), v('u32'), v('i32'), v('f32'), v('b'), v('s'), v('u64'), v('i64'), v('f64')], [255, -128, 65535, -32768, 4294967295, -5, 0.5, true, 'Grüße 🌍', 2n ** 60n, -7, Math.PI]);
  assert.deepEqual(v('arr'), ['a', 'bb', '']);
  assert.deepEqual(v('iarr'), [1, -2, 3]);
  const t = f.tensors.find((t) => t.name === 'w')!;
  assert.deepEqual(t.dims, [64, 3]);
  assert.deepEqual(t.shape, [3, 64]);
  assert.equal(t.offset % 32, 0);
  assert.deepEqual(new Float32Array(readTensorBytes(f, 'w').slice().buffer), x);
  assert.equal(f.tensors[1]!.type!.name, 'Q4_0');
  assert.equal(f.tensors[1]!.nbytes, 3 * 2 * 18);
});

test('truncated and corrupt GGUF files: errors name the file, offset, expected vs found', () => {
  const ck = join(dir, 'base', 'model');
  const good = join(dir, 'good.gguf');
  exportGguf(ck, { type: 'q8_0', out: good });
  const size = statSync(good).size;
  const f = readGguf(good);
  const cut = (n: number): string => {
    const p = join(dir, `cut-${n}.gguf`);
    copyFileSync(good, p);
    truncateSync(p, n);
    return p;
  };
  const expectFormat = (p: string, re: RegExp): void => {
    assert.throws(
      () => readGguf(p),
      (e: unknown) => {
        assert.ok(e instanceof FormatError, String(e));
        assert.equal(e.file, p);
        assert.ok(typeof e.offset === 'number', 'offset');
        assert.match(e.message, re);
        assert.match(e.message, /expected .*, found/);
        return true;
      },
    );
  };
  expectFormat(cut(2), /not a GGUF file \(too short\)/);
  expectFormat(cut(20), /truncated GGUF: metadata count runs past the end/);
  expectFormat(cut(f.kv.get('tokenizer.ggml.tokens')!.offset + 60), /array length of tokenizer\.ggml\.tokens is impossible for a file of \d+ bytes/);
  expectFormat(cut(f.dataOffset - 10), /truncated GGUF/);
  expectFormat(cut(size - 100), /truncated GGUF: data of tensor output\.weight runs past the end/);
  const bad = Buffer.from(readFileSync(good));
  bad.write('GGML', 0, 'latin1');
  writeFileSync(join(dir, 'magic.gguf'), bad);
  expectFormat(join(dir, 'magic.gguf'), /bad magic/);
  const ver = Buffer.from(readFileSync(good));
  ver.writeUInt32LE(7, 4);
  writeFileSync(join(dir, 'ver.gguf'), ver);
  expectFormat(join(dir, 'ver.gguf'), /unsupported GGUF version/);
  const vt = Buffer.from(readFileSync(good));
  const k0 = f.kv.get('general.architecture')!.offset;
  vt.writeUInt32LE(99, k0 + 8 + 'general.architecture'.length);
  writeFileSync(join(dir, 'vt.gguf'), vt);
  expectFormat(join(dir, 'vt.gguf'), /unknown value type for value type of general\.architecture/);
});

test('truncated safetensors in a checkpoint: the error names the file and the expected size', async () => {
  const { dir: ck } = await makeCheckpoint({ root: join(dir, 'trunc'), tokenizerDir: tokDir, config: { nLayers: 1 } });
  const st = join(ck, 'model.safetensors');
  truncateSync(st, statSync(st).size - 1000);
  assert.throws(
    () => loadCheckpoint(ck, { verify: false }),
    (e: unknown) => e instanceof FormatError && e.file === st && /truncated/.test(e.message) && /expected file size ≥ \d+, found \d+/.test(e.message),
  );
});

test('NaN / inf weights are refused with the tensor name; unknown types are refused', async () => {
  const { dir: ck } = await makeCheckpoint({ root: join(dir, 'nan'), tokenizerDir: tokDir, config: { nLayers: 1 } });
  const loaded = loadCheckpoint(ck);
  loaded.params.get('blk.0.ffn_up.weight')![77] = NaN;
  for (const type of ['f32', 'f16', 'q8_0', 'q4_0'] as const) {
    assert.throws(() => exportGguf(loaded, { type, out: join(dir, 'nan.gguf') }), /tensor blk\.0\.ffn_up\.weight holds a non-finite value \(NaN\) at index 77/);
  }
  loaded.params.get('blk.0.ffn_up.weight')![77] = Infinity;
  assert.throws(() => exportGguf(loaded, { type: 'q4_0', out: join(dir, 'nan.gguf') }), /blk\.0\.ffn_up\.weight holds a non-finite value \(Infinity\)/);
  assert.throws(() => statSync(join(dir, 'nan.gguf')), /ENOENT/); // no partial file left behind
  assert.throws(
    () => parseExportType('q3_k'),
    (e: unknown) => e instanceof OellmError && /unknown quantization type "q3_k"/.test(e.message) && /f32, f16, q8_0/.test(e.hint ?? ''),
  );
});

test('Q/K permutation equals llama.cpp LlamaModel.permute (reshape(n_head, 2, hd/2, C).swapaxes(1, 2))', () => {
  // 2 heads, head dim 4, row length 1: rows are labelled by their index.
  const w = Float32Array.from({ length: 8 }, (_, i) => i);
  // head 0 rows [0 1 | 2 3] → pairs (0,2), (1,3); head 1 likewise.
  assert.deepEqual([...permuteQK(w, 2, 1)], [0, 2, 1, 3, 4, 6, 5, 7]);
  const w2 = Float32Array.from({ length: 16 }, (_, i) => i); // 8 rows × 2 columns, one head
  assert.deepEqual([...permuteQK(w2, 1, 2)], [0, 1, 8, 9, 2, 3, 10, 11, 4, 5, 12, 13, 6, 7, 14, 15]);
});

test('rows that do not divide into blocks fall back per tensor, and the export says so', async () => {
  const { dir: ck } = await makeCheckpoint({ root: join(dir, 'fb'), tokenizerDir: tokDir, config: { nLayers: 1, ffnDim: 176 } });
  const out = join(dir, 'fb.gguf');
  const r = exportGguf(ck, { type: 'q4_0', out });
  const t = (n: string) => r.tensors.find((x) => x.name === n)!;
  assert.equal(t('blk.0.ffn_down.weight').type, 'F16');
  assert.equal(t('blk.0.ffn_down.weight').fallbackFrom, 'Q4_0');
  assert.equal(t('blk.0.ffn_up.weight').type, 'Q4_0');
  assert.equal(t('blk.0.attn_norm.weight').type, 'F32');
  assert.ok(r.fallbacks.some((l) => /blk\.0\.ffn_down\.weight \[64,176\]: rows of 176 are not a multiple of the Q4_0 block \(32\); written as F16/.test(l)));
  const f = readGguf(out);
  assert.ok((f.kv.get('oellm.quant.fallbacks')!.value as string[]).some((l) => l.startsWith('blk.0.ffn_down.weight')));
  assert.equal(f.tensors.find((x) => x.name === 'blk.0.ffn_down.weight')!.type!.name, 'F16');
});
