// The quantizer table: for each ggml type oellm writes, how to encode a Float32Array into blocks
// and decode it back, where the f16 scale fields sit in a block (checked for overflow), and what
// llama.cpp falls back to when a row is not a multiple of the block size. `quantizeTensor` is the
// one entry point: it refuses NaN/inf (naming the tensor and index) and scales that overflow f16,
// and runs the native quantizers (src/quant/native.ts, same bytes) when built, else these.
// Not a mixing policy (which tensor gets which type: src/export/gguf.ts).
// Reference: ggml/src/ggml-quants.c; llama.cpp src/llama-quant.cpp (fallback types).
import { OellmError } from '../util/errors.js';
import { bf16ToF32, f16ToF32, toHalf } from '../formats/half.js';
import { ggmlType, type GgmlType } from '../formats/gguf/constants.js';
import { quantizeRowQ8_0, dequantizeQ8_0 } from './q8_0.js';
import { quantizeRowQ4_0, dequantizeQ4_0, quantizeRowQ5_0, dequantizeQ5_0, quantizeRowQ5_1, dequantizeQ5_1 } from './q4_0.js';
import { quantizeRowQ4_K, dequantizeQ4_K, quantizeRowQ5_K, dequantizeQ5_K, quantizeRowQ6_K, dequantizeQ6_K } from './kquants.js';
import { readU16 } from './common.js';
import { nativeFor } from './native.js';

export { nativeQuants, NATIVE_QUANT_TYPES } from './native.js';

export interface Quantizer {
  type: GgmlType;
  /** x.length is a multiple of type.blockSize; out has (x.length / blockSize) · typeSize bytes. */
  encode(x: Float32Array, out: Uint8Array): void;
  decode(bytes: Uint8Array, n: number): Float32Array;
  /** Byte offsets of f16 scales inside one block. */
  scaleOffsets: number[];
  /** Type llama.cpp uses instead when rows do not divide into blocks. */
  fallback?: string;
}

function encodeF32(x: Float32Array, out: Uint8Array): void {
  out.set(new Uint8Array(x.buffer, x.byteOffset, x.byteLength));
}
function decodeF32(b: Uint8Array, n: number): Float32Array {
  const c = new Uint8Array(n * 4);
  c.set(b.subarray(0, n * 4));
  return new Float32Array(c.buffer);
}
/** F32 → F16 round-to-nearest-even on the raw bits (same result as half.ts toHalf, ~3× faster). */
function encodeF16(x: Float32Array, out: Uint8Array): void {
  const xu = new Uint32Array(x.buffer, x.byteOffset, x.length);
  for (let i = 0; i < xu.length; i++) {
    const w = xu[i]!;
    const exp = (w >>> 23) & 0xff;
    let h: number;
    if (exp >= 113 && exp <= 142) {
      // normal half: rebias exponent, round mantissa 23 → 10 bits to nearest even
      const m = w & 0x7fffff;
      h = ((w >>> 16) & 0x8000) | ((exp - 112) << 10) | (m >>> 13);
      const rem = m & 0x1fff;
      if (rem > 0x1000 || (rem === 0x1000 && h & 1)) h++;
    } else {
      h = toHalf(x[i]!); // zero, subnormal, overflow, inf/NaN
    }
    out[2 * i] = h & 0xff;
    out[2 * i + 1] = h >>> 8;
  }
}
function u16view(b: Uint8Array, n: number): Uint16Array {
  const c = new Uint8Array(n * 2);
  c.set(b.subarray(0, n * 2));
  return new Uint16Array(c.buffer);
}

export const QUANTIZERS: Record<string, Quantizer> = {
  F32: { type: ggmlType('F32'), encode: encodeF32, decode: decodeF32, scaleOffsets: [] },
  F16: { type: ggmlType('F16'), encode: encodeF16, decode: (b, n) => f16ToF32(u16view(b, n)), scaleOffsets: [] },
  BF16: {
    type: ggmlType('BF16'),
    encode: () => {
      throw new OellmError('BF16 export is not implemented', { code: 'E_UNSUPPORTED' });
    },
    decode: (b, n) => bf16ToF32(u16view(b, n)),
    scaleOffsets: [],
  },
  Q8_0: { type: ggmlType('Q8_0'), encode: quantizeRowQ8_0, decode: dequantizeQ8_0, scaleOffsets: [0], fallback: 'F16' },
  Q5_0: { type: ggmlType('Q5_0'), encode: quantizeRowQ5_0, decode: dequantizeQ5_0, scaleOffsets: [0], fallback: 'F16' },
  Q5_1: { type: ggmlType('Q5_1'), encode: quantizeRowQ5_1, decode: dequantizeQ5_1, scaleOffsets: [0, 2], fallback: 'F16' },
  Q4_0: { type: ggmlType('Q4_0'), encode: quantizeRowQ4_0, decode: dequantizeQ4_0, scaleOffsets: [0], fallback: 'F16' },
  Q4_K: { type: ggmlType('Q4_K'), encode: quantizeRowQ4_K, decode: dequantizeQ4_K, scaleOffsets: [0, 2], fallback: 'Q5_0' },
  Q5_K: { type: ggmlType('Q5_K'), encode: quantizeRowQ5_K, decode: dequantizeQ5_K, scaleOffsets: [0, 2], fallback: 'Q5_1' },
  Q6_K: { type: ggmlType('Q6_K'), encode: quantizeRowQ6_K, decode: dequantizeQ6_K, scaleOffsets: [208], fallback: 'Q8_0' },
};

export function quantizer(name: string): Quantizer {
  const q = QUANTIZERS[name.toUpperCase()];
  if (!q)
    throw new OellmError(`unknown quantization type "${name}"`, {
      code: 'E_UNSUPPORTED',
      hint: `known: ${Object.keys(QUANTIZERS)
        .filter((k) => k !== 'BF16')
        .join(', ')}`,
    });
  return q;
}

/** Type actually used for a tensor whose rows have `rowLen` values: the type, or its fallback chain. */
export function typeForRow(name: string, rowLen: number): string {
  let t = name.toUpperCase();
  for (;;) {
    const q = quantizer(t);
    if (rowLen % q.type.blockSize === 0 || !q.fallback) return t;
    t = q.fallback;
  }
}

/**
 * Encodes one tensor. `rowLen` is the innermost dim; it must divide into blocks (callers pick a
 * fallback with typeForRow first). NaN/±inf inputs and f16 overflow are refused with the tensor name.
 */
export function quantizeTensor(typeName: string, data: Float32Array, rowLen: number, tensorName: string): Uint8Array {
  const q = quantizer(typeName);
  const nat = nativeFor(q.type.name);
  const bad = nat ? nat.firstNonFinite(data) : firstNonFiniteTs(data);
  if (bad >= 0) throw nonFinite(tensorName, data[bad]!, bad, rowLen);
  checkBlocks(q, data, rowLen, tensorName);
  const out = new Uint8Array((data.length / q.type.blockSize) * q.type.typeSize);
  encodeChecked(q, data, out, 0, rowLen, tensorName);
  return out;
}

/**
 * quantizeTensor in chunks of whole rows (about `chunkValues` values each), for writing as they
 * are made: the same bytes, the same errors (NaN/inf are refused per chunk, with the index in the
 * tensor). Each yielded Uint8Array is a view of one reused buffer, valid until the next step.
 */
export function* quantizeTensorChunks(typeName: string, data: Float32Array, rowLen: number, tensorName: string, chunkValues = 1 << 18): Generator<Uint8Array> {
  const q = quantizer(typeName);
  checkBlocks(q, data, rowLen, tensorName);
  const step = Math.max(1, Math.floor(chunkValues / rowLen)) * rowLen;
  const buf = new Uint8Array(q.type.name === 'F32' ? 0 : (Math.min(step, data.length) / q.type.blockSize) * q.type.typeSize);
  for (let start = 0; start < data.length; start += step) {
    const x = data.subarray(start, Math.min(start + step, data.length));
    if (q.type.name === 'F32') {
      const bad = firstNonFiniteAny(x);
      if (bad >= 0) throw nonFinite(tensorName, x[bad]!, start + bad, rowLen);
      yield new Uint8Array(x.buffer, x.byteOffset, x.byteLength); // F32 is the bytes themselves
      continue;
    }
    const out = buf.subarray(0, (x.length / q.type.blockSize) * q.type.typeSize);
    encodeChecked(q, x, out, start, rowLen, tensorName);
    yield out;
  }
}

function nonFinite(tensorName: string, v: number, i: number, rowLen: number): OellmError {
  return new OellmError(`tensor ${tensorName} holds a non-finite value (${v}) at index ${i} (row ${Math.floor(i / rowLen)}, column ${i % rowLen})`, {
    code: 'E_NONFINITE',
    hint: 'the checkpoint is corrupt or training diverged; export an earlier checkpoint',
  });
}
function checkBlocks(q: Quantizer, data: Float32Array, rowLen: number, tensorName: string): void {
  if (rowLen % q.type.blockSize !== 0 || data.length % rowLen !== 0) throw new OellmError(`tensor ${tensorName}: row length ${rowLen} is not a multiple of the ${q.type.name} block size ${q.type.blockSize}`, { code: 'E_GGUF_BLOCK' });
}

/** Encodes x (values from index `base` of the tensor) into out, refusing NaN/inf and f16 overflow. */
function encodeChecked(q: Quantizer, x: Float32Array, out: Uint8Array, base: number, rowLen: number, tensorName: string): void {
  const nat = nativeFor(q.type.name);
  const bad = nat ? nat.firstNonFinite(x) : firstNonFiniteTs(x);
  if (bad >= 0) throw nonFinite(tensorName, x[bad]!, base + bad, rowLen);
  if (nat) nat.quantize(q.type.name, x, out);
  else q.encode(x, out);
  if (q.type.name === 'F16') {
    const o = nat ? nat.firstF16Overflow(out, 2, 0) : firstF16OverflowTs(out, 2, 0);
    if (o >= 0) throw new OellmError(`tensor ${tensorName}: value ${x[o / 2]} at index ${base + o / 2} overflows F16 (|x| > 65504)`, { code: 'E_RANGE', hint: 'export as f32 or q8_0' });
  }
  for (const so of q.scaleOffsets) {
    const b = nat ? nat.firstF16Overflow(out, q.type.typeSize, so) : firstF16OverflowTs(out, q.type.typeSize, so);
    if (b >= 0) throw new OellmError(`tensor ${tensorName}: block ${base / q.type.blockSize + Math.floor(b / q.type.typeSize)} has a scale that overflows F16 (weights too large for ${q.type.name})`, { code: 'E_RANGE', hint: 'export as f32' });
  }
}

function firstNonFiniteAny(x: Float32Array): number {
  const nat = nativeFor('F16'); // any native type: the scan is type-independent
  return nat ? nat.firstNonFinite(x) : firstNonFiniteTs(x);
}
function firstNonFiniteTs(data: Float32Array): number {
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v !== v || v === Infinity || v === -Infinity) return i;
  }
  return -1;
}
function firstF16OverflowTs(out: Uint8Array, stride: number, offset: number): number {
  for (let b = offset; b + 2 <= out.length; b += stride) if ((readU16(out, b) & 0x7c00) === 0x7c00) return b;
  return -1;
}

/** Decodes bytes of a known type back to float32 (for tests, inspect and GGUF import). */
export function dequantizeTensor(typeName: string, bytes: Uint8Array, n: number): Float32Array {
  return quantizer(typeName).decode(bytes, n);
}
