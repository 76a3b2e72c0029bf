// `oellm serve` as a process: it binds 127.0.0.1 by default, says where it listens, answers
// /health, shuts down on SIGTERM; a bad start (corrupt or missing GGUF, a run dir without models)
// exits 1 with an error that names the file and says what to do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, cliEnv, ROOT } from './helpers/cli.js';
import { tinyRun, tmpDir } from './helpers/serve.js';

const oellm = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...cliEnv() }, timeout: 120000 });

test('a corrupt GGUF: exit 1 naming the file', async () => {
  const d = tmpDir('serve-bad');
  const f = join(d, 'broken-q4_0.gguf');
  const good = readFileSync(join(await tinyRun(), 'models', 'edge', 'edge-q4_0.gguf'));
  writeFileSync(f, good.subarray(0, 200)); // truncated inside the metadata
  const r = oellm(['serve', f, '--port', '0']);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /broken-q4_0\.gguf/);
  assert.match(r.stderr, /hint: .*re-export|re-run/);
  writeFileSync(f, 'not a model at all');
  const r2 = oellm(['serve', f, '--port', '0']);
  assert.equal(r2.status, 1);
  assert.match(r2.stderr, /broken-q4_0\.gguf.*not a usable GGUF/);
});

test('a missing GGUF and a run dir without models say what to do', () => {
  const d = tmpDir('serve-empty');
  const r = oellm(['serve', join(d, 'nope.gguf'), '--port', '0']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /GGUF file not found: .*nope\.gguf/);
  mkdirSync(join(d, 'run', 'models', 'core'), { recursive: true });
  const r2 = oellm(['serve', join(d, 'run'), '--port', '0']);
  assert.equal(r2.status, 1);
  assert.match(r2.stderr, /no GGUF models in run dir/);
  assert.match(r2.stderr, /oellm build --out/);
});

test('serve starts on 127.0.0.1, is healthy, and stops on SIGTERM', async () => {
  const d = tmpDir('serve-cli');
  const model = join(d, 'tiny-f16.gguf');
  copyFileSync(join(await tinyRun(), 'models', 'edge', 'edge-f16.gguf'), model);
  const p = spawn(process.execPath, [BIN, 'serve', model, '--port', '0', '--threads', '1'], { cwd: ROOT, env: { ...process.env, ...cliEnv() } });
  let err = '';
  p.stderr.on('data', (b: Buffer) => (err += b.toString()));
  try {
    for (let i = 0; i < 600 && !/\bready\b/.test(err) && p.exitCode === null; i++) await new Promise((r) => setTimeout(r, 100));
    assert.match(err, /ready/, err);
    const url = /oellm serve: (http:\/\/127\.0\.0\.1:\d+)/.exec(err)![1]!;
    assert.equal((await fetch(url + '/health')).status, 200);
    const models = (await (await fetch(url + '/v1/models')).json()) as { data: { id: string }[] };
    assert.deepEqual(
      models.data.map((m) => m.id),
      ['tiny-f16'],
    );
  } finally {
    const done = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    await done;
  }
  assert.equal(p.exitCode, 0);
});

test('--help lists the flags', () => {
  const r = oellm(['serve', '--help']);
  assert.equal(r.status, 0);
  for (const f of ['--host', '--port', '--api-key-file', '--parallel', '--ctx', '--threads', '--queue', '--timeout']) assert.ok(r.stdout.includes(f), f);
});
