// GGUF v3 writer as an explicit state machine: metadata (kv) → tensor infos → tensor data (in
// declared order) → finish. Any call out of that order, a duplicate key/tensor, a byte count
// that differs from the declared type and shape, or a row length that is not a multiple of the
// type's block size is refused with an error naming the key or tensor. The file is written to a
// temp sibling and renamed on finish (util/fs.ts AtomicFile), so readers never see a half-written GGUF.
// Not a quantizer (src/quant/) and not a model exporter (src/export/gguf.ts).
// Layout: header {magic, version, n_tensors u64, n_kv u64}, kvs, tensor infos {name, n_dims,
// dims innermost-first u64, type u32, offset u64}, pad to alignment, data (each tensor aligned).
// Reference: ggml/docs/gguf.md; llama.cpp gguf-py/gguf/gguf_writer.py (WriterState).
import { OellmError } from '../../util/errors.js';
import { AtomicFile } from '../../util/fs.js';
import { GGUF_DEFAULT_ALIGNMENT, GGUF_MAGIC, GGUF_VERSION, KEYS, VALUE_TYPES, type GgmlType, type ValueTypeName } from './constants.js';

type Scalar = string | number | bigint | boolean;
export type GgufValue =
  { type: 'STRING'; value: string } | { type: 'BOOL'; value: boolean } | { type: Exclude<ValueTypeName, 'STRING' | 'BOOL' | 'ARRAY'>; value: number | bigint } | { type: 'ARRAY'; itemType: Exclude<ValueTypeName, 'ARRAY'>; value: readonly Scalar[] };

/** Value constructors: `gv.u32(5)`, `gv.arr('STRING', tokens)`. */
export const gv = {
  str: (value: string): GgufValue => ({ type: 'STRING', value }),
  bool: (value: boolean): GgufValue => ({ type: 'BOOL', value }),
  u32: (value: number): GgufValue => ({ type: 'UINT32', value }),
  i32: (value: number): GgufValue => ({ type: 'INT32', value }),
  u64: (value: number | bigint): GgufValue => ({ type: 'UINT64', value }),
  f32: (value: number): GgufValue => ({ type: 'FLOAT32', value }),
  arr: (itemType: Exclude<ValueTypeName, 'ARRAY'>, value: readonly Scalar[]): GgufValue => ({ type: 'ARRAY', itemType, value }),
};

/** Growable little-endian byte sink for the header. */
class ByteSink {
  private buf = Buffer.alloc(1 << 16);
  length = 0;
  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.length + n) cap *= 2;
    const nb = Buffer.alloc(cap);
    this.buf.copy(nb, 0, 0, this.length);
    this.buf = nb;
  }
  u8(v: number): void {
    this.ensure(1);
    this.buf.writeUInt8(v, this.length);
    this.length += 1;
  }
  i8(v: number): void {
    this.ensure(1);
    this.buf.writeInt8(v, this.length);
    this.length += 1;
  }
  u16(v: number): void {
    this.ensure(2);
    this.buf.writeUInt16LE(v, this.length);
    this.length += 2;
  }
  i16(v: number): void {
    this.ensure(2);
    this.buf.writeInt16LE(v, this.length);
    this.length += 2;
  }
  u32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(v, this.length);
    this.length += 4;
  }
  i32(v: number): void {
    this.ensure(4);
    this.buf.writeInt32LE(v, this.length);
    this.length += 4;
  }
  f32(v: number): void {
    this.ensure(4);
    this.buf.writeFloatLE(v, this.length);
    this.length += 4;
  }
  f64(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.length);
    this.length += 8;
  }
  u64(v: number | bigint): void {
    this.ensure(8);
    this.buf.writeBigUInt64LE(BigInt(v), this.length);
    this.length += 8;
  }
  i64(v: number | bigint): void {
    this.ensure(8);
    this.buf.writeBigInt64LE(BigInt(v), this.length);
    this.length += 8;
  }
  str(s: string): void {
    const b = Buffer.from(s, 'utf8');
    this.u64(b.length);
    this.ensure(b.length);
    b.copy(this.buf, this.length);
    this.length += b.length;
  }
  zeros(n: number): void {
    this.ensure(n);
    this.buf.fill(0, this.length, this.length + n);
    this.length += n;
  }
  bytes(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}

function writeScalar(s: ByteSink, type: Exclude<ValueTypeName, 'ARRAY'>, v: Scalar, key: string): void {
  const bad = (): never => {
    throw new OellmError(`GGUF key ${key}: value ${String(v)} does not fit type ${type}`, { code: 'E_GGUF_VALUE' });
  };
  if (type === 'STRING') return typeof v === 'string' ? s.str(v) : bad();
  if (type === 'BOOL') return typeof v === 'boolean' ? s.u8(v ? 1 : 0) : bad();
  if (typeof v !== 'number' && typeof v !== 'bigint') return bad();
  if (type === 'FLOAT32') return s.f32(Number(v));
  if (type === 'FLOAT64') return s.f64(Number(v));
  if (type === 'UINT64') return BigInt(v) < 0n ? bad() : s.u64(v);
  if (type === 'INT64') return s.i64(v);
  const n = Number(v);
  if (!Number.isInteger(n)) return bad();
  const ranges: Record<string, [number, number, (x: number) => void]> = {
    UINT8: [0, 0xff, (x) => s.u8(x)],
    INT8: [-0x80, 0x7f, (x) => s.i8(x)],
    UINT16: [0, 0xffff, (x) => s.u16(x)],
    INT16: [-0x8000, 0x7fff, (x) => s.i16(x)],
    UINT32: [0, 0xffffffff, (x) => s.u32(x)],
    INT32: [-0x80000000, 0x7fffffff, (x) => s.i32(x)],
  };
  const r = ranges[type]!;
  if (n < r[0] || n > r[1]) return bad();
  r[2](n);
}

export interface TensorDecl {
  name: string;
  /** Row-major shape, outermost first (`[out, in]`); written innermost-first as GGUF wants. */
  shape: number[];
  type: GgmlType;
  nbytes: number;
  /** Offset relative to the start of the data section. */
  offset: number;
}

type State = 'kv' | 'tensors' | 'data' | 'done' | 'aborted';

export class GgufWriter {
  private state: State = 'kv';
  private readonly kvs: [string, GgufValue][] = [];
  private readonly kvKeys = new Set<string>();
  private readonly tensors: TensorDecl[] = [];
  private readonly tensorNames = new Set<string>();
  private dataSize = 0;
  private nextTensor = 0;
  private file: AtomicFile | undefined;
  private written = 0;
  readonly alignment: number;

  constructor(
    readonly path: string,
    opts: { alignment?: number } = {},
  ) {
    this.alignment = opts.alignment ?? GGUF_DEFAULT_ALIGNMENT;
    if (!Number.isInteger(this.alignment) || this.alignment <= 0 || this.alignment % 8 !== 0) throw new OellmError(`GGUF alignment must be a positive multiple of 8, got ${this.alignment}`, { code: 'E_GGUF_STATE' });
    if (this.alignment !== GGUF_DEFAULT_ALIGNMENT) this.addKv(KEYS.general.alignment, gv.u32(this.alignment));
  }

  private expect(states: State[], what: string): void {
    if (!states.includes(this.state)) throw new OellmError(`GGUF writer: cannot ${what} in state "${this.state}" (order: addKv* → addTensor* → writeTensorData* in declared order → finish)`, { code: 'E_GGUF_STATE', file: this.path });
  }

  /** Adds one metadata key (only before the first tensor is declared). */
  addKv(key: string, value: GgufValue): this {
    this.expect(['kv'], `add metadata key ${key}`);
    if (this.kvKeys.has(key)) throw new OellmError(`GGUF writer: duplicate metadata key ${key}`, { code: 'E_GGUF_STATE', file: this.path });
    if (key.length === 0 || key.length > 65535) throw new OellmError(`GGUF writer: invalid key "${key}"`, { code: 'E_GGUF_STATE' });
    this.kvKeys.add(key);
    this.kvs.push([key, value]);
    return this;
  }

  /** Declares one tensor; its data must later be written in this order. */
  addTensor(name: string, shape: number[], type: GgmlType): this {
    this.expect(['kv', 'tensors'], `declare tensor ${name}`);
    this.state = 'tensors';
    if (this.tensorNames.has(name)) throw new OellmError(`GGUF writer: duplicate tensor ${name}`, { code: 'E_GGUF_STATE', file: this.path });
    if (Buffer.byteLength(name) > 64) throw new OellmError(`GGUF writer: tensor name ${name} is longer than 64 bytes (GGML_MAX_NAME)`, { code: 'E_GGUF_STATE' });
    if (shape.length < 1 || shape.length > 4 || shape.some((d) => !Number.isInteger(d) || d <= 0)) throw new OellmError(`GGUF writer: tensor ${name} has invalid shape [${shape}]`, { code: 'E_GGUF_STATE' });
    const rowLen = shape[shape.length - 1]!;
    if (rowLen % type.blockSize !== 0)
      throw new OellmError(`GGUF writer: tensor ${name}: row length ${rowLen} is not a multiple of the ${type.name} block size ${type.blockSize}`, {
        code: 'E_GGUF_BLOCK',
        hint: 'use a type with a smaller block (the exporter falls back per tensor)',
      });
    const n = shape.reduce((a, b) => a * b, 1);
    const nbytes = (n / type.blockSize) * type.typeSize;
    const offset = this.dataSize;
    this.dataSize = align(offset + nbytes, this.alignment);
    this.tensorNames.add(name);
    this.tensors.push({ name, shape: [...shape], type, nbytes, offset });
    return this;
  }

  private header(): Buffer {
    const s = new ByteSink();
    s.u32(GGUF_MAGIC);
    s.u32(GGUF_VERSION);
    s.u64(this.tensors.length);
    s.u64(this.kvs.length);
    for (const [key, v] of this.kvs) {
      s.str(key);
      s.u32(VALUE_TYPES[v.type].id);
      if (v.type === 'ARRAY') {
        s.u32(VALUE_TYPES[v.itemType].id);
        s.u64(v.value.length);
        for (const item of v.value) writeScalar(s, v.itemType, item, key);
      } else {
        writeScalar(s, v.type, v.value, key);
      }
    }
    for (const t of this.tensors) {
      s.str(t.name);
      s.u32(t.shape.length);
      for (let i = t.shape.length - 1; i >= 0; i--) s.u64(t.shape[i]!); // innermost first
      s.u32(t.type.id);
      s.u64(t.offset);
    }
    s.zeros(align(s.length, this.alignment) - s.length);
    return s.bytes();
  }

  private open(): void {
    const header = this.header(); // serialise first: a bad value fails before any file exists
    this.file = new AtomicFile(this.path, { buffer: false });
    this.put(header);
    this.state = 'data';
  }

  private put(b: Uint8Array): void {
    this.file!.write(b);
    this.written += b.length;
  }

  /** Writes the bytes of the next declared tensor (names must follow declaration order). */
  writeTensorData(name: string, bytes: Uint8Array): this {
    this.expect(['tensors', 'data'], `write data of tensor ${name}`);
    const t = this.tensors[this.nextTensor];
    if (!t) throw new OellmError(`GGUF writer: tensor ${name} written but all ${this.tensors.length} declared tensors are done`, { code: 'E_GGUF_STATE', file: this.path });
    if (t.name !== name) throw new OellmError(`GGUF writer: tensor data out of order: expected ${t.name}, got ${name}`, { code: 'E_GGUF_STATE', file: this.path });
    if (bytes.byteLength !== t.nbytes) throw new OellmError(`GGUF writer: tensor ${name}: ${bytes.byteLength} bytes given, ${t.type.name} [${t.shape}] needs ${t.nbytes}`, { code: 'E_GGUF_STATE', file: this.path });
    try {
      if (this.state === 'tensors') this.open();
      this.put(bytes);
      const pad = align(t.nbytes, this.alignment) - t.nbytes;
      if (pad) this.put(new Uint8Array(pad));
    } catch (e) {
      this.abort();
      throw e;
    }
    this.nextTensor++;
    return this;
  }

  /**
   * Writes the next declared tensor's bytes as a sequence of chunks (e.g. quantized rows as they
   * are made, from a reused buffer); their total must be the tensor's size. A chunk source that
   * throws aborts the file.
   */
  writeTensorChunks(name: string, chunks: Iterable<Uint8Array>): this {
    this.expect(['tensors', 'data'], `write data of tensor ${name}`);
    const t = this.tensors[this.nextTensor];
    if (!t) throw new OellmError(`GGUF writer: tensor ${name} written but all ${this.tensors.length} declared tensors are done`, { code: 'E_GGUF_STATE', file: this.path });
    if (t.name !== name) throw new OellmError(`GGUF writer: tensor data out of order: expected ${t.name}, got ${name}`, { code: 'E_GGUF_STATE', file: this.path });
    try {
      if (this.state === 'tensors') this.open();
      let n = 0;
      for (const c of chunks) {
        if (n + c.byteLength > t.nbytes) throw new OellmError(`GGUF writer: tensor ${name}: more than the ${t.nbytes} bytes ${t.type.name} [${t.shape}] needs`, { code: 'E_GGUF_STATE', file: this.path });
        this.put(c);
        n += c.byteLength;
      }
      if (n !== t.nbytes) throw new OellmError(`GGUF writer: tensor ${name}: ${n} bytes given, ${t.type.name} [${t.shape}] needs ${t.nbytes}`, { code: 'E_GGUF_STATE', file: this.path });
      const pad = align(t.nbytes, this.alignment) - t.nbytes;
      if (pad) this.put(new Uint8Array(pad));
    } catch (e) {
      this.abort();
      throw e;
    }
    this.nextTensor++;
    return this;
  }

  /** Checks every declared tensor was written, syncs and renames the file into place. */
  finish(): { path: string; bytes: number; tensors: readonly TensorDecl[] } {
    this.expect(['kv', 'tensors', 'data'], 'finish');
    if (this.nextTensor !== this.tensors.length)
      throw new OellmError(`GGUF writer: finish() with ${this.tensors.length - this.nextTensor} declared tensors unwritten (next: ${this.tensors[this.nextTensor]!.name})`, { code: 'E_GGUF_STATE', file: this.path });
    try {
      if (this.file === undefined) this.open();
      this.file!.commit();
    } catch (e) {
      this.abort();
      throw e;
    }
    this.state = 'done';
    return { path: this.path, bytes: this.written, tensors: this.tensors };
  }

  /** Drops the temp file (after an error). */
  abort(): void {
    this.file?.abort();
    this.state = 'aborted';
  }
}

export const align = (n: number, a: number): number => Math.ceil(n / a) * a;
