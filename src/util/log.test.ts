// Tests of the structured logger and the non-terminal progress reporter: one JSON object per
// line with level, message and fields; level filtering; child fields; progress lines throttled
// but always written at stop().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from './log.js';
import { Progress } from './progress.js';

test('JSON logger: one parseable object per line, levels filtered, child fields merged', () => {
  const lines: string[] = [];
  const log = createLogger({ json: true, level: 'info', write: (l) => lines.push(l) });
  log.debug('hidden');
  log.info('hello', { n: 1 });
  log.child({ stage: 'stage1', rank: 2 }).warn('careful', { file: 'x.warc' });
  assert.equal(lines.length, 2);
  assert.ok(lines.every((l) => l.endsWith('\n') && !l.slice(0, -1).includes('\n')));
  const [a, b] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(a!.level, 'info');
  assert.equal(a!.msg, 'hello');
  assert.equal(a!.n, 1);
  assert.ok(!Number.isNaN(Date.parse(a!.t as string)));
  assert.deepEqual([b!.level, b!.stage, b!.rank, b!.file], ['warn', 'stage1', 2, 'x.warc']);
});

test('human logger and progress without a terminal', () => {
  const lines: string[] = [];
  const human = createLogger({ json: false, write: (l) => lines.push(l) });
  human.warn('disk low', { free: '1G' });
  assert.equal(lines[0], 'warn: disk low  free=1G\n');
  const out: string[] = [];
  const p = new Progress({ tty: false, logger: createLogger({ json: true, write: (l) => out.push(l) }), intervalMs: 60_000 });
  const bar = p.bar('stage1', 4, 'ranks');
  bar.update(1, { docs: 10 }); // first update is logged
  bar.update(2, { docs: 20 }); // throttled
  bar.increment(1, { docs: 30 }); // throttled
  bar.stop(); // always logged
  p.stop();
  const recs = out.map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(recs.length, 2);
  assert.deepEqual([recs[1]!.bar, recs[1]!.value, recs[1]!.total, recs[1]!.docs], ['stage1', 3, 4, 30]);
});
