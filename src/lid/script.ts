// Script detection (ISO 15924) by counting letters per script, and the deterministic
// Serbian / Bosnian / Montenegrin Cyrillic <-> Latin transliteration (Vuk Karadžić's alphabet
// and Gaj's Latin alphabet, one letter each way; lj/nj/dž are digraphs in Latin).
// Not a language detector: the script only narrows which languages are possible.
// Reference: ISO 15924; Unicode Scripts.txt (ranges below are the blocks we need).

/** Scripts we name: the registry's four, plus a few common others so foreign text is labelled. */
type DetectedScript = 'Latn' | 'Cyrl' | 'Grek' | 'Geor' | 'Arab' | 'Hebr' | 'Armn' | 'Deva' | 'Hani' | 'Jpan' | 'Hang' | 'Thai' | 'Zyyy';

const OTHER_SCRIPTS: [DetectedScript, RegExp][] = [
  ['Arab', /\p{sc=Arabic}/u],
  ['Hebr', /\p{sc=Hebrew}/u],
  ['Armn', /\p{sc=Armenian}/u],
  ['Deva', /\p{sc=Devanagari}/u],
  ['Hani', /\p{sc=Han}/u],
  ['Jpan', /[\p{sc=Hiragana}\p{sc=Katakana}]/u],
  ['Hang', /\p{sc=Hangul}/u],
  ['Thai', /\p{sc=Thai}/u],
];
const LETTER = /\p{L}/u;

/** The script of most letters in `text` (`Zyyy` when there are no letters). */
export function detectScript(text: string): DetectedScript {
  let latn = 0,
    cyrl = 0,
    grek = 0,
    geor = 0,
    other = 0;
  let otherSample = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      if ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) latn++;
    } else if ((c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7) || (c >= 0x1e00 && c <= 0x1eff)) latn++;
    else if (c >= 0x400 && c <= 0x52f) cyrl++;
    else if ((c >= 0x370 && c <= 0x3ff) || (c >= 0x1f00 && c <= 0x1fff)) grek++;
    else if ((c >= 0x10a0 && c <= 0x10ff) || (c >= 0x1c90 && c <= 0x1cbf) || (c >= 0x2d00 && c <= 0x2d2f)) geor++;
    else if (c < 0x300 || (c >= 0x2000 && c <= 0x2bff))
      continue; // punctuation, symbols, combining marks
    else {
      const ch = String.fromCodePoint(text.codePointAt(i)!);
      if (ch.length === 2) i++; // surrogate pair
      if (LETTER.test(ch)) {
        other++;
        if (otherSample.length < 64) otherSample += ch;
      }
    }
  }
  const max = Math.max(latn, cyrl, grek, geor, other);
  if (max === 0) return 'Zyyy';
  if (max === latn) return 'Latn';
  if (max === cyrl) return 'Cyrl';
  if (max === grek) return 'Grek';
  if (max === geor) return 'Geor';
  for (const [s, re] of OTHER_SCRIPTS) if (re.test(otherSample)) return s;
  return 'Zyyy';
}

// Serbian Cyrillic -> Latin, one letter each (lowercase; uppercase is derived).
const CYR2LAT: Record<string, string> = {
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'g',
  д: 'd',
  ђ: 'đ',
  е: 'e',
  ж: 'ž',
  з: 'z',
  и: 'i',
  ј: 'j',
  к: 'k',
  л: 'l',
  љ: 'lj',
  м: 'm',
  н: 'n',
  њ: 'nj',
  о: 'o',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  ћ: 'ć',
  у: 'u',
  ф: 'f',
  х: 'h',
  ц: 'c',
  ч: 'č',
  џ: 'dž',
  ш: 'š',
};
const LAT2CYR: Record<string, string> = Object.fromEntries(Object.entries(CYR2LAT).map(([c, l]) => [l, c]));

function upperFirst(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Serbian/Bosnian/Montenegrin Cyrillic to Latin (Montenegrin с́ з́ → ś ź); other characters unchanged. */
export function cyrlToLatn(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    const lo = ch.toLowerCase();
    const t = CYR2LAT[lo];
    if (t === undefined) {
      out += ch;
      continue;
    }
    let r = t;
    if (text[i + 1] === '\u0301' && (lo === 'с' || lo === 'з')) {
      r = lo === 'с' ? 'ś' : 'ź';
      i++;
    }
    out += ch === lo ? r : (text[i + 1] ?? '').toUpperCase() === (text[i + 1] ?? '') && /\p{Lu}/u.test(text[i + 1] ?? '') ? r.toUpperCase() : upperFirst(r);
  }
  return out;
}

/** Gaj's Latin to Serbian Cyrillic (lj, nj, dž as one letter; ś ź → с́ з́); other characters unchanged. */
export function latnToCyrl(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    const lo = ch.toLowerCase();
    const upper = ch !== lo;
    const two = (lo + (text[i + 1] ?? '')).toLowerCase();
    let c: string | undefined;
    if (two === 'lj' || two === 'nj' || two === 'dž') {
      c = LAT2CYR[two];
      i++;
    } else if (lo === 'ś' || lo === 'ź') c = (lo === 'ś' ? 'с' : 'з') + '\u0301';
    else c = LAT2CYR[lo];
    if (c === undefined) out += ch;
    else out += upper ? c.charAt(0).toUpperCase() + c.slice(1) : c;
  }
  return out;
}
