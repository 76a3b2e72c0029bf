// Kill/resume: the CLI (`bin/oellm.js data run`) is SIGKILLed at checkpoints across every stage
// (mid-rank, between temp files and their rename, between a rank's summary and its marker, in
// the merge) and at a moment chosen by timing (as soon as the first rank finishes, two worker
// threads busy), then started again; the dataset dir must be byte-identical to an uninterrupted
// run (vault ciphertext included): no lost and no duplicated documents. Checkpoints: OELLM_TEST_KILL_AT (pipeline/ranks.ts).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDataPipeline } from '../src/data/index.js';
import { buildCorpus, haveUd, type CorpusInfo } from './helpers/corpus.js';
import { outputFiles, vaultRecords } from './helpers/outputs.js';
import { BIN, cliEnv } from './helpers/cli.js';
import { generateKey } from '../src/data/vault/index.js';

const skip = haveUd() ? false : 'needs ../shared/data/ud (real sentences); CI has ../shared beside the clone';
let tmp: string;
let corpus: CorpusInfo;
let reference: Map<string, Buffer>;
let refVault: string[];
let key: Buffer;
let keyFile: string;

async function assertSame(dir: string, what: string): Promise<void> {
  assert.deepEqual(await vaultRecords(dir, key), refVault, `${what}: same vault plaintext`);
  const got = outputFiles(dir);
  assert.deepEqual([...got.keys()], [...reference.keys()], `${what}: same files`);
  for (const [k, v] of reference) assert.ok(v.equals(got.get(k)!), `${what}: ${k} differs`);
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Runs `oellm data run` on the corpus; `killWhen` polls and SIGKILLs the child when it returns true. */
function cli(out: string, workers: number, env: Record<string, string> = {}, killWhen?: () => boolean): Promise<Exit> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'data', 'run', '-i', corpus.dir, '-o', out, '--ranks', '3', '--workers', String(workers), '--exclusions', '--vault-key', keyFile], {
      env: { ...process.env, ...cliEnv(), OELLM_LOG: 'json', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let timer: NodeJS.Timeout | undefined;
    if (killWhen) {
      timer = setInterval(() => {
        if (killWhen()) {
          child.kill('SIGKILL');
          clearInterval(timer);
        }
      }, 5);
    }
    child.on('exit', (code, signal) => {
      if (timer) clearInterval(timer);
      resolve({ code, signal, stderr });
    });
  });
}

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'oellm-resume-'));
  if (skip) return;
  corpus = await buildCorpus(join(tmp, 'in'));
  keyFile = join(tmp, 'vault.key');
  key = generateKey(keyFile);
  const ref = join(tmp, 'reference');
  await runDataPipeline({ ranks: 3, workers: 1, exclusions: true, rights: { vaultKeyFile: keyFile } }, { inputs: [corpus.dir], out: ref });
  reference = outputFiles(ref);
  assert.ok(reference.has('vault/00000.vault') && reference.has('vault/SHA256SUMS'), 'vault ciphertext is inside the byte-identity check');
  refVault = await vaultRecords(ref, key);
  assert.equal(refVault.length, 1, 'the reserved page is in the vault');
});
after(() => rmSync(tmp, { recursive: true, force: true }));

test('SIGKILL at checkpoints in every stage, then resume: byte-identical to an uninterrupted run', { skip }, async () => {
  const out = join(tmp, 'killed');
  // Each run resumes the previous one's state and dies at a later point.
  const points = ['stage1.00001.doc3', 'stage1.00002.commit', 'buckets.00001.band4', 'final.00002.marker', 'merge'];
  for (const p of points) {
    const r = await cli(out, 1, { OELLM_TEST_KILL_AT: p });
    assert.equal(r.signal, 'SIGKILL', `the run reached checkpoint ${p} and was killed (exit ${r.code}): ${r.stderr.slice(-800)}`);
  }
  assert.ok(!existsSync(join(out, 'manifest.json')), 'killed in the merge before manifest.json');
  const r = await cli(out, 2);
  assert.equal(r.code, 0, r.stderr.slice(-2000));
  await assertSame(out, 'resumed after 5 kills');
});

test('SIGKILL at a timed moment with two worker threads busy, then resume: byte-identical', { skip }, async () => {
  const out = join(tmp, 'timed');
  const marker = join(out, 'work', 'stage1', '00000.done');
  const r1 = await cli(out, 2, {}, () => existsSync(marker));
  assert.equal(r1.signal, 'SIGKILL', r1.stderr.slice(-800));
  const r2 = await cli(out, 2);
  assert.equal(r2.code, 0, r2.stderr.slice(-2000));
  await assertSame(out, 'resumed after a timed kill');
});
