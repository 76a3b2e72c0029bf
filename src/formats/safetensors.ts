// safetensors reader and writer: 8-byte little-endian header length, a JSON header
// `{name: {dtype, shape, data_offsets: [begin, end]}, __metadata__?: {str: str}}`, then the
// raw little-endian tensor bytes. Reads F32/F16/BF16 to Float32Array; writes F32 (or F16).
// Not a lazy memory-mapped loader. Reference: huggingface/safetensors (format spec in README).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { FormatError } from '../util/errors.js';
import { writeFileAtomic } from '../util/fs.js';
import { f16ToF32, f32ToF16, bf16ToF32 } from './half.js';

export type StDtype = 'F32' | 'F16' | 'BF16';
const DTYPE_SIZE: Record<string, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };

export interface StTensorInfo {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}
export interface StHeader {
  tensors: Record<string, StTensorInfo>;
  metadata: Record<string, string>;
  /** Absolute byte offset where tensor data begins. */
  dataStart: number;
}

/** Serialises named F32 tensors (in the given order) to safetensors bytes. */
export function encodeSafetensors(tensors: { name: string; shape: number[]; data: Float32Array }[], metadata: Record<string, string> = {}, dtype: 'F32' | 'F16' = 'F32'): Buffer {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let off = 0;
  const bs = dtype === 'F32' ? 4 : 2;
  for (const t of tensors) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n !== t.data.length) throw new FormatError(`tensor ${t.name}: shape [${t.shape}] has ${n} elements but data has ${t.data.length}`);
    header[t.name] = { dtype, shape: t.shape, data_offsets: [off, off + n * bs] };
    off += n * bs;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8); // align data to 8 bytes
  const hjson = Buffer.from(json);
  const out = Buffer.alloc(8 + hjson.length + off);
  out.writeBigUInt64LE(BigInt(hjson.length), 0);
  hjson.copy(out, 8);
  let p = 8 + hjson.length;
  for (const t of tensors) {
    if (dtype === 'F32') {
      Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).copy(out, p);
      p += t.data.byteLength;
    } else {
      const h = f32ToF16(t.data);
      Buffer.from(h.buffer, h.byteOffset, h.byteLength).copy(out, p);
      p += h.byteLength;
    }
  }
  return out;
}

export function writeSafetensors(path: string, tensors: { name: string; shape: number[]; data: Float32Array }[], metadata: Record<string, string> = {}, dtype: 'F32' | 'F16' = 'F32'): void {
  writeFileAtomic(path, encodeSafetensors(tensors, metadata, dtype));
}

/** Reads and validates the header of a safetensors file (every offset checked against the file size). */
export function readSafetensorsHeader(path: string): StHeader {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size < 8) throw new FormatError('truncated safetensors file', { file: path, offset: 0, expected: '≥ 8 bytes', found: `${size} bytes` });
    const lenBuf = Buffer.alloc(8);
    readSync(fd, lenBuf, 0, 8, 0);
    const hlen = Number(lenBuf.readBigUInt64LE(0));
    if (hlen > 100 * 1024 * 1024 || 8 + hlen > size) throw new FormatError('corrupt safetensors header length', { file: path, offset: 0, expected: `≤ ${size - 8}`, found: String(hlen) });
    const hbuf = Buffer.alloc(hlen);
    readSync(fd, hbuf, 0, hlen, 8);
    let raw: Record<string, unknown>;
    try {
      raw = JSON.parse(hbuf.toString('utf8')) as Record<string, unknown>;
    } catch (e) {
      throw new FormatError(`safetensors header is not valid JSON: ${(e as Error).message}`, { file: path, offset: 8 });
    }
    const dataStart = 8 + hlen;
    const tensors: Record<string, StTensorInfo> = {};
    let metadata: Record<string, string> = {};
    for (const [name, v] of Object.entries(raw)) {
      if (name === '__metadata__') {
        metadata = v as Record<string, string>;
        continue;
      }
      const info = v as StTensorInfo;
      const es = DTYPE_SIZE[info.dtype];
      if (!es) throw new FormatError(`tensor ${name}: unknown dtype "${info.dtype}"`, { file: path });
      const [b, e] = info.data_offsets;
      const n = info.shape.reduce((a, c) => a * c, 1);
      if (e - b !== n * es) throw new FormatError(`tensor ${name}: byte range does not match shape`, { file: path, expected: `${n * es} bytes`, found: `${e - b}` });
      if (dataStart + e > size) throw new FormatError(`tensor ${name}: data runs past the end of the file (truncated?)`, { file: path, offset: dataStart + b, expected: `file size ≥ ${dataStart + e}`, found: String(size) });
      tensors[name] = info;
    }
    return { tensors, metadata, dataStart };
  } finally {
    closeSync(fd);
  }
}

/** Reads one tensor as Float32Array (F32, F16 and BF16 are converted). */
export function readSafetensor(path: string, header: StHeader, name: string): Float32Array {
  const info = header.tensors[name];
  if (!info) throw new FormatError(`tensor ${name} not found`, { file: path });
  const [b, e] = info.data_offsets;
  const buf = Buffer.alloc(e - b);
  const fd = openSync(path, 'r');
  try {
    const got = readSync(fd, buf, 0, e - b, header.dataStart + b);
    if (got !== e - b) throw new FormatError(`tensor ${name}: short read (truncated file)`, { file: path, offset: header.dataStart + b, expected: `${e - b} bytes`, found: `${got}` });
  } finally {
    closeSync(fd);
  }
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  switch (info.dtype) {
    case 'F32':
      return new Float32Array(ab);
    case 'F16':
      return f16ToF32(new Uint16Array(ab));
    case 'BF16':
      return bf16ToF32(new Uint16Array(ab));
    default:
      throw new FormatError(`tensor ${name}: dtype ${info.dtype} is not supported (F32, F16, BF16 are)`, { file: path });
  }
}
