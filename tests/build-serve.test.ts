// The whole factory as a user runs it: `oellm build` on the reduced config of tests/build.test.ts
// (en, hr, sr; two variants) through every stage, `oellm audit verify` on its release bundle, then
// `oellm serve <run-dir>` as a process: every model file served, the build's eval report and its
// release (verified by the audit module) on the dashboard's API, and a scoring request answered.
// Not the page in a browser (tests/serve-dashboard.test.ts) nor each stage alone.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, cliEnv, ROOT } from './helpers/cli.js';
import { smallBuildYaml } from './helpers/build.js';

const tmp = mkdtempSync(join(tmpdir(), 'oellm-build-serve-'));
const run = join(tmp, 'run');
let server: ChildProcess | undefined;
let url = '';
const oellm = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...cliEnv() }, timeout: 600_000 });

before(() => {
  const cfg = join(tmp, 'build.yaml');
  writeFileSync(cfg, smallBuildYaml());
  const r = oellm(['build', cfg, '--out', run]);
  assert.equal(r.status, 0, r.stderr + r.stdout);
});
after(async () => {
  if (server && server.exitCode === null) {
    const done = new Promise((r) => server!.once('exit', r));
    server.kill('SIGTERM');
    await done;
  }
  rmSync(tmp, { recursive: true, force: true });
});

test('the build leaves an eval report and a release bundle that `oellm audit verify` accepts', () => {
  for (const f of ['eval/report.json', 'eval/report.md', 'eval/flores-bpb.svg', 'release/SHA256SUMS', 'release/release-manifest.json.sig', 'release/data-commitment.json', 'build_summary.json']) assert.ok(existsSync(join(run, f)), f);
  const rep = JSON.parse(readFileSync(join(run, 'eval', 'report.json'), 'utf8')) as { schema: string; models: { id: string }[]; results: { model: string; task: string; lang: string; status: string }[] };
  assert.equal(rep.schema, 'oellm.eval/1');
  assert.deepEqual(rep.models.map((m) => m.id).sort(), ['core-f16', 'core-q4_0', 'core-q8_0', 'edge-f16', 'edge-q4_0']);
  for (const l of ['en', 'hr', 'sr'])
    assert.ok(
      rep.results.some((x) => x.task === 'flores-bpb' && x.lang === l && x.status === 'ok'),
      `flores-bpb ${l}`,
    );
  const v = oellm(['audit', 'verify', join(run, 'release'), '--data', join(run, 'data')]);
  assert.equal(v.status, 0, v.stdout + v.stderr);
  assert.match(v.stdout, /verified/);
});

test('`oellm serve <run-dir>` serves every model, the eval report, the verified release, and scores a prompt', async () => {
  const p = spawn(process.execPath, [BIN, 'serve', run, '--port', '0', '--threads', '1', '--parallel', '1'], { cwd: ROOT, env: { ...process.env, ...cliEnv() } });
  server = p;
  let err = '';
  p.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  for (let i = 0; i < 1200 && !/\bready\b/.test(err) && p.exitCode === null; i++) await new Promise((r) => setTimeout(r, 100));
  assert.match(err, /ready/, err);
  url = /oellm serve: (http:\/\/127\.0\.0\.1:\d+)/.exec(err)![1]!;
  const get = async (path: string) => {
    const r = await fetch(url + path);
    assert.equal(r.status, 200, path);
    return r.json() as Promise<Record<string, unknown>>;
  };
  const models = (await get('/v1/models')) as { data: { id: string; ready: boolean }[] };
  assert.deepEqual(models.data.map((m) => m.id).sort(), ['core-f16', 'core-q4_0', 'core-q8_0', 'edge-f16', 'edge-q4_0']);
  assert.ok(models.data.every((m) => m.ready));
  const ev = (await get('/api/eval')) as { report: { schema: string; results: unknown[]; quant: unknown[] } | null };
  const onDisk = JSON.parse(readFileSync(join(run, 'eval', 'report.json'), 'utf8')) as { results: unknown[]; quant: unknown[] };
  assert.equal(ev.report?.schema, 'oellm.eval/1');
  assert.deepEqual(ev.report!.results, onDisk.results);
  assert.deepEqual(ev.report!.quant, onDisk.quant);
  const rel = (await get('/api/release')) as { release: { verified: boolean; audit: { ok: boolean; checks: { name: string; ok: boolean }[] }; files: { path: string }[] } };
  assert.equal(rel.release.verified, true, JSON.stringify(rel.release.audit));
  assert.deepEqual(
    rel.release.audit.checks.map((c) => [c.name, c.ok]),
    [
      ['signature', true],
      ['checksums', true],
      ['schemas', true],
      ['commitment', true],
    ],
  );
  for (const f of ['ai-act-summary.md', 'models/core/README.md', 'models/core-GGUF/README.md', 'dataset/croissant.json'])
    assert.ok(
      rel.release.files.some((x) => x.path === f),
      f,
    );
  const page = await fetch(url + '/');
  assert.equal(page.status, 200);
  assert.match(await page.text(), /id="release"/);
  const c = await fetch(url + '/v1/completions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'core-q8_0', prompt: 'Sva ljudska bića', max_tokens: 0, echo: true, logprobs: 1, temperature: 0 }) });
  assert.equal(c.status, 200);
  const lp = ((await c.json()) as { choices: { logprobs: { token_logprobs: (number | null)[] } }[] }).choices[0]!.logprobs.token_logprobs;
  assert.equal(lp[0], null);
  assert.ok(lp.length > 2 && lp.slice(1).every((x) => typeof x === 'number' && x < 0));
});
