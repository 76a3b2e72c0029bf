// A build killed with SIGKILL in the middle of training resumes: finished stages are skipped,
// training continues from its last checkpoint, and the run completes with every artefact.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBuild } from '../src/factory/build.js';

const tmp = mkdtempSync(join(tmpdir(), 'oellm-build-kill-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const repo = new URL('..', import.meta.url).pathname;

test('SIGKILL during training, then the same command: cached stages skipped, run completes', async () => {
  const cfg = join(tmp, 'b.yaml');
  writeFileSync(cfg, `name: k\nlanguages: [en, de]\ntokenizer: { vocabSize: 400 }\nseries:\n  - { name: v, preset: micro, dim: 64, nLayers: 2, maxSteps: 400, seqLen: 32, batchSize: 2, evalEvery: 400, export: [f16] }\n`);
  const out = join(tmp, 'run');
  const child = spawn(process.execPath, ['--import', 'tsx', join(repo, 'src/cli/main.ts'), 'build', cfg, '--out', out], { stdio: 'ignore', env: { ...process.env, OELLM_LOG: 'json' } });
  // Kill once the first periodic checkpoint exists (checkpointEvery = maxSteps/4 = 100 steps), so
  // steps after it were already logged and must not be logged twice.
  const deadline = Date.now() + 240_000;
  const stateFile = join(out, 'models', 'v', 'trainer_state.json');
  const savedStep = (): number => {
    try {
      return (JSON.parse(readFileSync(stateFile, 'utf8')) as { step: number }).step;
    } catch {
      return 0;
    }
  };
  while (savedStep() < 100) {
    if (Date.now() > deadline || child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(child.exitCode, null, 'the build was still running when its first checkpoint appeared');
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  assert.ok(!existsSync(join(out, 'build_summary.json')));
  const s = await runBuild({ file: cfg, out });
  const ran = Object.fromEntries(s.stages.map((r) => [r.stage, !r.skipped]));
  assert.deepEqual(ran, { corpus: false, data: false, commitment: false, tokenizer: false, tokens: false, 'train-v': true, 'export-v-f16': true, eval: true, release: true });
  assert.equal(s.variants[0]!.steps, 400);
  assert.ok(existsSync(join(out, s.variants[0]!.gguf[0]!.path)));
  // The training log has every step exactly once: the resumed run did not repeat logged steps.
  const steps = readFileSync(join(out, 'models', 'v', 'train_log.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { step: number; loss?: number })
    .filter((l) => l.loss !== undefined)
    .map((l) => l.step);
  assert.deepEqual(
    steps,
    Array.from({ length: 400 }, (_, i) => i + 1),
  );
});
