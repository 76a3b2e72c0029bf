// `oellm train` under signals and a second writer, through the real CLI in child processes:
// SIGTERM stops it at the next step boundary with a checkpoint there (exit 143) and --resume
// continues from that step; a second `oellm train` on the same --out is refused while the first
// runs (it used to interleave two writers into one train_log.jsonl). In-process: SIGINT and
// SIGHUP stop train() with Interrupted (130 / 129). Children are killed in `finally`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { train } from '../src/train/index.js';
import { Interrupted } from '../src/util/interrupt.js';
import { makeFixture, repoRoot, tinyConfig, tinyTrainFlags, type Fixture } from './train_helpers.js';
import { BIN, cliEnv } from './helpers/cli.js';

let f: Fixture;
before(async () => {
  f = await makeFixture(['en', 'mt'], 20);
});
after(() => rmSync(f.root, { recursive: true, force: true }));

const args = (out: string, maxSteps: number, extra: string[] = []): string[] => [BIN, ...tinyTrainFlags(f, out, maxSteps), '--val-every', '0', '--checkpoint-every', '1000', '--json', ...extra];
const stepsLogged = (out: string): number => {
  try {
    return readFileSync(join(out, 'train_log.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('"loss"')).length;
  } catch {
    return 0;
  }
};
const savedStep = (out: string): number => (JSON.parse(readFileSync(join(out, 'trainer_state.json'), 'utf8')) as { step: number }).step;

/** Polls until `cond` holds or the child exits (no time limits: the step counts bound it). */
async function until(child: ChildProcess, cond: () => boolean): Promise<void> {
  while (!cond() && child.exitCode === null && child.signalCode === null) await new Promise((r) => setTimeout(r, 20));
}

test('SIGTERM stops oellm train at a step boundary with a checkpoint; a second writer is refused; --resume continues', async () => {
  const out = join(f.root, 'sigterm');
  const child = spawn(process.execPath, args(out, 100_000), { cwd: repoRoot, env: { ...process.env, ...cliEnv() }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: string | null }>((res) => child.on('exit', (code, signal) => res({ code, signal })));
  try {
    await until(child, () => stepsLogged(out) >= 3);
    // A second run on the same --out while the first trains: refused, naming the holder.
    const second = spawnSync(process.execPath, args(out, 5), { cwd: repoRoot, env: { ...process.env, ...cliEnv() }, encoding: 'utf8' });
    assert.equal(second.status, 1, second.stderr);
    assert.match(second.stderr, new RegExp(`another oellm train \\(pid ${child.pid}\\) is writing .*sigterm`));
    child.kill('SIGTERM');
    const atSignal = stepsLogged(out);
    // Ignoring the signal would train on: give up (and fail) 200 steps later.
    await until(child, () => stepsLogged(out) > atSignal + 200);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    const r = await exited;
    assert.equal(r.code, 143, `exit ${r.code} ${r.signal}; ${stderr}`);
    const n = savedStep(out);
    assert.match(stderr, new RegExp(`training stopped at step ${n} of 100000 \\(checkpoint saved in .*\\) by SIGTERM`));
    assert.match(stderr, /resume with: oellm train --resume --out/);
    assert.equal(stepsLogged(out), n, 'the log ends at the checkpoint');
    assert.ok(!readdirSync(f.root).some((x) => x.includes('oellm.lock')), 'lock released');
    // Resume: picks up at the saved step and finishes.
    const res = spawnSync(process.execPath, args(out, n + 2, ['--resume']), { cwd: repoRoot, env: { ...process.env, ...cliEnv() }, encoding: 'utf8' });
    assert.equal(res.status, 0, res.stderr);
    assert.equal(savedStep(out), n + 2);
    assert.deepEqual(
      readFileSync(join(out, 'train_log.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { step: number; loss?: number })
        .filter((l) => l.loss !== undefined)
        .map((l) => l.step),
      Array.from({ length: n + 2 }, (_, i) => i + 1),
    );
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});

test('SIGINT and SIGHUP stop train() in-process with Interrupted and a resumable checkpoint', async () => {
  for (const [sig, code] of [
    ['SIGINT', 130],
    ['SIGHUP', 129],
  ] as const) {
    const out = join(f.root, sig);
    let sent = false;
    await assert.rejects(
      train({
        config: tinyConfig(f, out, { maxSteps: 100_000, valEvery: 0, checkpointEvery: 1000 }),
        onProgress: (p) => {
          if (p.phase === 'train' && p.step === 2 && !sent) {
            sent = true;
            process.kill(process.pid, sig);
          }
        },
      }),
      (e: unknown) => e instanceof Interrupted && e.signal === sig && e.exitCode === code,
    );
    assert.ok(savedStep(out) >= 2, sig);
    assert.ok(existsSync(join(out, 'optimizer.safetensors')));
  }
});
