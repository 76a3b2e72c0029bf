// Lookups over the language registry (registry.ts): by any code form, and the three forms a
// language is written in, each its own type: `LangCode` (`sr`, the registry key, ISO 639-1 where
// one exists), `LangLabel` (`srp_Cyrl`, ISO 639-3 + ISO 15924 as HPLT / OpenEuroLLM name shard
// folders) and `LangKey` (`sr`, `sr_Latn`: the code plus the script when it is not the primary
// one, as the tokenizer report keys parallel texts). Not a language detector (see src/lid/).
import { LANGUAGES, type LangCode, type Language, type Script } from './registry.js';
import { OellmError } from '../util/errors.js';

export { LANGUAGES, type LangCode, type Language, type Script, type LangGroup } from './registry.js';

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

/** ISO 639-3 + ISO 15924 label: `srp_Cyrl` (shard folders, manifests, training data); checked: it must end in a script. */
export type LangLabel = `${string}_${Script}`;
/** Registry code, with `_Script` for a non-primary script: `sr` (Cyrillic), `sr_Latn`. */
export type LangKey = LangCode | `${LangCode}_${Script}`;

/** `srp_Cyrl`-style label (ISO 639-3 + ISO 15924) for a language and script. */
export function label(l: Language, script: Script = l.scripts[0]!): LangLabel {
  return `${l.iso3}_${script}`;
}

/** `sr` / `sr_Latn`-style key: the code, plus the script when it is not the language's primary one. */
export function langKey(l: Language, script: Script = l.scripts[0]!): LangKey {
  return script === l.scripts[0] ? l.code : `${l.code}_${script}`;
}

/** All registry codes (the main key), in registry order. */
export const LANGUAGE_CODES: readonly LangCode[] = LANGUAGES.map((l) => l.code);

const CODES: ReadonlySet<string> = new Set(LANGUAGE_CODES);

/** True when `s` is a registry code as written in the registry (`sr`; not `srp`, `SR` or an alias). */
export const isLangCode = (s: string): s is LangCode => CODES.has(s);
