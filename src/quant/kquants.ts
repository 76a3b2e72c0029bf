// K-quants Q4_K, Q5_K and Q6_K: super-blocks of 256 values (Q5_K = Q4_K's scales with 5-bit
// codes: {d, dmin, scales[12], qh[32] high bits, qs[128]} 176 bytes, fitted over [0, 31]). Q4_K = {d f16, dmin f16, scales[12] (8
// 6-bit scale/min pairs, one per 32), qs[128] nibbles} 144 bytes, x ≈ d·sc·q − dmin·m; scales and
// mins fitted per 32 by `make_qkx2_quants` (weighted least squares over 21 candidate scales).
// Q6_K = {ql[128] low nibbles, qh[64] high 2 bits, scales int8[16] (one per 16), d f16} 210
// bytes, x ≈ d·sc·(q−32); scales by `make_qx_quants` (rmse_type 1, 19 candidates).
// Bit-identical to ggml's reference quantizers (no importance matrix), float32 step by step.
// Reference: ggml/src/ggml-quants.c quantize_row_q4_K_ref, quantize_row_q5_K_ref, quantize_row_q6_K_ref,
// make_qkx2_quants, make_qx_quants, get_scale_min_k4, dequantize_row_q4_K / _q6_K.
import { f, fp16, fp32, GROUP_MAX_EPS, nearestInt, readU16, writeU16 } from './common.js';

export const QK_K = 256;
export const BLOCK_Q4_K = 144;
export const BLOCK_Q6_K = 210;
export const BLOCK_Q5_K = 176;

const RDELTA_01 = f(0.1);

/**
 * make_qkx2_quants: asymmetric n-value group → codes L in [0, nmax], returns [scale, -min].
 * x/weights are read at xo / 0; L and Laux are written at lo / 0.
 */
function makeQkx2(n: number, nmax: number, x: Float32Array, xo: number, weights: Float32Array, L: Uint8Array, lo: number, Laux: Uint8Array, rmin: number, rdelta: number, nstep: number, useMad: boolean): [number, number] {
  let min = x[xo]!;
  let max = x[xo]!;
  let sumW = weights[0]!;
  let sumX = f(sumW * x[xo]!);
  for (let i = 1; i < n; i++) {
    const xi = x[xo + i]!;
    if (xi < min) min = xi;
    if (xi > max) max = xi;
    const w = weights[i]!;
    sumW = f(sumW + w);
    sumX = f(sumX + f(w * xi));
  }
  if (min > 0) min = 0;
  if (max === min) {
    for (let i = 0; i < n; i++) L[lo + i] = 0;
    return [0, -min];
  }
  let iscale = f(nmax / f(max - min));
  let scale = f(1 / iscale);
  let bestError = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[xo + i]!;
    const l = Math.max(0, Math.min(nmax, nearestInt(f(iscale * f(xi - min)))));
    L[lo + i] = l;
    let diff = f(f(f(scale * l) + min) - xi);
    diff = useMad ? Math.abs(diff) : f(diff * diff);
    bestError = f(bestError + f(weights[i]! * diff));
  }
  if (nstep < 1) return [scale, -min];
  for (let is = 0; is <= nstep; is++) {
    // `min` moves when a candidate wins, so the range is recomputed each step (as in ggml).
    iscale = f(f(f(rmin + f(rdelta * is)) + nmax) / f(max - min));
    let sumL = 0;
    let sumL2 = 0;
    let sumXL = 0;
    for (let i = 0; i < n; i++) {
      const xi = x[xo + i]!;
      const l = Math.max(0, Math.min(nmax, nearestInt(f(iscale * f(xi - min)))));
      Laux[i] = l;
      const wl = f(weights[i]! * l);
      sumL = f(sumL + wl);
      sumL2 = f(sumL2 + f(wl * l));
      sumXL = f(sumXL + f(wl * xi));
    }
    const D = f(f(sumW * sumL2) - f(sumL * sumL));
    if (D > 0) {
      let thisScale = f(f(f(sumW * sumXL) - f(sumX * sumL)) / D);
      let thisMin = f(f(f(sumL2 * sumX) - f(sumL * sumXL)) / D);
      if (thisMin > 0) {
        thisMin = 0;
        thisScale = f(sumXL / sumL2);
      }
      let curError = 0;
      for (let i = 0; i < n; i++) {
        let diff = f(f(f(thisScale * Laux[i]!) + thisMin) - x[xo + i]!);
        diff = useMad ? Math.abs(diff) : f(diff * diff);
        curError = f(curError + f(weights[i]! * diff));
      }
      if (curError < bestError) {
        for (let i = 0; i < n; i++) L[lo + i] = Laux[i]!;
        bestError = curError;
        scale = thisScale;
        min = thisMin;
      }
    }
  }
  return [scale, -min];
}

function getScaleMinK4(j: number, q: Uint8Array, qo: number): [number, number] {
  if (j < 4) return [q[qo + j]! & 63, q[qo + j + 4]! & 63];
  return [(q[qo + j + 4]! & 0xf) | ((q[qo + j - 4]! >> 6) << 4), (q[qo + j + 4]! >> 4) | ((q[qo + j]! >> 6) << 4)];
}

export function quantizeRowQ4_K(x: Float32Array, out: Uint8Array): void {
  const nb = x.length / QK_K;
  const L = new Uint8Array(QK_K);
  const Laux = new Uint8Array(32);
  const weights = new Float32Array(32);
  const mins = new Float32Array(8);
  const scales = new Float32Array(8);
  for (let i = 0; i < nb; i++) {
    const xb = i * QK_K;
    const o = i * BLOCK_Q4_K;
    let maxScale = 0;
    let maxMin = 0;
    for (let j = 0; j < 8; j++) {
      let sumX2 = 0;
      for (let l = 0; l < 32; l++) {
        const v = x[xb + 32 * j + l]!;
        sumX2 = f(sumX2 + f(v * v));
      }
      const avX = f(Math.sqrt(f(sumX2 / 32)));
      for (let l = 0; l < 32; l++) weights[l] = f(avX + Math.abs(x[xb + 32 * j + l]!));
      const [sc, mn] = makeQkx2(32, 15, x, xb + 32 * j, weights, L, 32 * j, Laux, -1, RDELTA_01, 20, false);
      scales[j] = sc;
      mins[j] = mn;
      if (sc > maxScale) maxScale = sc;
      if (mins[j]! > maxMin) maxMin = mins[j]!;
    }
    const invScale = maxScale > 0 ? f(63 / maxScale) : 0;
    const invMin = maxMin > 0 ? f(63 / maxMin) : 0;
    const so = o + 4; // scales[12]
    for (let j = 0; j < 8; j++) {
      const ls = Math.min(63, nearestInt(f(invScale * scales[j]!)) & 0xff);
      const lm = Math.min(63, nearestInt(f(invMin * mins[j]!)) & 0xff);
      if (j < 4) {
        out[so + j] = ls;
        out[so + j + 4] = lm;
      } else {
        out[so + j + 4] = (ls & 0xf) | ((lm & 0xf) << 4);
        out[so + j - 4]! |= (ls >> 4) << 6;
        out[so + j]! |= (lm >> 4) << 6;
      }
    }
    const dh = fp16(f(maxScale / 63));
    const mh = fp16(f(maxMin / 63));
    writeU16(out, o, dh);
    writeU16(out, o + 2, mh);
    const dd = fp32(dh);
    const dm0 = fp32(mh);
    for (let j = 0; j < 8; j++) {
      const [sc, m] = getScaleMinK4(j, out, so);
      const d = f(dd * sc);
      if (!d) continue;
      const dm = f(dm0 * m);
      for (let ii = 0; ii < 32; ii++) {
        const l = nearestInt(f(f(x[xb + 32 * j + ii]! + dm) / d));
        L[32 * j + ii] = Math.max(0, Math.min(15, l));
      }
    }
    const qo = o + 16;
    for (let j = 0; j < QK_K; j += 64) {
      for (let l = 0; l < 32; l++) out[qo + j / 2 + l] = L[j + l]! | (L[j + l + 32]! << 4);
    }
  }
}

export function quantizeRowQ5_K(x: Float32Array, out: Uint8Array): void {
  const nb = x.length / QK_K;
  const L = new Uint8Array(QK_K);
  const Laux = new Uint8Array(32);
  const weights = new Float32Array(32);
  const mins = new Float32Array(8);
  const scales = new Float32Array(8);
  for (let i = 0; i < nb; i++) {
    const xb = i * QK_K;
    const o = i * BLOCK_Q5_K;
    let maxScale = 0;
    let maxMin = 0;
    for (let j = 0; j < 8; j++) {
      let sumX2 = 0;
      for (let l = 0; l < 32; l++) {
        const v = x[xb + 32 * j + l]!;
        sumX2 = f(sumX2 + f(v * v));
      }
      const avX = f(Math.sqrt(f(sumX2 / 32)));
      for (let l = 0; l < 32; l++) weights[l] = f(avX + Math.abs(x[xb + 32 * j + l]!));
      const [sc, mn] = makeQkx2(32, 31, x, xb + 32 * j, weights, L, 32 * j, Laux, -0.5, RDELTA_01, 15, false);
      scales[j] = sc;
      mins[j] = mn;
      if (sc > maxScale) maxScale = sc;
      if (mins[j]! > maxMin) maxMin = mins[j]!;
    }
    const invScale = maxScale > 0 ? f(63 / maxScale) : 0;
    const invMin = maxMin > 0 ? f(63 / maxMin) : 0;
    const so = o + 4; // scales[12]
    for (let j = 0; j < 8; j++) {
      const ls = Math.min(63, nearestInt(f(invScale * scales[j]!)) & 0xff);
      const lm = Math.min(63, nearestInt(f(invMin * mins[j]!)) & 0xff);
      if (j < 4) {
        out[so + j] = ls;
        out[so + j + 4] = lm;
      } else {
        out[so + j + 4] = (ls & 0xf) | ((lm & 0xf) << 4);
        out[so + j - 4]! |= (ls >> 4) << 6;
        out[so + j]! |= (lm >> 4) << 6;
      }
    }
    const dh = fp16(f(maxScale / 63));
    const mh = fp16(f(maxMin / 63));
    writeU16(out, o, dh);
    writeU16(out, o + 2, mh);
    const dd = fp32(dh);
    const dm0 = fp32(mh);
    for (let j = 0; j < 8; j++) {
      const [sc, m] = getScaleMinK4(j, out, so);
      const d = f(dd * sc);
      if (!d) continue;
      const dm = f(dm0 * m);
      for (let ii = 0; ii < 32; ii++) {
        const l = nearestInt(f(f(x[xb + 32 * j + ii]! + dm) / d));
        L[32 * j + ii] = Math.max(0, Math.min(31, l));
      }
    }
    // qh[32] at 16: bit pair (2k, 2k+1) of byte l = high bits of values 64k+l and 64k+32+l; qs[128] at 48.
    const hh = o + 16;
    const qo = o + 48;
    for (let l = 0; l < 32; l++) out[hh + l] = 0;
    let m1 = 1;
    let m2 = 2;
    for (let n = 0; n < QK_K; n += 64) {
      for (let l = 0; l < 32; l++) {
        let l1 = L[n + l]!;
        if (l1 > 15) {
          l1 -= 16;
          out[hh + l]! |= m1;
        }
        let l2 = L[n + l + 32]!;
        if (l2 > 15) {
          l2 -= 16;
          out[hh + l]! |= m2;
        }
        out[qo + n / 2 + l] = l1 | (l2 << 4);
      }
      m1 <<= 2;
      m2 <<= 2;
    }
  }
}

export function dequantizeQ5_K(b: Uint8Array, n: number): Float32Array {
  const y = new Float32Array(n);
  let yi = 0;
  for (let i = 0; i < n / QK_K; i++) {
    const o = i * BLOCK_Q5_K;
    const d = fp32(readU16(b, o));
    const min = fp32(readU16(b, o + 2));
    const hh = o + 16;
    let qo = o + 48;
    let is = 0;
    let u1 = 1;
    let u2 = 2;
    for (let j = 0; j < QK_K; j += 64) {
      const [sc1, m1v] = getScaleMinK4(is, b, o + 4);
      const d1 = f(d * sc1);
      const m1 = f(min * m1v);
      const [sc2, m2v] = getScaleMinK4(is + 1, b, o + 4);
      const d2 = f(d * sc2);
      const m2 = f(min * m2v);
      for (let l = 0; l < 32; l++) y[yi++] = f(f(d1 * ((b[qo + l]! & 0xf) + (b[hh + l]! & u1 ? 16 : 0))) - m1);
      for (let l = 0; l < 32; l++) y[yi++] = f(f(d2 * ((b[qo + l]! >> 4) + (b[hh + l]! & u2 ? 16 : 0))) - m2);
      qo += 32;
      is += 2;
      u1 <<= 2;
      u2 <<= 2;
    }
  }
  return y;
}

export function dequantizeQ4_K(b: Uint8Array, n: number): Float32Array {
  const y = new Float32Array(n);
  let yi = 0;
  for (let i = 0; i < n / QK_K; i++) {
    const o = i * BLOCK_Q4_K;
    const d = fp32(readU16(b, o));
    const min = fp32(readU16(b, o + 2));
    let qo = o + 16;
    let is = 0;
    for (let j = 0; j < QK_K; j += 64) {
      const [sc1, m1v] = getScaleMinK4(is, b, o + 4);
      const d1 = f(d * sc1);
      const m1 = f(min * m1v);
      const [sc2, m2v] = getScaleMinK4(is + 1, b, o + 4);
      const d2 = f(d * sc2);
      const m2 = f(min * m2v);
      for (let l = 0; l < 32; l++) y[yi++] = f(f(d1 * (b[qo + l]! & 0xf)) - m1);
      for (let l = 0; l < 32; l++) y[yi++] = f(f(d2 * (b[qo + l]! >> 4)) - m2);
      qo += 32;
      is += 2;
    }
  }
  return y;
}

/** make_qx_quants with rmse_type 1 and no importance weights (w = x²): symmetric codes in L as l+nmax. */
function makeQx1(n: number, nmax: number, x: Float32Array, xo: number, L: Int8Array, lo: number): number {
  let max = 0;
  let amax = 0;
  for (let i = 0; i < n; i++) {
    const ax = Math.abs(x[xo + i]!);
    if (ax > amax) {
      amax = ax;
      max = x[xo + i]!;
    }
  }
  if (amax < GROUP_MAX_EPS) {
    for (let i = 0; i < n; i++) L[lo + i] = 0;
    return 0;
  }
  let iscale = f(-nmax / max);
  let sumlx = 0;
  let suml2 = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[xo + i]!;
    const l = Math.max(-nmax, Math.min(nmax - 1, nearestInt(f(iscale * xi))));
    L[lo + i] = l + nmax;
    const w = f(xi * xi);
    sumlx = f(sumlx + f(f(w * xi) * l));
    suml2 = f(suml2 + f(f(w * l) * l));
  }
  let scale = suml2 ? f(sumlx / suml2) : 0;
  let best = f(scale * sumlx);
  for (let is = -9; is <= 9; is++) {
    if (is === 0) continue;
    iscale = f(-f(nmax + f(RDELTA_01 * is)) / max);
    sumlx = 0;
    suml2 = 0;
    for (let i = 0; i < n; i++) {
      const xi = x[xo + i]!;
      const l = Math.max(-nmax, Math.min(nmax - 1, nearestInt(f(iscale * xi))));
      const w = f(xi * xi);
      sumlx = f(sumlx + f(f(w * xi) * l));
      suml2 = f(suml2 + f(f(w * l) * l));
    }
    if (suml2 > 0 && f(sumlx * sumlx) > f(best * suml2)) {
      for (let i = 0; i < n; i++) L[lo + i] = nmax + Math.max(-nmax, Math.min(nmax - 1, nearestInt(f(iscale * x[xo + i]!))));
      scale = f(sumlx / suml2);
      best = f(scale * sumlx);
    }
  }
  return scale;
}

export function quantizeRowQ6_K(x: Float32Array, out: Uint8Array): void {
  const nb = x.length / QK_K;
  const L = new Int8Array(QK_K);
  const scales = new Float32Array(16);
  for (let i = 0; i < nb; i++) {
    const xb = i * QK_K;
    const o = i * BLOCK_Q6_K;
    let maxScale = 0;
    let maxAbsScale = 0;
    for (let ib = 0; ib < 16; ib++) {
      const scale = makeQx1(16, 32, x, xb + 16 * ib, L, 16 * ib);
      scales[ib] = scale;
      const abs = Math.abs(scale);
      if (abs > maxAbsScale) {
        maxAbsScale = abs;
        maxScale = scale;
      }
    }
    if (maxAbsScale < GROUP_MAX_EPS) {
      out.fill(0, o, o + BLOCK_Q6_K);
      continue;
    }
    const iscale = f(-128 / maxScale);
    const dh = fp16(f(1 / iscale));
    writeU16(out, o + 208, dh);
    const so = o + 192; // scales int8[16]
    for (let ib = 0; ib < 16; ib++) out[so + ib] = Math.min(127, nearestInt(f(iscale * scales[ib]!))) & 0xff;
    const dd = fp32(dh);
    for (let j = 0; j < 16; j++) {
      const d = f(dd * ((out[so + j]! << 24) >> 24));
      if (!d) continue;
      for (let ii = 0; ii < 16; ii++) {
        const l = nearestInt(f(x[xb + 16 * j + ii]! / d));
        L[16 * j + ii] = Math.max(-32, Math.min(31, l)) + 32;
      }
    }
    let ql = o;
    let qh = o + 128;
    for (let j = 0; j < QK_K; j += 128) {
      for (let l = 0; l < 32; l++) {
        const a = L[j + l]!;
        const b2 = L[j + l + 32]!;
        const c = L[j + l + 64]!;
        const e = L[j + l + 96]!;
        out[ql + l] = (a & 0xf) | ((c & 0xf) << 4);
        out[ql + l + 32] = (b2 & 0xf) | ((e & 0xf) << 4);
        out[qh + l] = (a >> 4) | ((b2 >> 4) << 2) | ((c >> 4) << 4) | ((e >> 4) << 6);
      }
      ql += 64;
      qh += 32;
    }
  }
}

export function dequantizeQ6_K(b: Uint8Array, n: number): Float32Array {
  const y = new Float32Array(n);
  for (let i = 0; i < n / QK_K; i++) {
    const o = i * BLOCK_Q6_K;
    const d = fp32(readU16(b, o + 208));
    let ql = o;
    let qh = o + 128;
    let sc = o + 192;
    let yo = i * QK_K;
    for (let nn = 0; nn < QK_K; nn += 128) {
      for (let l = 0; l < 32; l++) {
        const is = (l / 16) | 0;
        const s = (k: number): number => (b[sc + is + k]! << 24) >> 24;
        const q1 = ((b[ql + l]! & 0xf) | (((b[qh + l]! >> 0) & 3) << 4)) - 32;
        const q2 = ((b[ql + l + 32]! & 0xf) | (((b[qh + l]! >> 2) & 3) << 4)) - 32;
        const q3 = ((b[ql + l]! >> 4) | (((b[qh + l]! >> 4) & 3) << 4)) - 32;
        const q4 = ((b[ql + l + 32]! >> 4) | (((b[qh + l]! >> 6) & 3) << 4)) - 32;
        y[yo + l] = f(f(d * s(0)) * q1);
        y[yo + l + 32] = f(f(d * s(2)) * q2);
        y[yo + l + 64] = f(f(d * s(4)) * q3);
        y[yo + l + 96] = f(f(d * s(6)) * q4);
      }
      yo += 128;
      ql += 64;
      qh += 32;
      sc += 8;
    }
  }
  return y;
}
