// Readers: turn input files into a stream of ReadItems (a Doc, or a quarantined record with
// file, offset and reason). `expandInputs` resolves files / folders / globs; `readInput` picks
// the format by extension, then by the first bytes (after .gz/.zst decompression found by
// magic bytes), and streams in constant memory. Not a pipeline step: the pipeline wraps it.
// Formats: WARC/WET (warc.ts, via warcio), HPLT JSONL (jsonl.ts), plain text (text.ts).
import { openBytes } from './bytes.js';
import { readJsonl } from './jsonl.js';
import { readText } from './text.js';
import { readWarc } from './warc.js';
import { resolveReadOptions, type ReadItem, type ReadOptions } from './types.js';

export { expandInputs, globToRegExp, hasKnownExt, KNOWN_EXT } from './inputs.js';
export { decodeText, decodeUtf8, binaryReason, normaliseCharset, sniffMetaCharset, charsetOfContentType } from './decode.js';
export { docId, DEFAULT_MAX_DOC_BYTES } from './types.js';
export type { ReadItem, ReadOptions, Quarantine } from './types.js';

type InputFormat = 'warc' | 'jsonl' | 'text';

/** Format by extension (ignoring .gz/.zst), or null when the name says nothing. */
function formatOfName(file: string): InputFormat | null {
  const base = file.toLowerCase().replace(/\.(gz|zst)$/, '');
  if (/\.(warc|wet|arc\.warc)$/.test(base)) return 'warc';
  if (/\.(jsonl|ndjson|json)$/.test(base)) return 'jsonl';
  if (/\.(txt|text|md)$/.test(base)) return 'text';
  return null;
}

/** Format from the first decompressed bytes: `WARC/` → warc, `{` → jsonl, else text. */
function formatOfBytes(head: Uint8Array): InputFormat {
  const s = Buffer.from(head)
    .toString('latin1')
    .replace(/^[\s\uFEFF\u00EF\u00BB\u00BF]+/, '');
  if (s.startsWith('WARC/')) return 'warc';
  if (s.startsWith('{')) return 'jsonl';
  return 'text';
}

/**
 * Streams the documents of one input file. Never throws for bad content: broken records,
 * truncated streams, binary payloads, over-size documents and undecodable text become
 * `{quarantine}` items; an unreadable file (missing, permission) is one quarantine item too.
 */
export async function* readInput(file: string, opts?: ReadOptions & { format?: InputFormat }): AsyncIterable<ReadItem> {
  const o = resolveReadOptions(opts);
  let opened;
  try {
    opened = await openBytes(file);
  } catch (e) {
    yield { quarantine: { file, offset: 0, reason: `cannot open: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` } };
    return;
  }
  const { reader, codec, close } = opened;
  const codecName = codec === 'gz' ? 'gzip' : codec === 'zst' ? 'zstd' : 'input';
  try {
    const format = opts?.format ?? formatOfName(file) ?? formatOfBytes(await reader.peek(64));
    if (format === 'warc') yield* readWarc(file, reader, o, codecName);
    else if (format === 'jsonl') yield* readJsonl(file, reader, o, codecName);
    else yield* readText(file, reader, o, codecName);
  } finally {
    close();
  }
}
