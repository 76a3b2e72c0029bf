// Orthographic evidence for the Cyrillic registry languages: each one's alphabet as a data table,
// and a count of the letters of a text that its alphabet lacks (й щ ъ ь ю я are not Macedonian or
// Serbian; ј љ њ џ are not Bulgarian or Ukrainian; ѓ ќ ѕ only Macedonian; ђ ћ only Serbian,
// Bosnian, Montenegrin; є і ї ґ only Ukrainian). identify.ts turns the count into a penalty.
// Not a script detector (./script.ts). Reference: the official alphabets (Unicode CLDR exemplar sets).

/** Lower-case letters of each Cyrillic alphabet (Montenegrin's с́ з́ are с, з + a combining accent). */
export const CYRILLIC_ALPHABETS: Record<string, string> = {
  bg: 'абвгдежзийклмнопрстуфхцчшщъьюяѝ',
  mk: 'абвгдѓежзѕијклљмнњопрстќуфхцчџшѐѝ',
  sr: 'абвгдђежзијклљмнњопрстћуфхцчџш',
  bs: 'абвгдђежзијклљмнњопрстћуфхцчџш',
  cnr: 'абвгдђежзијклљмнњопрстћуфхцчџш',
  uk: 'абвгґдеєжзиіїйклмнопрстуфхцчшщьюя',
};

/** Index of a Cyrillic letter (either case) in 0..48 (а..џ, ґ), or -1. */
function slot(c: number): number {
  if (c >= 0x410 && c <= 0x42f) return c + 0x20 - 0x430; // А..Я
  if (c >= 0x400 && c <= 0x40f) return c + 0x50 - 0x430; // Ѐ..Џ
  if (c >= 0x430 && c <= 0x45f) return c - 0x430;
  if (c === 0x490 || c === 0x491) return 48; // Ґ ґ
  return -1;
}

/** Membership tables (49 slots) for the given class list; undefined for non-Cyrillic languages. */
export function alphabetTables(classes: readonly string[]): (Uint8Array | undefined)[] {
  return classes.map((c) => {
    const a = CYRILLIC_ALPHABETS[c];
    if (!a) return undefined;
    const t = new Uint8Array(49);
    for (const ch of a) t[slot(ch.charCodeAt(0))] = 1;
    return t;
  });
}

/** Per class: how many Cyrillic letters of `text` its alphabet lacks (0 for non-Cyrillic classes). */
export function foreignLetters(text: string, tables: readonly (Uint8Array | undefined)[], out: Int32Array): void {
  out.fill(0);
  for (let i = 0; i < text.length; i++) {
    const s = slot(text.charCodeAt(i));
    if (s < 0) continue;
    for (let c = 0; c < tables.length; c++) {
      const t = tables[c];
      if (t && !t[s]) out[c]!++;
    }
  }
}
