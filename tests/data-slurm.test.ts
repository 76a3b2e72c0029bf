// The Slurm executor against a real single-node Slurm (Debian slurm-wlm + munge, started by
// scripts/slurm/start.sh), not a mock: every stage is an `sbatch --array` job chained by
// `--dependency=afterok`, each task runs `bin/oellm.js data rank`; the dataset must be
// byte-identical to the local executor's. Skips (with the reason) only outside CI when not root
// or the Slurm/munge binaries are missing; with CI=true it always runs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDataPipeline } from '../src/data/index.js';
import { buildCorpus, haveUd, type CorpusInfo } from './helpers/corpus.js';
import { outputFiles as files } from './helpers/outputs.js';
import { ROOT, cliEnv } from './helpers/cli.js';

const inCI = process.env.CI === 'true' || process.env.CI === '1';
const has = (bin: string) => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
const missing = ['sbatch', 'squeue', 'sinfo', 'slurmctld', 'slurmd', 'munged'].filter((b) => !has(b));
const isRoot = process.getuid?.() === 0;
const skip = inCI
  ? false
  : missing.length
    ? `Slurm binaries missing (${missing.join(', ')}): run scripts/install-system.sh as root (CI=true never skips)`
    : !isRoot
      ? 'starting a single-node Slurm needs root (CI=true never skips)'
      : !haveUd()
        ? 'needs ../shared/data/ud'
        : false;

let tmp: string;
let corpus: CorpusInfo;
let started = false;

const idle = () => /idle|mix|alloc/.test(spawnSync('sinfo', ['-h', '-o', '%t'], { encoding: 'utf8' }).stdout ?? '');

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'oellm-slurm-'));
  chmodSync(tmp, 0o755);
  if (skip) return;
  if (!idle()) {
    const r = spawnSync('bash', [join(ROOT, 'scripts/slurm/start.sh')], { encoding: 'utf8' });
    assert.equal(r.status, 0, `scripts/slurm/start.sh failed:\n${r.stdout}\n${r.stderr}`);
    started = true;
  }
  corpus = await buildCorpus(join(tmp, 'in'), { langs: ['hr', 'de', 'fr'], perLang: 4 });
});
after(() => {
  if (started) spawnSync('bash', [join(ROOT, 'scripts/slurm/stop.sh')]);
  rmSync(tmp, { recursive: true, force: true });
});

test('slurm executor: sbatch arrays chained by dependencies give the local executor’s bytes', { skip, timeout: 240_000 }, async () => {
  // Array tasks inherit this environment (sbatch --export=ALL): never a stale dist/.
  Object.assign(process.env, cliEnv());
  const cfg = { ranks: 2 };
  const local = join(tmp, 'local');
  await runDataPipeline({ ...cfg, workers: 1 }, { inputs: [corpus.dir], out: local });
  const out = join(tmp, 'slurm');
  const m = await runDataPipeline({ ...cfg, executor: 'slurm', slurm: { pollSeconds: 0.5, time: '00:10:00' } }, { inputs: [corpus.dir], out });
  assert.equal(m.counts.in, m.counts.kept + m.counts.dropped + m.counts.quarantined);
  assert.equal(m.counts.in, corpus.records);
  // One log per array task: stage1 ×2, buckets ×2, clusters ×1, final ×2.
  const logs = readdirSync(join(out, 'logs'));
  for (const [stage, n] of [
    ['stage1', 2],
    ['buckets', 2],
    ['clusters', 1],
    ['final', 2],
  ] as const) {
    assert.equal(logs.filter((l) => l.startsWith(`${stage}-`)).length, n, `${stage} task logs: ${logs.join(' ')}`);
  }
  const a = files(local);
  const b = files(out);
  assert.deepEqual([...b.keys()], [...a.keys()]);
  for (const [k, v] of a) assert.ok(v.equals(b.get(k)!), `${k} differs between local and slurm`);
  // A second run finds every marker and submits nothing.
  const again = await runDataPipeline({ ...cfg, executor: 'slurm' }, { inputs: [corpus.dir], out });
  assert.deepEqual(again, m);
  assert.equal(readdirSync(join(out, 'logs')).length, logs.length);
});
