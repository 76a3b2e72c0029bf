// Checksum and date helpers for the PII detectors: Luhn, ISO 7064 MOD 97-10 (IBAN) and
// MOD 11,10, weighted mod-11 sums, calendar dates. Pure functions on digit strings. Not the
// detectors (detectors.ts). References: ISO/IEC 7812-1 (Luhn), ISO 13616 (IBAN), ISO 7064.

/** Only the ASCII digits of s. */
export function digitsOf(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) out += s[i];
  }
  return out;
}

export const d = (s: string, i: number): number => s.charCodeAt(i) - 48;

/** Luhn (ISO/IEC 7812-1) over all digits, the last being the check digit. */
export function luhn(s: string): boolean {
  let sum = 0;
  let dbl = false;
  for (let i = s.length - 1; i >= 0; i--) {
    let x = d(s, i);
    if (x < 0 || x > 9) return false;
    if (dbl) {
      x *= 2;
      if (x > 9) x -= 9;
    }
    sum += x;
    dbl = !dbl;
  }
  return s.length > 1 && sum % 10 === 0;
}

/** Remainder mod 97 of a long decimal string (chunked, no BigInt). */
export function mod97(s: string): number {
  let r = 0;
  for (let i = 0; i < s.length; i += 7) r = Number(String(r) + s.slice(i, i + 7)) % 97;
  return r;
}

/** ISO 7064 MOD 11,10 (Croatian OIB, German Steuer-ID): true if the last digit checks. */
export function iso7064Mod11_10(s: string): boolean {
  let p = 10;
  for (let i = 0; i < s.length - 1; i++) {
    let t = (d(s, i) + p) % 10;
    if (t === 0) t = 10;
    p = (t * 2) % 11;
  }
  let c = 11 - p;
  if (c === 10) c = 0;
  return c === d(s, s.length - 1);
}

/** Σ digit_i · w_i over the first w.length digits of s. */
export function weighted(s: string, w: readonly number[], from = 0): number {
  let sum = 0;
  for (let i = 0; i < w.length; i++) sum += d(s, from + i) * w[i]!;
  return sum;
}

/** A real calendar date (Gregorian), year with four digits. */
export function validDate(y: number, m: number, day: number): boolean {
  if (!(m >= 1 && m <= 12 && day >= 1)) return false;
  const dim = [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
  return day <= dim;
}

/** Two-digit number at position i. */
export const n2 = (s: string, i: number): number => d(s, i) * 10 + d(s, i + 1);
