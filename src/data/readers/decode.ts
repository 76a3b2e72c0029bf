// Bytes → text for the readers: binary-payload detection, charset choice (BOM → HTTP header →
// HTML <meta> → UTF-8 validity → chardet detection), decoding with iconv-lite, and the invalid-
// UTF-8 policy. Policy (documented in README): replacement characters are counted in
// `quality.invalid_utf8`; a document where more than `maxInvalidRatio` (default 1%) of the
// characters had to be replaced is quarantined instead. Not an HTML parser (extract/ is).
// References: WHATWG Encoding (labels, latin1 → windows-1252), HTML §13.2.3.2 prescan.
import chardet from 'chardet';
import iconv from 'iconv-lite';

const DEFAULT_MAX_INVALID_RATIO = 0.01;

type CharsetSource = 'bom' | 'header' | 'meta' | 'utf8' | 'detected' | 'fallback';

type Decoded = { text: string; charset: string; source: CharsetSource; invalid: number } | { error: string };

const utf8Fatal = new TextDecoder('utf-8', { fatal: true });
const utf8Lax = new TextDecoder('utf-8', { fatal: false });

/** Magic numbers of common binary formats that servers mislabel as text. */
const MAGIC: [string, number[]][] = [
  ['pdf', [0x25, 0x50, 0x44, 0x46]],
  ['png', [0x89, 0x50, 0x4e, 0x47]],
  ['jpeg', [0xff, 0xd8, 0xff]],
  ['gif', [0x47, 0x49, 0x46, 0x38]],
  ['zip', [0x50, 0x4b, 0x03, 0x04]],
  ['gzip', [0x1f, 0x8b]],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
  ['elf', [0x7f, 0x45, 0x4c, 0x46]],
  ['webp/riff', [0x52, 0x49, 0x46, 0x46]],
  ['wasm', [0x00, 0x61, 0x73, 0x6d]],
];

function bomOf(b: Uint8Array): { charset: string; len: number } | null {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { charset: 'utf-8', len: 3 };
  if (b[0] === 0xff && b[1] === 0xfe) return { charset: 'utf-16le', len: 2 };
  if (b[0] === 0xfe && b[1] === 0xff) return { charset: 'utf-16be', len: 2 };
  return null;
}

/**
 * Why `bytes` are not text, or null. Looks at the first 8 KiB: known binary magic numbers, NUL
 * bytes, or more than 10% C0 control bytes (tab, LF, FF, CR and ESC excepted). UTF-16 with a BOM
 * is text.
 */
export function binaryReason(bytes: Uint8Array): string | null {
  if (bytes.length === 0 || bomOf(bytes)) return null;
  for (const [name, m] of MAGIC) if (m.every((v, i) => bytes[i] === v)) return `binary payload (${name} signature)`;
  const n = Math.min(bytes.length, 8192);
  let ctrl = 0;
  let nul = 0;
  for (let i = 0; i < n; i++) {
    const c = bytes[i]!;
    if (c === 0) nul++;
    else if (c < 0x20 && c !== 9 && c !== 10 && c !== 12 && c !== 13 && c !== 27) ctrl++;
  }
  if (nul > 0) return `binary payload (${nul} NUL bytes in the first ${n})`;
  if (ctrl / n > 0.1) return `binary payload (${((100 * ctrl) / n).toFixed(0)}% control bytes)`;
  return null;
}

/** Normalises a charset label to one iconv-lite knows, or null. latin1/ascii → windows-1252 (WHATWG). */
export function normaliseCharset(label: string | undefined | null): string | null {
  if (!label) return null;
  let l = label
    .trim()
    .replace(/^["']|["']$/g, '')
    .toLowerCase();
  if (!l) return null;
  if (l === 'utf8' || l === 'unicode-1-1-utf-8' || l === 'x-unicode20utf8') l = 'utf-8';
  if (['iso-8859-1', 'iso8859-1', 'latin1', 'l1', 'us-ascii', 'ascii', 'iso_8859-1', 'cp819', 'ibm819'].includes(l)) l = 'windows-1252';
  if (l === 'x-sjis') l = 'shift_jis';
  return iconv.encodingExists(l) ? l : null;
}

/** `charset=` parameter of a Content-Type value. */
export function charsetOfContentType(ct: string | undefined): string | undefined {
  const m = ct ? /charset\s*=\s*["']?([^;"'\s]+)/i.exec(ct) : null;
  return m ? m[1] : undefined;
}

/** HTML prescan (simplified): `<meta charset=x>` or `<meta http-equiv=content-type content="…charset=x">` in the first 4 KiB. */
export function sniffMetaCharset(bytes: Uint8Array): string | undefined {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 4096)).toString('latin1');
  const re = /<meta\b[^>]*>/gi;
  for (let m = re.exec(head); m; m = re.exec(head)) {
    const tag = m[0];
    const cs = /\bcharset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)/i.exec(tag);
    if (cs) return cs[1];
  }
  return undefined;
}

/** Counts U+FFFD introduced by lax UTF-8 decoding (genuine U+FFFD in the input are not counted). */
function laxUtf8(bytes: Uint8Array): { text: string; invalid: number } {
  const text = utf8Lax.decode(bytes);
  let repl = 0;
  for (let i = text.indexOf('\uFFFD'); i >= 0; i = text.indexOf('\uFFFD', i + 1)) repl++;
  if (repl === 0) return { text, invalid: 0 };
  let genuine = 0;
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pat = Buffer.from([0xef, 0xbf, 0xbd]);
  for (let i = b.indexOf(pat); i >= 0; i = b.indexOf(pat, i + 3)) genuine++;
  return { text, invalid: repl - genuine };
}

function tryUtf8(bytes: Uint8Array): string | null {
  try {
    return utf8Fatal.decode(bytes);
  } catch {
    return null;
  }
}

function detect(bytes: Uint8Array): string | null {
  const sample = bytes.length > 65536 ? bytes.subarray(0, 65536) : bytes;
  const name = chardet.detect(sample);
  return normaliseCharset(name);
}

export interface DecodeOptions {
  /** Charset label from the HTTP Content-Type header. */
  declared?: string | undefined;
  /** Look for an HTML <meta> charset declaration. */
  html?: boolean;
  /** Quarantine when more than this fraction of characters are replacement characters. */
  maxInvalidRatio?: number;
}

/** Decodes document bytes, choosing the charset; `{error}` when the bytes cannot be made into text. */
export function decodeText(bytes: Uint8Array, opts: DecodeOptions = {}): Decoded {
  const maxRatio = opts.maxInvalidRatio ?? DEFAULT_MAX_INVALID_RATIO;
  if (bytes.length === 0) return { text: '', charset: 'utf-8', source: 'utf8', invalid: 0 };
  const bom = bomOf(bytes);
  let charset: string | null;
  let source: CharsetSource = 'fallback';
  let body = bytes;
  if (bom) {
    charset = bom.charset;
    source = 'bom';
    body = bytes.subarray(bom.len);
  } else if ((charset = normaliseCharset(opts.declared))) {
    source = 'header';
  } else if (opts.html && (charset = normaliseCharset(sniffMetaCharset(bytes)))) {
    source = 'meta';
  }
  // A UTF-16 label on bytes without a BOM is a lie more often than not (WHATWG treats meta
  // utf-16 as utf-8); only a BOM selects UTF-16.
  if (charset && charset.startsWith('utf-16') && source !== 'bom') charset = null;

  if (charset && charset !== 'utf-8') {
    const text = iconv.decode(Buffer.from(body.buffer, body.byteOffset, body.byteLength), charset);
    return finish(text, 0, charset, source, maxRatio, opts.declared);
  }
  // Declared UTF-8, or nothing declared: valid UTF-8 wins. Declared UTF-8 with invalid bytes
  // follows the invalid-UTF-8 rule (count, or quarantine past maxRatio), never a re-decode in a
  // guessed charset (that published windows-1252 mojibake with no count); only undeclared bytes
  // are detected.
  const strict = tryUtf8(body);
  if (strict !== null) return { text: strict, charset: 'utf-8', source: charset ? source : 'utf8', invalid: 0 };
  const lax = laxUtf8(body);
  if (!charset) {
    const det = detect(body);
    if (det && det !== 'utf-8') {
      return finish(iconv.decode(Buffer.from(body.buffer, body.byteOffset, body.byteLength), det), 0, det, 'detected', maxRatio, opts.declared);
    }
  }
  return finish(lax.text, lax.invalid, 'utf-8', charset ? source : 'fallback', maxRatio, opts.declared);
}

function finish(text: string, invalid: number, charset: string, source: CharsetSource, maxRatio: number, declared?: string): Decoded {
  const ratio = invalid / Math.max(1, text.length);
  if (ratio > maxRatio) {
    const what = declared && !normaliseCharset(declared) ? `unknown encoding '${declared}' and ` : '';
    return { error: `${what}invalid UTF-8: ${invalid} of ${text.length} characters replaced (${(100 * ratio).toFixed(1)}% > ${(100 * maxRatio).toFixed(1)}%)` };
  }
  return { text, charset, source, invalid };
}

/** Validates UTF-8 text bytes (JSONL lines, WET blocks): lax decode + the same ratio policy. */
export function decodeUtf8(bytes: Uint8Array, maxInvalidRatio = DEFAULT_MAX_INVALID_RATIO): Decoded {
  const strict = tryUtf8(bytes);
  if (strict !== null) return { text: strict, charset: 'utf-8', source: 'utf8', invalid: 0 };
  const lax = laxUtf8(bytes);
  return finish(lax.text, lax.invalid, 'utf-8', 'fallback', maxInvalidRatio);
}
