// Plain-text reader: ONE document per file (a file is the unit authors and licences attach to;
// paragraph splitting would cut documents that dedup and quality filters must judge whole).
// Encoding: BOM → valid UTF-8 → chardet detection (iconv-lite). Files over maxDocBytes are
// quarantined after reading at most maxDocBytes+1 bytes (constant memory). Offset is 0.
// Not a line reader (jsonl.ts is).
import type { ByteReader } from './bytes.js';
import { binaryReason, decodeText } from './decode.js';
import { docId, streamFailure, type ReadItem, type ResolvedReadOptions } from './types.js';

export async function* readText(file: string, r: ByteReader, opts: ResolvedReadOptions, codecName: string): AsyncGenerator<ReadItem> {
  const q = (reason: string): ReadItem => ({ quarantine: { file, offset: 0, reason } });
  const bytes = await r.read(opts.maxDocBytes + 1);
  if (r.error) {
    yield q(streamFailure(codecName, r.error));
    return;
  }
  const gap = r.takeGaps(Infinity)[0];
  if (gap) {
    yield q(gap.reason);
    return;
  }
  if (bytes.length === 0) return; // empty file: no document
  if (bytes.length > opts.maxDocBytes) {
    let total = bytes.length;
    for (;;) {
      const n = await r.skip(1 << 24);
      total += n;
      if (n < 1 << 24) break;
    }
    yield q(`document too large: ${total} bytes > maxDocBytes ${opts.maxDocBytes} (skipped)`);
    return;
  }
  const bin = binaryReason(bytes);
  if (bin) {
    yield q(bin);
    return;
  }
  const d = decodeText(bytes, { maxInvalidRatio: opts.maxInvalidRatio });
  if ('error' in d) {
    yield q(d.error);
    return;
  }
  if (d.text.trim() === '') return;
  const doc = { id: docId(file, 0, opts.idBase), text: d.text, source: { file, offset: 0, kind: 'text' }, meta: { charset: d.charset, charsetSource: d.source } } as const;
  yield { doc: d.invalid > 0 ? { ...doc, quality: { invalid_utf8: d.invalid } } : { ...doc } };
}
