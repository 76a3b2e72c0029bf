// The normalisation step: mojibake repair (UTF-8 bytes that were decoded as cp1252/latin-1,
// 'Ã©' → 'é', 'â€™' → '’'), control/format characters removed, Unicode NFC, whitespace
// normalised (spaces collapsed, lines trimmed, at most one blank line in a row). Not a charset
// detector (extract/ decodes bytes) and not a filter: it never drops. Reference: ftfy
// (fix_encoding, the "sloppy" cp1252 table), Unicode UAX #15 (NFC), datatrove FTFYFormatter.
import type { Doc } from '../doc.js';
import type { Step, StepContext } from '../step.js';
import { NormalizeConfigSchema, type NormalizeConfig } from './config.js';

// cp1252 bytes 0x80-0x9F as Unicode; the five holes (81 8D 8F 90 9D) decode as C1 controls, as
// in ftfy's "sloppy-windows-1252". 0xA0-0xFF are Latin-1 (code point = byte).
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ';
/** char code → cp1252 byte, for the characters a byte 0x80-0xFF decodes to. */
const TO_BYTE = new Map<number, number>();
for (let i = 0; i < 32; i++) TO_BYTE.set(CP1252_HIGH.charCodeAt(i), 0x80 + i);
for (let b = 0xa0; b <= 0xff; b++) TO_BYTE.set(b, b);
// Also the C1 controls themselves (text decoded as strict latin-1 rather than cp1252).
for (let b = 0x80; b <= 0x9f; b++) if (!TO_BYTE.has(b)) TO_BYTE.set(b, b);

const esc = (s: string): string => [...s].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
/** Characters that stand for a UTF-8 continuation byte 0x80-0xBF. */
const CONT = `[${esc(CP1252_HIGH)}\\u0080-\\u009f\\u00a0-\\u00bf]`;
// A lead byte C2-F4 (Â..ô) followed by 1-3 continuation characters. One compiled regex, reused.
const MOJIBAKE_RE = new RegExp(`[\\u00c2-\\u00f4]${CONT}{1,3}`, 'g');
// Two-byte repairs are only trusted for the leads that real mojibake is made of (Â Ã Ä Å: Latin
// letters; Î Ï: Greek; Ð Ñ: Cyrillic; Ä Å Æ È: Latin Extended), so real text such as "CAFÉ»" or
// "ESTÓ¡" (a capital before a Latin-1 symbol) is left alone; the decoded character must be a
// letter or a Latin-1 symbol, and the bytes must be valid UTF-8.
const TRUSTED_LEADS = new Set([0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc8, 0xce, 0xcf, 0xd0, 0xd1]);
const LETTERISH = /^[\p{L}\p{M}\u00a0-\u00bf]$/u;
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Repairs UTF-8-as-cp1252 mojibake; returns the text and how many sequences were repaired. */
export function repairMojibake(text: string): { text: string; repairs: number } {
  let repairs = 0;
  // Mojibake applied twice (Ã\u0083Â©) is repaired by a second pass.
  for (let pass = 0; pass < 2; pass++) {
    MOJIBAKE_RE.lastIndex = 0;
    if (!MOJIBAKE_RE.test(text)) break;
    let n = 0;
    text = text.replace(MOJIBAKE_RE, (m) => {
      const lead = m.charCodeAt(0);
      const need = lead < 0xe0 ? 1 : lead < 0xf0 ? 2 : 3;
      if (m.length - 1 < need) return m;
      const bytes = new Uint8Array(need + 1);
      bytes[0] = lead;
      for (let i = 1; i <= need; i++) bytes[i] = TO_BYTE.get(m.charCodeAt(i))!;
      let dec: string;
      try {
        dec = decoder.decode(bytes);
      } catch {
        return m;
      }
      if (need === 1) {
        if (!TRUSTED_LEADS.has(lead) || !LETTERISH.test(dec)) return m;
      }
      n++;
      return dec + m.slice(need + 1);
    });
    repairs += n;
    if (n === 0) break;
  }
  return { text, repairs };
}

// C0/C1 controls except \t \n (\r is handled as a newline), and format characters that carry
// no text (soft hyphen, zero-width space, BOM, bidi marks). ZWJ/ZWNJ are kept (needed by some
// scripts and emoji).
// eslint-disable-next-line no-control-regex -- control characters are what it removes
const CONTROL_RE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u00ad\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/g;
const NEWLINES_RE = /\r\n?|[\u2028\u2029\u0085]/g;
// Only what changes: 2+ whitespace characters in a row or any non-space whitespace (a regex
// matching every single space makes replace() allocate per space: 30× slower on big texts).
const SPACES_RE = / [^\S\n]+|[^\S\n ][^\S\n]*/g;
const LINE_EDGE_RE = / \n ?|\n /g;
const BLANKS_RE = /\n{3,}/g;

// NFC fast path: a BMP character is "stable" if it is its own NFC form and can never compose
// with a preceding character (not a combining mark, not a Hangul jamo). A text of stable
// characters only is already NFC, so normalize() (≈10× slower than the scan) is skipped.
let NFC_STABLE: Uint8Array | undefined;
function nfcStable(): Uint8Array {
  if (!NFC_STABLE) {
    const t = new Uint8Array(65536);
    const mark = /\p{M}/u;
    for (let c = 0; c < 65536; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue; // astral: always the slow path
      if (c >= 0x1100 && c <= 0x11ff) continue; // Hangul jamo compose without being marks
      const ch = String.fromCharCode(c);
      t[c] = !mark.test(ch) && ch.normalize('NFC') === ch ? 1 : 0;
    }
    NFC_STABLE = t;
  }
  return NFC_STABLE;
}

/** NFC with a linear pre-scan that skips the ICU call for text that is trivially NFC. */
function toNfc(text: string): string {
  const st = nfcStable();
  for (let i = 0; i < text.length; i++) if (!st[text.charCodeAt(i)]) return text.normalize('NFC');
  return text;
}

export interface NormalizeResult {
  text: string;
  mojibake: number;
  controls: boolean;
}

const DEFAULT_NORMALIZE: NormalizeConfig = NormalizeConfigSchema.parse({});

/** The whole normalisation on one string (pure; the step wraps it). */
export function normalizeText(text: string, cfg: NormalizeConfig = DEFAULT_NORMALIZE): NormalizeResult {
  let mojibake = 0;
  let controls = false;
  // Line separators first: NEL (U+0085) is also a C1 control and must become a newline.
  text = text.replace(NEWLINES_RE, '\n');
  if (cfg.mojibake) {
    const r = repairMojibake(text);
    text = r.text;
    mojibake = r.repairs;
  }
  if (cfg.controlChars) {
    const before = text.length;
    text = text.replace(CONTROL_RE, '');
    controls = text.length !== before;
  }
  if (cfg.nfc) text = toNfc(text);
  if (cfg.whitespace) text = text.replace(SPACES_RE, ' ').replace(LINE_EDGE_RE, '\n').replace(BLANKS_RE, '\n\n').trim();
  return { text, mojibake, controls };
}

/** Step `normalize`: rewrites doc.text in place; counts repairs in ctx.stats, never drops. */
export class NormalizeStep implements Step {
  readonly name = 'normalize';
  readonly config: NormalizeConfig;
  constructor(config: Partial<NormalizeConfig> = {}) {
    this.config = NormalizeConfigSchema.parse(config);
  }
  each(doc: Doc, ctx: StepContext): boolean {
    if (this.config.enabled) {
      const r = normalizeText(doc.text, this.config);
      if (r.text !== doc.text) ctx.stats.inc('normalize.changed');
      if (r.mojibake > 0) {
        ctx.stats.inc('normalize.mojibake_docs');
        ctx.stats.inc('normalize.mojibake_repairs', r.mojibake);
      }
      if (r.controls) ctx.stats.inc('normalize.control_chars_docs');
      doc.text = r.text;
    }
    return true;
  }
  async *run(docs: AsyncIterable<Doc>, ctx: StepContext): AsyncIterable<Doc> {
    for await (const doc of docs) if (this.each(doc, ctx)) yield doc;
  }
}
