// Bad input through the whole pipeline in one run: truncated .gz and .zst, a corrupt WARC record,
// invalid UTF-8, a binary payload, a 50 MB single document, empty files and an unknown charset,
// beside good documents. Each bad record lands in quarantine.jsonl with file, offset and reason;
// the run completes and in = kept + dropped + quarantined. (Reader unit tests: src/data/readers.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDataPipeline } from '../src/data/index.js';
import { buildBadCorpus, buildCorpus, haveUd } from './helpers/corpus.js';

const skip = haveUd() ? false : 'needs ../shared/data/ud (real sentences); CI has ../shared beside the clone';
let tmp: string;
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'oellm-faults-'));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

test('every kind of bad input is quarantined with file/offset/reason and the counts balance', { skip }, async () => {
  const bad = join(tmp, 'bad');
  await buildBadCorpus(bad);
  const good = await buildCorpus(join(tmp, 'good'), { langs: ['hr', 'de'], perLang: 3 });
  const out = join(tmp, 'out');
  const m = await runDataPipeline({ ranks: 2, workers: 2 }, { inputs: [bad, join(good.dir, '*.jsonl.*')], out });
  const c = m.counts;
  assert.equal(c.in, c.kept + c.dropped + c.quarantined);
  assert.ok(c.kept > 0, 'good documents survive next to bad ones');
  const q = readFileSync(join(out, 'quarantine.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { file: string; offset: number; reason: string; step: string });
  assert.equal(q.length, c.quarantined);
  const by = (name: string) => q.filter((r) => r.file === join(bad, name));
  for (const r of q) {
    assert.equal(typeof r.offset, 'number');
    assert.ok(r.reason.length > 5, r.reason);
  }
  assert.match(by('trunc.jsonl.gz')[0]?.reason ?? '', /truncated gzip/);
  assert.match(by('trunc.jsonl.zst')[0]?.reason ?? '', /truncated zstd/);
  assert.match(by('corrupt.warc')[0]?.reason ?? '', /corrupt WARC/);
  assert.ok(by('corrupt.warc')[0]!.offset > 0, 'offset of the bad record, not of the file');
  assert.match(by('invalid-utf8.jsonl')[0]?.reason ?? '', /invalid UTF-8/);
  assert.match(by('binary.txt')[0]?.reason ?? '', /binary/);
  assert.match(by('huge.txt')[0]?.reason ?? '', /too large/);
  for (const e of ['empty.jsonl', 'empty.txt', 'empty.jsonl.gz']) assert.equal(by(e).length, 0, `${e}: nothing to quarantine`);
  // Records before the truncation point / around the corrupt record are still read.
  assert.equal(m.quarantined['read.truncated-gzip-stream'], 1);
  const stats = JSON.parse(readFileSync(join(out, 'stats.json'), 'utf8')) as Record<string, number>;
  assert.equal(stats['docs.quarantined'], c.quarantined);
});
