// Test fixture builders for WARC/WET files, written with warcio's own serializer (so the reader
// is tested against bytes another implementation produced). Not a test file; tests import it.
// Reference: warcio.js README "Writing WARC Files".
import { WARCRecord, WARCSerializer } from 'warcio';

export interface ResponseSpec {
  url: string;
  date?: string;
  /** Payload bytes or UTF-8 text. */
  body: string | Uint8Array;
  httpHeaders?: Record<string, string>;
  status?: string;
}

async function* once(b: Uint8Array): AsyncGenerator<Uint8Array> {
  yield b;
}

const bytes = (b: string | Uint8Array): Uint8Array => (typeof b === 'string' ? new TextEncoder().encode(b) : b);

/** One serialized `response` record (optionally its own gzip member). */
export async function responseRecord(s: ResponseSpec, gzip = false): Promise<Uint8Array> {
  const rec = await WARCRecord.create(
    {
      url: s.url,
      date: s.date ?? '2024-03-01T12:00:00Z',
      type: 'response',
      warcVersion: 'WARC/1.1',
      statusline: s.status ?? 'HTTP/1.1 200 OK',
      httpHeaders: s.httpHeaders ?? { 'Content-Type': 'text/html; charset=utf-8' },
    },
    once(bytes(s.body)),
  );
  return WARCSerializer.serialize(rec, { gzip });
}

/** A `warcinfo` record naming the collection (CommonCrawl's `isPartOf`). */
export async function warcinfoRecord(collection: string, gzip = false): Promise<Uint8Array> {
  const rec = await WARCRecord.createWARCInfo({ filename: 'test.warc', warcVersion: 'WARC/1.1' }, { isPartOf: collection, software: 'oellm tests' });
  return WARCSerializer.serialize(rec, { gzip });
}

/** A WET `conversion` record (plain UTF-8 text). */
export async function conversionRecord(url: string, text: string | Uint8Array, gzip = false, lang?: string): Promise<Uint8Array> {
  const rec = await WARCRecord.create(
    { url, date: '2024-03-01T12:00:00Z', type: 'conversion', warcVersion: 'WARC/1.1', warcHeaders: { 'Content-Type': 'text/plain', ...(lang ? { 'WARC-Identified-Content-Language': lang } : {}) } },
    once(bytes(text)),
  );
  return WARCSerializer.serialize(rec, { gzip });
}

/** A `request` record (not a document: readers skip it). */
export async function requestRecord(url: string, gzip = false): Promise<Uint8Array> {
  const rec = await WARCRecord.create({ url, date: '2024-03-01T12:00:00Z', type: 'request', warcVersion: 'WARC/1.1', statusline: 'GET / HTTP/1.1', httpHeaders: { Host: new URL(url).host } }, once(new Uint8Array(0)));
  return WARCSerializer.serialize(rec, { gzip });
}

export function concat(parts: Uint8Array[]): Buffer {
  return Buffer.concat(parts.map((p) => Buffer.from(p)));
}
