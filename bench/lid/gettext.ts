// The unseen test domain of bench/lid: translated software interface strings from Debian's
// gettext catalogues (`/usr/share/locale/<locale>/LC_MESSAGES/*.mo`), read by a minimal .mo
// reader (GNU gettext manual, "The Format of GNU MO Files"). Never training data (docs/LID.md).
// Not a general gettext library: no plural rules, no contexts beyond dropping them.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { textHash, type Sample } from '../../src/lid/data.js';
import { detectScript } from '../../src/lid/script.js';
import type { Script } from '../../src/lang/index.js';

const MO_MAGIC = 0x950412de;

/** [msgid, msgstr] pairs of one .mo file (first plural form; the header entry skipped). */
export function readMo(buf: Uint8Array, file = '<buffer>'): [string, string][] {
  if (buf.length < 28) throw new Error(`${file}: not a .mo file (too short)`);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const m = dv.getUint32(0, true);
  const le = m === MO_MAGIC;
  if (!le && dv.getUint32(0, false) !== MO_MAGIC) throw new Error(`${file}: not a .mo file (magic 0x${m.toString(16)})`);
  const u32 = (o: number) => dv.getUint32(o, le);
  const n = u32(8);
  const orig = u32(12);
  const trans = u32(16);
  const dec = new TextDecoder('utf-8', { fatal: false });
  const str = (table: number, i: number) => {
    const len = u32(table + 8 * i);
    const off = u32(table + 8 * i + 4);
    if (off + len > buf.length) throw new Error(`${file}: string ${i} runs past the end`);
    return dec.decode(buf.subarray(off, off + len));
  };
  const out: [string, string][] = [];
  for (let i = 0; i < n; i++) {
    const id = str(orig, i);
    if (!id) continue; // the header entry
    const ctx = id.indexOf('\u0004');
    out.push([(ctx >= 0 ? id.slice(ctx + 1) : id).split('\0')[0]!, str(trans, i).split('\0')[0]!]);
  }
  return out;
}

/** Removes accelerators, format directives and markup; collapses space. */
export function cleanUiString(s: string): string {
  return s
    .replace(/<[^>]{1,40}>/g, ' ')
    .replace(/%(\d+\$)?[-+ #0]*\d*(\.\d+)?[hlLqjzt]*[sdiuxXfFeEgGcp%]|%\([a-z_]+\)[sd]|\{[\w.:]*\}|\$\{?\w+\}?/g, ' ')
    .replace(/\\n|\n|\t/g, ' ')
    .replace(/(^|[^\p{L}])[_&](?=\p{L})|(?<=\p{L})[_&](?=\p{L})/gu, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Registry code → locale folders with its catalogues (no: nb; sr: Cyrillic and @latin; pt: pt and pt_BR). */
export const LOCALES: Record<string, string[]> = {
  no: ['nb', 'no'],
  sr: ['sr', 'sr@latin'],
  pt: ['pt', 'pt_BR'],
  en: ['en_GB'],
  bs: ['bs'],
  ca: ['ca', 'ca@valencia'],
};

/**
 * Up to `perLang` distinct translated strings of ≥ `minChars` characters per registry language
 * (deterministic: every catalogue in name order, then the strings by hash). Strings left
 * untranslated (msgstr = msgid) are skipped.
 */
export function gettextSamples(langs: readonly string[], perLang = 400, minChars = 20, root = '/usr/share/locale'): Sample[] {
  const out: Sample[] = [];
  for (const lang of langs) {
    const seen = new Map<string, string>();
    for (const loc of LOCALES[lang] ?? [lang]) {
      const dir = join(root, loc, 'LC_MESSAGES');
      if (!existsSync(dir)) continue;
      for (const f of readdirSync(dir)
        .filter((x) => x.endsWith('.mo'))
        .sort()) {
        let pairs: [string, string][];
        try {
          pairs = readMo(readFileSync(join(dir, f)), join(dir, f));
        } catch (e) {
          console.error(`skipping ${(e as Error).message}`);
          continue;
        }
        for (const [id, str] of pairs) {
          const t = cleanUiString(str);
          if (t.length < minChars || t === cleanUiString(id) || !/\p{L}{3}/u.test(t) || seen.has(t)) continue;
          seen.set(t, `gettext:${loc}/${f}`);
        }
      }
    }
    const texts = [...seen.keys()].sort((a, b) => textHash(a) - textHash(b) || (a < b ? -1 : 1)).slice(0, perLang);
    for (const t of texts) out.push({ text: t, lang, script: detectScript(t) as Script, source: seen.get(t)! });
  }
  return out;
}
