// The PII detectors as a data table: one row per detector (type, country, pattern, checksum
// validation, and for weak checksums the languages / context words that must accompany a
// match). Only matches whose checksum (or structure, for e-mail and IP) validates count.
// Not the step (index.ts). References: ISO 13616 (IBAN), ISO/IEC 7812 (cards), national ID
// specifications as summarised in python-stdnum (stdnum/<cc>/*.py), RFC 5321 / 6890 / 4291.
import { isIPv6 } from 'node:net';
import type { PiiType } from './config.js';
import { d, digitsOf, iso7064Mod11_10, luhn, mod97, n2, validDate, weighted } from './checks.js';

interface Match {
  start: number;
  end: number;
}

export interface Detector {
  /** Unique name (`email`, `es_dni`…). */
  name: string;
  type: PiiType;
  /** ISO 3166 country of a national ID. */
  country?: string;
  /** Fewest ASCII digits a document needs for this detector to run at all (cheap pre-check). */
  minDigits: number;
  /** A character the document must contain for this detector to run (cheap pre-check). */
  needs?: string;
  /**
   * For checksums that random numbers pass too often (≥ ~1%): the match only counts when the
   * document's language is one of `langs` or one of `context` occurs in the 48 characters before.
   */
  langs?: readonly string[];
  context?: RegExp;
  /** A match is ignored when this matches the text just before it (version numbers are not IPs). */
  notAfter?: RegExp;
  /** Candidate pattern (global, sticky-free, compiled once); the span is group `group` or the match. */
  re?: RegExp;
  group?: number;
  /** Custom scanner instead of `re` (e-mail). */
  scan?: (text: string) => Iterable<Match>;
  /** Validates a candidate; returns false, true, or the number of leading characters that form a valid match. */
  validate: (s: string) => boolean | number;
}

// Boundaries: no letter/digit/underscore directly before or after a candidate.
const NB = '(?<![\\p{L}\\p{N}_])';
const NA = '(?![\\p{L}\\p{N}_])';
// Numeric boundary: also not inside a decimal number or a longer dotted/hyphenated number.
const NBN = '(?<![\\p{L}\\p{N}_]|\\d[.,/-])';
const NAN = '(?![\\p{L}\\p{N}_]|[.,/-]\\d)';
const rx = (s: string, flags = 'gu'): RegExp => new RegExp(s, flags);

// ---------- e-mail: scan around each '@' (no regex backtracking over long tokens) ----------
const LOCAL = new Uint8Array(128);
for (const c of "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.!#$%&'*+/=?^_`{|}~-") LOCAL[c.charCodeAt(0)] = 1;
const DOMAIN = new Uint8Array(128);
for (const c of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-') DOMAIN[c.charCodeAt(0)] = 1;
const LABEL_RE = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const TLD_RE = /^[A-Za-z]{2,24}$/;
function* scanEmail(text: string): Iterable<Match> {
  for (let at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
    let s = at;
    while (s > 0 && s > at - 64 && LOCAL[text.charCodeAt(s - 1)]) s--;
    let e = at + 1;
    while (e < text.length && e < at + 256 && DOMAIN[text.charCodeAt(e)]) e++;
    // trailing dots/hyphens are sentence punctuation, not part of the domain
    while (e > at + 1 && (text[e - 1] === '.' || text[e - 1] === '-')) e--;
    while (s < at && text[s] === '.') s++;
    if (s === at || e === at + 1) continue;
    if (validEmail(text.slice(s, at), text.slice(at + 1, e))) yield { start: s, end: e };
  }
}
function validEmail(local: string, domain: string): boolean {
  if (local.includes('..') || local.endsWith('.')) return false;
  const labels = domain.split('.');
  if (labels.length < 2) return false;
  if (!labels.every((l) => LABEL_RE.test(l))) return false;
  return TLD_RE.test(labels[labels.length - 1]!);
}

// ---------- IP addresses ----------
/** Public IPv4: not in any special-purpose block of the IANA registry (RFC 6890 and successors). */
export function publicIPv4(s: string): boolean {
  const p = s.split('.');
  if (p.length !== 4) return false;
  const o: number[] = [];
  for (const x of p) {
    if (!/^\d{1,3}$/.test(x) || (x.length > 1 && x[0] === '0')) return false;
    const v = Number(x);
    if (v > 255) return false;
    o.push(v);
  }
  const [a, b, c] = o as [number, number, number, number];
  // "2.1.3.6" is a section number far more often than an address (8.8.8.8-style repeats pass)
  if (o.every((x) => x <= 9) && !o.every((x) => x === a)) return false;
  if (a === 0 || a === 10 || a === 127 || a >= 224) return false; // this-network, private, loopback, multicast/reserved
  if (a === 100 && b >= 64 && b <= 127) return false; // CGNAT 100.64/10
  if (a === 169 && b === 254) return false; // link-local
  if (a === 172 && b >= 16 && b <= 31) return false; // private
  if (a === 192 && b === 168) return false; // private
  if (a === 192 && b === 0 && (c === 0 || c === 2)) return false; // IETF protocol, TEST-NET-1
  if (a === 198 && (b === 18 || b === 19)) return false; // benchmarking
  if (a === 198 && b === 51 && c === 100) return false; // TEST-NET-2
  if (a === 203 && b === 0 && c === 113) return false; // TEST-NET-3
  return true;
}

/** Global unicast IPv6 (RFC 4291): not loopback/unspecified, link-local, ULA, multicast, documentation, mapped. */
export function publicIPv6(s: string): boolean {
  if (!isIPv6(s)) return false;
  const lower = s.toLowerCase();
  if (lower === '::' || lower === '::1') return false;
  // The first hextet (expanded) decides the block.
  const first = lower.startsWith('::') ? 0 : parseInt(lower.split(':')[0]!, 16);
  if (first === 0) return false; // ::/16 incl. IPv4-mapped/compatible
  if ((first & 0xffc0) === 0xfe80) return false; // link-local
  if ((first & 0xfe00) === 0xfc00) return false; // unique local
  if ((first & 0xff00) === 0xff00) return false; // multicast
  if (lower.startsWith('2001:db8:') || lower.startsWith('2001:0db8:')) return false; // documentation
  // Needs at least 3 hextets or a '::' so times like "12:30:45" never pass (isIPv6 rejects them anyway).
  return true;
}

// ---------- phones ----------
// National significant number length (digits after the country code) per calling code.
// prettier-ignore
const NSN: Record<string, [number, number]> = {
  '30': [10, 10], '31': [9, 9], '32': [8, 9], '33': [9, 9], '34': [9, 9], '36': [8, 9], '39': [6, 11], '40': [9, 9], '41': [9, 9],
  '43': [4, 13], '44': [9, 10], '45': [8, 8], '46': [7, 9], '47': [8, 8], '48': [9, 9], '49': [6, 13], '90': [10, 10],
  '350': [8, 8], '351': [9, 9], '352': [4, 11], '353': [7, 9], '354': [7, 7], '355': [8, 9], '356': [8, 8], '357': [8, 8],
  '358': [5, 12], '359': [7, 9], '370': [8, 8], '371': [8, 8], '372': [7, 8], '373': [8, 8], '376': [6, 6], '377': [8, 9],
  '378': [6, 10], '380': [9, 9], '381': [8, 9], '382': [8, 8], '383': [8, 8], '385': [8, 9], '386': [8, 8], '387': [8, 8],
  '389': [8, 8], '420': [9, 9], '421': [9, 9], '423': [7, 7], '995': [9, 9],
};
const CC_ALT = Object.keys(NSN)
  .sort((a, b) => b.length - a.length || a.localeCompare(b))
  .join('|');
const SEP = '[ .\\-/]';
const INTL_RE = rx(`(?<![\\p{L}\\p{N}_+])(?:\\+|00)(${CC_ALT})(?:${SEP}?\\(0\\))?(?:${SEP}?\\(?\\d{1,5}\\)?){1,7}${NAN}`);
const NATIONAL_RE = rx(`(?<![\\p{L}\\p{N}_+.,/-])(?:\\(0\\d{1,5}\\)|0[1-9]\\d{0,4})(?:(?: ?${SEP} ?| )?\\d{2,8}){1,4}${NAN}`);
const PHONE_WORDS = 'tālr|tel|telefon[oe]?|teléfono|telefone|telèfon|telefoni|telefonas|telefons|phone|mobil[e]?|mob|mobitel|gsm|tlf|puh(?:elin)?|fax|m[oó]vil|cell|τηλ(?:έφωνο)?|тел(?:ефон)?';
const CONTEXT_PHONE_RE = rx(`(?<![\\p{L}])(?:${PHONE_WORDS})\\.?(?: ?(?:nr|no|št|č)\\.?)? ?[:.]? ?(\\+?\\(?\\d[\\d \\-./()]{5,20}\\d)${NAN}`, 'giu');
// Section numbers ("kap. 3.5.2.4", a heading "3.5.2.4 Title" at a line start) and version
// numbers look like IPv4 addresses: ignore candidates right after these words or a line start.
const IPV4_NOT_AFTER =
  /(?:^|\n|version|versão|versión|versione|verze|wersja|verzió|versio|ver\.|release|build|firmware|v|kap\.?|kapitel|chapter|section|sect\.|§|punct(?:ul)?|pkt\.?|point|par\.|art\.|odst\.|točk[aei]|cap\.|capítulo|chapitre|rozdział|fejezet|luku|peatükk|nodaļa|skyrius)\s*$/iu;
const DATE_PREFIX = /^\d{1,2}[./]\d{1,2}[./]\d{2,4}(?!\d)/;
const DATE_LIKE = /^(?:\d{1,2}([./-])\d{1,2}\1\d{2,4}|\d{4}([./-])\d{1,2}\2\d{1,2})$/;

function groupsTrimmed(s: string, maxDigits: number, minDigits: number, digitsAfter: (t: string) => number): number | false {
  // Drop trailing groups (a year or a count glued to the number) until the digit count fits.
  let t = s;
  for (;;) {
    const n = digitsAfter(t);
    if (n >= minDigits && n <= maxDigits) return t.length;
    if (n < minDigits) return false;
    const cut = Math.max(t.lastIndexOf(' '), t.lastIndexOf('-'), t.lastIndexOf('.'), t.lastIndexOf('/'));
    if (cut <= 0) return false;
    t = t.slice(0, cut).replace(/[ .\-/(]+$/, '');
  }
}

function validIntlPhone(s: string): boolean | number {
  const m = /^(?:\+|00)(\d+)/.exec(s);
  if (!m) return false;
  let cc = '';
  for (const c of CC_ALT.split('|'))
    if (m[1]!.startsWith(c)) {
      cc = c;
      break;
    }
  const [lo, hi] = NSN[cc]!;
  const skip = (s.startsWith('+') ? 1 : 2) + cc.length;
  const r = groupsTrimmed(s, hi, lo, (t) => digitsOf(t.slice(skip).replace('(0)', '')).length);
  if (r === false) return false;
  const nsn = digitsOf(s.slice(skip, r).replace('(0)', ''));
  return /^(\d)\1+$/.test(nsn) ? false : r;
}

function validNationalPhone(s: string): boolean | number {
  if (DATE_LIKE.test(s) || DATE_PREFIX.test(s)) return false;
  const r = groupsTrimmed(s, 12, 9, (t) => digitsOf(t).length);
  if (r === false) return false;
  const t = s.slice(0, r);
  if (DATE_LIKE.test(t)) return false;
  // An ISBN-10 such as 0-306-40615-2 ends with a single-character group.
  if (/[ \-.][0-9X]$/.test(t)) return false;
  const ds = digitsOf(t);
  if (/^0(\d)\1+$/.test(ds)) return false;
  return r;
}

function validContextPhone(s: string): boolean {
  const n = digitsOf(s).length;
  return n >= 8 && n <= 15 && !DATE_LIKE.test(s);
}

// ---------- IBAN ----------
// prettier-ignore
export const IBAN_LENGTH: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BR: 29, BY: 28, CH: 21, CR: 22, CY: 28, CZ: 24,
  DE: 22, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28,
  HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20,
  LV: 21, MC: 27, MD: 24, ME: 22, MK: 19, MR: 27, MT: 31, MU: 30, NL: 18, NO: 15, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29,
  RO: 24, RS: 22, SA: 24, SC: 31, SE: 24, SI: 19, SK: 24, SM: 27, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29, VA: 22,
  VG: 24, XK: 20,
};
const IBAN_RE = rx(`${NB}[A-Z]{2}\\d{2}(?: ?[A-Z0-9]){11,30}${NA}`);

/** ISO 13616: known country, its exact length, mod 97 = 1. Returns the length of the valid prefix. */
export function validIban(s: string): boolean | number {
  const len = IBAN_LENGTH[s.slice(0, 2)];
  if (!len) return false;
  // Walk the candidate until `len` alphanumerics have been seen (spaces allowed between).
  let seen = 0;
  let end = 0;
  let compact = '';
  for (; end < s.length && seen < len; end++) {
    if (s[end] === ' ') continue;
    compact += s[end];
    seen++;
  }
  if (seen < len) return false;
  // the match must not stop inside a 4-character group glued to more characters
  if (end < s.length && s[end] !== ' ') return false;
  const re = compact.slice(4) + compact.slice(0, 4);
  let num = '';
  for (const ch of re) num += ch >= 'A' && ch <= 'Z' ? String(ch.charCodeAt(0) - 55) : ch;
  return mod97(num) === 1 ? end : false;
}

// ---------- payment cards ----------
const CARD_RE = rx(`${NBN}\\d(?:[ -]?\\d){12,18}${NAN}`);
/** 13-19 digits, consistent separators, a known IIN range for the length, Luhn. */
export function validCard(s: string): boolean {
  const seps = new Set(s.replace(/\d/g, ''));
  if (seps.size > 1) return false;
  const n = digitsOf(s);
  const L = n.length;
  const p2 = Number(n.slice(0, 2));
  const p3 = Number(n.slice(0, 3));
  const p4 = Number(n.slice(0, 4));
  const iin =
    (n[0] === '4' && (L === 13 || L === 16 || L === 19)) || // Visa
    (((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) && L === 16) || // Mastercard
    ((p2 === 34 || p2 === 37) && L === 15) || // American Express
    ((p4 === 6011 || p2 === 65 || (p3 >= 644 && p3 <= 649)) && L >= 16) || // Discover
    ((p2 === 36 || p2 === 38 || p2 === 39 || (p3 >= 300 && p3 <= 305)) && L >= 14) || // Diners
    (p4 >= 3528 && p4 <= 3589 && L >= 16) || // JCB
    (p2 === 62 && L >= 16) || // UnionPay
    ((p2 === 50 || (p2 >= 56 && p2 <= 69)) && L >= 12); // Maestro
  return iin && !/^(\d)\1+$/.test(n) && luhn(n);
}

// ---------- national IDs ----------
const DNI_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';
function validEsDni(s: string): boolean {
  const c = s.replace(/[ -]/g, '');
  const body = c.slice(0, -1).replace(/^X/, '0').replace(/^Y/, '1').replace(/^Z/, '2');
  return DNI_LETTERS[Number(body) % 23] === c[c.length - 1];
}

// Codice fiscale: odd-position values (1-based) for 0-9 / A-Z; even positions use 0-9 / A=0..Z=25.
const CF_ODD = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];
function validItCf(s: string): boolean {
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    const c = s.charCodeAt(i);
    const v = c <= 57 ? c - 48 : c - 65;
    sum += i % 2 === 0 ? CF_ODD[v]! : v;
  }
  return String.fromCharCode(65 + (sum % 26)) === s[15];
}

function validPesel(s: string): boolean {
  const yy = n2(s, 0);
  let mm = n2(s, 2);
  const dd = n2(s, 4);
  const century = [1900, 2000, 2100, 2200, 1800][Math.floor(mm / 20)];
  if (century === undefined) return false;
  mm %= 20;
  if (!validDate(century + yy, mm, dd)) return false;
  return (10 - (weighted(s, [1, 3, 7, 9, 1, 3, 7, 9, 1, 3]) % 10)) % 10 === d(s, 10);
}

function validBsn(s: string): boolean {
  const n = digitsOf(s);
  if (n.length !== 9 || /^0+$/.test(n)) return false;
  return (weighted(n, [9, 8, 7, 6, 5, 4, 3, 2]) - d(n, 8)) % 11 === 0;
}

function validBeRrn(s: string): boolean {
  const n = digitsOf(s);
  if (n.length !== 11) return false;
  const mm = n2(n, 2) % 20; // bis numbers add 20 or 40 to the month; 0 = unknown birth date
  const dd = n2(n, 4);
  if (mm > 12 || dd > 31) return false;
  const check = n2(n, 9);
  const body = n.slice(0, 9);
  return 97 - mod97(body) === check || 97 - mod97('2' + body) === check;
}

function validFrNir(s: string): boolean {
  const c = s.replace(/ /g, '');
  if (c.length !== 15) return false;
  const mm = Number(c.slice(3, 5));
  if (!((mm >= 1 && mm <= 12) || (mm >= 20 && mm <= 42) || (mm >= 50 && mm <= 99))) return false;
  let body = c.slice(0, 13);
  // Corsica: 2A → 19, 2B → 18 in the key computation
  if (body.slice(5, 7) === '2A') body = body.slice(0, 5) + '19' + body.slice(7);
  else if (body.slice(5, 7) === '2B') body = body.slice(0, 5) + '18' + body.slice(7);
  if (!/^\d{13}$/.test(body)) return false;
  return 97 - mod97(body) === Number(c.slice(13));
}

function validSePnr(s: string): boolean {
  const n = digitsOf(s);
  const ten = n.slice(-10);
  const yy = n2(ten, 0);
  const mm = n2(ten, 2);
  let dd = n2(ten, 4);
  if (dd > 60) dd -= 60; // samordningsnummer
  const years = n.length === 12 ? [Number(n.slice(0, 4))] : [1900 + yy, 2000 + yy];
  if (!years.some((y) => validDate(y, mm, dd))) return false;
  return luhn(ten);
}

const FI_CHECK = '0123456789ABCDEFHJKLMNPRSTUVWXY';
function validFiHetu(s: string): boolean {
  const dd = n2(s, 0);
  const mm = n2(s, 2);
  const yy = n2(s, 4);
  const c = s[6]!;
  const century = c === '+' ? 1800 : '-YXWVU'.includes(c) ? 1900 : 'ABCDEF'.includes(c) ? 2000 : -1;
  if (century < 0 || !validDate(century + yy, mm, dd)) return false;
  return FI_CHECK[Number(s.slice(0, 6) + s.slice(7, 10)) % 31] === s[10];
}

function validDkCpr(s: string): boolean {
  const dd = n2(s, 0);
  const mm = n2(s, 2);
  const yy = n2(s, 4);
  return validDate(1900 + yy, mm, dd) || validDate(2000 + yy, mm, dd);
}

function validEeLt(s: string): boolean {
  const g = d(s, 0);
  const century = [0, 1800, 1800, 1900, 1900, 2000, 2000][g];
  if (!century || !validDate(century + n2(s, 1), n2(s, 3), n2(s, 5))) return false;
  let c = weighted(s, [1, 2, 3, 4, 5, 6, 7, 8, 9, 1]) % 11;
  if (c === 10) {
    c = weighted(s, [3, 4, 5, 6, 7, 8, 9, 1, 2, 3]) % 11;
    if (c === 10) c = 0;
  }
  return c === d(s, 10);
}

function validCzSk(s: string): boolean {
  const n = digitsOf(s);
  if (n.length !== 10) return false;
  const yy = n2(n, 0);
  let mm = n2(n, 2);
  const dd = n2(n, 4);
  if (mm > 70) mm -= 70;
  else if (mm > 50) mm -= 50;
  else if (mm > 20) mm -= 20;
  if (!validDate(yy < 54 ? 2000 + yy : 1900 + yy, mm, dd)) return false;
  const r = Number(n.slice(0, 9)) % 11;
  return (r === 10 ? 0 : r) === d(n, 9);
}

function validRoCnp(s: string): boolean {
  const sx = d(s, 0);
  const century = [0, 1900, 1900, 1800, 1800, 2000, 2000, 1900, 1900, 1900][sx]!;
  if (!century || !validDate(century + n2(s, 1), n2(s, 3), n2(s, 5))) return false;
  const county = n2(s, 7);
  if (!((county >= 1 && county <= 52) || county === 70)) return false;
  let c = weighted(s, [2, 7, 9, 1, 4, 6, 3, 5, 8, 2, 7, 9]) % 11;
  if (c === 10) c = 1;
  return c === d(s, 12);
}

function validBgEgn(s: string): boolean {
  const yy = n2(s, 0);
  let mm = n2(s, 2);
  let y = 1900 + yy;
  if (mm > 40) {
    mm -= 40;
    y = 2000 + yy;
  } else if (mm > 20) {
    mm -= 20;
    y = 1800 + yy;
  }
  if (!validDate(y, mm, n2(s, 4))) return false;
  return (weighted(s, [2, 4, 8, 5, 10, 9, 7, 3, 6]) % 11) % 10 === d(s, 9);
}

function validJmbg(s: string): boolean {
  const yyy = Number(s.slice(4, 7));
  if (!validDate(yyy >= 800 ? 1000 + yyy : 2000 + yyy, n2(s, 2), n2(s, 0))) return false;
  let m = 11 - (weighted(s, [7, 6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2]) % 11);
  if (m === 11) m = 0;
  return m !== 10 && m === d(s, 12);
}

function validPtNif(s: string): boolean {
  let c = 11 - (weighted(s, [9, 8, 7, 6, 5, 4, 3, 2]) % 11);
  if (c >= 10) c = 0;
  return c === d(s, 8);
}

function validIePps(s: string): boolean {
  const letterVal = (ch: string | undefined): number => (!ch || ch === 'W' ? 0 : ch.charCodeAt(0) - 64);
  const sum = weighted(s, [8, 7, 6, 5, 4, 3, 2]) + 9 * letterVal(s[8]);
  const r = sum % 23;
  return (r === 0 ? 'W' : String.fromCharCode(64 + r)) === s[7];
}

function validAtSvnr(s: string): boolean {
  const n = digitsOf(s);
  if (n.length !== 10 || n[0] === '0') return false;
  const c = (weighted(n, [3, 7, 9]) + weighted(n, [5, 8, 4, 2, 1, 6], 4)) % 11;
  if (c === 10 || c !== d(n, 3)) return false;
  const dd = n2(n, 4);
  const mm = n2(n, 6);
  const yy = n2(n, 8);
  // day/month may be unknown-placeholders (e.g. month 13-15) for some immigrants: accept 1-31 / 1-15
  return validDate(1900 + yy, mm, dd) || validDate(2000 + yy, mm, dd) || (dd >= 1 && dd <= 31 && mm >= 13 && mm <= 15);
}

function validDeSteuerId(s: string): boolean {
  const n = digitsOf(s);
  if (n.length !== 11 || n[0] === '0') return false;
  // Among the first 10 digits exactly one digit occurs 2 or 3 times, the rest at most once.
  const counts = new Array<number>(10).fill(0);
  for (let i = 0; i < 10; i++) counts[d(n, i)]!++;
  const multi = counts.filter((c) => c > 1);
  if (multi.length !== 1 || multi[0]! > 3) return false;
  return iso7064Mod11_10(n);
}

function validGrAmka(s: string): boolean {
  const dd = n2(s, 0);
  const mm = n2(s, 2);
  const yy = n2(s, 4);
  return (validDate(1900 + yy, mm, dd) || validDate(2000 + yy, mm, dd)) && luhn(s);
}

function validLvPk(s: string): boolean {
  const n = digitsOf(s);
  if (n.length !== 11 || n.startsWith('32')) return false; // new-style codes (32…) carry no date/checksum
  const century = [1800, 1900, 2000][d(n, 6)];
  if (century === undefined || !validDate(century + n2(n, 4), n2(n, 2), n2(n, 0))) return false;
  return (1101 - weighted(n, [1, 6, 3, 7, 9, 10, 5, 8, 4, 2])) % 11 === d(n, 10);
}

function validNoFnr(s: string): boolean {
  const n = digitsOf(s);
  if (n.length !== 11) return false;
  let dd = n2(n, 0);
  if (dd > 40) dd -= 40; // D-number
  const mm = n2(n, 2) % 40; // test/H-numbers add 40
  const yy = n2(n, 4);
  if (!(validDate(1900 + yy, mm, dd) || validDate(2000 + yy, mm, dd))) return false;
  let k1 = 11 - (weighted(n, [3, 7, 6, 1, 8, 9, 4, 5, 2]) % 11);
  if (k1 === 11) k1 = 0;
  let k2 = 11 - (weighted(n, [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]) % 11);
  if (k2 === 11) k2 = 0;
  return k1 === d(n, 9) && k2 === d(n, 10);
}

function validIsKt(s: string): boolean {
  const n = digitsOf(s);
  if (n.length !== 10) return false;
  let dd = n2(n, 0);
  if (dd > 40) dd -= 40; // legal entities
  const c9 = d(n, 9);
  const century = c9 === 9 ? 1900 : c9 === 0 ? 2000 : c9 === 8 ? 1800 : -1;
  if (century < 0 || !validDate(century + n2(n, 4), n2(n, 2), dd)) return false;
  let c = 11 - (weighted(n, [3, 2, 7, 6, 5, 4, 3, 2]) % 11);
  if (c === 11) c = 0;
  return c !== 10 && c === d(n, 8);
}

function validHuTaxId(s: string): boolean {
  // adóazonosító jel: 8, then days since 1867-01-01 (5 digits), serial (3), check digit
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += d(s, i) * (i + 1);
  return sum % 11 === d(s, 9);
}

function validHuTaj(s: string): boolean {
  const n = digitsOf(s);
  if (n.length !== 9 || /^0+$/.test(n)) return false;
  return weighted(n, [3, 7, 3, 7, 3, 7, 3, 7]) % 10 === d(n, 8);
}

function validTrTckn(s: string): boolean {
  const odd = d(s, 0) + d(s, 2) + d(s, 4) + d(s, 6) + d(s, 8);
  const even = d(s, 1) + d(s, 3) + d(s, 5) + d(s, 7);
  if ((((odd * 7 - even) % 10) + 10) % 10 !== d(s, 9)) return false;
  let sum = 0;
  for (let i = 0; i < 10; i++) sum += d(s, i);
  return sum % 10 === d(s, 10);
}

const ctx = (words: string): RegExp => rx(`(?:${words})`, 'iu');

/** The detector table. Order = precedence when two matches overlap (earlier wins). */
// prettier-ignore
export const DETECTORS: readonly Detector[] = [
  { name: 'email', type: 'email', minDigits: 0, needs: '@', scan: scanEmail, validate: () => true },
  { name: 'iban', type: 'iban', minDigits: 6, re: IBAN_RE, validate: validIban },
  { name: 'card', type: 'card', minDigits: 12, re: CARD_RE, validate: validCard },
  // national IDs: strong formats first
  { name: 'it_codice_fiscale', type: 'national_id', country: 'IT', minDigits: 0, re: rx(`${NB}[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]${NA}`), validate: validItCf },
  { name: 'es_dni_nie', type: 'national_id', country: 'ES', minDigits: 7, re: rx(`${NBN}(?:\\d{8}|[XYZ]\\d{7})-?[TRWAGMYFPDXBNJZSQVHLCKE]${NA}`), validate: validEsDni },
  { name: 'fr_nir', type: 'national_id', country: 'FR', minDigits: 13, re: rx(`${NBN}[12] ?\\d{2} ?\\d{2} ?(?:\\d{2}|2[AB]) ?\\d{3} ?\\d{3} ?\\d{2}${NAN}`), validate: validFrNir },
  { name: 'fi_hetu', type: 'national_id', country: 'FI', minDigits: 9, re: rx(`${NBN}\\d{6}[-+A-FU-Y]\\d{3}[0-9A-Y]${NA}`), validate: validFiHetu },
  { name: 'ie_pps', type: 'national_id', country: 'IE', minDigits: 7, re: rx(`${NBN}\\d{7}[A-W][ABHTWX]?${NA}`), validate: validIePps },
  { name: 'cz_sk_rodne_cislo', type: 'national_id', country: 'CZ', minDigits: 10, re: rx(`${NBN}\\d{6}/\\d{4}${NAN}`), validate: validCzSk },
  { name: 'ro_cnp', type: 'national_id', country: 'RO', minDigits: 13, re: rx(`${NBN}[1-9]\\d{12}${NAN}`), validate: validRoCnp },
  { name: 'si_emso_jmbg', type: 'national_id', country: 'SI', minDigits: 13, re: rx(`${NBN}\\d{13}${NAN}`), validate: validJmbg },
  // weak checksums: need the language or a context word
  { name: 'pl_pesel', type: 'national_id', country: 'PL', minDigits: 11, langs: ['pl'], context: ctx('pesel'), re: rx(`${NBN}\\d{11}${NAN}`), validate: validPesel },
  { name: 'ee_lt_isikukood', type: 'national_id', country: 'EE', minDigits: 11, langs: ['et', 'lt'], context: ctx('isikukood|asmens kodas'), re: rx(`${NBN}[1-6]\\d{10}${NAN}`), validate: validEeLt },
  { name: 'hr_oib', type: 'national_id', country: 'HR', minDigits: 11, langs: ['hr'], context: ctx('\\bOIB'), re: rx(`${NBN}\\d{11}${NAN}`), validate: (s) => iso7064Mod11_10(s) },
  { name: 'gr_amka', type: 'national_id', country: 'GR', minDigits: 11, langs: ['el'], context: ctx('ΑΜΚΑ|AMKA'), re: rx(`${NBN}\\d{11}${NAN}`), validate: validGrAmka },
  { name: 'de_steuer_id', type: 'national_id', country: 'DE', minDigits: 11, langs: ['de'], context: ctx('steuer-?id|steueridentifikationsnummer|\\bIdNr'), re: rx(`${NBN}[1-9]\\d ?\\d{3} ?\\d{3} ?\\d{3}${NAN}`), validate: validDeSteuerId },
  { name: 'no_fodselsnummer', type: 'national_id', country: 'NO', minDigits: 11, langs: ['no', 'nn'], context: ctx('fødselsnummer|personnummer'), re: rx(`${NBN}\\d{6} ?\\d{5}${NAN}`), validate: validNoFnr },
  { name: 'be_rrn', type: 'national_id', country: 'BE', minDigits: 11, langs: ['nl', 'fr', 'de'], context: ctx('rijksregister|registre national|numéro national|\\bNN\\b|\\bRRN'), re: rx(`${NBN}\\d{2}\\.?\\d{2}\\.?\\d{2}[- ]?\\d{3}\\.?\\d{2}${NAN}`), validate: validBeRrn },
  { name: 'lv_personas_kods', type: 'national_id', country: 'LV', minDigits: 11, langs: ['lv'], context: ctx('personas kods'), re: rx(`${NBN}\\d{6}-?\\d{5}${NAN}`), validate: validLvPk },
  { name: 'bg_egn', type: 'national_id', country: 'BG', minDigits: 10, langs: ['bg'], context: ctx('ЕГН|\\bEGN'), re: rx(`${NBN}\\d{10}${NAN}`), validate: validBgEgn },
  { name: 'se_personnummer', type: 'national_id', country: 'SE', minDigits: 10, langs: ['sv'], context: ctx('personnummer|samordningsnummer'), re: rx(`${NBN}(?:(?:19|20)?\\d{6}[-+]\\d{4}|(?:19|20)\\d{10})${NAN}`), validate: validSePnr },
  { name: 'dk_cpr', type: 'national_id', country: 'DK', minDigits: 10, langs: ['da'], context: ctx('\\bCPR'), re: rx(`${NBN}\\d{6}-\\d{4}${NAN}`), validate: validDkCpr },
  { name: 'is_kennitala', type: 'national_id', country: 'IS', minDigits: 10, langs: ['is'], context: ctx('kennitala|\\bkt\\.'), re: rx(`${NBN}\\d{6}-?\\d{4}${NAN}`), validate: validIsKt },
  { name: 'at_svnr', type: 'national_id', country: 'AT', minDigits: 10, langs: ['de'], context: ctx('sozialversicherungsnummer|versicherungsnummer|\\bSVNR|\\bSV-Nr'), re: rx(`${NBN}\\d{4} ?\\d{6}${NAN}`), validate: validAtSvnr },
  { name: 'nl_bsn', type: 'national_id', country: 'NL', minDigits: 9, langs: [], context: ctx('\\bBSN|burgerservicenummer|sofi-?nummer'), re: rx(`${NBN}\\d{4}\\.?\\d{2}\\.?\\d{3}${NAN}`), validate: validBsn },
  { name: 'pt_nif', type: 'national_id', country: 'PT', minDigits: 9, langs: [], context: ctx('\\bNIF|contribuinte|\\bNIPC'), re: rx(`${NBN}[1-35689]\\d{8}${NAN}`), validate: validPtNif },
  { name: 'hu_adoazonosito', type: 'national_id', country: 'HU', minDigits: 10, langs: ['hu'], context: ctx('adóazonosító|adoazonosito'), re: rx(`${NBN}8\\d{9}${NAN}`), validate: validHuTaxId },
  { name: 'hu_taj', type: 'national_id', country: 'HU', minDigits: 9, langs: [], context: ctx('\\bTAJ'), re: rx(`${NBN}\\d{3}[ -]?\\d{3}[ -]?\\d{3}${NAN}`), validate: validHuTaj },
  { name: 'tr_tckn', type: 'national_id', country: 'TR', minDigits: 11, langs: ['tr'], context: ctx('kimlik'), re: rx(`${NBN}[1-9]\\d{10}${NAN}`), validate: validTrTckn },
  // phones after IDs (an ID is never re-read as a phone), then IPs
  { name: 'phone_intl', type: 'phone', minDigits: 6, re: INTL_RE, validate: validIntlPhone },
  { name: 'phone_context', type: 'phone', minDigits: 8, re: CONTEXT_PHONE_RE, group: 1, validate: validContextPhone },
  { name: 'phone_national', type: 'phone', minDigits: 9, re: NATIONAL_RE, validate: validNationalPhone },
  { name: 'ipv4', type: 'ipv4', minDigits: 4, needs: '.', notAfter: IPV4_NOT_AFTER, re: rx(`(?<![\\p{L}\\p{N}_.])(?:\\d{1,3}\\.){3}\\d{1,3}(?![\\p{L}\\p{N}_]|\\.\\d)`), validate: publicIPv4 },
  { name: 'ipv6', type: 'ipv6', minDigits: 0, needs: ':', re: rx(`(?<![\\p{L}\\p{N}_:.])(?:[0-9A-Fa-f]{1,4}:|:){2,7}(?::|[0-9A-Fa-f]{1,4})(?![\\p{L}\\p{N}_:])`), validate: publicIPv6 },
] as const;
