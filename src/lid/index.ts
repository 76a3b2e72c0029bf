// Language identification for oellm: `createLid` loads the shipped model (or a user's
// fastText-format model) behind one interface, and `identifyDocument` decides long documents
// on a bounded sample by per-paragraph vote. A model library: not the corpus-pipeline step
// (src/data/lid/step.ts) nor the CLI (src/cli/commands/lid.ts). Method, data, results: docs/LID.md.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UND } from '../lang/index.js';
import { OellmError } from '../util/errors.js';
import { FastTextLid, FASTTEXT_MAGIC } from './fasttext.js';
import { OellmLid, type LangId, type LidResult } from './identify.js';
import { loadCld2 } from './cld2.js';
import { EnsembleLid, loadLid176 } from './ensemble.js';
import { deserializeModels, MAGIC } from './linear.js';
import { detectScript } from './script.js';

export { OellmLid, type LangId, type LidResult } from './identify.js';
export { FastTextLid, mapFastTextLabel } from './fasttext.js';
export { EnsembleLid, ENSEMBLE_WEIGHTS, type EnsembleWeights } from './ensemble.js';
export { detectScript, cyrlToLatn, latnToCyrl } from './script.js';

const here = dirname(fileURLToPath(import.meta.url));
/** Path of the shipped model (src/lid/model/; from dist/lid/ it is found in ../../src/lid/model/). */
export const BUILTIN_MODEL: string = [join(here, 'model', 'oellm-lid.bin'), resolve(here, '..', '..', 'src', 'lid', 'model', 'oellm-lid.bin')].find((p) => existsSync(p)) ?? join(here, 'model', 'oellm-lid.bin');

export interface CreateLidOptions {
  /** `builtin` (default) or a path to an oellm `.bin` or a fastText `.bin`/`.ftz` model. */
  model?: string;
  /** Below this probability `identify` answers `und` (default 0.5). */
  threshold?: number;
  /** fastText labels outside the registry: `und` (default) or passed through as they are. */
  unknownLabels?: 'und' | 'pass';
  /**
   * With the builtin model: combine it with CLD2 and fastText lid.176 (./ensemble.ts; default
   * true). false = the oellm model alone. Ignored for a user's `model`.
   */
  ensemble?: boolean;
  /**
   * With the ensemble: check multi-sentence lines for two languages and cap their score
   * (EnsembleLid.splitMixed; default true). The corpus pipeline turns it off (its paragraph vote
   * weighs a document's languages).
   */
  splitMixed?: boolean;
}

/** Loads a language identifier; the file type is told by its magic number. */
export async function createLid(opts: CreateLidOptions = {}): Promise<LangId> {
  const threshold = opts.threshold ?? 0.5;
  const path = !opts.model || opts.model === 'builtin' ? BUILTIN_MODEL : opts.model;
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new OellmError(`cannot read language-identification model: ${(e as Error).message}`, {
      file: path,
      code: 'E_LID_MODEL',
      hint: path === BUILTIN_MODEL ? 'rebuild it with `npx tsx scripts/lid/train.ts`' : 'give a fastText .bin/.ftz file (OpenLID, GlotLID, lid.176) or omit --model',
    });
  }
  const magic = bytes.length >= 4 ? new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true) : 0;
  if (magic === FASTTEXT_MAGIC) return FastTextLid.fromBytes(bytes, { threshold, file: path, unknownLabels: opts.unknownLabels ?? 'und' });
  if (magic !== MAGIC && path !== BUILTIN_MODEL) {
    throw new OellmError('not a language-identification model (neither fastText nor oellm)', { file: path, code: 'E_FORMAT', hint: 'give a fastText .bin/.ftz model (magic 0x2f4f16ba) or an oellm model from scripts/lid/train.ts' });
  }
  const oellm = new OellmLid(deserializeModels(bytes, path).models, threshold);
  if (opts.ensemble === false || path !== BUILTIN_MODEL) return oellm;
  return new EnsembleLid(oellm, loadCld2(), loadLid176(), threshold, undefined, opts.splitMixed ?? true);
}

/**
 * Characters of a paragraph that are scored for the document vote (cut at a word boundary): a
 * paragraph's first few hundred characters decide it as well as the whole (bench/lid, documents),
 * and the cost of identification is linear in the characters scored.
 */
export const PARA_CHARS = 400;

/**
 * Identifies a document: short texts (≤ 512 characters) whole; longer ones by a vote of the
 * paragraphs in their first `sampleBytes` characters, each paragraph scored on its first
 * `paraChars` characters and voting with weight (paragraph length) × score, so boilerplate in
 * another language does not decide a long document.
 */
export function identifyDocument(lid: LangId, text: string, sampleBytes = 4096, paraChars = PARA_CHARS): LidResult {
  if (text.length <= 512) return lid.identify(text);
  const sample = text.length > sampleBytes ? text.slice(0, sampleBytes) : text;
  const votes = new Map<string, number>();
  const scripts = new Map<string, string>();
  let total = 0;
  for (const para of sample.split(/\n+/)) {
    const p = para.trim();
    if (p.length < 20) continue;
    let cut = p;
    if (p.length > paraChars) {
      const sp = p.lastIndexOf(' ', paraChars);
      cut = p.slice(0, sp > paraChars / 2 ? sp : paraChars);
    }
    const r = lid.identify(cut);
    const w = p.length;
    total += w;
    votes.set(r.lang, (votes.get(r.lang) ?? 0) + w * r.score);
    if (!scripts.has(r.lang)) scripts.set(r.lang, r.script);
  }
  if (total === 0) return lid.identify(sample.length > paraChars ? sample.slice(0, paraChars) : sample);
  let best = UND;
  let bw = -1;
  for (const [l, w] of votes) if (w > bw || (w === bw && l < best)) [best, bw] = [l, w];
  const score = Math.round((bw / total) * 1e4) / 1e4;
  const lang = score >= lid.threshold ? best : UND;
  return { lang, script: scripts.get(best) ?? detectScript(sample), score };
}
