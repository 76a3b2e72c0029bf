// WARC / WET reader (ISO 28500, WARC/1.0 and 1.1; .warc, .warc.gz, .wet.gz). Records are framed
// here (version line, headers, Content-Length, CRLFCRLF) so a corrupt record can be quarantined
// and the reader can resync on the next `WARC/` line; each good record is parsed by warcio
// (HTTP headers, chunked / gzip Content-Encoding). Response records → Doc with meta.html;
// WET conversion records → Doc with text. Offsets are byte offsets in the decompressed stream.
// Not an extractor (extract/) and not a WARC writer. Reference: warcio, CommonCrawl WARC/WET.
import { brotliDecompressSync } from 'node:zlib';
import { AsyncIterReader, WARCParser } from 'warcio';
import type { Doc } from '../doc.js';
import type { ByteReader } from './bytes.js';
import { binaryReason, charsetOfContentType, decodeText, decodeUtf8 } from './decode.js';
import { docId, streamFailure, type ReadItem, type ResolvedReadOptions } from './types.js';

const VERSION_RE = /^WARC\/\d+\.\d+\r?\n$/;
const MAX_HEADER_LINE = 16 << 10;
const MAX_HEADER_BYTES = 256 << 10;
const RESYNC = Buffer.from('\nWARC/');
const BOUNDARY = Buffer.from('\r\n\r\nWARC/');

/** Content types read as text; everything else becomes a doc the extract step drops as not-text. */
export function isTextualType(mime: string): boolean {
  return mime === '' || mime.startsWith('text/') || mime === 'application/xhtml+xml' || mime === 'application/xml' || mime.endsWith('+xml');
}

type Framed =
  | { kind: 'record'; start: number; headers: Map<string, string>; headerBytes: Buffer; block: Buffer | null; length: number }
  | { kind: 'bad'; start: number; reason: string; resync: boolean }
  | { kind: 'truncated'; start: number; reason: string }
  | { kind: 'end' };

async function skipBlankLines(r: ByteReader): Promise<void> {
  for (;;) {
    const b = await r.peek(1);
    if (b.length === 0 || (b[0] !== 0x0d && b[0] !== 0x0a)) return;
    await r.skip(1);
  }
}

/** Reads the next record's framing. `maxBlock`: blocks longer than this are skipped, not kept. */
async function frame(r: ByteReader, maxBlock: number): Promise<Framed> {
  await skipBlankLines(r);
  if (await r.eof()) return { kind: 'end' };
  const start = r.offset;
  const first = await r.readLine(64);
  if (first === null) return { kind: 'end' };
  if (!Buffer.isBuffer(first) || !VERSION_RE.test(first.toString('latin1'))) {
    if (Buffer.isBuffer(first) && first[first.length - 1] !== 0x0a) return { kind: 'truncated', start, reason: 'truncated WARC record (end of data in the version line)' };
    const shown = Buffer.isBuffer(first) ? JSON.stringify(first.toString('latin1').trim().slice(0, 40)) : 'an over-long line';
    return { kind: 'bad', start, reason: `corrupt WARC record: expected a 'WARC/1.x' version line, found ${shown}`, resync: true };
  }
  const headers = new Map<string, string>();
  const lines: Buffer[] = [first];
  let total = first.length;
  let last = '';
  for (;;) {
    const line = await r.readLine(MAX_HEADER_LINE);
    if (line === null) return { kind: 'truncated', start, reason: 'truncated WARC record (end of data in the headers)' };
    if (!Buffer.isBuffer(line)) return { kind: 'bad', start, reason: 'corrupt WARC record: header line over 16 KiB', resync: true };
    if (line[line.length - 1] !== 0x0a) return { kind: 'truncated', start, reason: 'truncated WARC record (end of data in the headers)' };
    lines.push(line);
    total += line.length;
    if (total > MAX_HEADER_BYTES) return { kind: 'bad', start, reason: 'corrupt WARC record: headers over 256 KiB', resync: true };
    const s = line.toString('latin1').replace(/\r?\n$/, '');
    if (s === '') break;
    if ((s[0] === ' ' || s[0] === '\t') && last) {
      headers.set(last, `${headers.get(last)} ${s.trim()}`);
      continue;
    }
    const colon = s.indexOf(':');
    if (colon <= 0 || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(s.slice(0, colon))) {
      return { kind: 'bad', start, reason: `corrupt WARC record: bad header line ${JSON.stringify(s.slice(0, 40))}`, resync: true };
    }
    last = s.slice(0, colon).toLowerCase();
    headers.set(last, s.slice(colon + 1).trim());
  }
  const cl = headers.get('content-length');
  if (cl === undefined || !/^\d+$/.test(cl)) return { kind: 'bad', start, reason: `corrupt WARC record: ${cl === undefined ? 'no' : 'bad'} Content-Length`, resync: true };
  if (!headers.get('warc-type')) return { kind: 'bad', start, reason: 'corrupt WARC record: no WARC-Type', resync: true };
  const length = Number(cl);
  const headerBytes = Buffer.concat(lines, total);
  if (length > maxBlock) {
    const got = await r.skip(length);
    if (got < length) return { kind: 'truncated', start, reason: `truncated WARC record (${got} of ${length} block bytes)` };
    return checkEnd(r, { kind: 'record', start, headers, headerBytes, block: null, length });
  }
  const block = await r.read(length);
  if (block.length < length) return { kind: 'truncated', start, reason: `truncated WARC record (${block.length} of ${length} block bytes)` };
  return checkEnd(r, { kind: 'record', start, headers, headerBytes, block, length });
}

/** A block must be followed by CRLFCRLF; if not, Content-Length lied: quarantine and resync. */
async function checkEnd(r: ByteReader, rec: Extract<Framed, { kind: 'record' }>): Promise<Framed> {
  const tail = await r.peek(2);
  if (tail.length === 0 || (tail[0] === 0x0d && tail[1] === 0x0a) || tail[0] === 0x0a) return rec;
  // Mis-framed: the true end is probably inside the block we read; push back from there.
  if (rec.block) {
    const j = rec.block.indexOf(BOUNDARY);
    if (j >= 0) r.unshift(Buffer.from(rec.block.subarray(j + 4)));
  }
  return { kind: 'bad', start: rec.start, reason: `corrupt WARC record: Content-Length ${rec.length} does not end at a record boundary`, resync: true };
}

/** `key: value` lines of an application/warc-fields block (warcinfo). */
function warcFields(block: Buffer): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of block.toString('utf8').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) m.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  return m;
}

function stripUri(u: string | undefined): string | undefined {
  if (!u) return undefined;
  return u.startsWith('<') && u.endsWith('>') ? u.slice(1, -1) : u;
}

export async function* readWarc(file: string, r: ByteReader, opts: ResolvedReadOptions, codecName: string): AsyncGenerator<ReadItem> {
  let collection: string | undefined;
  // Block cap: the payload cap plus room for HTTP headers (payload size is checked again after decoding).
  const maxBlock = opts.maxDocBytes + (64 << 10);
  const q = (offset: number, reason: string): ReadItem => ({ quarantine: { file, offset, reason } });
  for (;;) {
    const f = await frame(r, maxBlock);
    // Damaged gzip members the decompressor skipped: a hole before this record loses the
    // records that were in it (one quarantine item); a hole inside it spoils this record.
    const gaps = r.takeGaps(f.kind === 'end' ? Infinity : r.offset);
    let inside: string | undefined;
    for (const g of gaps) {
      if (f.kind !== 'end' && g.offset > f.start) inside ??= g.reason;
      else yield q(g.offset, g.reason);
    }
    if (f.kind === 'end') break;
    if (f.kind === 'truncated') {
      yield q(f.start, inside ?? (r.error ? `${streamFailure(codecName, r.error)}: ${f.reason}` : f.reason));
      return;
    }
    if (f.kind === 'bad') {
      yield q(f.start, inside ?? f.reason);
      if (f.resync) {
        if (await r.skipTo(RESYNC)) await r.skip(1);
      }
      continue;
    }
    if (inside) {
      yield q(f.start, inside);
      continue;
    }
    const type = f.headers.get('warc-type')!.toLowerCase();
    if (type === 'warcinfo' && f.block) {
      const fields = warcFields(f.block);
      collection = fields.get('ispartof') ?? fields.get('collection') ?? collection;
      continue;
    }
    if (type !== 'response' && type !== 'conversion') continue; // request, metadata, revisit, resource: not documents
    if (!f.block) {
      yield q(f.start, `document too large: ${f.length} bytes > maxDocBytes ${opts.maxDocBytes} (skipped)`);
      continue;
    }
    const item = type === 'response' ? await responseDoc(file, f.start, f.headers, f.headerBytes, f.block, opts, collection) : conversionDoc(file, f.start, f.headers, f.block, opts, collection);
    yield item;
  }
  for (const g of r.takeGaps(Infinity)) yield q(g.offset, g.reason);
  if (r.error) yield q(r.offset, streamFailure(codecName, r.error));
}

function baseDoc(file: string, offset: number, kind: string, headers: Map<string, string>, opts: ResolvedReadOptions, collection: string | undefined): Doc {
  const doc: Doc = { id: docId(file, offset, opts.idBase), text: '', source: { file, offset, kind } };
  if (collection) doc.source.collection = collection;
  const url = stripUri(headers.get('warc-target-uri'));
  if (url) doc.url = url;
  const ts = headers.get('warc-date');
  if (ts) doc.ts = ts;
  return doc;
}

function conversionDoc(file: string, offset: number, headers: Map<string, string>, block: Buffer, opts: ResolvedReadOptions, collection: string | undefined): ReadItem {
  const bin = binaryReason(block);
  if (bin) return { quarantine: { file, offset, reason: bin } };
  const d = decodeUtf8(block, opts.maxInvalidRatio);
  if ('error' in d) return { quarantine: { file, offset, reason: d.error } };
  const doc = baseDoc(file, offset, 'wet-conversion', headers, opts, collection);
  doc.text = d.text;
  doc.meta = { contentType: 'text/plain', charset: 'utf-8' };
  // CommonCrawl WET: `WARC-Identified-Content-Language: hrv,eng` (CLD2, ISO 639-3), a hint for LID.
  const langs = headers.get('warc-identified-content-language');
  if (langs) doc.meta.inputLang = langs.split(',')[0]!.trim();
  if (d.invalid > 0) doc.quality = { invalid_utf8: d.invalid };
  return { doc };
}

async function responseDoc(file: string, offset: number, headers: Map<string, string>, headerBytes: Buffer, block: Buffer, opts: ResolvedReadOptions, collection: string | undefined): Promise<ReadItem> {
  const q = (reason: string): ReadItem => ({ quarantine: { file, offset, reason } });
  let status: number | undefined;
  const http: Record<string, string> = {};
  let payload: Uint8Array;
  try {
    // compressed = null: the block is not gzip (the file-level decompressor already ran), so
    // warcio must not try pako on it first.
    const rec = await new WARCParser(new AsyncIterReader([headerBytes, block], null), { keepHeadersCase: true }).parse();
    if (!rec) return q('corrupt WARC record: warcio could not parse it');
    if (rec.httpHeaders) {
      status = rec.httpHeaders.statusCode as number | undefined;
      for (const [k, v] of rec.httpHeaders.headers as Iterable<[string, string]>) {
        const key = k.toLowerCase();
        http[key] = http[key] !== undefined ? `${http[key]}, ${v}` : v;
      }
    }
    payload = await rec.readFully(true);
  } catch (e) {
    return q(`corrupt HTTP response in WARC record: ${(e as Error).message}`);
  }
  // warcio undoes chunking and gzip/deflate; brotli (common since 2017) is ours, bounded.
  if (/\bbr\b/i.test(http['content-encoding'] ?? '')) {
    try {
      payload = brotliDecompressSync(payload, { maxOutputLength: opts.maxDocBytes + 1 });
    } catch (e) {
      const tooBig = (e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError;
      return q(tooBig ? `document too large: brotli payload over maxDocBytes ${opts.maxDocBytes} (skipped)` : `corrupt brotli payload: ${(e as Error).message}`);
    }
  }
  if (payload.length > opts.maxDocBytes) return q(`document too large: ${payload.length} bytes > maxDocBytes ${opts.maxDocBytes} (skipped)`);
  const doc = baseDoc(file, offset, 'warc-response', headers, opts, collection);
  const ctRaw = http['content-type'] ?? '';
  const mime = ctRaw.split(';')[0]!.trim().toLowerCase();
  doc.meta = { httpHeaders: http, contentType: mime || undefined };
  if (status !== undefined && Number.isFinite(status)) doc.meta.status = status;
  if (!isTextualType(mime)) return { doc }; // the extract step drops it as extract.not-text
  const bin = binaryReason(payload);
  if (bin) return q(bin);
  const isHtml = mime === '' ? /^\s*</.test(Buffer.from(payload.subarray(0, 256)).toString('latin1')) : mime.includes('html') || mime.endsWith('+xml') || mime === 'application/xml';
  const d = decodeText(payload, { declared: charsetOfContentType(ctRaw), html: isHtml, maxInvalidRatio: opts.maxInvalidRatio });
  if ('error' in d) return q(d.error);
  doc.meta.charset = d.charset;
  doc.meta.charsetSource = d.source;
  if (d.invalid > 0) doc.quality = { invalid_utf8: d.invalid };
  if (isHtml) doc.meta.html = d.text;
  else doc.text = d.text;
  return { doc };
}
