// Small binary I/O helpers for the dedup stage files: a chunked reader of fixed-size
// little-endian records. Writers use the one atomic writer (util/fs.ts AtomicFile).
// Not a general file API.
import { readSync, fstatSync } from 'node:fs';
import { FormatError } from '../../util/errors.js';

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
