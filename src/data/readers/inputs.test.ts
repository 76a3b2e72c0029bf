// expandInputs over hostile folder trees: symlinked folders are entered once per real folder
// (a `self -> ..` link used to list the same file 41 times, two of them never finished), two
// paths to one file give one input, and a link loop named as input is reported as a loop.
// Not the glob tests (tests/readers.test.ts covers *, **, {a,b}).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expandInputs } from './inputs.js';
import { tmpDir } from '../../../tests/helpers/step.js';

const root = tmpDir('oellm-inputs-');

test('a folder that links to itself is walked once; two self-links do not multiply', async () => {
  const d = join(root, 'one');
  mkdirSync(d);
  writeFileSync(join(d, 'a.txt'), 'hello\n');
  symlinkSync('../one', join(d, 'self'));
  assert.deepEqual(await expandInputs([d]), [join(d, 'a.txt')]);
  symlinkSync('../one', join(d, 'again'));
  symlinkSync('.', join(d, 'here'));
  assert.deepEqual(await expandInputs([d]), [join(d, 'a.txt')]);
  assert.deepEqual(await expandInputs([`${d}/**/*.txt`]), [join(d, 'a.txt')]);
});

test('two paths to one real file are one input (first in sorted order)', async () => {
  const d = join(root, 'two');
  mkdirSync(join(d, 'sub'), { recursive: true });
  writeFileSync(join(d, 'sub', 'b.jsonl'), '{"text":"x"}\n');
  symlinkSync('sub', join(d, 'alias'));
  symlinkSync('sub/b.jsonl', join(d, 'c.jsonl'));
  assert.deepEqual(await expandInputs([d]), [join(d, 'alias', 'b.jsonl')]);
  assert.deepEqual(await expandInputs([join(d, 'sub', 'b.jsonl'), join(d, 'c.jsonl')]), [join(d, 'c.jsonl')]);
});

test('a file symlink loop named as input is reported as a loop, not as missing', async () => {
  const d = join(root, 'loop');
  mkdirSync(d);
  symlinkSync('b.txt', join(d, 'a.txt'));
  symlinkSync('a.txt', join(d, 'b.txt'));
  await assert.rejects(expandInputs([join(d, 'a.txt')]), /input is a symbolic link loop: .*a\.txt/);
  // Inside a folder the loop is skipped like a dangling link; the real file beside it is read.
  writeFileSync(join(d, 'real.txt'), 'x\n');
  assert.deepEqual(await expandInputs([d]), [join(d, 'real.txt')]);
});
