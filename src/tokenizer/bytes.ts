// GPT-2's byte-level alphabet: every byte 0..255 maps to one printable Unicode character, so a
// BPE vocabulary over these characters can spell any byte string (no byte ever falls out).
// Not a text codec: UTF-8 encoding/decoding of whole strings stays with TextEncoder/Decoder.
// Reference: openai/gpt-2 src/encoder.py `bytes_to_unicode`; HF tokenizers `pre_tokenizers/byte_level.rs`.

/** `BYTE_ORDER[i]` is the byte whose character is the i-th in GPT-2 order ('!' first). */
export const BYTE_ORDER: readonly number[] = (() => {
  const bs: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) bs.push(b);
  for (let b = 0xa1; b <= 0xac; b++) bs.push(b);
  for (let b = 0xae; b <= 0xff; b++) bs.push(b);
  for (let b = 0; b < 256; b++) if (!bs.includes(b)) bs.push(b);
  return bs;
})();

/** Byte → its byte-level character code (U+0021.., U+0100.. for the unprintable ones). */
export const BYTE_TO_CHAR = new Uint16Array(256);
/** Character code → byte, or -1 for characters outside the byte-level alphabet. */
export const CHAR_TO_BYTE = new Int16Array(324).fill(-1);
{
  let n = 0;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    const c = printable ? b : 256 + n++;
    BYTE_TO_CHAR[b] = c;
    CHAR_TO_BYTE[c] = b;
  }
}

/** The byte-level spelling of a UTF-8 byte string (`"Ġhello"` for `" hello"`). */
export function bytesToLevel(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(BYTE_TO_CHAR[bytes[i]!]!);
  return s;
}

/**
 * UTF-8 encodes `s` into `out` starting at 0 (grows nothing: caller sizes `out` ≥ 3·s.length).
 * Lone surrogates become U+FFFD like TextEncoder. Returns the byte count.
 */
export function utf8Into(s: string, out: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      out[n++] = c;
    } else if (c < 0x800) {
      out[n++] = 0xc0 | (c >> 6);
      out[n++] = 0x80 | (c & 63);
    } else {
      if (c >= 0xd800 && c <= 0xdfff) {
        const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          i++;
          out[n++] = 0xf0 | (c >> 18);
          out[n++] = 0x80 | ((c >> 12) & 63);
          out[n++] = 0x80 | ((c >> 6) & 63);
          out[n++] = 0x80 | (c & 63);
          continue;
        }
        c = 0xfffd;
      }
      out[n++] = 0xe0 | (c >> 12);
      out[n++] = 0x80 | ((c >> 6) & 63);
      out[n++] = 0x80 | (c & 63);
    }
  }
  return n;
}
