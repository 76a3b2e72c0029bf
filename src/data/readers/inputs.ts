// Input expansion for `--input`: files, folders (recursive) and globs (`*`, `?`, `**`, `[ab]`,
// `{a,b}`), sorted and deduplicated (by real file: symlinked folders are entered once), so every
// rank sees the same list. Node 20 has no fs.glob,
// hence the small matcher. Not a reader (index.ts picks the format per file).
// Folders contribute only files with a known corpus extension (KNOWN_EXT); hidden entries skipped.
import { readdirSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { OellmError } from '../../util/errors.js';

/** Extensions taken from folders (before an optional .gz/.zst); named files may have any name. */
export const KNOWN_EXT = ['.warc', '.wet', '.jsonl', '.ndjson', '.txt', '.text'];

export function hasKnownExt(name: string): boolean {
  const base = name.toLowerCase().replace(/\.(gz|zst)$/, '');
  return KNOWN_EXT.some((e) => base.endsWith(e));
}

/** Identity of a file or folder on disk: symlinked paths to one inode share it. */
const idOf = (st: { dev: number; ino: number }): string => `${st.dev}:${st.ino}`;

/**
 * Recursive folder listing that follows symlinks but enters each real folder once (`seen`
 * holds dev:ino), so `self -> ..` links neither repeat files nor recurse forever.
 */
function walk(dir: string, out: string[], filter: (rel: string, isFile: boolean) => boolean, seen: Set<string>, rel = ''): void {
  let names: string[];
  try {
    seen.add(idOf(statSync(dir)));
    names = readdirSync(dir).sort();
  } catch (e) {
    throw new OellmError(`cannot list folder ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file: dir, code: 'E_IO' });
  }
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const p = join(dir, name);
    const r = rel ? `${rel}/${name}` : name;
    let st;
    try {
      st = statSync(p);
    } catch {
      continue; // dangling link or a link loop
    }
    if (st.isDirectory()) {
      if (!seen.has(idOf(st))) walk(p, out, filter, seen, r);
    } else if (st.isFile() && filter(r, true)) out.push(p);
  }
}

/** Glob → RegExp over `/`-separated paths: `**` crosses folders, `*`/`?` do not. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const slash = glob[i + 2] === '/';
        re += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const j = glob.indexOf(']', i + 1);
      if (j < 0) re += '\\[';
      else {
        let cls = glob.slice(i + 1, j).replace(/\\/g, '\\\\');
        if (cls.startsWith('!')) cls = '^' + cls.slice(1);
        re += `[${cls}]`;
        i = j;
      }
    } else if (c === '{') {
      const j = glob.indexOf('}', i + 1);
      if (j < 0) re += '\\{';
      else {
        re +=
          '(?:' +
          glob
            .slice(i + 1, j)
            .split(',')
            .map((a) => globToRegExp(a).source.slice(1, -1))
            .join('|') +
          ')';
        i = j;
      }
    } else re += c.replace(/[.+^$()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

const isGlob = (s: string): boolean => /[*?[{]/.test(s);

/**
 * Files named by `inputs` (files, folders, globs), absolute, sorted, deduplicated. Throws an
 * OellmError naming the first input that matched nothing.
 */
export async function expandInputs(inputs: string[]): Promise<string[]> {
  const out = new Set<string>();
  for (const input of inputs) {
    const found: string[] = [];
    if (isGlob(input)) {
      const abs = resolve(input).split(sep).join('/');
      const parts = abs.split('/');
      const firstGlob = parts.findIndex((p) => isGlob(p));
      const root = parts.slice(0, firstGlob).join('/') || '/';
      const rx = globToRegExp(parts.slice(firstGlob).join('/'));
      try {
        if (statSync(root).isDirectory()) walk(root, found, (rel) => rx.test(rel), new Set());
      } catch {
        /* root missing: reported below */
      }
    } else {
      const abs = resolve(input);
      let st;
      try {
        st = statSync(abs);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ELOOP') throw new OellmError(`input is a symbolic link loop: ${input}`, { file: input, code: 'E_INPUT', hint: 'the link points (through other links) back at itself; fix or remove it' });
        throw new OellmError(`input not found: ${input}`, { file: input, code: 'E_INPUT', hint: 'check the path; globs must be quoted so the shell does not expand them' });
      }
      if (st.isDirectory()) walk(abs, found, (rel) => hasKnownExt(rel), new Set());
      else found.push(abs);
    }
    if (found.length === 0) {
      throw new OellmError(`input matched no files: ${input}`, {
        file: input,
        code: 'E_INPUT',
        hint: `folders contribute files ending in ${KNOWN_EXT.join(' ')} (optionally .gz/.zst); globs match relative paths (** crosses folders)`,
      });
    }
    for (const f of found) out.add(f);
  }
  // One path per real file: two paths to one inode (a linked folder, a file linked twice) would
  // read it twice. The first path in sorted order stands for it.
  const byId = new Map<string, string>();
  for (const f of [...out].sort()) {
    let id = f;
    try {
      id = idOf(statSync(f));
    } catch {
      /* vanished: the reader reports it */
    }
    if (!byId.has(id)) byId.set(id, f);
  }
  return [...byId.values()];
}
