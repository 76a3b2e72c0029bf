// Q4_0 and Q5_0: blocks of 32 values with one f16 scale d = max/-8 (Q4_0) or max/-16 (Q5_0),
// where `max` is the signed value of largest magnitude (first one on ties), and codes
// min(15|31, trunc(x/d + 8.5|16.5)). Q4_0: {d, qs[16]} 18 bytes, low nibble = x[j], high nibble =
// x[j+16]. Q5_0: {d, qh u32 (5th bits), qs[16]} 22 bytes. Q5_0 is the fallback for Q4_K tensors
// whose rows are not a multiple of 256, as in llama.cpp. Bit-identical to ggml's reference.
// Reference: ggml/src/ggml-quants.c quantize_row_q4_0_ref, quantize_row_q5_0_ref, dequantize_row_*.
import { f, fp16, fp32, readU16, toInt8, writeU16 } from './common.js';

export const QK4_0 = 32;
export const BLOCK_Q4_0 = 18;
export const BLOCK_Q5_0 = 22;
export const BLOCK_Q5_1 = 24;

function signedMax(x: Float32Array, xo: number): number {
  let amax = 0;
  let max = 0;
  for (let j = 0; j < 32; j++) {
    const v = x[xo + j]!;
    if (amax < Math.abs(v)) {
      amax = Math.abs(v);
      max = v;
    }
  }
  return max;
}

export function quantizeRowQ4_0(x: Float32Array, out: Uint8Array): void {
  const nb = x.length / QK4_0;
  for (let i = 0; i < nb; i++) {
    const xo = i * QK4_0;
    const o = i * BLOCK_Q4_0;
    const d = f(signedMax(x, xo) / -8);
    const id = d ? f(1 / d) : 0;
    writeU16(out, o, fp16(d));
    for (let j = 0; j < 16; j++) {
      const x0 = f(x[xo + j]! * id);
      const x1 = f(x[xo + 16 + j]! * id);
      const xi0 = Math.min(15, toInt8(f(x0 + 8.5))) & 0xff; // uint8_t in C
      const xi1 = Math.min(15, toInt8(f(x1 + 8.5))) & 0xff;
      out[o + 2 + j] = xi0 | (xi1 << 4);
    }
  }
}

export function dequantizeQ4_0(b: Uint8Array, n: number): Float32Array {
  const y = new Float32Array(n);
  for (let i = 0; i < n / QK4_0; i++) {
    const o = i * BLOCK_Q4_0;
    const d = fp32(readU16(b, o));
    for (let j = 0; j < 16; j++) {
      const q = b[o + 2 + j]!;
      y[i * 32 + j] = f(((q & 0x0f) - 8) * d);
      y[i * 32 + j + 16] = f(((q >> 4) - 8) * d);
    }
  }
  return y;
}

export function quantizeRowQ5_0(x: Float32Array, out: Uint8Array): void {
  const nb = x.length / 32;
  for (let i = 0; i < nb; i++) {
    const xo = i * 32;
    const o = i * BLOCK_Q5_0;
    const d = f(signedMax(x, xo) / -16);
    const id = d ? f(1 / d) : 0;
    writeU16(out, o, fp16(d));
    let qh = 0;
    for (let j = 0; j < 16; j++) {
      const x0 = f(x[xo + j]! * id);
      const x1 = f(x[xo + 16 + j]! * id);
      const xi0 = Math.min(31, toInt8(f(x0 + 16.5))) & 0xff;
      const xi1 = Math.min(31, toInt8(f(x1 + 16.5))) & 0xff;
      out[o + 6 + j] = (xi0 & 0x0f) | ((xi1 & 0x0f) << 4);
      qh |= ((xi0 & 0x10) >>> 4) << j;
      qh |= ((xi1 & 0x10) >>> 4) << (j + 16);
    }
    out[o + 2] = qh & 0xff;
    out[o + 3] = (qh >>> 8) & 0xff;
    out[o + 4] = (qh >>> 16) & 0xff;
    out[o + 5] = (qh >>> 24) & 0xff;
  }
}

export function dequantizeQ5_0(b: Uint8Array, n: number): Float32Array {
  const y = new Float32Array(n);
  for (let i = 0; i < n / 32; i++) {
    const o = i * BLOCK_Q5_0;
    const d = fp32(readU16(b, o));
    const qh = (b[o + 2]! | (b[o + 3]! << 8) | (b[o + 4]! << 16) | (b[o + 5]! << 24)) >>> 0;
    for (let j = 0; j < 16; j++) {
      const q = b[o + 6 + j]!;
      const h0 = ((qh >>> j) << 4) & 0x10;
      const h1 = (qh >>> (j + 12)) & 0x10;
      y[i * 32 + j] = f((((q & 0x0f) | h0) - 16) * d);
      y[i * 32 + j + 16] = f((((q >> 4) | h1) - 16) * d);
    }
  }
  return y;
}

/** Q5_1: {d f16, m f16 (the block min), qh u32 (5th bits), qs[16] nibbles}, x ≈ d·q + m, q in [0, 31]. */
export function quantizeRowQ5_1(x: Float32Array, out: Uint8Array): void {
  const nb = x.length / 32;
  for (let i = 0; i < nb; i++) {
    const xo = i * 32;
    const o = i * BLOCK_Q5_1;
    let min = Infinity;
    let max = -Infinity;
    for (let j = 0; j < 32; j++) {
      const v = x[xo + j]!;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const d = f(f(max - min) / 31);
    const id = d ? f(1 / d) : 0;
    writeU16(out, o, fp16(d));
    writeU16(out, o + 2, fp16(min));
    let qh = 0;
    for (let j = 0; j < 16; j++) {
      const x0 = f(f(x[xo + j]! - min) * id);
      const x1 = f(f(x[xo + 16 + j]! - min) * id);
      const xi0 = toInt8(f(x0 + 0.5)) & 0xff;
      const xi1 = toInt8(f(x1 + 0.5)) & 0xff;
      out[o + 8 + j] = (xi0 & 0x0f) | ((xi1 & 0x0f) << 4);
      qh |= ((xi0 & 0x10) >>> 4) << j;
      qh |= ((xi1 & 0x10) >>> 4) << (j + 16);
    }
    out[o + 4] = qh & 0xff;
    out[o + 5] = (qh >>> 8) & 0xff;
    out[o + 6] = (qh >>> 16) & 0xff;
    out[o + 7] = (qh >>> 24) & 0xff;
  }
}

export function dequantizeQ5_1(b: Uint8Array, n: number): Float32Array {
  const y = new Float32Array(n);
  for (let i = 0; i < n / 32; i++) {
    const o = i * BLOCK_Q5_1;
    const d = fp32(readU16(b, o));
    const m = fp32(readU16(b, o + 2));
    const qh = (b[o + 4]! | (b[o + 5]! << 8) | (b[o + 6]! << 16) | (b[o + 7]! << 24)) >>> 0;
    for (let j = 0; j < 16; j++) {
      const q = b[o + 8 + j]!;
      const h0 = ((qh >>> j) << 4) & 0x10;
      const h1 = (qh >>> (j + 12)) & 0x10;
      y[i * 32 + j] = f(f(((q & 0x0f) | h0) * d) + m);
      y[i * 32 + j + 16] = f(f(((q >> 4) | h1) * d) + m);
    }
  }
  return y;
}
