// `oellm eval` through `oellm serve`: a real server process on a small GGUF (64-token context, so
// FLORES sentences need several windows) and `oellm eval --model <gguf> --model http://…/v1` in
// one CLI run: the endpoint rows must equal the GGUF backend's on the same file (bits per byte to
// 1e-4 relative, multiple-choice accuracies exactly). Not a test of either stage alone
// (tests/eval.test.ts, tests/serve-api.test.ts); the contract is docs/EVAL.md "endpoint".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportGguf } from '../src/export/gguf.js';
import type { Report } from '../src/eval/index.js';
import { makeCheckpoint, tmp } from './gguf-helpers.js';
import { BIN, cliEnv, ROOT } from './helpers/cli.js';

let root: string;
let gguf: string;
let server: ChildProcess | undefined;
let url: string;

before(async () => {
  root = tmp('eval-serve');
  const ck = await makeCheckpoint({ root, config: { maxSeqLen: 64 } });
  gguf = join(root, 'tiny-f16.gguf');
  exportGguf(ck.dir, { type: 'f16', out: gguf });
  const p = spawn(process.execPath, [BIN, 'serve', gguf, '--port', '0', '--threads', '1', '--parallel', '4'], { cwd: ROOT, env: { ...process.env, ...cliEnv() } });
  server = p;
  let err = '';
  p.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  for (let i = 0; i < 1200 && !/\bready\b/.test(err) && p.exitCode === null; i++) await new Promise((r) => setTimeout(r, 100));
  assert.match(err, /ready/, err);
  url = /oellm serve: (http:\/\/127\.0\.0\.1:\d+)/.exec(err)![1]! + '/v1';
});

after(async () => {
  if (server && server.exitCode === null) {
    const done = new Promise((r) => server!.once('exit', r));
    server.kill('SIGTERM');
    await done;
  }
});

test('oellm eval through oellm serve scores what the GGUF backend scores on the same file (flores-bpb over windows, sib200 and exams multiple choice, 1-shot)', () => {
  const out = join(root, 'out');
  const r = spawnSync(process.execPath, [BIN, 'eval', '--model', gguf, '--model', url, '--tasks', 'flores-bpb,sib200,exams', '--langs', 'hr,en,de,fi', '--limit', '3', '--shots', '1', '--threads', '1', '--out', out], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...cliEnv() },
    timeout: 600_000,
  });
  assert.equal(r.status, 0, r.stderr + r.stdout);
  const rep = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Report;
  assert.deepEqual(
    rep.models.map((m) => m.kind),
    ['gguf', 'endpoint'],
  );
  const [g, e] = rep.models.map((m) => m.id) as [string, string];
  const row = (model: string, task: string, lang: string, metric: string) => {
    const xs = rep.results.filter((x) => x.model === model && x.task === task && x.lang === lang && x.metric === metric);
    assert.equal(xs.length, 1, `${model} ${task} ${lang} ${metric}`);
    return xs[0]!;
  };
  let compared = 0;
  for (const l of ['hr', 'en', 'de', 'fi']) {
    const a = row(g, 'flores-bpb', l, 'bits_per_byte');
    const b = row(e, 'flores-bpb', l, 'bits_per_byte');
    assert.equal(a.status, 'ok', a.error);
    assert.equal(b.status, 'ok', b.error);
    assert.equal(b.n, a.n);
    assert.ok(Math.abs(a.value! - b.value!) / a.value! < 1e-4, `${l}: gguf ${a.value} vs endpoint ${b.value}`);
    assert.ok(Math.abs(a.stderr! - b.stderr!) <= 1e-4 * a.stderr!, `${l}: stderr ${a.stderr} vs ${b.stderr}`);
    compared++;
    for (const task of ['sib200', 'exams']) {
      const xs = rep.results.filter((x) => x.model === g && x.task === task && x.lang === l);
      assert.ok(xs.length > 0, `${task} ${l}: no rows`);
      for (const x of xs) {
        const y = row(e, task, l, x.metric);
        assert.equal(y.status, x.status, `${task} ${l} ${x.metric}: ${y.error ?? ''}`);
        if (x.status !== 'ok') continue;
        assert.equal(y.value, x.value, `${task} ${l} ${x.metric}`);
        assert.equal(y.n, x.n);
        assert.equal(y.shots, x.shots);
        compared++;
      }
    }
  }
  // sib200 in every language, exams in hr and de (en and fi: no_data rows on both sides).
  assert.ok(compared >= 4 + 4 * 3 + 2 * 3, `${compared} comparisons`);
});

test('a server with --api-key-file: oellm eval --api-key-file scores through it; without the key, a 401 names the problem and is not retried', async () => {
  const keyFile = join(root, 'key.txt');
  writeFileSync(keyFile, 'eval-sekret\n');
  const p = spawn(process.execPath, [BIN, 'serve', gguf, '--port', '0', '--threads', '1', '--parallel', '1', '--api-key-file', keyFile], { cwd: ROOT, env: { ...process.env, ...cliEnv() } });
  let err = '';
  p.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  try {
    for (let i = 0; i < 1200 && !/\bready\b/.test(err) && p.exitCode === null; i++) await new Promise((r) => setTimeout(r, 100));
    assert.match(err, /ready/, err);
    const keyed = /oellm serve: (http:\/\/127\.0\.0\.1:\d+)/.exec(err)![1]! + '/v1';
    const args = ['eval', '--model', keyed, '--tasks', 'flores-bpb', '--langs', 'hr', '--limit', '1', '--retries', '1'];
    const ok = spawnSync(process.execPath, [BIN, ...args, '--api-key-file', keyFile, '--out', join(root, 'keyed'), '--json'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...cliEnv() }, timeout: 300_000 });
    assert.equal(ok.status, 0, ok.stderr);
    const rep = JSON.parse(readFileSync(join(root, 'keyed', 'report.json'), 'utf8')) as Report;
    const bpb = (r: Report, kind: string) => r.results.find((x) => x.task === 'flores-bpb' && x.lang === 'hr' && r.models.find((m) => m.id === x.model)?.kind === kind)!;
    assert.equal(bpb(rep, 'endpoint').status, 'ok');
    assert.ok(bpb(rep, 'endpoint').value! > 0);
    assert.ok(!readFileSync(join(root, 'keyed', 'plan.json'), 'utf8').includes('eval-sekret'), 'the key itself is never written to plan.json');
    const no = spawnSync(process.execPath, [BIN, ...args, '--out', join(root, 'unkeyed')], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...cliEnv() }, timeout: 300_000 });
    assert.match(no.stderr + no.stdout, /HTTP 401.*(after 0 retries)/s);
  } finally {
    const done = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    await done;
  }
});
