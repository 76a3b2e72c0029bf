#!/usr/bin/env node
// Test entry (`npm test`): finds every *.test.ts under src/ and tests/ (Node 20's runner has no
// globs) and runs them with node's test runner through tsx. Extra args filter file paths by
// substring: `npm test -- lid tokenizer`. Not a test framework: node:test does the work.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const files = [];
function walk(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.ts')) files.push(relative(root, p));
  }
}
for (const d of ['src', 'tests']) {
  try {
    walk(join(root, d));
  } catch {
    /* folder absent */
  }
}
const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const picked = files.sort().filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));
if (picked.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...picked], { stdio: 'inherit', cwd: root });
process.exit(r.status ?? 1);
