// Careless and hostile --out / --workers values and stop signals, at the stage libraries and
// through the CLI: an output under /proc (Node's recursive mkdir spun forever there), an --out
// that is a file ("internal error" + stack trace before), an --out inside an input folder, and
// --workers 1000 (972 threads before) are refused before any work; a data run stopped by a
// signal is resumed by the same call. Not the unit cases (src/util/outdir.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runDataPipeline, DataConfigSchema } from '../src/data/index.js';
import { trainTokenizer } from '../src/tokenizer/index.js';
import { generateKey } from '../src/data/vault/key.js';
import { train, TrainConfigSchema } from '../src/train/index.js';
import { runBuild } from '../src/factory/build.js';
import { Interrupted } from '../src/util/interrupt.js';
import { createLogger } from '../src/util/log.js';
import { tmpDir } from './helpers/step.js';
import { BIN, cliEnv } from './helpers/cli.js';

const root = tmpDir('oellm-robust-out-');
const corpus = join(root, 'corpus');
mkdirSync(corpus);
const lines = (lang: string, n: number) =>
  Array.from({ length: n }, (_, i) => JSON.stringify({ id: `${lang}-${i}`, text: `${lang} document ${i}: ${'Svi ljudi rađaju se slobodni i jednaki u dostojanstvu i pravima. '.repeat(3 + (i % 5))}${i}` })).join('\n') + '\n';
for (const l of ['a', 'b', 'c', 'd']) writeFileSync(join(corpus, `${l}.jsonl`), lines(l, 30));
const outErr = (re: RegExp) => (e: Error & { code?: string }) => e.code === 'E_OUT' && re.test(e.message);
const fast = { dedup: { exact: false, minhash: false }, quality: { enabled: false } };

test('every stage refuses an output under /proc before any work', async () => {
  await assert.rejects(runDataPipeline(fast, { inputs: [corpus], out: '/proc/oellm-data' }), outErr(/proc pseudo file system/));
  await assert.rejects(trainTokenizer({ inputs: [corpus], vocabSize: 300, out: '/proc/oellm-tok' }), outErr(/proc pseudo file system/));
  assert.throws(() => generateKey('/proc/oellm/vault.key'), outErr(/proc pseudo file system/));
  await assert.rejects(train({ config: TrainConfigSchema.parse({ data: corpus, tokenizer: corpus, out: '/proc/oellm-train' }) }), outErr(/proc pseudo file system/));
  await assert.rejects(runBuild({ out: '/proc/oellm-build' }), outErr(/proc pseudo file system/));
});

test('--out inside an input folder, --out a file, --workers 1000: clear errors', async () => {
  await assert.rejects(runDataPipeline(fast, { inputs: [corpus], out: join(corpus, 'out') }), outErr(/inside the input folder .*corpus/));
  await assert.rejects(runBuild({ out: join(corpus, 'run'), overrides: { corpus: { inputs: [corpus] } } }), outErr(/inside the input folder/));
  assert.throws(() => DataConfigSchema.parse({ workers: 1000 }), /at most \d+ worker threads on this machine/);
  const file = join(root, 'a-file');
  writeFileSync(file, 'x');
  const r = spawnSync(process.execPath, [BIN, 'data', 'run', '--input', corpus, '--out', file], { encoding: 'utf8', env: { ...process.env, ...cliEnv() }, timeout: 120_000, killSignal: 'SIGKILL' });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /^oellm: error: .*a-file: --out is a file, not a folder/);
  assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
  const w = spawnSync(process.execPath, [BIN, 'data', 'run', '--input', corpus, '--out', join(root, 'w'), '--workers', '1000'], { encoding: 'utf8', env: { ...process.env, ...cliEnv() }, timeout: 120_000, killSignal: 'SIGKILL' });
  assert.equal(w.status, 1, w.stderr);
  assert.match(w.stderr, /workers: at most \d+ worker threads/);
});

test('a data run stopped by a signal is resumed by the same call', async () => {
  for (const workers of [1, 2]) {
    const out = join(root, `stop-${workers}`);
    let sent = false;
    // The signal arrives as the run starts (its first log line): the stage stops, nothing is merged.
    const logger = createLogger({
      json: true,
      write: () => {
        if (!sent) {
          sent = true;
          process.kill(process.pid, 'SIGTERM');
        }
      },
    });
    await assert.rejects(runDataPipeline({ ...fast, workers, ranks: 2 }, { inputs: [corpus], out, logger }), (e: unknown) => e instanceof Interrupted && e.signal === 'SIGTERM' && /data run stopped by SIGTERM/.test(e.message));
    const m = await runDataPipeline({ ...fast, workers, ranks: 2 }, { inputs: [corpus], out });
    assert.equal(m.counts.in, 120);
    assert.equal(m.counts.in, m.counts.kept + m.counts.dropped + m.counts.quarantined);
  }
});

test('a 0-byte .warc.gz is read as nothing, with a warning naming it', async () => {
  const dir = join(root, 'with-empty');
  mkdirSync(dir);
  writeFileSync(join(dir, 'a.jsonl'), lines('a', 3));
  writeFileSync(join(dir, 'crawl.warc.gz'), '');
  const warnings: string[] = [];
  const logger = createLogger({ json: true, write: (l) => void ((JSON.parse(l) as { level: string }).level === 'warn' && warnings.push(l)) });
  const m = await runDataPipeline({ ...fast, workers: 1 }, { inputs: [dir], out: join(root, 'with-empty-out'), logger });
  assert.equal(m.counts.in, 3);
  assert.equal(warnings.length, 1, warnings.join(''));
  assert.match(warnings[0]!, /empty input file \(0 bytes\), not a valid compressed stream: nothing read from it.*crawl\.warc\.gz/);
});
