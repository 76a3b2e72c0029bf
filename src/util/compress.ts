// Streaming (de)compression chosen by file extension: `.zst` (Zstandard, zstd-napi),
// `.gz` (zlib), anything else passes through. Not a container format: one stream per file.
// Truncated input surfaces as an error event on the stream (callers quarantine, never crash).
import { createGunzip, createGzip } from 'node:zlib';
import { PassThrough, type Transform } from 'node:stream';
import { CompressStream, DecompressStream, compress as zstdCompress, decompress as zstdDecompress } from 'zstd-napi';

export type Codec = 'zst' | 'gz' | 'none';

export function codecOf(path: string): Codec {
  if (/\.zst$/i.test(path)) return 'zst';
  if (/\.gz$/i.test(path)) return 'gz';
  return 'none';
}

/** Codec by magic bytes, for inputs whose names lie. */
export function codecOfBytes(head: Uint8Array): Codec {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gz';
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zst';
  return 'none';
}

export function decompressor(codec: Codec): Transform {
  if (codec === 'gz') return createGunzip();
  if (codec === 'zst') return new DecompressStream() as unknown as Transform;
  return new PassThrough();
}

export function compressor(codec: Codec, level = 3): Transform {
  if (codec === 'gz') return createGzip({ level: Math.min(9, level) });
  if (codec === 'zst') return new CompressStream({ compressionLevel: level }) as unknown as Transform;
  return new PassThrough();
}

/** Whole-buffer zstd, deterministic for a given level (used for shards and tests). */
export function zstd(buf: Uint8Array, level = 3): Buffer {
  return zstdCompress(buf, { compressionLevel: level });
}
export function unzstd(buf: Uint8Array): Buffer {
  return zstdDecompress(buf);
}
