// Q8_0: blocks of 32 values → {d: f16 = amax/127, qs: int8[32] = round(x/d)}, 34 bytes.
// Bit-identical to ggml's `quantize_row_q8_0_ref` (what llama-quantize uses for Q8_0; the same
// float32 rounding steps, roundf half away from zero). Not an imatrix-weighted quantizer.
// Reference: ggml/src/ggml-quants.c quantize_row_q8_0_ref / dequantize_row_q8_0.
import { f, fp16, fp32, readU16, roundf, toInt8, writeU16 } from './common.js';

export const QK8_0 = 32;
export const BLOCK_Q8_0 = 34;

/** x.length must be a multiple of 32; out gets x.length/32 blocks of 34 bytes. */
export function quantizeRowQ8_0(x: Float32Array, out: Uint8Array): void {
  const nb = x.length / QK8_0;
  for (let i = 0; i < nb; i++) {
    const xo = i * QK8_0;
    const o = i * BLOCK_Q8_0;
    let amax = 0;
    for (let j = 0; j < QK8_0; j++) {
      const a = Math.abs(x[xo + j]!);
      if (a > amax) amax = a;
    }
    const d = f(amax / 127);
    const id = d ? f(1 / d) : 0;
    writeU16(out, o, fp16(d));
    if (id !== Infinity) {
      // |x·id| ≤ 127 (plus rounding): roundf and the int8 store need no range handling.
      for (let j = 0; j < QK8_0; j++) {
        const v = f(x[xo + j]! * id);
        out[o + 2 + j] = Math.trunc(v + Math.sign(v) * 0.5) & 0xff; // exact in double for |v| ≤ 128
      }
    } else {
      // d subnormal → 1/d = inf: C's (int8_t) of ±inf/NaN is 0 on x86 (cvttss2si), reproduced.
      for (let j = 0; j < QK8_0; j++) out[o + 2 + j] = toInt8(roundf(f(x[xo + j]! * id))) & 0xff;
    }
  }
}

export function dequantizeQ8_0(b: Uint8Array, n: number): Float32Array {
  const y = new Float32Array(n);
  for (let i = 0; i < n / QK8_0; i++) {
    const o = i * BLOCK_Q8_0;
    const d = fp32(readU16(b, o));
    for (let j = 0; j < QK8_0; j++) y[i * QK8_0 + j] = f(((b[o + 2 + j]! << 24) >> 24) * d);
  }
  return y;
}
