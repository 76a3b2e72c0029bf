// The corpus-pipeline step `lid`: identifies each document's language and script with the
// model library (src/lid/), sets doc.lang / doc.script / doc.lang_score, and drops `und` or
// unselected languages as configured. Not the identifier itself (src/lid/identify.ts).
// Reference: datatrove LanguageFilter (pipeline/filters/language_filter.py).
import type { Doc } from '../doc.js';
import type { Step, StepContext } from '../step.js';
import { findLanguage, UND } from '../../lang/index.js';
import { createLid, identifyDocument, type LangId } from '../../lid/index.js';
import { LidConfigSchema, type LidConfig } from './config.js';

/** Pipeline step `lid`: sets doc.lang, doc.script, doc.lang_score; optionally drops `und` / unselected languages. */
export class LidStep implements Step {
  readonly name = 'lid';
  readonly config: LidConfig;
  private lid?: Promise<LangId>;

  constructor(config: Partial<LidConfig> = {}, lid?: LangId) {
    this.config = LidConfigSchema.parse(config);
    if (lid) this.lid = Promise.resolve(lid);
  }

  private model?: LangId;
  private keep?: Set<string>;

  /** Loads the model (once); each() needs it. */
  async init(): Promise<void> {
    this.model ??= await (this.lid ??= createLid({ model: this.config.model, threshold: this.config.threshold, ensemble: this.config.ensemble, splitMixed: false }));
  }

  each(doc: Doc, ctx: StepContext): boolean {
    const lid = this.model;
    if (!lid) throw new Error('LidStep.each before init()');
    const { languages, dropUnd, sampleBytes, declared } = this.config;
    const keep = (this.keep ??= new Set(languages));
    const r = identifyDocument(lid, doc.text, sampleBytes);
    const given = declared === 'trust' && typeof doc.meta?.inputLang === 'string' ? findLanguage(doc.meta.inputLang) : undefined;
    if (given) {
      // The source's label wins; the score says how strongly our model agrees (0 if it does not).
      if (given.code !== r.lang) ctx.stats.inc('lid.declared_disagrees');
      doc.lang = given.code;
      doc.lang_score = given.code === r.lang ? r.score : 0;
      doc.script = given.scripts.includes(r.script as never) ? r.script : given.scripts[0]!;
      r.lang = given.code;
    } else {
      doc.lang = r.lang;
      doc.script = r.script;
      doc.lang_score = r.score;
    }
    ctx.stats.inc(`lid.${r.lang}`);
    if (r.lang === UND && dropUnd) {
      ctx.exclude(doc, this.name, { drop: 'und' });
      return false;
    }
    if (keep.size && !keep.has(r.lang)) {
      ctx.exclude(doc, this.name, { drop: 'language' });
      return false;
    }
    return true;
  }

  async *run(docs: AsyncIterable<Doc>, ctx: StepContext): AsyncIterable<Doc> {
    await this.init();
    for await (const doc of docs) if (this.each(doc, ctx)) yield doc;
  }
}
