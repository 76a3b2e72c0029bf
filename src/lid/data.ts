// The real text the shipped model is trained and evaluated on, per source, with a deterministic
// in-source split: Universal Dependencies sentences (1 in 5 held out by sentence hash), the UDHR
// (src/corpus/udhr.ts; HELDOUT_ARTICLES held out in every language), FLORES-200 train-split
// sentences (`../shared/eval/sib200/<lang>/train.tsv.gz`, 1 in 5 index_ids held out in every
// language) and EXAMS train-split questions (1 in 5 by id hash). Never the dev/test splits of
// ../shared/eval. Not shipped data: read at run time. Used by scripts/lid/train.ts, bench/lid, tests.
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readUdhr } from '../corpus/udhr.js';
import { LANGUAGES, type Script } from '../lang/index.js';
import { OellmError } from '../util/errors.js';
import { detectScript } from './script.js';

export interface Sample {
  text: string;
  lang: string;
  script: Script;
  /** `ud:<lang>`, `udhr:<file>#<article>` (0 = preamble), `flores:<lang>#<index_id>`, `exams:<lang>#<id>`. */
  source: string;
}

/** The training/evaluation sources, in the order bench/lid leaves them out. */
export const SOURCES = ['ud', 'udhr', 'flores', 'exams'] as const;
export type SourceName = (typeof SOURCES)[number];
export function sourceOf(s: Pick<Sample, 'source'>): SourceName {
  return s.source.slice(0, s.source.indexOf(':')) as SourceName;
}

/** UDHR articles held out from training for every language (the preamble is article 0). */
export const HELDOUT_ARTICLES: ReadonlySet<number> = new Set([3, 7, 11, 15, 19, 23, 27]);

/** FNV-1a over UTF-16 units; the UD split is `hash % 5 === 0` → held out. */
export function textHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
function isHeldOutSentence(s: string): boolean {
  return textHash(s.trim()) % 5 === 0;
}

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root (src/lid/ or dist/lid/ → two up). */
export const REPO_ROOT = resolve(here, '..', '..');

/** `<repo>/../shared/data/ud`, or OELLM_UD_DIR. */
export function udDir(): string {
  return process.env.OELLM_UD_DIR ?? resolve(REPO_ROOT, '..', 'shared', 'data', 'ud');
}

/** UD sentences of one language (empty when the language has no UD file here). */
function udSentences(lang: string): string[] {
  const f = join(udDir(), `${lang}.txt`);
  if (!existsSync(f)) return [];
  const seen = new Set<string>();
  const out: string[] = [];
  for (const line of readFileSync(f, 'utf8').split('\n')) {
    const s = line.trim();
    if (s.length < 2 || seen.has(s)) continue;
    seen.add(s);
    out.push(s);
  }
  return out;
}

/** Splits a paragraph into sentences at . ! ? ; followed by space and an upper-case letter. */
function splitSentences(p: string): string[] {
  return p
    .split(/(?<=[.!?;:])\s+(?=[\p{Lu}"«„(])/u)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** UDHR paragraphs per article of one `udhr` file, through the project's one UDHR reader. */
function udhrArticles(file: string): Map<number, string[]> {
  return new Map(readUdhr(file).map((a) => [a.article, a.text.split('\n')]));
}

/** Minimum characters of a sentence used for training or evaluation. */
const MIN_CHARS = 20;

export interface Corpus {
  train: Sample[];
  heldout: Sample[];
}

/** `../shared/eval` (or OELLM_EVAL_DIR): FLORES-200 (SIB-200) and EXAMS, train splits only here. */
export function evalDir(): string {
  return process.env.OELLM_EVAL_DIR ?? resolve(REPO_ROOT, '..', 'shared', 'eval');
}

function gunzipText(path: string): string | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return gunzipSync(readFileSync(path)).toString('utf8');
  } catch (e) {
    throw new OellmError(`cannot read ${path}: ${(e as Error).message}`, { file: path, hint: 'the file should be gzip-compressed UTF-8 (see ../shared/eval/README.md)' });
  }
}

/** FLORES-200 sentences of the SIB-200 train split: [index_id, text]; pandas CSV quoting undone. */
export function floresTrain(lang: string): [number, string][] {
  const path = join(evalDir(), 'sib200', lang, 'train.tsv.gz');
  const text = gunzipText(path);
  if (text === undefined) return [];
  const out: [number, string][] = [];
  const lines = text.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line) continue;
    const t1 = line.indexOf('\t');
    const t2 = line.indexOf('\t', t1 + 1);
    const id = Number(line.slice(0, t1));
    if (t1 < 0 || t2 < 0 || !Number.isInteger(id)) throw new OellmError(`malformed SIB-200 row ${i + 1}`, { file: path, hint: 'expected index_id<TAB>category<TAB>text' });
    let t = line.slice(t2 + 1);
    if (t.startsWith('"') && t.endsWith('"') && t.length >= 2) t = t.slice(1, -1).replace(/""/g, '"');
    out.push([id, t.trim()]);
  }
  return out;
}

/** EXAMS train-split questions: [id, texts] (the stem and each choice). */
export function examsTrain(lang: string): [string, string[]][] {
  const path = join(evalDir(), 'exams', lang, 'train.jsonl.gz');
  const text = gunzipText(path);
  if (text === undefined) return [];
  const out: [string, string[]][] = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (!line.trim()) continue;
    let q: { id: string; question: { stem: string; choices: { text: string }[] } };
    try {
      q = JSON.parse(line) as typeof q;
    } catch (e) {
      throw new OellmError(`malformed EXAMS line ${i + 1}: ${(e as Error).message}`, { file: path, hint: 'one JSON object per line' });
    }
    out.push([q.id, [q.question.stem, ...q.question.choices.map((c) => c.text)].map((t) => t.replace(/\s+/g, ' ').trim())]);
  }
  return out;
}

/** FLORES index_ids held out in every language (parallel text: a held-out sentence is never trained on in any language). */
export function isHeldOutFlores(indexId: number): boolean {
  return indexId % 5 === 0;
}

/**
 * Train and held-out samples for the given registry languages (default: all) and sources
 * (default: all). UD sentences (scripts as written: Serbian UD is Latin), the UDHR in every
 * script the registry lists, FLORES-200 (sr is Cyrillic there) and EXAMS (sr mixed; script detected).
 */
export function loadCorpus(langs: readonly string[] = LANGUAGES.map((l) => l.code), sources: readonly SourceName[] = SOURCES): Corpus {
  const train: Sample[] = [];
  const heldout: Sample[] = [];
  const use = new Set(sources);
  for (const code of langs) {
    const l = LANGUAGES.find((x) => x.code === code);
    if (!l) throw new OellmError(`unknown language ${code}`, { hint: 'use registry codes (`oellm langs`)' });
    const latnOr = (t: string): Script => (l.scripts.length > 1 ? (detectScript(t) as Script) : l.scripts[0]!);
    const push = (held: boolean, text: string, script: Script, source: string) => {
      if (text.length >= MIN_CHARS) (held ? heldout : train).push({ text, lang: code, script, source });
    };
    if (use.has('ud')) for (const s of udSentences(code)) push(isHeldOutSentence(s), s, l.scripts.includes('Latn') ? 'Latn' : l.scripts[0]!, `ud:${code}`);
    if (use.has('udhr')) {
      for (const [script, file] of Object.entries(l.udhr) as [Script, string][]) {
        for (const [n, paras] of udhrArticles(file)) for (const p of paras) for (const s of splitSentences(p)) push(HELDOUT_ARTICLES.has(n), s, script, `udhr:${file}#${n}`);
      }
    }
    if (use.has('flores')) for (const [id, s] of floresTrain(code)) push(isHeldOutFlores(id), s, latnOr(s), `flores:${code}#${id}`);
    if (use.has('exams')) {
      const seen = new Set<string>();
      for (const [id, texts] of examsTrain(code)) {
        for (const t of texts) {
          if (seen.has(t)) continue; // repeated answer options ("all of the above")
          seen.add(t);
          push(textHash(id) % 5 === 0, t, latnOr(t), `exams:${code}#${id}`);
        }
      }
    }
  }
  return { train, heldout };
}
