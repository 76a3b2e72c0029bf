// HPLT-style JSONL reader (.jsonl, .jsonl.gz, .jsonl.zst): one document per line with `text`
// and, when present, `url` (or HPLT's `u`), `ts`, `lang`, `id`, `title`, `collection`
// (or `crawl_id`). Offsets are 1-based line numbers. Input `lang` and `id` are kept as
// meta.inputLang / meta.inputId (doc.id stays path+line derived, unique across files).
// Not a JSON-array reader. Reference: HPLT v2 document schema (u, ts, lang, text).
import type { Doc } from '../doc.js';
import type { ByteReader } from './bytes.js';
import { decodeUtf8 } from './decode.js';
import { docId, streamFailure, type ReadItem, type ResolvedReadOptions } from './types.js';

/** Why a decoded text looks binary (NUL or >10% C0 controls in the first 8K chars), or null. */
function binaryTextReason(text: string): string | null {
  const n = Math.min(text.length, 8192);
  let ctrl = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) return 'binary payload (NUL characters in text)';
    if (c < 0x20 && c !== 9 && c !== 10 && c !== 12 && c !== 13 && c !== 27) ctrl++;
  }
  return n > 0 && ctrl / n > 0.1 ? `binary payload (${((100 * ctrl) / n).toFixed(0)}% control characters)` : null;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export async function* readJsonl(file: string, r: ByteReader, opts: ResolvedReadOptions, codecName: string): AsyncGenerator<ReadItem> {
  let lineNo = 0;
  const q = (offset: number, reason: string): ReadItem => ({ quarantine: { file, offset, reason } });
  for (;;) {
    const lineStart = r.offset;
    const line = await r.readLine(opts.maxDocBytes);
    // A damaged gzip member skipped before this line: its lines are lost (one quarantine item);
    // skipped inside this line: the line is spliced from two places and is quarantined.
    let inside: string | undefined;
    for (const g of r.takeGaps(line === null ? Infinity : r.offset - 1)) {
      if (line !== null && g.offset > lineStart) inside ??= g.reason;
      else yield q(lineNo + 1, g.reason);
    }
    if (line === null) break;
    lineNo++;
    if (inside) {
      yield q(lineNo, inside);
      continue;
    }
    if (!Buffer.isBuffer(line)) {
      yield q(lineNo, `document too large: line of ${line.tooLong} bytes > maxDocBytes ${opts.maxDocBytes} (skipped)`);
      continue;
    }
    const complete = line[line.length - 1] === 0x0a;
    if (!complete && r.error) {
      // The stream broke inside this line: it is the truncation point, not a bad record.
      yield q(lineNo, streamFailure(codecName, r.error));
      return;
    }
    const d = decodeUtf8(line, opts.maxInvalidRatio);
    if ('error' in d) {
      yield q(lineNo, d.error);
      continue;
    }
    const s = d.text.trim();
    if (s === '') continue;
    let obj: unknown;
    try {
      obj = JSON.parse(s);
    } catch (e) {
      yield q(lineNo, `invalid JSON: ${(e as Error).message}`);
      continue;
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj) || typeof (obj as { text?: unknown }).text !== 'string') {
      yield q(lineNo, 'not a document: a JSON object with a string "text" field is required');
      continue;
    }
    const o = obj as Record<string, unknown>;
    const text = o.text as string;
    const bin = binaryTextReason(text);
    if (bin) {
      yield q(lineNo, bin);
      continue;
    }
    const doc: Doc = { id: docId(file, lineNo, opts.idBase), text, source: { file, offset: lineNo, kind: 'jsonl' } };
    const collection = str(o.collection) ?? str(o.crawl_id);
    if (collection) doc.source.collection = collection;
    const url = str(o.url) ?? str(o.u);
    if (url) doc.url = url;
    const ts = str(o.ts) ?? str(o.date);
    if (ts) doc.ts = ts;
    const title = str(o.title);
    if (title) doc.title = title;
    const meta: Record<string, unknown> = {};
    const lang = Array.isArray(o.lang) ? str(o.lang[0]) : str(o.lang);
    if (lang) meta.inputLang = lang;
    const id = str(o.id) ?? (typeof o.id === 'number' ? String(o.id) : undefined);
    if (id) meta.inputId = id;
    if (Object.keys(meta).length) doc.meta = meta;
    if (d.invalid > 0) doc.quality = { invalid_utf8: d.invalid };
    yield { doc };
  }
  for (const g of r.takeGaps(Infinity)) yield q(lineNo + 1, g.reason);
  if (r.error) yield q(lineNo + 1, streamFailure(codecName, r.error));
}
