// Lookups over the language registry (registry.ts): by any code form, and the
// `iso3_Script` labels used by HPLT / OpenEuroLLM. Not a language detector (see src/lid/).
import { LANGUAGES, type Language, type Script } from './registry.js';
import { OellmError } from '../util/errors.js';

export { LANGUAGES, type Language, type Script, type LangGroup } from './registry.js';

/** The undetermined language code (ISO 639-2 `und`). */
export const UND = 'und';

const byKey = new Map<string, Language>();
for (const l of LANGUAGES) {
  byKey.set(l.code, l);
  byKey.set(l.iso3, l);
}
// Common aliases: macrolanguage codes and BCP 47 forms seen in the wild.
const ALIASES: Record<string, string> = { nb: 'no', nob: 'no', nor: 'no', sqi: 'sq', als: 'sq', lvs: 'lv', mo: 'ro', hbs: 'sr', sh: 'sr' };
for (const [a, c] of Object.entries(ALIASES)) byKey.set(a, byKey.get(c)!);

/** Finds a language by 639-1, 639-3, `iso3_Script` or BCP 47 (`sr-Latn`); undefined if unknown. */
export function findLanguage(code: string): Language | undefined {
  const base = code.trim().toLowerCase().split(/[-_]/)[0]!;
  return byKey.get(base);
}

/** Like findLanguage but throws a clear error naming the known codes. */
export function getLanguage(code: string): Language {
  const l = findLanguage(code);
  if (!l) throw new OellmError(`unknown language code "${code}"`, { hint: 'run `oellm langs` for the list of codes', code: 'E_LANG' });
  return l;
}

/** `srp_Cyrl`-style label (ISO 639-3 + ISO 15924) for a language and script. */
export function label(l: Language, script: Script = l.scripts[0]!): string {
  return `${l.iso3}_${script}`;
}

/** All registry codes (the main key), in registry order. */
export const LANGUAGE_CODES: readonly string[] = LANGUAGES.map((l) => l.code);
