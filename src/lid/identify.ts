// The oellm language identifier: script detection (./script.ts) narrows the candidates to the
// registry languages written in that script, a linear model over all languages (`main`)
// ranks them, and when the winner belongs to a confusable group with its own model (`bcms`:
// hr/sr/bs/cnr on Latin-transliterated text, …) that model splits the group's probability.
// Not the fastText-format loader (./fasttext.ts); both implement LangId.
import { LANGUAGES, UND } from '../lang/index.js';
import { normalize } from './features.js';
import { LinearModel, prepare, softmax } from './linear.js';
import { detectScript } from './script.js';
import { alphabetTables, foreignLetters } from './alphabets.js';

export interface LidResult {
  /** Registry code, or `und`. */
  lang: string;
  /** ISO 15924 script of the text (`Zyyy` when it has no letters). */
  script: string;
  /** Probability of `lang` (0 for `und` without letters). */
  score: number;
}

export interface LangId {
  /** Best language, `und` below the threshold. */
  identify(text: string): LidResult;
  /** The k best candidates, best first, without the threshold. */
  identifyTop(text: string, k: number): LidResult[];
  /** The languages this identifier can answer (registry codes, plus passed-through labels). */
  readonly languages: readonly string[];
  readonly threshold: number;
}

/** Scripts the registry's languages are written in, plus Montenegrin Cyrillic (official, rare). */
function scriptsOf(code: string): string[] {
  const l = LANGUAGES.find((x) => x.code === code);
  return l ? [...l.scripts] : [];
}

/** Logit penalty per Cyrillic letter outside a language's alphabet (e^-2 ≈ 0.14 per letter, 3 at most). */
const FOREIGN_LETTER_PENALTY = 2;

export class OellmLid implements LangId {
  readonly languages: readonly string[];
  private readonly main: LinearModel;
  private readonly groups: { model: LinearModel; toMain: Int32Array; allowed: Map<string, Uint8Array> }[];
  private readonly allowed: Map<string, Uint8Array>;
  /** main class → group index or -1. */
  private readonly groupOf: Int32Array;
  private readonly p: Float64Array;
  private readonly q: Float64Array;
  /** Cyrillic alphabets of the main classes (./alphabets.ts) and a count buffer. */
  private readonly alphabets: (Uint8Array | undefined)[];
  private readonly foreign: Int32Array;

  constructor(
    models: LinearModel[],
    readonly threshold = 0.5,
    private readonly foreignPenalty = FOREIGN_LETTER_PENALTY,
  ) {
    const main = models.find((m) => m.header.name === 'main');
    if (!main) throw new Error('an oellm LID model file must contain a `main` model');
    this.main = main;
    this.languages = main.header.classes;
    const mask = (classes: string[]) => {
      const m = new Map<string, Uint8Array>();
      for (const s of ['Latn', 'Cyrl', 'Grek', 'Geor'])
        m.set(
          s,
          Uint8Array.from(classes, (c) => (scriptsOf(c).includes(s) ? 1 : 0)),
        );
      return m;
    };
    this.allowed = mask(main.header.classes);
    this.groupOf = new Int32Array(main.C).fill(-1);
    this.groups = models
      .filter((m) => m.header.name !== 'main')
      .map((model, gi) => {
        const toMain = Int32Array.from(model.header.classes, (c) => main.header.classes.indexOf(c));
        for (const i of toMain) if (i >= 0) this.groupOf[i] = gi;
        return { model, toMain, allowed: mask(model.header.classes) };
      });
    this.p = new Float64Array(main.C);
    this.q = new Float64Array(Math.max(1, ...this.groups.map((g) => g.model.C)));
    this.alphabets = alphabetTables(main.header.classes);
    this.foreign = new Int32Array(main.C);
  }

  /** Fills this.p with the final probabilities; returns the script, or undefined when undecidable. */
  private probs(text: string): string | undefined | null {
    const script = detectScript(text);
    const allowed = this.allowed.get(script);
    if (!allowed) return script === 'Zyyy' ? null : script; // no letters, or a script no registry language uses
    const norm = normalize(text);
    if (norm.length <= 2) return null;
    const p = this.p;
    this.main.scoresOf(this.main.features(norm), p);
    if (script === 'Cyrl') {
      // letters outside a language's alphabet count against it (at most 3 of them)
      foreignLetters(text, this.alphabets, this.foreign);
      for (let c = 0; c < this.main.C; c++) p[c] = p[c]! - this.foreignPenalty * Math.min(3, this.foreign[c]!);
    }
    softmax(p, this.main.C, allowed);
    let best = 0;
    for (let c = 1; c < this.main.C; c++) if (p[c]! > p[best]!) best = c;
    const gi = this.groupOf[best]!;
    if (gi >= 0) {
      const g = this.groups[gi]!;
      const q = this.q;
      let mass = 0;
      for (const i of g.toMain) if (i >= 0) mass += p[i]!;
      const gnorm = g.model.header.transliterate === 'latn' ? prepare(text, g.model.header) : norm;
      g.model.scoresOf(g.model.features(gnorm), q);
      softmax(q, g.model.C, g.allowed.get(script));
      for (let j = 0; j < g.toMain.length; j++) if (g.toMain[j]! >= 0) p[g.toMain[j]!] = mass * q[j]!;
    }
    return script;
  }

  /**
   * The final probabilities over `languages` (0 for languages not written in the text's script) —
   * a view of an internal buffer, valid until the next call — and the script; `p` is null when the
   * text cannot be identified (no letters, or a script no registry language uses). For ./ensemble.ts.
   */
  distribution(text: string): { script: string; p: Float64Array | null } {
    const script = this.probs(text);
    if (script === null) return { script: 'Zyyy', p: null };
    if (script === undefined || !this.allowed.has(script)) return { script: script ?? 'Zyyy', p: null };
    return { script, p: this.p };
  }

  identify(text: string): LidResult {
    const { script, p } = this.distribution(text);
    if (!p) return { lang: UND, script, score: 0 };
    let best = 0;
    for (let c = 1; c < this.main.C; c++) if (p[c]! > p[best]!) best = c;
    const score = Math.round(p[best]! * 1e4) / 1e4;
    return { lang: score >= this.threshold ? this.main.header.classes[best]! : UND, script, score };
  }

  identifyTop(text: string, k: number): LidResult[] {
    const { script, p } = this.distribution(text);
    if (!p) return [{ lang: UND, script, score: 0 }];
    const idx = [...p.keys()].sort((a, b) => p[b]! - p[a]! || a - b).slice(0, Math.max(1, k));
    return idx.map((c) => ({ lang: this.main.header.classes[c]!, script, score: Math.round(p[c]! * 1e4) / 1e4 }));
  }
}
