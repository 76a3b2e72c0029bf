// A pull-based byte reader over a stream of Buffers (a file through a decompressor): capped
// lines, exact reads, skips, pattern scans and push-back, with the offset in the decompressed
// stream. A stream error (cut .gz/.zst) ends the data and stays in `error`, so readers yield every
// complete record and then one quarantine item; a damaged gzip member the decompressor skipped is
// a gap (takeGaps) that readers turn into a quarantine item. Not a parser (warc/jsonl/text.ts).
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { codecOf, codecOfBytes, type Codec } from '../../util/compress.js';
import { gunzipPull, unzstdPull, type Gap } from './decompress.js';

export class ByteReader {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  /** Stream offset of buf[0]. */
  private base = 0;
  private done = false;
  /** The stream's error, if it ended by one (truncated compressed input, I/O error). */
  error: Error | undefined;
  /** Places where the decompressor skipped damaged data: offset = decompressed bytes before the hole. */
  private gaps: { offset: number; reason: string }[] = [];
  private readonly it: AsyncIterator<Buffer | Gap>;

  constructor(source: AsyncIterable<Buffer | Gap>) {
    this.it = source[Symbol.asyncIterator]();
  }

  /** Removes and returns the gaps at or before decompressed offset `upTo`. */
  takeGaps(upTo: number): { offset: number; reason: string }[] {
    if (this.gaps.length === 0 || this.gaps[0]!.offset > upTo) return [];
    const i = this.gaps.findIndex((g) => g.offset > upTo);
    return this.gaps.splice(0, i < 0 ? this.gaps.length : i);
  }

  /** Offset (in the decompressed stream) of the next unread byte. */
  get offset(): number {
    return this.base + this.pos;
  }

  private get avail(): number {
    return this.buf.length - this.pos;
  }

  /** Pulls one more chunk into the buffer; false at end of data (or stream error). */
  private async fill(): Promise<boolean> {
    if (this.done) return false;
    let r: IteratorResult<Buffer | Gap>;
    try {
      r = await this.it.next();
    } catch (e) {
      this.error = e as Error;
      this.done = true;
      return false;
    }
    if (r.done) {
      this.done = true;
      return false;
    }
    if (!Buffer.isBuffer(r.value)) {
      this.gaps.push({ offset: this.base + this.buf.length, reason: r.value.gap });
      return this.fill();
    }
    const chunk = r.value;
    if (this.pos >= this.buf.length) {
      this.base += this.buf.length;
      this.buf = chunk;
    } else {
      // Keep only the unread tail; it is small in the common case (one partial line/record).
      const tail = this.buf.subarray(this.pos);
      this.base += this.pos;
      this.buf = Buffer.concat([tail, chunk]);
    }
    this.pos = 0;
    return true;
  }

  /** True when no byte is left. */
  async eof(): Promise<boolean> {
    while (this.avail === 0) if (!(await this.fill())) return true;
    return false;
  }

  /** First `n` unread bytes without consuming them (fewer at end of data). */
  async peek(n: number): Promise<Buffer> {
    while (this.avail < n) if (!(await this.fill())) break;
    return this.buf.subarray(this.pos, this.pos + Math.min(n, this.avail));
  }

  /**
   * Next line including its `\n` (the last line may lack it). Returns `null` at end of data,
   * `{tooLong}` when the line is longer than `max` bytes (the whole line is then consumed
   * without being kept: constant memory).
   */
  async readLine(max: number): Promise<Buffer | null | { tooLong: number }> {
    // Fast path: the whole line is in the current chunk.
    const nl0 = this.buf.indexOf(10, this.pos);
    if (nl0 >= 0 && nl0 + 1 - this.pos <= max) {
      const line = this.buf.subarray(this.pos, nl0 + 1);
      this.pos = nl0 + 1;
      return line;
    }
    // Slow path: the line spans chunks; collect pieces (no re-copying), or count and drop them
    // once the line is over the cap (constant memory for a 50 MB line).
    const parts: Buffer[] = [];
    let len = 0;
    let over = false;
    for (;;) {
      const nl = this.buf.indexOf(10, this.pos);
      const end = nl >= 0 ? nl + 1 : this.buf.length;
      const piece = this.buf.subarray(this.pos, end);
      this.pos = end;
      len += piece.length;
      if (!over && len > max) {
        over = true;
        parts.length = 0;
      }
      if (!over) parts.push(piece);
      if (nl >= 0) break;
      if (!(await this.fill())) {
        if (len === 0) return null;
        break;
      }
    }
    if (over) return { tooLong: len };
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts, len);
  }

  /** Reads exactly `n` bytes, or fewer at end of data. */
  async read(n: number): Promise<Buffer> {
    if (this.avail >= n) {
      const out = this.buf.subarray(this.pos, this.pos + n);
      this.pos += n;
      return out;
    }
    const parts: Buffer[] = [];
    let need = n;
    for (;;) {
      const take = Math.min(need, this.avail);
      if (take > 0) {
        parts.push(this.buf.subarray(this.pos, this.pos + take));
        this.pos += take;
        need -= take;
      }
      if (need === 0) break;
      // Detach consumed data so fill() does not copy it again.
      this.base += this.buf.length;
      this.buf = Buffer.alloc(0);
      this.pos = 0;
      if (!(await this.fill())) break;
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }

  /** Skips `n` bytes without keeping them; returns how many were skipped. */
  async skip(n: number): Promise<number> {
    let left = n;
    for (;;) {
      const take = Math.min(left, this.avail);
      this.pos += take;
      left -= take;
      if (left === 0) return n;
      if (!(await this.fill())) return n - left;
    }
  }

  /**
   * Consumes bytes up to (not including) the next occurrence of `pattern`; returns false (all
   * consumed) when the data ends first. Memory stays bounded by the chunk size.
   */
  async skipTo(pattern: Buffer): Promise<boolean> {
    for (;;) {
      const j = this.buf.indexOf(pattern, this.pos);
      if (j >= 0) {
        this.pos = j;
        return true;
      }
      // Keep the last pattern.length-1 bytes: the pattern may straddle the chunk boundary.
      this.pos = Math.max(this.pos, this.buf.length - (pattern.length - 1));
      if (!(await this.fill())) {
        this.pos = this.buf.length;
        return false;
      }
    }
  }

  /** Pushes bytes back in front of the unread data (used to resync inside a mis-framed block). */
  unshift(b: Buffer): void {
    const tail = this.buf.subarray(this.pos);
    this.base = this.base + this.pos - b.length;
    this.buf = Buffer.concat([b, tail]);
    this.pos = 0;
  }
}

/** Decompression chosen by magic bytes (names can lie), falling back to the extension. */
async function detectCodec(file: string): Promise<Codec> {
  const fh = await open(file, 'r');
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await fh.read(head, 0, 4, 0);
    if (bytesRead === 0) return 'none'; // an empty file is empty, whatever its name says
    if (bytesRead >= 2) return codecOfBytes(head.subarray(0, bytesRead));
    return codecOf(file);
  } finally {
    await fh.close();
  }
}

/** Opens `file` as a decompressed byte stream (1 MiB reads; decompress.ts explains why pull-driven). */
export async function openBytes(file: string): Promise<{ reader: ByteReader; codec: Codec; close: () => void }> {
  const codec = await detectCodec(file);
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  const rawIt = raw as AsyncIterable<Buffer>;
  const source = codec === 'gz' ? gunzipPull(rawIt) : codec === 'zst' ? unzstdPull(rawIt) : rawIt;
  return { reader: new ByteReader(source), codec, close: () => raw.destroy() };
}
