// The shipped language identifier: the oellm model (./identify.ts) combined with two peers that
// were trained on other text — CLD2 (./cld2.ts) always, and fastText lid.176 (read by ./fasttext.ts
// from the `fasttext.wasm.js` package) only where oellm and CLD2 disagree. A weighted product of
// experts over the registry languages of the text's script:
//   s(l) = ln(p_oellm(l) + floor) + w_cld2 · share_cld2(l) + w_ft · p_lid176(l)
// Montenegrin, which neither peer models, is not voted down by them (ENSEMBLE_WEIGHTS.unmodelled).
// Scores are softmax(s / T) with T = temperature · (1 + shortLetters / letters), capped on mixed
// lines (two languages in the halves of a line, or in CLD2's split): the calibrated `und`.
// Why and how the weights were chosen (mean leave-one-source-out macro-F1 of bench/lid, never
// the gettext domain): docs/LID.md "Ensemble". Not a trainer; not the pipeline step.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { UND } from '../lang/index.js';
import { OellmError } from '../util/errors.js';
import type { Cld2Answer } from './cld2.js';
import { FastTextLid } from './fasttext.js';
import type { LangId, LidResult, OellmLid } from './identify.js';

/** ASCII letters; other characters count as letters except Latin-1 and general punctuation (cheap, for T only). */
const ASCII_LETTER = Uint8Array.from({ length: 128 }, (_, c) => (/[A-Za-z]/.test(String.fromCharCode(c)) ? 1 : 0));
function countLetters(t: string, max: number): number {
  let n = 0;
  for (let i = 0; i < t.length && n < max; i++) {
    const c = t.charCodeAt(i);
    if (c < 128 ? ASCII_LETTER[c] : !((c >= 0xa0 && c <= 0xbf) || (c >= 0x2000 && c <= 0x206f) || (c >= 0x3000 && c <= 0x303f) || (c >= 0xdc00 && c <= 0xdfff))) n++;
  }
  return n;
}
/** Sentence ends where a mixed line may be cut (./ensemble.ts mixedHalves). */
const SENTENCE_END = /[.!?;:。]\s+/g;
/** Shortest half worth identifying on its own (characters). */
const MIN_HALF = 40;
/** Close relatives: halves in two of one group are one language misjudged, not a mixed line. */
const CLOSE: readonly (readonly string[])[] = [
  ['hr', 'sr', 'bs', 'cnr', 'sl'],
  ['mk', 'bg', 'sr'],
  ['gl', 'pt', 'es', 'ca'],
  ['no', 'nn', 'da', 'sv'],
  ['cs', 'sk'],
];
const close = (a: string, b: string) => CLOSE.some((g) => g.includes(a) && g.includes(b));

export interface EnsembleWeights {
  /** Weight of CLD2's byte share of a language. */
  cld2: number;
  /** Weight of lid.176's probability (consulted only when oellm and CLD2 disagree). */
  fastText: number;
  /** Added to oellm's probability before the log (how far the peers can overrule it). */
  floor: number;
  /** Softmax temperature of the fused scores (calibration: score ≈ probability of being right). */
  temperature: number;
  /**
   * Short texts are less certain than their scores say: the temperature is multiplied by
   * 1 + shortLetters / (letters in the text); with `temperature`, fitted by the Brier score of the
   * top answer on held-out sentences and their 1-, 2-, 3- and 5-word prefixes (docs/LID.md
   * "Calibrated und").
   */
  shortLetters: number;
  /**
   * Mixed text: when CLD2 finds a second registry language on at least `mixedShare` of the bytes,
   * the score is capped at the winner's lead (its share minus the second's).
   */
  mixedShare: number;
  /**
   * Languages neither peer models, each with the languages a peer says instead (Montenegrin:
   * CLD2 and lid.176 answer hr/sr/bs). When oellm's best language is one of these, it gets the
   * best of those answers too, so the peers confirm the group without voting against it.
   */
  unmodelled: Readonly<Record<string, readonly string[]>>;
}

/** Chosen on bench/lid's leave-one-source-out settings (docs/LID.md "Ensemble"). */
export const ENSEMBLE_WEIGHTS: Readonly<EnsembleWeights> = Object.freeze({ cld2: 4, fastText: 5, floor: 0.03, temperature: 0.9, shortLetters: 1, mixedShare: 0.3, unmodelled: Object.freeze({ cnr: Object.freeze(['hr', 'sr', 'bs']) }) });

/** lid.176.ftz as shipped inside the `fasttext.wasm.js` package (CC BY-SA 3.0, Facebook). */
export function lid176Path(): string {
  const req = createRequire(import.meta.url);
  return req.resolve('fasttext.wasm.js').replace(/dist[/\\].*$/, 'dist/models/language-identification/assets/lid.176.ftz');
}

export function loadLid176(): FastTextLid {
  let path = '';
  try {
    path = lid176Path();
    return FastTextLid.fromBytes(readFileSync(path), { threshold: 0, file: path });
  } catch (e) {
    throw new OellmError(`fastText lid.176 cannot be loaded: ${(e as Error).message}`, {
      ...(path ? { file: path } : {}),
      code: 'E_LID_PEER',
      hint: 'reinstall the `fasttext.wasm.js` package (npm install), or identify with the oellm model alone (`oellm lid --no-ensemble`, pipeline `lid.ensemble: false`)',
    });
  }
}

export class EnsembleLid implements LangId {
  readonly languages: readonly string[];
  private readonly index: Map<string, number>;
  /** class → the classes whose peer votes it shares (ENSEMBLE_WEIGHTS.unmodelled), or undefined. */
  private readonly stands: (Int32Array | undefined)[];
  private readonly s: Float64Array;
  private readonly share: Float64Array;
  private readonly ftp: Float64Array;
  /** Sentences on which lid.176 was consulted / all sentences (for benchmarks). */
  readonly calls = { all: 0, fastText: 0 };

  constructor(
    private readonly oellm: OellmLid,
    private readonly cld2: (text: string) => Cld2Answer[],
    private readonly fastText: FastTextLid | undefined,
    readonly threshold = 0.5,
    private readonly w: EnsembleWeights = ENSEMBLE_WEIGHTS,
    /**
     * Check lines of two or more sentences for two languages (`mixedHalves`): on for `oellm lid`
     * and the library, off in the corpus pipeline, whose paragraph vote already weighs a
     * document's languages (and which would pay two more model passes per paragraph).
     */
    readonly splitMixed = true,
  ) {
    this.languages = oellm.languages;
    this.index = new Map(this.languages.map((l, i) => [l, i]));
    this.stands = this.languages.map((l) => (w.unmodelled[l] ? Int32Array.from(w.unmodelled[l], (x) => this.index.get(x) ?? -1).filter((i) => i >= 0) : undefined));
    const C = this.languages.length;
    this.s = new Float64Array(C);
    this.share = new Float64Array(C);
    this.ftp = new Float64Array(C);
  }

  /**
   * Fills this.s with the ensemble's probabilities; the script, whether the text could be
   * identified, and the upper bound of its score from CLD2's split (1 when CLD2 did not split it).
   */
  private fuse(text: string): { script: string; ok: boolean; cap: number } {
    const { script, p } = this.oellm.distribution(text);
    if (!p) return { script, ok: false, cap: 0 };
    this.calls.all++;
    const C = this.languages.length;
    let best = 0;
    for (let c = 1; c < C; c++) if (p[c]! > p[best]!) best = c;
    const share = this.share.fill(0);
    let cBest = -1;
    for (const a of this.cld2(text)) {
      const i = this.index.get(a.lang);
      if (i === undefined || p[i] === 0) continue; // not a registry language, or not of this script
      share[i] = share[i]! + a.share;
      if (cBest < 0 || share[i]! > share[cBest]!) cBest = i;
    }
    const ftp = this.ftp.fill(0);
    if (this.fastText && cBest !== best) {
      this.calls.fastText++;
      for (const r of this.fastText.identifyTop(text, 5)) {
        const i = this.index.get(r.lang);
        if (i !== undefined && p[i] !== 0) ftp[i] = ftp[i]! + r.score;
      }
    }
    // the two largest CLD2 shares among this script's languages (mixed text)
    let first = 0;
    let second = 0;
    for (let c = 0; c < C; c++) {
      const v = share[c]!;
      if (v > first) [first, second] = [v, first];
      else if (v > second) second = v;
    }
    const cap = second >= this.w.mixedShare ? first - second : 1;
    const stand = this.stands[best];
    if (stand) {
      // the peers cannot say this language: they get the best of what they say instead
      for (const i of stand) {
        if (share[i]! > share[best]!) share[best] = share[i]!;
        if (ftp[i]! > ftp[best]!) ftp[best] = ftp[i]!;
      }
    }
    const wc = this.w.cld2;
    const letters = countLetters(text, 256); // beyond, T ≈ temperature
    const T = this.w.temperature * (1 + this.w.shortLetters / Math.max(1, letters));
    const s = this.s;
    let max = -Infinity;
    for (let c = 0; c < C; c++) {
      if (p[c] === 0) {
        s[c] = -Infinity;
        continue;
      }
      s[c] = Math.log(p[c]! + this.w.floor) + wc * share[c]! + this.w.fastText * ftp[c]!;
      if (s[c]! > max) max = s[c]!;
    }
    let sum = 0;
    for (let c = 0; c < C; c++) sum += s[c] = s[c] === -Infinity ? 0 : Math.exp((s[c]! - max) / T);
    for (let c = 0; c < C; c++) s[c] = s[c]! / sum;
    return { script, ok: true, cap };
  }

  identify(text: string): LidResult {
    const fused = this.fuse(text);
    const { script } = fused;
    if (!fused.ok) return { lang: UND, script, score: 0 };
    const s = this.s;
    let best = 0;
    for (let c = 1; c < s.length; c++) if (s[c]! > s[best]!) best = c;
    const cap = this.splitMixed && fused.cap === 1 ? this.mixedHalves(text) : fused.cap;
    const score = Math.round(Math.min(cap, s[best]!) * 1e4) / 1e4;
    return { lang: score >= this.threshold ? this.languages[best]! : UND, script, score };
  }

  /**
   * A line of two or more sentences is cut at the sentence end nearest its middle and each half is
   * identified by the model alone; when the halves are sure (≥ 0.9) of two languages that are not
   * close relatives (CLOSE), the line is mixed and its score is capped at the larger half's lead
   * (2 · its share of the characters − 1): at the default threshold 0.5 a line is called only
   * when three quarters of it are in one language. 1 = not mixed.
   */
  private mixedHalves(text: string): number {
    if (text.length < 2 * MIN_HALF) return 1;
    const mid = text.length >> 1;
    let cut = -1;
    SENTENCE_END.lastIndex = 0;
    for (let m = SENTENCE_END.exec(text); m; m = SENTENCE_END.exec(text)) {
      const at = m.index + 1;
      if (at >= MIN_HALF && text.length - at >= MIN_HALF && (cut < 0 || Math.abs(at - mid) < Math.abs(cut - mid))) cut = at;
    }
    if (cut < 0) return 1;
    const half = (t: string): [string, number] | undefined => {
      const { p } = this.oellm.distribution(t);
      if (!p) return undefined;
      let b = 0;
      for (let c = 1; c < p.length; c++) if (p[c]! > p[b]!) b = c;
      return [this.languages[b]!, p[b]!];
    };
    const a = half(text.slice(0, cut));
    const b = half(text.slice(cut));
    if (!a || !b || a[0] === b[0] || a[1] < 0.9 || b[1] < 0.9 || close(a[0], b[0])) return 1;
    return (2 * Math.max(cut, text.length - cut)) / text.length - 1;
  }

  identifyTop(text: string, k: number): LidResult[] {
    const { script, ok } = this.fuse(text);
    if (!ok) return [{ lang: UND, script, score: 0 }];
    const s = this.s;
    return [...s.keys()]
      .sort((a, b) => s[b]! - s[a]! || a - b)
      .slice(0, Math.max(1, k))
      .map((c) => ({ lang: this.languages[c]!, script, score: Math.round(s[c]! * 1e4) / 1e4 }));
  }
}
