// Our block quantizers (src/quant, and the native addon src/quant/native when built) vs ggml's
// own reference quantizers, bit for bit: the
// `quantize_row_{q8_0,q4_0,q5_0,q5_1,q4_K,q5_K,q6_K}_ref` and `ggml_fp32_to_fp16_row` exported by the
// libggml-base.so that node-llama-cpp ships, called through Python ctypes. Vectors: random
// weights at several scales, all-zero blocks, ±max (sign of the largest magnitude, ties), exact
// rounding midpoints, huge/tiny/subnormal values, constant and one-sided blocks. Plus the
// tensor-level checks (NaN/inf refused with the tensor name, F16 overflow, fallback types).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { quantizeRowQ8_0 } from '../src/quant/q8_0.js';
import { quantizeRowQ4_0, quantizeRowQ5_0, quantizeRowQ5_1 } from '../src/quant/q4_0.js';
import { quantizeRowQ4_K, quantizeRowQ5_K, quantizeRowQ6_K } from '../src/quant/kquants.js';
import { QUANTIZERS, quantizeTensor, dequantizeTensor, typeForRow } from '../src/quant/index.js';
import { nativeQuants } from '../src/quant/native.js';
import { ggmlBridgeUnavailable, ggmlQuantize, randn, rng } from './gguf-helpers.js';

const skip = ggmlBridgeUnavailable();

/** Test vectors: n values (multiple of 256), with the edge cases in the first blocks. */
function vectors(): { name: string; x: Float32Array }[] {
  const out: { name: string; x: Float32Array }[] = [];
  for (const [i, std] of [0.02, 1, 300].entries()) out.push({ name: `randn std ${std}`, x: randn(4096, 11 + i, std) });
  const edge = new Float32Array(256 * 8);
  const r = rng(5);
  // block 0: all zero (already). block 1: max is negative; block 2: max positive; block 3: tie ±a.
  for (let j = 0; j < 32; j++) edge[32 + j] = (r() - 0.5) * 0.1;
  edge[32 + 7] = -0.9;
  for (let j = 0; j < 32; j++) edge[64 + j] = (r() - 0.5) * 0.1;
  edge[64 + 3] = 0.9;
  for (let j = 0; j < 32; j++) edge[96 + j] = r() - 0.5;
  edge[96 + 2] = 1.5;
  edge[96 + 9] = -1.5;
  // block 4: exact midpoints after scaling (amax 127 → id 1 for Q8_0; 8 for Q4_0).
  for (let j = 0; j < 32; j++) edge[128 + j] = j - 16 + 0.5;
  edge[128] = 127;
  // block 5: huge values; block 6: tiny and subnormal values; block 7: integers.
  for (let j = 0; j < 32; j++) edge[160 + j] = (r() - 0.5) * 1e6;
  for (let j = 0; j < 32; j++) edge[192 + j] = (r() - 0.5) * 1e-38;
  for (let j = 0; j < 32; j++) edge[224 + j] = Math.round((r() - 0.5) * 20);
  // super-block 1: constant positive; 2: constant negative; 3: all positive ramp; 4: one sub-block of zeros among noise.
  edge.fill(0.25, 256, 512);
  edge.fill(-0.75, 512, 768);
  for (let j = 0; j < 256; j++) edge[768 + j] = 0.001 * j + 0.5;
  for (let j = 0; j < 256; j++) edge[1024 + j] = j >= 32 && j < 64 ? 0 : (r() - 0.5) * 0.04;
  // 5: one outlier; 6: float max-ish magnitudes; 7: mixed signs with a negative outlier.
  for (let j = 0; j < 256; j++) edge[1280 + j] = (r() - 0.5) * 0.01;
  edge[1280 + 100] = 3;
  for (let j = 0; j < 256; j++) edge[1536 + j] = (r() - 0.5) * 6e4;
  for (let j = 0; j < 256; j++) edge[1792 + j] = (r() - 0.5) * 0.2;
  edge[1792 + 200] = -7;
  out.push({ name: 'edge cases', x: edge });
  return out;
}

const CASES: { ggml: string; ours: (x: Float32Array, out: Uint8Array) => void; block: number; size: number; native?: boolean }[] = [
  { ggml: 'quantize_row_q8_0_ref', ours: quantizeRowQ8_0, block: 32, size: 34 },
  { ggml: 'quantize_row_q4_0_ref', ours: quantizeRowQ4_0, block: 32, size: 18 },
  { ggml: 'quantize_row_q5_0_ref', ours: quantizeRowQ5_0, block: 32, size: 22 },
  { ggml: 'quantize_row_q5_1_ref', ours: quantizeRowQ5_1, block: 32, size: 24 },
  { ggml: 'quantize_row_q4_K_ref', ours: quantizeRowQ4_K, block: 256, size: 144 },
  { ggml: 'quantize_row_q5_K_ref', ours: quantizeRowQ5_K, block: 256, size: 176 },
  { ggml: 'quantize_row_q6_K_ref', ours: quantizeRowQ6_K, block: 256, size: 210 },
  { ggml: 'ggml_fp32_to_fp16_row', ours: QUANTIZERS.F16!.encode, block: 1, size: 2 },
];

const NATIVE_NAME: Record<string, string> = { quantize_row_q8_0_ref: 'Q8_0', quantize_row_q4_0_ref: 'Q4_0', quantize_row_q5_0_ref: 'Q5_0', quantize_row_q4_K_ref: 'Q4_K', quantize_row_q6_K_ref: 'Q6_K', ggml_fp32_to_fp16_row: 'F16' };
const nat = nativeQuants().addon;
// Types the addon lacks (Q5_1, Q5_K: only in llama.cpp's Q4_K_S mix) run in TypeScript on export (nativeFor).
if (nat) for (const c of [...CASES]) if (NATIVE_NAME[c.ggml]) CASES.push({ ...c, ours: (x, out) => nat.quantize(NATIVE_NAME[c.ggml]!, x, out), native: true });

for (const c of CASES) {
  test(`${c.ggml}${c.native ? ' (native addon)' : ''}: bit-identical to ggml's reference`, { skip }, () => {
    for (const v of vectors()) {
      const nbytes = (v.x.length / c.block) * c.size;
      const ours = new Uint8Array(nbytes);
      c.ours(v.x, ours);
      const ref = ggmlQuantize(c.ggml, v.x, nbytes);
      const firstDiff = ours.findIndex((b, i) => b !== ref[i]);
      assert.equal(firstDiff, -1, `${v.name}: first differing byte ${firstDiff} (block ${Math.floor(firstDiff / c.size)}, byte ${firstDiff % c.size}): ours ${ours[firstDiff]} ggml ${ref[firstDiff]}`);
    }
  });
}

test('Q8_0 rounding follows ggml: half away from zero, d = amax/127 as f16', () => {
  const x = new Float32Array(32);
  x[0] = 127;
  x[1] = 2.5;
  x[2] = -2.5;
  x[3] = 0.49999997;
  const out = new Uint8Array(34);
  quantizeRowQ8_0(x, out);
  assert.equal(out[0]! | (out[1]! << 8), 0x3c00); // d = 1.0
  assert.deepEqual(
    [...out.subarray(2, 6)].map((b) => (b << 24) >> 24),
    [127, 3, -3, 0],
  );
});

test('Q4_0 scale takes the sign of the largest magnitude; all-zero block → zeros and code 8', () => {
  const x = new Float32Array(64);
  x[5] = -4;
  x[6] = 2;
  const out = new Uint8Array(36);
  quantizeRowQ4_0(x, out);
  assert.equal(out[0]! | (out[1]! << 8), 0x3800); // d = -4/-8 = 0.5
  assert.equal(out[2 + 5]! & 0xf, 0); // -4 / 0.5 + 8.5 → 0
  assert.equal(out[2 + 6]! & 0xf, 12); // 2 / 0.5 + 8.5 → 12
  assert.equal(out[18]! | (out[19]! << 8), 0x8000); // d = 0 / -8 = -0 in float, as ggml
  assert.ok(out.subarray(20).every((b) => b === 0x88));
});

test('quantizeTensor refuses NaN and inf with the tensor name and index', () => {
  const x = new Float32Array(64);
  x[40] = NaN;
  assert.throws(() => quantizeTensor('Q8_0', x, 32, 'blk.3.ffn_up.weight'), /tensor blk\.3\.ffn_up\.weight holds a non-finite value \(NaN\) at index 40 \(row 1, column 8\)/);
  x[40] = -Infinity;
  assert.throws(() => quantizeTensor('F16', x, 64, 'output.weight'), /output\.weight.*-Infinity.*index 40/);
  x[40] = 1e5;
  assert.throws(() => quantizeTensor('F16', x, 64, 'token_embd.weight'), /token_embd\.weight: value 100000 at index 40 overflows F16/);
  x[40] = 1e9;
  assert.throws(() => quantizeTensor('Q8_0', x, 32, 'blk.0.attn_q.weight'), /blk\.0\.attn_q\.weight: block 1 has a scale that overflows F16/);
  assert.throws(() => quantizeTensor('Q3_K', x, 32, 't'), /unknown quantization type "Q3_K"/);
});

test('fallback types for rows that do not divide into blocks (as llama.cpp)', () => {
  assert.equal(typeForRow('q4_0', 64), 'Q4_0');
  assert.equal(typeForRow('q4_0', 48), 'F16');
  assert.equal(typeForRow('q4_k', 256 * 3), 'Q4_K');
  assert.equal(typeForRow('q4_k', 96), 'Q5_0');
  assert.equal(typeForRow('q4_k', 40), 'F16');
  assert.equal(typeForRow('q6_k', 160), 'Q8_0');
});

test('dequantized values are close to the input (error bounded by the format)', () => {
  const x = randn(2048, 3, 0.05);
  const rmse = (t: string): number => {
    const y = dequantizeTensor(t, quantizeTensor(t, x, 256, 'w'), x.length);
    let s = 0;
    for (let i = 0; i < x.length; i++) s += (x[i]! - y[i]!) ** 2;
    return Math.sqrt(s / x.length);
  };
  const e = Object.fromEntries(['F32', 'F16', 'Q8_0', 'Q6_K', 'Q5_0', 'Q4_K', 'Q4_0'].map((t) => [t, rmse(t)]));
  assert.equal(e.F32, 0);
  assert.ok(e.F16! < 2e-5 && e.Q8_0! < 5e-4 && e.Q6_K! < 1.5e-3 && e.Q5_0! < 3e-3 && e.Q4_K! < 5e-3 && e.Q4_0! < 7e-3, JSON.stringify(e));
  assert.ok(e.Q8_0! < e.Q6_K! && e.Q6_K! < e.Q4_K! && e.Q4_K! < e.Q4_0!, JSON.stringify(e));
});
