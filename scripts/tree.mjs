#!/usr/bin/env node
// Prints the project's file tree with one line per file, taken from each file's opening comment
// (the first sentence of it), for docs/TREE.md (`node scripts/tree.mjs`, written by
// scripts/readme.ts). Lists files git tracks.
// Not documentation itself: a file without an opening comment shows its name only.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const files = execFileSync('git', ['ls-files'], { encoding: 'utf8' })
  .split('\n')
  .filter(Boolean)
  .filter((f) => !f.startsWith('.helpers/'));
const DESC = {
  'package.json': 'package manifest: bin `oellm`, subpath exports, scripts',
  'package-lock.json': 'exact dependency versions (npm install follows it)',
  'src/lid/model/oellm-lid.bin': 'the shipped language-ID model (OLID v1, int8 weights; rebuilt by scripts/lid/train.ts; CC BY-SA, see docs/LID.md)',
  'tsconfig.json': 'TypeScript settings (strict, NodeNext ESM)',
  '.gitignore': 'ignored build outputs and runs',
  'README.md': 'start here: what oellm is, the two commands, a map of src/',
  LICENSE: 'Apache License 2.0 (as package.json says)',
  '.prettierrc.json': 'Prettier settings (`npm run format:check`)',
};
function describe(f) {
  if (DESC[f]) return DESC[f];
  let text;
  try {
    text = readFileSync(f, 'utf8').slice(0, 2000);
  } catch {
    return '';
  }
  if (text.includes('\u0000')) return '';
  const lines = text.split('\n');
  let i = 0;
  if (lines[0]?.startsWith('#!')) i++;
  const comment = [];
  for (; i < lines.length; i++) {
    const l = lines[i].trim();
    if (!l && comment.length === 0) continue;
    const m = /^(?:\/\/|#|\/\*\*?|\*|"""|--|<!--)\s*(.*)$/.exec(l);
    if (f.endsWith('.md') && comment.length === 0) return l.replace(/^#+\s*/, '');
    if (!m || !m[1] || /^!|^-\*-/.test(m[1])) break;
    comment.push(m[1].replace(/\*\/$/, '').replace(/-->$/, '').trim());
  }
  const text2 = comment.join(' ');
  const end = text2.search(/\.(\s|$)/);
  return end > 0 ? text2.slice(0, end) : text2;
}
const out = [];
let prev = [];
for (const f of files.sort()) {
  const parts = f.split('/');
  for (let d = 0; d < parts.length - 1; d++) {
    if (prev[d] !== parts[d]) {
      out.push(`${'  '.repeat(d)}${parts[d]}/`);
      prev = parts.slice(0, d + 1);
    }
  }
  prev = parts.slice(0, -1);
  const desc = describe(f);
  const name = `${'  '.repeat(parts.length - 1)}${parts[parts.length - 1]}`;
  out.push(desc ? `${name.padEnd(44)} ${desc.length > 110 ? desc.slice(0, 107) + '…' : desc}` : name);
}
console.log(out.join('\n'));
