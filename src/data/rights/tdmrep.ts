// TDMRep (W3C TDM Reservation Protocol, Community Group final report 2024): the three places a
// reservation can be stated — the `tdm-reservation` HTTP response header, an HTML
// `<meta name="tdm-reservation" content="1">`, and `/.well-known/tdmrep.json` (an array of
// {location, tdm-reservation, tdm-policy} rules; `location` is a path pattern with `*` and a
// final `$`; "the most specific match is the first in sequence": first match wins). Not a fetcher: the
// well-known files are supplied. Reference: https://www.w3.org/community/reports/tdmrep/CG-FINAL-tdmrep-20240510/
import { normaliseEncoding } from './robots.js';

export interface TdmRule {
  location: string;
  reservation: 0 | 1;
  policy?: string;
  re: RegExp;
}

function compileLocation(pattern: string): RegExp {
  const p = normaliseEncoding(pattern.startsWith('/') || pattern.startsWith('*') ? pattern : '/' + pattern);
  const anchored = p.endsWith('$');
  const body = (anchored ? p.slice(0, -1) : p)
    .split('*')
    .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}${anchored ? '$' : ''}`);
}

/** Parses a tdmrep.json text; throws an Error naming the problem (callers add the file). */
export function parseTdmrep(text: string): TdmRule[] {
  const v = JSON.parse(text) as unknown;
  if (!Array.isArray(v)) throw new Error('tdmrep.json must be a JSON array of rules');
  return v.map((r, i) => {
    if (typeof r !== 'object' || r === null) throw new Error(`rule ${i} is not an object`);
    const o = r as Record<string, unknown>;
    if (typeof o.location !== 'string') throw new Error(`rule ${i} has no string "location"`);
    const res = o['tdm-reservation'];
    if (res !== 0 && res !== 1 && res !== '0' && res !== '1') throw new Error(`rule ${i}: "tdm-reservation" must be 0 or 1`);
    const rule: TdmRule = { location: o.location, reservation: Number(res) as 0 | 1, re: compileLocation(o.location) };
    if (typeof o['tdm-policy'] === 'string') rule.policy = o['tdm-policy'];
    return rule;
  });
}

/** The first rule matching `pathAndQuery`, or null. */
export function matchTdmrep(rules: TdmRule[], pathAndQuery: string): TdmRule | null {
  const path = normaliseEncoding(pathAndQuery || '/');
  for (const r of rules) if (r.re.test(path)) return r;
  return null;
}

/** `tdm-reservation` HTTP header value: 1, 0, or undefined when absent or malformed. */
export function headerReservation(headers: Record<string, string> | undefined): 0 | 1 | undefined {
  const v = headers?.['tdm-reservation']?.trim();
  return v === '1' ? 1 : v === '0' ? 0 : undefined;
}

/** `<meta name="tdm-reservation" content="…">` from raw HTML (when the extract step has not run). */
export function htmlReservation(html: string): 0 | 1 | undefined {
  const head = html.length > 65536 ? html.slice(0, 65536) : html;
  const re = /<meta\b[^>]*>/gi;
  for (let m = re.exec(head); m; m = re.exec(head)) {
    const tag = m[0];
    if (!/\bname\s*=\s*["']?tdm-reservation["'\s/>]/i.test(tag)) continue;
    const c = /\bcontent\s*=\s*["']?\s*([01])/i.exec(tag);
    if (c) return c[1] === '1' ? 1 : 0;
  }
  return undefined;
}
