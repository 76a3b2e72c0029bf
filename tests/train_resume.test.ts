// Resume after SIGKILL, through the real CLI in child processes: killed mid-run, killed while
// writing a checkpoint (fault injection OELLM_FAULT=ckpt-write:N), killed between the swap
// renames (ckpt-swap:N). Each time the previous checkpoint must stay loadable and the resumed
// run must log the same losses as an uninterrupted run, bit for bit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { train } from '../src/train/index.js';
import { loadCheckpoint } from '../src/model/checkpoint.js';
import { makeFixture, repoRoot, tinyConfig, tinyTrainFlags, type Fixture } from './train_helpers.js';

let f: Fixture;
let reference: number[];
const STEPS = 16;

after(() => rmSync(f.root, { recursive: true, force: true }));
before(async () => {
  f = await makeFixture(['en', 'mt'], 30);
  const out = join(f.root, 'uninterrupted');
  await train({ config: tinyConfig(f, out, { maxSteps: STEPS }) });
  reference = losses(out);
  assert.equal(reference.length, STEPS);
});

function losses(out: string): number[] {
  return readFileSync(join(out, 'train_log.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { step: number; loss?: number })
    .filter((l) => l.loss !== undefined)
    .map((l) => l.loss!);
}

function cliArgs(out: string, extra: string[] = []): string[] {
  return ['--import', 'tsx', 'src/cli/main.ts', ...tinyTrainFlags(f, out, STEPS), '--lr', '3e-3', '--val-every', '6', '--checkpoint-every', '4', '--val-rows', '4', '--json', ...extra];
}

/** Runs the CLI; resolves with its exit code / signal. `killAtStep` SIGKILLs it once the log reaches that step. */
function run(out: string, extra: string[], env: Record<string, string> = {}, killAtStep?: number): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, cliArgs(out, extra), { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    let timer: NodeJS.Timeout | undefined;
    if (killAtStep !== undefined) {
      timer = setInterval(() => {
        try {
          const steps = readFileSync(join(out, 'train_log.jsonl'), 'utf8')
            .split('\n')
            .filter((l) => l.includes('"loss"')).length;
          if (steps >= killAtStep) child.kill('SIGKILL');
        } catch {
          /* not yet */
        }
      }, 5);
    }
    child.on('exit', (code, signal) => {
      if (timer) clearInterval(timer);
      resolve({ code, signal, stderr });
    });
  });
}

test('SIGKILL mid-run, then --resume: same losses bit for bit', async () => {
  const out = join(f.root, 'killed');
  const a = await run(out, [], {}, 9);
  assert.equal(a.signal, 'SIGKILL', a.stderr);
  const mid = loadCheckpoint(out);
  assert.ok((mid.trainerState!.step as number) >= 4, 'a periodic checkpoint was written before the kill');
  const b = await run(out, ['--resume']);
  assert.equal(b.code, 0, b.stderr);
  assert.deepEqual(losses(out), reference);
});

test('SIGKILL while writing a checkpoint: previous one intact, resume is exact', async () => {
  const out = join(f.root, 'killed-write');
  // Saves: step 0, 4, 8 → the third save (step 8) is killed after model.safetensors is written in the tmp dir.
  const a = await run(out, [], { OELLM_FAULT: 'ckpt-write:3' });
  assert.equal(a.signal, 'SIGKILL', a.stderr);
  const ck = loadCheckpoint(out);
  assert.equal(ck.trainerState!.step, 4);
  const b = await run(out, ['--resume']);
  assert.equal(b.code, 0, b.stderr);
  assert.deepEqual(losses(out), reference);
});

test('SIGKILL between the swap renames: the old checkpoint is restored, resume is exact', async () => {
  const out = join(f.root, 'killed-swap');
  const a = await run(out, [], { OELLM_FAULT: 'ckpt-swap:2' });
  assert.equal(a.signal, 'SIGKILL', a.stderr);
  assert.equal(existsSync(out), false, 'the kill left the dir renamed away');
  const b = await run(out, ['--resume']);
  assert.equal(b.code, 0, b.stderr);
  assert.deepEqual(losses(out), reference);
});
