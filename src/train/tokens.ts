// Token streams for the trainer: a language's packed training tokens either in memory (an
// Int32Array) or in a token file on disk read with positioned reads (`fs.readSync` at an offset),
// so a corpus larger than RAM trains with only the windows being used in memory. Plus the file
// helpers that build such files: a buffered int32 appender and a growable index of documents.
// Not the sampler (data.ts) and not a dataset format for other tools (Megatron: src/export).
// Reference: nanoGPT `np.memmap` data loader; Megatron-LM indexed dataset (mmap'd .bin + .idx).
import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { OellmError } from '../util/errors.js';

/** A read-only sequence of token ids. */
export interface TokenStream {
  readonly length: number;
  /** out[k] = s[(start + k) mod length] for k < n (a window that wraps around a short stream). */
  window(start: number, n: number, out: Int32Array): void;
  /** Whole stream in memory (small streams: validation, tests). */
  toArray(): Int32Array;
  close(): void;
}

export class MemoryTokens implements TokenStream {
  constructor(readonly data: Int32Array) {}
  get length(): number {
    return this.data.length;
  }
  window(start: number, n: number, out: Int32Array): void {
    const s = this.data;
    for (let k = 0; k < n; k++) out[k] = s[(start + k) % s.length]!;
  }
  toArray(): Int32Array {
    return this.data;
  }
  close(): void {}
}

/** Tokens in a file of little-endian int32, read on demand; the file must not change while open. */
export class FileTokens implements TokenStream {
  private fd: number | undefined;
  readonly length: number;
  private buf = new Int32Array(0);

  constructor(readonly path: string) {
    this.fd = openSync(path, 'r');
    const size = fstatSync(this.fd).size;
    if (size % 4 !== 0) {
      closeSync(this.fd);
      throw new OellmError(`token file ${path} is ${size} bytes, not a whole number of int32 tokens`, { file: path, code: 'E_FORMAT', hint: 'it was truncated; delete it and run again' });
    }
    this.length = size / 4;
  }

  private read(pos: number, n: number, out: Int32Array, at: number): void {
    if (this.fd === undefined) throw new OellmError(`token file ${this.path} is closed`, { file: this.path, code: 'E_INTERNAL' });
    const bytes = new Uint8Array(out.buffer, out.byteOffset + at * 4, n * 4);
    let got = 0;
    while (got < bytes.length) {
      const r = readSync(this.fd, bytes, got, bytes.length - got, pos * 4 + got);
      if (r === 0) throw new OellmError(`token file ${this.path} ended at token ${pos + got / 4} (expected ${this.length})`, { file: this.path, code: 'E_FORMAT', hint: 'it changed or was truncated during training' });
      got += r;
    }
  }

  window(start: number, n: number, out: Int32Array): void {
    if (this.length === 0) return;
    let k = 0;
    let p = start % this.length;
    while (k < n) {
      const m = Math.min(n - k, this.length - p);
      this.read(p, m, out, k);
      k += m;
      p = 0;
    }
  }

  toArray(): Int32Array {
    if (this.buf.length !== this.length) {
      this.buf = new Int32Array(this.length);
      this.window(0, this.length, this.buf);
    }
    return this.buf;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Appends int32 values to a file through a 1 MiB buffer. */
export class TokenFileWriter {
  private fd: number | undefined;
  private readonly buf = new Int32Array(1 << 18);
  private n = 0;
  /** Tokens written so far (flushed or buffered). */
  count = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
  }

  push(v: number): void {
    if (this.n === this.buf.length) this.flush();
    this.buf[this.n++] = v;
    this.count++;
  }

  pushAll(ids: ArrayLike<number>): void {
    if (ids.length <= this.buf.length - this.n) {
      this.buf.set(ids, this.n); // one bulk copy (a number[] or an Int32Array)
      this.n += ids.length;
      this.count += ids.length;
      return;
    }
    for (let i = 0; i < ids.length; i++) this.push(ids[i]!);
  }

  flush(): void {
    if (this.n === 0 || this.fd === undefined) return;
    const b = new Uint8Array(this.buf.buffer, 0, this.n * 4);
    let off = 0;
    while (off < b.length) off += writeSync(this.fd, b, off, b.length - off);
    this.n = 0;
  }

  close(): void {
    this.flush();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** A growable typed array (one column of the document index). */
export class Column<A extends Float64Array | Int32Array | Uint8Array> {
  length = 0;
  constructor(
    private a: A,
    private readonly make: (n: number) => A,
  ) {}
  push(v: number): void {
    if (this.length === this.a.length) {
      const b = this.make(Math.max(1024, this.a.length * 2));
      b.set(this.a);
      this.a = b;
    }
    this.a[this.length++] = v;
  }
  get(i: number): number {
    return this.a[i]!;
  }
  set(i: number, v: number): void {
    this.a[i] = v;
  }
}
export const f64Column = (): Column<Float64Array> => new Column(new Float64Array(1024), (n) => new Float64Array(n));
export const i32Column = (): Column<Int32Array> => new Column(new Int32Array(1024), (n) => new Int32Array(n));
export const u8Column = (): Column<Uint8Array> => new Column(new Uint8Array(1024), (n) => new Uint8Array(n));
