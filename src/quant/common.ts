// Float32 arithmetic helpers shared by the ggml block quantizers. ggml computes in C `float`
// (SSE, no FMA in the reference path); JS computes in double, so every operation goes through
// Math.fround. For +, -, ×, ÷ and sqrt of two float32 operands, rounding the exact double result
// to float32 equals the single float32 rounding (double has ≥ 2·24+2 bits), so the emulation is
// exact. Reference: ggml/src/ggml-quants.c (nearest_int, GROUP_MAX_EPS), ggml-impl.h (fp16).
import { fromHalf, toHalf } from '../formats/half.js';

export const f = Math.fround;

const bitsF = new Float32Array(1);
const bitsU = new Uint32Array(bitsF.buffer);

/**
 * ggml's `nearest_int`: round half to even via the 1.5·2^23 magic constant, then the low 23 bits
 * of the float minus 2^22. Exact for |v| ≤ 2^22; outside that (inf/NaN from a 1/subnormal scale)
 * the bit trick's result is reproduced too (inf → -2^22, NaN → 0), as ggml's blocks depend on it.
 */
export function nearestInt(v: number): number {
  const s = f(v + 12582912);
  if (s >= 8388608 && s < 16777216) return s - 12582912;
  bitsF[0] = s;
  return (bitsU[0]! & 0x7fffff) - 0x400000;
}

/** C `roundf`: half away from zero. */
export function roundf(v: number): number {
  return v < 0 ? -Math.floor(-v + 0.5) : Math.floor(v + 0.5);
}

/**
 * C `(int)v` for a float as x86-64 does it (cvttss2si): truncation toward zero, and the
 * "integer indefinite" 0x80000000 for NaN/±inf/out of range (so `(int8_t)` of it is 0). Matters
 * only for blocks of subnormal values, where ggml's 1/d overflows to inf.
 */
export function cvtInt(v: number): number {
  return v > -2147483649 && v < 2147483648 ? Math.trunc(v) : -2147483648;
}
/** C `(int8_t)` of a float, via cvtInt. */
export function toInt8(v: number): number {
  return (cvtInt(v) << 24) >> 24;
}

/** ggml GROUP_MAX_EPS (1e-15f): below it a group is treated as all zero. */
export const GROUP_MAX_EPS = f(1e-15);

/** float → IEEE half bits (round to nearest even), as GGML_FP32_TO_FP16. */
export const fp16 = toHalf;
/** IEEE half bits → float, as GGML_FP16_TO_FP32. */
export const fp32 = fromHalf;

export function writeU16(out: Uint8Array, o: number, v: number): void {
  out[o] = v & 0xff;
  out[o + 1] = (v >>> 8) & 0xff;
}
export function readU16(b: Uint8Array, o: number): number {
  return b[o]! | (b[o + 1]! << 8);
}
