// Builds the shipped model from a corpus (./data.ts): the `main` model over every registry
// language and one second-stage model per confusable group. Training text for Serbian,
// Bosnian and Montenegrin is augmented with its transliteration into the other script
// (deterministic, ./script.ts). Used by scripts/lid/train.ts and the determinism test.
import { LANGUAGES } from '../lang/index.js';
import type { Sample } from './data.js';
import type { FeatureSpec } from './features.js';
import { LinearModel } from './linear.js';
import { cyrlToLatn, detectScript, latnToCyrl } from './script.js';
import { trainLinear, type Example, type TrainOptions } from './train.js';

interface GroupDef {
  name: string;
  classes: string[];
  spec: FeatureSpec;
  transliterate?: 'latn';
  /** With transliterate: mark text that was Cyrillic (linear.ts SCRIPT_TOKEN). */
  scriptToken?: boolean;
  /**
   * With scriptToken: languages whose training text is kept in both scripts (the original and its
   * transliteration), because both are in everyday use (Serbian); the others keep only the
   * script they were written in, so the script token can tell them apart.
   */
  bothScripts?: string[];
}

export interface BuildOptions {
  main: FeatureSpec;
  groups: GroupDef[];
  train: TrainOptions;
  groupTrain: TrainOptions;
}

export const DEFAULT_BUILD: BuildOptions = {
  main: { bits: 16, minN: 1, maxN: 4, words: true, bigrams: false },
  groups: [{ name: 'bcms', classes: ['hr', 'sr', 'bs', 'cnr'], spec: { bits: 16, minN: 2, maxN: 5, words: true, bigrams: true, markers: 'bcms', markerWeight: 5 }, transliterate: 'latn', scriptToken: true, bothScripts: ['sr'] }],
  train: { epochs: 6, lr: 0.8, seed: 1, minPerClass: 1000, maxPerClass: 3000, balanceSources: true, bias: false },
  groupTrain: { epochs: 10, lr: 0.8, seed: 2, minPerClass: 1500, maxPerClass: 3000 },
};

/** Languages whose text is augmented by Latin ↔ Cyrillic transliteration. */
const TRANSLIT_LANGS: ReadonlySet<string> = new Set(['sr', 'bs', 'cnr']);

function augment(samples: Sample[]): Example[] {
  const out: Example[] = [];
  for (const s of samples) {
    out.push({ text: s.text, lang: s.lang, source: s.source });
    if (TRANSLIT_LANGS.has(s.lang)) out.push({ text: s.script === 'Cyrl' ? cyrlToLatn(s.text) : latnToCyrl(s.text), lang: s.lang, source: s.source });
  }
  return out;
}

/**
 * The group's examples; with `transliterate: 'latn'` the Cyrillic copies made by `augment` turn
 * back into their Latin originals, so duplicates are removed (else sr/bs/cnr would count twice).
 */
function groupExamples(ex: Example[], set: ReadonlySet<string>, translit?: 'latn', bothScripts: ReadonlySet<string> = new Set()): Example[] {
  const seen = new Set<string>();
  return ex.filter((e) => {
    if (!set.has(e.lang)) return false;
    if (!translit) return true;
    const k = `${e.lang}\t${bothScripts.has(e.lang) ? detectScript(e.text) : ''}\t${cyrlToLatn(e.text)}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export function buildModels(train: Sample[], opt: BuildOptions = DEFAULT_BUILD, log?: (m: string) => void, languages: string[] = LANGUAGES.map((l) => l.code)): LinearModel[] {
  const ex = augment(train);
  const main = trainLinear({ name: 'main', classes: languages, spec: opt.main }, ex, { ...opt.train, log: (e, l) => log?.(`main epoch ${e + 1}: loss ${l.toFixed(4)}`) });
  const models = [main];
  for (const g of opt.groups) {
    if (!g.classes.every((c) => languages.includes(c))) continue;
    const set = new Set(g.classes);
    models.push(
      trainLinear(
        { name: g.name, classes: g.classes, spec: g.spec, ...(g.transliterate ? { transliterate: g.transliterate } : {}), ...(g.scriptToken ? { scriptToken: true } : {}) },
        groupExamples(ex, set, g.transliterate, new Set(g.scriptToken ? (g.bothScripts ?? []) : [])),
        { ...opt.groupTrain, log: (e, l) => log?.(`${g.name} epoch ${e + 1}: loss ${l.toFixed(4)}`) },
      ),
    );
  }
  return models;
}
