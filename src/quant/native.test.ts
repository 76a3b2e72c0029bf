// Native quantizers (src/quant/native/quants.cc) against the TypeScript reference (src/quant/*.ts,
// itself checked against ggml in tests/gguf-quant.test.ts), byte for byte, on every native type:
// random weights at five scales, rounding midpoints, ±0 blocks, ties of ±max, subnormal blocks
// (1/d = inf), huge values, constant and ramp super-blocks, and 1 M random values. Plus the
// tensor entry point: same bytes and same errors with OELLM_QUANT=ts and without.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QUANTIZERS, quantizeTensor } from './index.js';
import { NATIVE_QUANT_TYPES, nativeQuants } from './native.js';

const { addon, error } = nativeQuants();
const skip = addon ? false : `native quantizers not built: ${error}`;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function randn(n: number, seed: number, std: number): Float32Array {
  const r = rng(seed);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = (r() + r() + r() + r() - 2) * std * Math.sqrt(3);
  return x;
}

function vectors(): { name: string; x: Float32Array }[] {
  const out = [1e-3, 0.02, 1, 300, 3e4].map((std, i) => ({ name: `randn std ${std}`, x: randn(8192, 100 + i, std) }));
  const r = rng(9);
  const e = new Float32Array(256 * 16);
  // 32-blocks: 0 zeros; 1 negative zeros; 2 max negative; 3 tie ±; 4 midpoints; 5 subnormal; 6 huge; 7 integers
  for (let j = 0; j < 32; j++) e[32 + j] = -0;
  for (let j = 0; j < 32; j++) e[64 + j] = (r() - 0.5) * 0.1;
  e[64 + 7] = -0.9;
  for (let j = 0; j < 32; j++) e[96 + j] = r() - 0.5;
  e[96 + 2] = 1.5;
  e[96 + 9] = -1.5;
  for (let j = 0; j < 32; j++) e[128 + j] = j - 16 + 0.5;
  e[128] = 127;
  for (let j = 0; j < 32; j++) e[160 + j] = (r() - 0.5) * 1e-38;
  for (let j = 0; j < 32; j++) e[192 + j] = (r() - 0.5) * 1e6;
  for (let j = 0; j < 32; j++) e[224 + j] = Math.round((r() - 0.5) * 20);
  // super-blocks: constant +, constant −, ramp, zero sub-block in noise, outlier, ±6e4, negative outlier, subnormals, one-sided
  e.fill(0.25, 256, 512);
  e.fill(-0.75, 512, 768);
  for (let j = 0; j < 256; j++) e[768 + j] = 0.001 * j + 0.5;
  for (let j = 0; j < 256; j++) e[1024 + j] = j >= 32 && j < 64 ? 0 : (r() - 0.5) * 0.04;
  for (let j = 0; j < 256; j++) e[1280 + j] = (r() - 0.5) * 0.01;
  e[1280 + 100] = 3;
  for (let j = 0; j < 256; j++) e[1536 + j] = (r() - 0.5) * 6e4;
  for (let j = 0; j < 256; j++) e[1792 + j] = (r() - 0.5) * 0.2;
  e[1792 + 200] = -7;
  for (let j = 0; j < 256; j++) e[2048 + j] = (r() - 0.5) * 1e-39;
  for (let j = 0; j < 256; j++) e[2304 + j] = r() * 0.1;
  for (let j = 0; j < 256; j++) e[2560 + j] = -r() * 0.1;
  // Midpoints for every scale: k/2 · 2^-p, so x·id lands on .5 after Q8_0's d = amax/127.
  for (let j = 0; j < 512; j++) e[2816 + j] = ((j % 64) - 32 + 0.5) * 2 ** -((j >> 6) + 1);
  out.push({ name: 'edge cases', x: e });
  out.push({ name: '1M mixed', x: randn(1 << 20, 7, 0.05) });
  return out;
}

const SIZES: Record<string, [number, number]> = { F16: [1, 2], Q8_0: [32, 34], Q4_0: [32, 18], Q5_0: [32, 22], Q4_K: [256, 144], Q6_K: [256, 210] };

for (const t of NATIVE_QUANT_TYPES) {
  test(`native ${t} is byte-identical to the TypeScript reference`, { skip }, () => {
    const [block, size] = SIZES[t]!;
    for (const v of vectors()) {
      const n = (v.x.length / block) * size;
      const ref = new Uint8Array(n);
      QUANTIZERS[t]!.encode(v.x, ref);
      const nat = new Uint8Array(n);
      addon!.quantize(t, v.x, nat);
      const d = nat.findIndex((b, i) => b !== ref[i]);
      assert.equal(d, -1, `${t} ${v.name}: first differing byte ${d} (block ${Math.floor(d / size)}, byte ${d % size}): native ${nat[d]} ts ${ref[d]}`);
    }
  });
}

test('native addon refuses wrong arguments instead of reading past a buffer', { skip }, () => {
  assert.throws(() => addon!.quantize('Q8_0', new Float32Array(33), new Uint8Array(68)), /multiple of the block size/);
  assert.throws(() => addon!.quantize('Q8_0', new Float32Array(64), new Uint8Array(67)), /out is too small/);
  assert.throws(() => addon!.quantize('Q3_K', new Float32Array(256), new Uint8Array(1000)), /unsupported type/);
  assert.throws(() => addon!.quantize('F16', new Float64Array(8) as unknown as Float32Array, new Uint8Array(16)), /Float32Array/);
});

test('native scans find the first non-finite value and the first f16 overflow', { skip }, () => {
  const x = new Float32Array(1000);
  assert.equal(addon!.firstNonFinite(x), -1);
  x[997] = Infinity;
  x[998] = NaN;
  assert.equal(addon!.firstNonFinite(x), 997);
  x[5] = NaN;
  assert.equal(addon!.firstNonFinite(x), 5);
  const b = new Uint8Array(68);
  assert.equal(addon!.firstF16Overflow(b, 34, 0), -1);
  b[35] = 0x7c; // block 1's d = +inf
  assert.equal(addon!.firstF16Overflow(b, 34, 0), 34);
  assert.equal(addon!.firstF16Overflow(b, 2, 0), 34);
});

test('quantizeTensor: same bytes and same errors on the native and the TypeScript path', { skip }, () => {
  const x = randn(256 * 64, 21, 0.03);
  const prev = process.env.OELLM_QUANT;
  try {
    for (const t of NATIVE_QUANT_TYPES) {
      delete process.env.OELLM_QUANT;
      const a = quantizeTensor(t, x, 1024, 'w');
      process.env.OELLM_QUANT = 'ts';
      const b = quantizeTensor(t, x, 1024, 'w');
      assert.deepEqual(a, b, t);
    }
    for (const mode of ['native', 'ts']) {
      if (mode === 'ts') process.env.OELLM_QUANT = 'ts';
      else delete process.env.OELLM_QUANT;
      const y = new Float32Array(64);
      y[40] = NaN;
      assert.throws(() => quantizeTensor('Q8_0', y, 32, 'blk.3.ffn_up.weight'), /blk\.3\.ffn_up\.weight holds a non-finite value \(NaN\) at index 40 \(row 1, column 8\)/, mode);
      y[40] = 1e5;
      assert.throws(() => quantizeTensor('F16', y, 64, 'token_embd.weight'), /token_embd\.weight: value 100000 at index 40 overflows F16/, mode);
      y[40] = 1e9;
      assert.throws(() => quantizeTensor('Q8_0', y, 32, 'q'), /q: block 1 has a scale that overflows F16/, mode);
    }
  } finally {
    if (prev === undefined) delete process.env.OELLM_QUANT;
    else process.env.OELLM_QUANT = prev;
  }
});
