// Builds small mixed-language corpora for the end-to-end data tests and the data benchmark, from
// real sentences (../shared/data/ud, read at run time, never copied into the repo): HPLT JSONL
// (.zst/.gz), WARC with HTML pages (.warc.gz, written by warcio via tests/helpers/warc.ts), and
// text files, with planted exact and near duplicates, PII and a TDM-reserved page. Also the bad
// inputs of the fault tests. Not a test: tests and bench/data import it.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { zstd } from '../../src/util/compress.js';
import { concat, responseRecord, warcinfoRecord } from './warc.js';

export const SHARED_UD = new URL('../../../shared/data/ud/', import.meta.url).pathname;

export function haveUd(): boolean {
  return existsSync(join(SHARED_UD, 'hr.txt'));
}

/** Sentences of one UD language file (trimmed, non-empty). */
export function sentences(lang: string): string[] {
  return readFileSync(join(SHARED_UD, `${lang}.txt`), 'utf8')
    .split('\n')
    .map((s) => s.trim())
    .filter((s) => s.length > 20);
}

/** Documents of `perDoc` consecutive sentences, two paragraphs each (real text passes the quality filter). */
export function docsOf(lang: string, n: number, perDoc = 12, start = 0): string[] {
  const s = sentences(lang);
  const out: string[] = [];
  for (let d = 0; d < n; d++) {
    const part: string[] = [];
    for (let k = 0; k < perDoc; k++) part.push(s[(start + d * perDoc + k) % s.length]!);
    const half = Math.ceil(perDoc / 2);
    out.push(part.slice(0, half).join(' ') + '\n\n' + part.slice(half).join(' '));
  }
  return out;
}

const esc = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;');

export function htmlPage(title: string, text: string, lang = 'en'): string {
  const paras = text
    .split('\n\n')
    .map((p) => `<p>${esc(p)}</p>`)
    .join('\n');
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${esc(title)}</title></head><body>
<nav><a href="/">Home</a> | <a href="/news">News</a> | <a href="/about">About</a></nav>
<main><h1>${esc(title)}</h1>
${paras}
</main>
<footer>© 2024 Example. All rights reserved. <a href="/privacy">Privacy</a></footer>
<div class="cookie-banner">We use cookies to improve your experience. Accept all cookies?</div>
</body></html>`;
}

export interface CorpusInfo {
  dir: string;
  /** Records the readers will see (documents + quarantined records), when known. */
  records: number;
}

/**
 * A mixed corpus: `langs` × `perLang` documents split over JSONL.zst, JSONL.gz, WARC.gz and text
 * files, plus 3 exact duplicates, 2 near duplicates, 2 documents with an e-mail / IBAN and one
 * TDM-reserved page (HTTP `tdm-reservation: 1`).
 */
export async function buildCorpus(dir: string, opts: { langs?: string[]; perLang?: number } = {}): Promise<CorpusInfo> {
  const langs = opts.langs ?? ['hr', 'cs', 'de', 'fr', 'sr', 'sv'];
  const perLang = opts.perLang ?? 6;
  mkdirSync(dir, { recursive: true });
  const jsonl: string[] = [];
  const jsonl2: string[] = [];
  const warcParts: Uint8Array[] = [await warcinfoRecord('CC-MAIN-2024-10', true)];
  let responses = 0;
  let txt = 0;
  const all: string[] = [];
  for (const lang of langs) {
    const docs = docsOf(lang, perLang);
    for (let i = 0; i < docs.length; i++) {
      const text = docs[i]!;
      all.push(text);
      const url = `https://www.${lang}-site${i % 2}.example/${lang}/${i}`;
      const ts = `2024-0${1 + (i % 9)}-1${i % 10}T10:00:00Z`;
      if (i % 3 === 0) jsonl.push(JSON.stringify({ text, url, ts }));
      else if (i % 3 === 1) jsonl2.push(JSON.stringify({ u: url, ts, text }));
      else {
        warcParts.push(await responseRecord({ url: `https://news.${lang}.example/a/${i}`, date: `2024-05-0${1 + (i % 8)}T08:00:00Z`, body: htmlPage(`${lang} ${i}`, text, lang) }, true));
        responses++;
      }
    }
  }
  // Planted duplicates: exact copies, and near copies (one sentence inserted) as text files.
  for (let k = 0; k < 3; k++) jsonl2.push(JSON.stringify({ text: all[(k * perLang) % all.length]!, url: `https://mirror.example/${k}`, ts: '2023-12-31T00:00:00Z' }));
  for (let k = 0; k < 2; k++) {
    writeFileSync(join(dir, `near-${k}.txt`), all[(k * 7 + 1) % all.length]!.replace(/\.\s/, '. Ovo je jedna nova rečenica. '));
    txt++;
  }
  // PII and a TDM-reserved page.
  jsonl.push(JSON.stringify({ text: all[3]! + '\n\nKontakt: ana.horvat@example.hr, IBAN HR1210010051863000160.', url: 'https://pii.example/1', ts: '2024-02-02T00:00:00Z' }));
  warcParts.push(await responseRecord({ url: 'https://reserved.example/story', body: htmlPage('reserved', docsOf('de', 1, 12, 300)[0]!, 'de'), httpHeaders: { 'Content-Type': 'text/html; charset=utf-8', 'tdm-reservation': '1' } }, true));
  responses++;
  writeFileSync(join(dir, 'a.jsonl.zst'), zstd(Buffer.from(jsonl.join('\n') + '\n')));
  writeFileSync(join(dir, 'b.jsonl.gz'), gzipSync(jsonl2.join('\n') + '\n'));
  writeFileSync(join(dir, 'c.warc.gz'), concat(warcParts));
  // One plain-text document.
  writeFileSync(join(dir, 'd.txt'), docsOf('sv', 1, 12, 200)[0]!);
  txt++;
  return { dir, records: jsonl.length + jsonl2.length + responses + txt };
}

/**
 * The fault corpus of the issue: truncated .gz and .zst, a corrupt WARC record between good ones,
 * invalid UTF-8, a binary payload, a 50 MB single document, empty files, an unknown encoding.
 */
export async function buildBadCorpus(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const good = docsOf('hr', 8, 12, 50);
  const lines = good.map((text, i) => JSON.stringify({ text, url: `https://bad.example/${i}` }));
  // Truncated gzip and zstd: complete records first, then the stream ends mid-frame.
  const gz = gzipSync(Buffer.from(lines.slice(0, 4).join('\n') + '\n'));
  writeFileSync(join(dir, 'trunc.jsonl.gz'), gz.subarray(0, Math.floor(gz.length * 0.7)));
  const zs = zstd(Buffer.from(lines.slice(4, 8).join('\n') + '\n'));
  writeFileSync(join(dir, 'trunc.jsonl.zst'), zs.subarray(0, Math.floor(zs.length * 0.7)));
  // Corrupt WARC: good, a record with a lying Content-Length / garbage header, good.
  const r1 = await responseRecord({ url: 'https://w.example/1', body: htmlPage('one', good[0]!, 'hr') });
  const r3 = await responseRecord({ url: 'https://w.example/3', body: htmlPage('three', good[1]!, 'hr') });
  const broken = Buffer.from('WARC/1.1\r\nWARC-Type: response\r\nContent-Length: notanumber\r\n\r\ngarbage garbage\r\n\r\n');
  writeFileSync(join(dir, 'corrupt.warc'), concat([r1, broken, r3]));
  // Invalid UTF-8 in a JSONL line's text (raw bytes, not escapes).
  const bad = Buffer.concat([Buffer.from('{"text": "'), Buffer.alloc(400, 0xff), Buffer.from('"}\n')]);
  writeFileSync(join(dir, 'invalid-utf8.jsonl'), Buffer.concat([Buffer.from(lines[0]! + '\n'), bad]));
  // Binary payload named as text, and a WARC response that is a PNG labelled text/html.
  writeFileSync(join(dir, 'binary.txt'), Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(2000, 7)]));
  // A 50 MB single document.
  writeFileSync(join(dir, 'huge.txt'), Buffer.alloc(50 * 1024 * 1024, 'riječ '));
  // Empty files.
  writeFileSync(join(dir, 'empty.jsonl'), '');
  writeFileSync(join(dir, 'empty.txt'), '');
  writeFileSync(join(dir, 'empty.jsonl.gz'), gzipSync(Buffer.alloc(0)));
  // An encoding no detector knows: a WARC response declaring charset=x-klingon, bytes not UTF-8.
  const weird = await responseRecord({
    url: 'https://enc.example/x',
    body: Buffer.concat([Buffer.from('<html><body><p>'), Buffer.from([0xc8, 0xe0, 0xf5, 0x81, 0x8d, 0x90, 0x9d, 0xfe, 0xfd, 0xa0]), Buffer.from('</p></body></html>')]),
    httpHeaders: { 'Content-Type': 'text/html; charset=x-klingon' },
  });
  writeFileSync(join(dir, 'encoding.warc'), weird);
}
