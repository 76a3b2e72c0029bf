// checkOutDir / checkOutFile: pseudo file systems (/proc spun Node's recursive mkdir forever),
// a folder path that is a file, a path below a file, and an output inside an input folder (or a
// glob root the pattern could match below) are refused with E_OUT before any work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkOutDir, checkOutFile } from './outdir.js';
import { tmpDir } from '../../tests/helpers/step.js';

const root = tmpDir('oellm-outdir-');
const refused = (re: RegExp) => (e: Error & { code?: string }) => e.code === 'E_OUT' && re.test(e.message);

test('pseudo file systems are refused', () => {
  assert.throws(() => checkOutDir('/proc/oellm/run'), refused(/^--out is on the proc pseudo file system/));
  assert.throws(() => checkOutDir('/proc/self'), refused(/proc pseudo file system/));
  assert.throws(() => checkOutDir('/sys/oellm'), refused(/sys/));
  assert.throws(() => checkOutFile('/proc/oellm/vault.key', { flag: '--out' }), refused(/proc pseudo file system/));
  assert.throws(() => checkOutDir('/dev/oellm'), refused(/dev/));
});

test('a file where a folder goes, a folder where a file goes, a path below a file', () => {
  const f = join(root, 'file.txt');
  writeFileSync(f, 'x');
  assert.throws(() => checkOutDir(f), refused(/^--out is a file, not a folder/));
  assert.throws(() => checkOutDir(join(f, 'sub')), refused(/lies below .*file\.txt, which is a file/));
  assert.throws(() => checkOutFile(root), refused(/is a folder, not a file/));
  assert.equal(checkOutFile(join(root, 'new', 'k.key')), join(root, 'new', 'k.key'));
  assert.equal(checkOutDir(join(root, 'new', 'deeper')), join(root, 'new', 'deeper'));
});

test('an output inside an input folder (or a glob that reaches into it) is refused', () => {
  const input = join(root, 'corpus');
  mkdirSync(input);
  assert.throws(() => checkOutDir(join(input, 'run'), { inputs: [input] }), refused(/is inside the input folder .*corpus: a later run would read this run's outputs as input/));
  assert.throws(() => checkOutDir(input, { inputs: [input] }), refused(/inside the input folder/));
  assert.throws(() => checkOutDir(join(input, 'run'), { inputs: [`${input}/**/*.jsonl`] }), refused(/inside the input folder/));
  // A one-level glob cannot match anything below the output folder; a sibling is fine.
  assert.doesNotThrow(() => checkOutDir(join(input, 'run'), { inputs: [`${input}/*.warc.gz`] }));
  assert.doesNotThrow(() => checkOutDir(join(root, 'corpus-out'), { inputs: [input] }));
  // A file input is not a folder to read later.
  writeFileSync(join(root, 'one.jsonl'), '');
  assert.doesNotThrow(() => checkOutDir(join(root, 'x'), { inputs: [join(root, 'one.jsonl')] }));
});
