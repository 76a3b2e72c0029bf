// Pull-driven gzip and zstd decompression for the readers, built so that damage never costs the
// data before it (node's zlib/zstd streams drop buffered output — for gzip, every earlier member
// inflated in the same native call — when they hit an error): output is yielded as soon as it
// exists, errors are thrown after it, and a damaged gzip member is skipped with one Gap.
// Not a compressor (util/compress.ts). Reference: RFC 1952 (gzip members), zstd streaming API.
import { createGunzip, crc32, inflateRawSync, constants as Z } from 'node:zlib';
import { createRequire } from 'node:module';

const MEMBER_SYNC_MAX = 1 << 20;
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b, 0x08]);

/** Yielded instead of data where a damaged gzip member was skipped (the reader resynced after it). */
export interface Gap {
  gap: string;
}

interface ZstdBinding {
  DCtx: new () => { decompressStream(dst: Uint8Array, src: Uint8Array): [number, number, number] };
  dStreamOutSize(): number;
}
const zstdBinding = createRequire(import.meta.url)('zstd-napi/binding') as ZstdBinding;

/** A growable window over the raw input: enough bytes for a gzip header or a whole member. */
class Raw {
  buf: Buffer = Buffer.alloc(0);
  done = false;
  constructor(private readonly it: AsyncIterator<Buffer>) {}
  /** The next raw chunk past the window (used once the window has been handed on), or null. */
  async next(): Promise<Buffer | null> {
    if (this.done) return null;
    const r = await this.it.next();
    if (r.done) {
      this.done = true;
      return null;
    }
    return r.value;
  }
  async want(n: number): Promise<boolean> {
    while (this.buf.length < n && !this.done) {
      const r = await this.it.next();
      if (r.done) this.done = true;
      else this.buf = this.buf.length ? Buffer.concat([this.buf, r.value]) : r.value;
    }
    return this.buf.length >= n;
  }
  consume(n: number): void {
    this.buf = this.buf.subarray(n);
  }
}

/** Length of the gzip member header at the start of `b`, 0 if `b` is too short, -1 if not gzip. */
function gzipHeaderLength(b: Buffer): number {
  if (b.length < 10) return 0;
  if (b[0] !== 0x1f || b[1] !== 0x8b || b[2] !== 8) return -1;
  const flg = b[3]!;
  let p = 10;
  if (flg & 4) {
    if (b.length < p + 2) return 0;
    p += 2 + b.readUInt16LE(p);
  }
  for (const bit of [8, 16]) {
    if (flg & bit) {
      const z = b.indexOf(0, p);
      if (z < 0) return 0;
      p = z + 1;
    }
  }
  if (flg & 2) p += 2;
  return b.length >= p ? p : 0;
}

/**
 * Gunzip, member by member. A damaged member (bad header, bad deflate data, CRC/size mismatch)
 * is skipped: one Gap is yielded and decoding resumes at the next member that inflates and
 * checks out (the scan is silent until then). A cut at the end throws after all output.
 */
// gzip: members up to 1 MiB compressed (one per record in a .warc.gz) are inflated whole with
// inflateRawSync and their CRC32/ISIZE checked, so a bad member never takes earlier ones with it;
// a bigger member (a single-member .jsonl.gz) streams through one native Gunzip fed chunk by
// chunk. zstd: ZSTD_decompressStream (zstd-napi's binding) called directly per input chunk.
export async function* gunzipPull(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer | Gap> {
  const raw = new Raw(source[Symbol.asyncIterator]());
  let rawOffset = 0;
  let resyncing = false; // after a damaged member: skip silently until a member checks out
  const skipToNextMember = async (): Promise<boolean> => {
    // Drop the first byte, then everything up to the next gzip magic.
    raw.consume(1);
    rawOffset += 1;
    for (;;) {
      const j = raw.buf.indexOf(GZIP_MAGIC);
      if (j >= 0) {
        raw.consume(j);
        rawOffset += j;
        return true;
      }
      const keep = Math.min(raw.buf.length, GZIP_MAGIC.length - 1);
      rawOffset += raw.buf.length - keep;
      raw.consume(raw.buf.length - keep);
      const more = await raw.next();
      if (more === null) return false;
      raw.buf = raw.buf.length ? Buffer.concat([raw.buf, more]) : more;
    }
  };
  for (;;) {
    await raw.want(64 << 10);
    if (raw.buf.length === 0) return;
    let damage: string | null = null;
    const h = gzipHeaderLength(raw.buf);
    let out: Buffer = Buffer.alloc(0);
    let used = 0;
    if (h < 0) {
      // zlib ignores trailing zero padding after the last member; so do we.
      if (raw.done && raw.buf.every((c) => c === 0)) return;
      damage = `corrupt gzip member header at compressed offset ${rawOffset}`;
    } else if (h === 0) {
      if (resyncing) return;
      throw new Error(`unexpected end of file in the gzip header at compressed offset ${rawOffset}`);
    } else {
      for (;;) {
        const body = raw.buf.subarray(h);
        try {
          const r = inflateRawSync(body, { info: true }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } };
          out = r.buffer;
          used = r.engine.bytesWritten;
          if (body.length >= used + 8 || raw.done) break;
          await raw.want(raw.buf.length + 8); // the trailer is in the next chunk
          continue;
        } catch (e) {
          const msg = (e as Error).message;
          if (!/unexpected end of file/.test(msg)) {
            damage = `corrupt gzip member at compressed offset ${rawOffset}: ${msg}`;
            break;
          }
          if (raw.done) {
            if (resyncing) return; // a false magic near the end of a damaged file
            // Cut inside this member: what inflates before the cut still counts.
            const part = inflateRawSync(body, { finishFlush: Z.Z_SYNC_FLUSH });
            if (part.length) yield part;
            throw new Error(`unexpected end of file in the gzip member at compressed offset ${rawOffset}`, { cause: e });
          }
          if (raw.buf.length >= MEMBER_SYNC_MAX) {
            if (resyncing) {
              damage = 'resync candidate too large';
              break;
            }
            yield* streamRest(raw, rawOffset);
            return;
          }
          await raw.want(raw.buf.length * 2);
        }
      }
      if (!damage) {
        const body = raw.buf.subarray(h);
        if (body.length < used + 8) {
          if (resyncing) return;
          if (out.length) yield out;
          throw new Error(`unexpected end of file in the gzip trailer at compressed offset ${rawOffset}`);
        }
        if (crc32(out) !== body.readUInt32LE(used) || out.length >>> 0 !== body.readUInt32LE(used + 4)) {
          damage = `corrupt gzip member at compressed offset ${rawOffset}: incorrect data check`;
        }
      }
    }
    if (damage) {
      if (!resyncing) yield { gap: `${damage} (member skipped)` };
      resyncing = true;
      if (!(await skipToNextMember())) return;
      continue;
    }
    resyncing = false;
    if (out.length) yield out;
    raw.consume(h + used + 8);
    rawOffset += h + used + 8;
  }
}

/**
 * The rest of the file (from a member too big to inflate whole) through one native Gunzip,
 * fed one input chunk at a time with its output drained after each: an error costs at most the
 * output of the chunk it happened in, and a cut file (error at end()) costs nothing.
 */
async function* streamRest(raw: Raw, rawOffset: number): AsyncGenerator<Buffer> {
  const gz = createGunzip();
  const outQ: Buffer[] = [];
  let err: Error | null = null;
  let ended = false;
  let wake: (() => void) | null = null;
  const kick = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  gz.on('data', (c: Buffer) => outQ.push(c));
  gz.on('error', (e) => {
    err = e;
    kick();
  });
  gz.on('end', () => {
    ended = true;
    kick();
  });
  const settle = () => new Promise((r) => setImmediate(r));
  let chunk: Buffer | null = raw.buf;
  raw.consume(raw.buf.length);
  for (;;) {
    if (chunk) {
      const c = chunk;
      await new Promise<void>((res) => {
        wake = res;
        gz.write(c, () => kick());
      });
    } else {
      gz.end();
      await new Promise<void>((res) => (ended || err ? res() : (wake = res)));
    }
    await settle(); // let the pushed output flow out as 'data'
    while (outQ.length) yield outQ.shift()!;
    if (err) {
      const m = (err as Error).message;
      throw new Error(`${/unexpected end/.test(m) ? 'unexpected end of file' : 'corrupt gzip data'} in the gzip member at compressed offset ${rawOffset} or later: ${m}`);
    }
    if (ended || !chunk) return;
    chunk = await raw.next();
  }
}

/** zstd frames, one ZSTD_decompressStream call per output buffer; a cut frame is an error at the end. */
export async function* unzstdPull(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const dctx = new zstdBinding.DCtx();
  const outSize = zstdBinding.dStreamOutSize();
  let inFrame = false;
  let seen = 0;
  for await (const chunk of source) {
    let src: Buffer = chunk;
    for (;;) {
      const dst = Buffer.allocUnsafe(outSize);
      let ret: number;
      let produced: number;
      let consumed: number;
      try {
        [ret, produced, consumed] = dctx.decompressStream(dst, src);
      } catch (e) {
        throw new Error(`corrupt zstd data near compressed offset ${seen}: ${(e as Error).message}`, { cause: e });
      }
      if (produced > 0) yield dst.subarray(0, produced);
      src = src.subarray(consumed);
      seen += consumed;
      if (src.length === 0 && (produced < outSize || ret === 0)) {
        inFrame = ret !== 0;
        break;
      }
    }
  }
  if (inFrame) throw new Error(`unexpected end of file inside a zstd frame (after ${seen} compressed bytes)`);
}
