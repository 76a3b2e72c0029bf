// GGUF reader for `oellm inspect` and tests: parses the header, metadata and tensor table of any
// GGUF (v2/v3, ours or not), checks every length and offset against the file size, and reads
// tensors back to Float32Array for the types src/quant can dequantize. Every error names the
// file, the byte offset and what was expected vs found. Not a memory-mapped model loader.
// Reference: ggml/docs/gguf.md; llama.cpp gguf-py/gguf/gguf_reader.py.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { FormatError } from '../../util/errors.js';
import { GGML_TYPE_BY_ID, GGUF_DEFAULT_ALIGNMENT, GGUF_MAGIC, KEYS, VALUE_TYPE_BY_ID, VALUE_TYPES, type GgmlType, type ValueTypeName } from './constants.js';

export type GgufScalar = string | number | bigint | boolean;
export interface GgufKvEntry {
  type: ValueTypeName;
  itemType?: ValueTypeName;
  value: GgufScalar | GgufScalar[];
  /** Byte offset of the key in the file. */
  offset: number;
}
export interface GgufTensorInfo {
  name: string;
  /** Dims as stored (innermost first). */
  dims: number[];
  /** Row-major shape (outermost first). */
  shape: number[];
  typeId: number;
  /** Undefined when the type id is unknown to this reader. */
  type?: GgmlType;
  /** Absolute byte offset of the tensor data. */
  offset: number;
  /** Bytes, when the type is known. */
  nbytes?: number;
  nElements: number;
}
export interface GgufFile {
  path: string;
  version: number;
  fileSize: number;
  alignment: number;
  kv: Map<string, GgufKvEntry>;
  tensors: GgufTensorInfo[];
  /** Absolute offset of the data section. */
  dataOffset: number;
}

const MAX_STRING = 1 << 30;
const MAX_ARRAY = 1 << 30;
const TENSOR_INFO_MIN_BYTES = 32;
const KV_MIN_BYTES = 13;
/** Fewest bytes one array item of type `t` takes (a string: its u64 length). */
const itemMinBytes = (t: ValueTypeName): number => (t === 'STRING' ? 8 : Math.max(1, VALUE_TYPES[t].size));

/** Buffered little-endian cursor over a file descriptor; every read is bounds-checked. */
class Cursor {
  private buf = Buffer.alloc(0);
  private bufStart = 0;
  pos = 0;
  constructor(
    private readonly fd: number,
    readonly size: number,
    readonly path: string,
  ) {}
  private need(n: number, what: string): void {
    if (this.pos + n > this.size) throw new FormatError(`truncated GGUF: ${what} runs past the end of the file`, { file: this.path, offset: this.pos, expected: `${n} more bytes`, found: `${this.size - this.pos}` });
    if (this.pos >= this.bufStart && this.pos + n <= this.bufStart + this.buf.length) return;
    const len = Math.min(Math.max(n, 1 << 20), this.size - this.pos);
    this.buf = Buffer.alloc(len);
    readSync(this.fd, this.buf, 0, len, this.pos);
    this.bufStart = this.pos;
  }
  private at(n: number, what: string): number {
    this.need(n, what);
    const o = this.pos - this.bufStart;
    this.pos += n;
    return o;
  }
  u8(w = 'u8'): number {
    const o = this.at(1, w);
    return this.buf.readUInt8(o);
  }
  i8(w = 'i8'): number {
    const o = this.at(1, w);
    return this.buf.readInt8(o);
  }
  u16(w = 'u16'): number {
    const o = this.at(2, w);
    return this.buf.readUInt16LE(o);
  }
  i16(w = 'i16'): number {
    const o = this.at(2, w);
    return this.buf.readInt16LE(o);
  }
  u32(w = 'u32'): number {
    const o = this.at(4, w);
    return this.buf.readUInt32LE(o);
  }
  i32(w = 'i32'): number {
    const o = this.at(4, w);
    return this.buf.readInt32LE(o);
  }
  f32(w = 'f32'): number {
    const o = this.at(4, w);
    return this.buf.readFloatLE(o);
  }
  f64(w = 'f64'): number {
    const o = this.at(8, w);
    return this.buf.readDoubleLE(o);
  }
  u64big(w = 'u64'): bigint {
    const o = this.at(8, w);
    return this.buf.readBigUInt64LE(o);
  }
  i64big(w = 'i64'): bigint {
    const o = this.at(8, w);
    return this.buf.readBigInt64LE(o);
  }
  /**
   * u64 count that must fit a JS number and be ≤ max, and, when `minItemBytes` is given, small
   * enough that that many items of at least that size fit in the rest of the file (a crafted
   * count must never size an allocation or a loop: llama.cpp's loader grows without bound on one).
   */
  count(what: string, max: number, minItemBytes = 0): number {
    const start = this.pos;
    return this.bound(this.u64big(what), start, what, max, minItemBytes);
  }
  /** The checks of count() on a value read earlier at `start`, against the bytes left now. */
  bound(v: bigint, start: number, what: string, max: number, minItemBytes = 0): number {
    const fit = minItemBytes > 0 ? Math.floor((this.size - this.pos) / minItemBytes) : Infinity;
    if (fit < max && v > BigInt(fit)) {
      throw new FormatError(`corrupt GGUF: ${what} is impossible for a file of ${this.size} bytes`, { file: this.path, offset: start, expected: `≤ ${fit} (${minItemBytes} bytes or more each)`, found: v.toString() });
    }
    if (v > BigInt(max)) throw new FormatError(`corrupt GGUF: ${what} is implausibly large`, { file: this.path, offset: start, expected: `≤ ${max}`, found: v.toString() });
    return Number(v);
  }
  str(what: string): string {
    const n = this.count(`${what} length`, Math.min(MAX_STRING, this.size));
    const o = this.at(n, what);
    return this.buf.toString('utf8', o, o + n);
  }
}

function readScalar(c: Cursor, t: ValueTypeName, what: string): GgufScalar {
  switch (t) {
    case 'UINT8':
      return c.u8(what);
    case 'INT8':
      return c.i8(what);
    case 'UINT16':
      return c.u16(what);
    case 'INT16':
      return c.i16(what);
    case 'UINT32':
      return c.u32(what);
    case 'INT32':
      return c.i32(what);
    case 'FLOAT32':
      return c.f32(what);
    case 'FLOAT64':
      return c.f64(what);
    case 'BOOL': {
      const at = c.pos;
      const b = c.u8(what);
      if (b > 1) throw new FormatError(`corrupt GGUF: ${what} is not a bool`, { file: c.path, offset: at, expected: '0 or 1', found: String(b) });
      return b === 1;
    }
    case 'STRING':
      return c.str(what);
    case 'UINT64': {
      const v = c.u64big(what);
      return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
    }
    case 'INT64': {
      const v = c.i64big(what);
      return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v;
    }
    default:
      throw new FormatError(`corrupt GGUF: nested array in ${what}`, { file: c.path, offset: c.pos });
  }
}

function valueType(c: Cursor, what: string): ValueTypeName {
  const at = c.pos;
  const id = c.u32(what);
  const t = VALUE_TYPE_BY_ID.get(id);
  if (!t) throw new FormatError(`corrupt GGUF: unknown value type for ${what}`, { file: c.path, offset: at, expected: 'a type id 0..12', found: String(id) });
  return t;
}

/** Parses header, metadata and tensor table (not the tensor data). */
export function readGguf(path: string): GgufFile {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new FormatError(`cannot open GGUF file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file: path });
  }
  try {
    const size = fstatSync(fd).size;
    const c = new Cursor(fd, size, path);
    if (size < 4) throw new FormatError('not a GGUF file (too short)', { file: path, offset: 0, expected: 'magic "GGUF"', found: `${size} bytes` });
    const magic = c.u32('magic');
    if (magic !== GGUF_MAGIC) {
      const b = Buffer.alloc(4);
      b.writeUInt32LE(magic);
      throw new FormatError('not a GGUF file (bad magic)', { file: path, offset: 0, expected: '"GGUF"', found: JSON.stringify(b.toString('latin1')) });
    }
    const version = c.u32('version');
    if (version !== 2 && version !== 3) throw new FormatError('unsupported GGUF version', { file: path, offset: 4, expected: '2 or 3', found: String(version) });
    // Smallest possible entries: a tensor info is name length (8) + n_dims (4) + one dim (8) +
    // type (4) + offset (8); a key/value is key length (8) + value type (4) + one byte.
    const rawTensors = c.u64big('tensor count');
    const nKv = c.count('metadata count', 1 << 24, KV_MIN_BYTES);
    const nTensors = c.bound(rawTensors, 8, 'tensor count', 1 << 24, TENSOR_INFO_MIN_BYTES);
    const kv = new Map<string, GgufKvEntry>();
    for (let i = 0; i < nKv; i++) {
      const offset = c.pos;
      const key = c.str(`key #${i}`);
      const type = valueType(c, `value type of ${key}`);
      if (type === 'ARRAY') {
        const itemType = valueType(c, `item type of ${key}`);
        const n = c.count(`array length of ${key}`, MAX_ARRAY, itemMinBytes(itemType));
        const items: GgufScalar[] = new Array(n);
        for (let j = 0; j < n; j++) items[j] = readScalar(c, itemType, `${key}[${j}]`);
        kv.set(key, { type, itemType, value: items, offset });
      } else {
        kv.set(key, { type, value: readScalar(c, type, key), offset });
      }
    }
    const alignKv = kv.get(KEYS.general.alignment);
    const alignment = alignKv && typeof alignKv.value === 'number' ? alignKv.value : GGUF_DEFAULT_ALIGNMENT;
    if (alignment <= 0 || alignment % 8 !== 0) throw new FormatError('corrupt GGUF: general.alignment is not a positive multiple of 8', { file: path, offset: alignKv?.offset ?? 0, expected: 'multiple of 8', found: String(alignment) });
    const raw: { name: string; dims: number[]; typeId: number; rel: number; at: number }[] = [];
    for (let i = 0; i < nTensors; i++) {
      const at = c.pos;
      const name = c.str(`tensor #${i} name`);
      const nd = c.u32(`n_dims of ${name}`);
      if (nd < 1 || nd > 4) throw new FormatError(`corrupt GGUF: tensor ${name} has ${nd} dims`, { file: path, offset: at, expected: '1..4', found: String(nd) });
      const dims: number[] = [];
      for (let d = 0; d < nd; d++) dims.push(c.count(`dim ${d} of ${name}`, Number.MAX_SAFE_INTEGER));
      const typeId = c.u32(`type of ${name}`);
      const rel = c.count(`offset of ${name}`, Number.MAX_SAFE_INTEGER);
      raw.push({ name, dims, typeId, rel, at });
    }
    const dataOffset = Math.ceil(c.pos / alignment) * alignment;
    const tensors: GgufTensorInfo[] = raw.map((r) => {
      const nElements = r.dims.reduce((a, b) => a * b, 1);
      const type = GGML_TYPE_BY_ID.get(r.typeId);
      const info: GgufTensorInfo = { name: r.name, dims: r.dims, shape: [...r.dims].reverse(), typeId: r.typeId, offset: dataOffset + r.rel, nElements };
      if (r.rel % alignment !== 0) throw new FormatError(`corrupt GGUF: tensor ${r.name} data offset is not aligned`, { file: path, offset: r.at, expected: `multiple of ${alignment}`, found: String(r.rel) });
      if (info.offset > size) throw new FormatError(`truncated GGUF: data of tensor ${r.name} starts past the end of the file`, { file: path, offset: r.at, expected: `offset ≤ ${size}`, found: String(info.offset) });
      if (type) {
        info.type = type;
        if (r.dims[0]! % type.blockSize !== 0)
          throw new FormatError(`corrupt GGUF: tensor ${r.name} row length is not a multiple of its ${type.name} block size`, { file: path, offset: r.at, expected: `multiple of ${type.blockSize}`, found: String(r.dims[0]) });
        info.nbytes = (nElements / type.blockSize) * type.typeSize;
        if (info.offset + info.nbytes > size)
          throw new FormatError(`truncated GGUF: data of tensor ${r.name} runs past the end of the file`, { file: path, offset: info.offset, expected: `file size ≥ ${info.offset + info.nbytes}`, found: String(size) });
      }
      return info;
    });
    if (tensors.length > 0 && dataOffset > size) throw new FormatError('truncated GGUF: no data section', { file: path, offset: c.pos, expected: `≥ ${dataOffset} bytes`, found: String(size) });
    return { path, version, fileSize: size, alignment, kv, tensors, dataOffset };
  } finally {
    closeSync(fd);
  }
}

/** Raw bytes of one tensor. */
export function readTensorBytes(f: GgufFile, name: string): Uint8Array {
  const t = f.tensors.find((x) => x.name === name);
  if (!t) throw new FormatError(`tensor ${name} not in GGUF`, { file: f.path });
  if (t.nbytes === undefined) throw new FormatError(`tensor ${name} has ggml type id ${t.typeId}, unknown to oellm`, { file: f.path, offset: t.offset });
  const buf = new Uint8Array(t.nbytes);
  const fd = openSync(f.path, 'r');
  try {
    const got = readSync(fd, buf, 0, t.nbytes, t.offset);
    if (got !== t.nbytes) throw new FormatError(`truncated GGUF: short read of tensor ${name}`, { file: f.path, offset: t.offset, expected: `${t.nbytes} bytes`, found: String(got) });
  } finally {
    closeSync(fd);
  }
  return buf;
}

/** A metadata value as a plain JS value, or undefined. */
export function kvValue(f: GgufFile, key: string): GgufScalar | GgufScalar[] | undefined {
  return f.kv.get(key)?.value;
}
