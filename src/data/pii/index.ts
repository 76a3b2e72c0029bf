// The PII step: runs the detector table (detectors.ts) over each document and, by mode,
// annotates spans, masks them with typed placeholders (<EMAIL>, <IBAN>…) or drops the
// document (`pii.<type>`). Counts per type go to doc.pii.counts and ctx.stats as
// `pii.<type>.<lang>`; the matched values are never stored or logged. Not a named-entity
// recogniser (no names or addresses). Reference: datatrove PIIFormatter, FineWeb-2, HPLT `pii`.
import type { Doc, PiiSpan } from '../doc.js';
import type { Step, StepContext } from '../step.js';
import { PII_TYPES, PiiConfigSchema, type PiiConfig, type PiiType } from './config.js';
import { DETECTORS, type Detector } from './detectors.js';

export { PiiConfigSchema, PII_TYPES, type PiiConfig, type PiiType } from './config.js';
export { DETECTORS, IBAN_LENGTH, publicIPv4, publicIPv6, validCard, validIban, type Detector } from './detectors.js';

/** Placeholder written in mask mode, per type. */
const PLACEHOLDERS: Readonly<Record<PiiType, string>> = {
  email: '<EMAIL>',
  iban: '<IBAN>',
  card: '<CARD_NUMBER>',
  national_id: '<NATIONAL_ID>',
  phone: '<PHONE>',
  ipv4: '<IP_ADDRESS>',
  ipv6: '<IP_ADDRESS>',
};

interface Found extends PiiSpan {
  type: PiiType;
  /** Detector name (`es_dni_nie`), for tests and per-country diagnostics. */
  detector: string;
}

const CONTEXT_WINDOW = 48;
/** Digits further apart than this start a new numeric cluster. */
const CLUSTER_GAP = 12;
/** Characters of text kept on each side of a cluster (prefix letters, keywords, suffix letters). */
const PAD = 40;

/**
 * Windows [start, end) of the text around clusters of ≥ 4 digits: every detector except e-mail
 * needs digits, so the regexes run only there (most prose has few digits; one linear scan finds
 * them). Windows start after whitespace so a candidate never begins mid-word, and never overlap.
 */
function numericWindows(text: string): [number, number, number][] {
  const out: [number, number, number][] = [];
  const n = text.length;
  let cs = -1;
  let last = -CLUSTER_GAP - 1;
  let digits = 0;
  const close = (): void => {
    if (cs < 0 || digits < 4) return;
    let ws = Math.max(0, cs - PAD);
    while (ws > 0 && !/\s/.test(text[ws - 1]!)) ws--;
    let we = Math.min(n, last + 1 + PAD);
    while (we < n && !/\s/.test(text[we]!)) we++;
    const prev = out[out.length - 1];
    if (prev && ws <= prev[1]) {
      prev[1] = Math.max(prev[1], we);
      prev[2] += digits;
    } else out.push([ws, we, digits]);
  };
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) continue;
    if (i - last > CLUSTER_GAP) {
      close();
      cs = i;
      digits = 0;
    }
    digits++;
    last = i;
  }
  close();
  return out;
}

/** All validated, non-overlapping PII spans of a text, sorted by start. */
export function detectPii(text: string, opts: { lang?: string; detectors?: readonly Detector[] } = {}): Found[] {
  const dets = opts.detectors ?? DETECTORS;
  const lang = opts.lang ?? 'und';
  const found: (Found & { prio: number })[] = [];
  const windows = numericWindows(text);
  const pushers = dets.map((det, prio) => {
    const needContext = det.langs !== undefined && !det.langs.includes(lang);
    return (start: number, end: number): void => {
      if (needContext && !(det.context && det.context.test(text.slice(Math.max(0, start - CONTEXT_WINDOW), start)))) return;
      if (det.notAfter && det.notAfter.test(text.slice(Math.max(0, start - 16), start))) return;
      found.push({ type: det.type, start, end, detector: det.name, prio });
    };
  });
  dets.forEach((det, prio) => {
    if (!det.scan || (det.needs && !text.includes(det.needs))) return;
    for (const m of det.scan(text)) pushers[prio]!(m.start, m.end);
  });
  // Windows outer, detectors inner: each window is sliced (and flattened) once.
  for (const [ws, we, digits] of windows) {
    const sub = ws === 0 && we === text.length ? text : text.slice(ws, we);
    for (let prio = 0; prio < dets.length; prio++) {
      const det = dets[prio]!;
      if (det.scan || digits < det.minDigits) continue;
      if (det.needs && !sub.includes(det.needs)) continue;
      const re = det.re!;
      const g = det.group ?? 0;
      re.lastIndex = 0;
      for (let m = re.exec(sub); m !== null; m = re.exec(sub)) {
        const s = m[g]!;
        const start = ws + (g === 0 ? m.index : m.index + m[0].lastIndexOf(s));
        const v = det.validate(s);
        if (v === false) continue;
        pushers[prio]!(start, start + (v === true ? s.length : v));
      }
    }
  }
  // Resolve overlaps: by start, then precedence (table order), then longer.
  found.sort((a, b) => a.start - b.start || a.prio - b.prio || b.end - a.end);
  const out: (Found & { prio: number })[] = [];
  let lastEnd = -1;
  for (const f of found) {
    if (f.start < lastEnd) {
      // overlapping: replace the previous one only if this one has higher precedence
      if (f.prio < out[out.length - 1]!.prio) {
        out[out.length - 1] = f;
        lastEnd = f.end;
      }
      continue;
    }
    out.push(f);
    lastEnd = f.end;
  }
  return out.map(({ type, start, end, detector }) => ({ type, start, end, detector }));
}

/** Step `pii`: constructor(config). */
export class PiiStep implements Step {
  readonly name = 'pii';
  readonly config: PiiConfig;
  private readonly detectors: readonly Detector[];
  constructor(config: Partial<PiiConfig> = {}) {
    this.config = PiiConfigSchema.parse(config);
    const types = new Set(this.config.types);
    const countries = this.config.nationalIdCountries ? new Set(this.config.nationalIdCountries) : null;
    this.detectors = DETECTORS.filter((d) => types.has(d.type) && (!d.country || !countries || countries.has(d.country)));
  }
  each(doc: Doc, ctx: StepContext): boolean {
    const { mode, keepSpans, enabled } = this.config;
    if (!enabled) return true;
    const lang = doc.lang ?? 'und';
    const found = detectPii(doc.text, { lang, detectors: this.detectors });
    const counts: Record<string, number> = {};
    for (const f of found) counts[f.type] = (counts[f.type] ?? 0) + 1;
    for (const [t, n] of Object.entries(counts)) ctx.stats.inc(`pii.${t}.${lang}`, n);
    if (found.length) ctx.stats.inc('pii.docs_with_pii');
    if (mode === 'drop' && found.length) {
      // the reason names the highest-precedence type present
      const t = PII_TYPES.find((x) => counts[x])!;
      ctx.exclude(doc, this.name, { drop: `pii.${t}` });
      return false;
    }
    let spans: PiiSpan[] = found.map(({ type, start, end }) => ({ type, start, end }));
    if (mode === 'mask' && found.length) {
      const parts: string[] = [];
      const moved: PiiSpan[] = [];
      let at = 0;
      let len = 0;
      for (const f of found) {
        const before = doc.text.slice(at, f.start);
        parts.push(before);
        len += before.length;
        const ph = PLACEHOLDERS[f.type];
        parts.push(ph);
        moved.push({ type: f.type, start: len, end: len + ph.length });
        len += ph.length;
        at = f.end;
      }
      parts.push(doc.text.slice(at));
      doc.text = parts.join('');
      spans = moved;
    }
    if (found.length || doc.pii) {
      doc.pii = { ...(keepSpans ? { spans } : {}), counts };
    }
    return true;
  }
  async *run(docs: AsyncIterable<Doc>, ctx: StepContext): AsyncIterable<Doc> {
    for await (const doc of docs) if (this.each(doc, ctx)) yield doc;
  }
}
