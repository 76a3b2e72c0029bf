// Small binary I/O helpers for the dedup stage files: an atomic streaming writer (temp file +
// fsync + rename, like util/fs.ts writeFileAtomic but for outputs too big to hold as one
// buffer) and a chunked reader of fixed-size little-endian records. Not a general file API.
import { closeSync, fsyncSync, openSync, readSync, renameSync, unlinkSync, writeSync, mkdirSync, fstatSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { FormatError } from '../../util/errors.js';

/** Writes a file through a temp name; `commit()` makes it appear atomically, `abort()` removes it. */
export class AtomicWriter {
  private fd: number;
  private readonly tmp: string;
  private buf = Buffer.alloc(1 << 20);
  private used = 0;
  private pos = 0;
  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`);
    this.fd = openSync(this.tmp, 'w');
  }
  /** Bytes written so far. */
  get size(): number {
    return this.pos + this.used;
  }
  write(data: Uint8Array): void {
    if (data.length > this.buf.length - this.used) this.flush();
    if (data.length > this.buf.length) {
      writeSync(this.fd, data, 0, data.length, this.pos);
      this.pos += data.length;
      return;
    }
    this.buf.set(data, this.used);
    this.used += data.length;
  }
  writeString(s: string): void {
    this.write(Buffer.from(s, 'utf8'));
  }
  /** Overwrites bytes at an absolute offset already flushed or buffered (header back-patching). */
  patch(offset: number, data: Uint8Array): void {
    this.flush();
    writeSync(this.fd, data, 0, data.length, offset);
  }
  flush(): void {
    if (this.used) {
      writeSync(this.fd, this.buf, 0, this.used, this.pos);
      this.pos += this.used;
      this.used = 0;
    }
  }
  commit(): void {
    this.flush();
    fsyncSync(this.fd);
    closeSync(this.fd);
    renameSync(this.tmp, this.path);
  }
  abort(): void {
    try {
      closeSync(this.fd);
    } catch {
      /* already closed */
    }
    try {
      unlinkSync(this.tmp);
    } catch {
      /* already gone */
    }
  }
}

/** Reads fixed-size records [start, start + count·recBytes) of a file in chunks. */
export class RecordReader {
  private buf: Buffer;
  private have = 0;
  private at = 0;
  private next: number;
  private left: number;
  constructor(
    private readonly fd: number,
    start: number,
    count: number,
    readonly recBytes: number,
    private readonly file: string,
    chunkRecords = 8192,
  ) {
    this.buf = Buffer.alloc(recBytes * chunkRecords);
    this.next = start;
    this.left = count;
  }
  /** Byte offset in `buf` of the current record, or -1 at the end. */
  current(): number {
    if (this.at < this.have) return this.at;
    if (this.left === 0) return -1;
    const n = Math.min(this.left, this.buf.length / this.recBytes);
    const want = n * this.recBytes;
    const got = readSync(this.fd, this.buf, 0, want, this.next);
    if (got !== want) throw new FormatError('file is truncated', { file: this.file, offset: this.next + got, hint: 'regenerate it (the stage that wrote it did not finish)' });
    this.next += want;
    this.left -= n;
    this.have = want;
    this.at = 0;
    return 0;
  }
  get buffer(): Buffer {
    return this.buf;
  }
  advance(): void {
    this.at += this.recBytes;
  }
}

export function fileSize(fd: number): number {
  return fstatSync(fd).size;
}
