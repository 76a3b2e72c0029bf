// The CLI over the export area, run as a user would (`node --import tsx src/cli/main.ts`):
// `export gguf` writes the file and reports, `inspect --json` reads it back, and bad input
// (a corrupt GGUF) exits 1 with a message naming file, offset, expected and found. (Unknown
// --type is covered in gguf-format.test.ts: each CLI start costs seconds.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeCheckpoint, repoRoot, tmp } from './gguf-helpers.js';

const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'src/cli/main.ts'), ...args], { encoding: 'utf8', cwd: repoRoot });

test('export gguf → inspect --json; a corrupt file exits 1 with a clear message', async () => {
  const root = tmp('ggufcli');
  const { dir } = await makeCheckpoint({ root, config: { nLayers: 1 } });
  const out = join(root, 'm.gguf');
  const ex = cli('export', 'gguf', dir, '--type', 'q8_0', '--out', out, '--license', 'apache-2.0', '--json');
  assert.equal(ex.status, 0, ex.stderr);
  const rep = JSON.parse(ex.stdout) as { bytes: number; tensors: { name: string; type: string }[]; fallbacks: string[] };
  assert.ok(rep.bytes > 0);
  assert.match(ex.stderr, /fallback: output\.weight .* written as Q8_0|^$/);
  const ins = cli('inspect', out, '--json', '--max-items', '3');
  assert.equal(ins.status, 0, ins.stderr);
  const j = JSON.parse(ins.stdout) as { version: number; kv: Record<string, unknown>; tensors: { name: string; type: string; shape: number[] }[] };
  assert.equal(j.version, 3);
  assert.equal(j.kv['general.license'], 'apache-2.0');
  assert.equal(j.kv['general.architecture'], 'llama');
  assert.equal((j.kv['tokenizer.ggml.tokens'] as { head: string[] }).head.length, 3);
  assert.deepEqual(
    j.tensors.find((t) => t.name === 'blk.0.ffn_up.weight'),
    { ...j.tensors.find((t) => t.name === 'blk.0.ffn_up.weight'), type: 'Q8_0', shape: [160, 64] },
  );
  writeFileSync(join(root, 'junk.gguf'), Buffer.from('GGUF\x03\x00\x00\x00\xff', 'latin1'));
  const junk = cli('inspect', join(root, 'junk.gguf'));
  assert.equal(junk.status, 1);
  assert.match(junk.stderr, /junk\.gguf@8: truncated GGUF: tensor count runs past the end of the file \(expected 8 more bytes, found 1\)/);
});
