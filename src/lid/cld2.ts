// CLD2 (Compact Language Detector 2, Google; Apache-2.0) as a peer of the oellm model inside the
// ensemble (./ensemble.ts): the `cld` npm package's native binding, called synchronously (its
// public `detect` is async and goes through libuv's thread pool for every call, ~3× slower per
// sentence). Answers are mapped to registry codes (CLD2's `sr-ME` is Montenegrin). Not a
// language identifier on its own (bench/lid runs CLD2 alone as a peer); not loaded unless asked.
// Reference: https://github.com/CLD2Owners/cld2, https://github.com/dachev/node-cld (v2.10).
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { OellmError } from '../util/errors.js';
import { mapFastTextLabel } from './fasttext.js';

interface Cld2Binding {
  detect(text: string, isPlainText: boolean, languageHint: string, encodingHint: string, tldHint: string, httpHint: string, bestEffort: boolean): { reliable: boolean; languages: { code: string; percent: number }[] };
}

/** One CLD2 answer: registry code (or `und`) and the share of the text's bytes CLD2 gave it (0..1). */
export interface Cld2Answer {
  lang: string;
  share: number;
}

const codes = new Map<string, string>();
/** CLD2 language code → registry code, or `und` (memoised: CLD2 has ~180 codes). */
export function mapCld2Code(code: string): string {
  let m = codes.get(code);
  if (m === undefined) codes.set(code, (m = code === 'sr-ME' ? 'cnr' : (mapFastTextLabel(code)?.lang ?? 'und')));
  return m;
}

let binding: Cld2Binding | undefined;

/** Loads the native binding once; a clear error when the `cld` package did not build on this machine. */
export function loadCld2(): (text: string) => Cld2Answer[] {
  if (!binding) {
    try {
      const req = createRequire(import.meta.url);
      binding = req(join(dirname(req.resolve('cld/package.json')), 'build', 'Release', 'cld.node')) as Cld2Binding;
    } catch (e) {
      throw new OellmError(`CLD2 (the \`cld\` package) cannot be loaded: ${(e as Error).message}`, {
        code: 'E_LID_PEER',
        hint: 'reinstall with a C++ toolchain (`npm rebuild cld`), or identify with the oellm model alone (`oellm lid --no-ensemble`, pipeline `lid.ensemble: false`)',
      });
    }
  }
  const b = binding;
  return (text: string) => {
    const r = b.detect(text, true, '', '', '', '', false);
    return r.languages.map((l) => ({ lang: mapCld2Code(l.code), share: l.percent / 100 }));
  };
}
