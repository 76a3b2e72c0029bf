// `oellm tokenizer train | encode | decode | report` through the real CLI entry (tsx), on a
// small real corpus: files written, --json shapes, encode→decode round trip, clear errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const UD = join(ROOT, '..', 'shared', 'data', 'ud');
let tmp: string;

function oellm(args: string[], input?: string) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts'), ...args], { cwd: ROOT, input, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'oellm-tokcli-'));
  for (const l of ['en', 'sl', 'uk'])
    writeFileSync(
      join(tmp, `${l}.txt`),
      readFileSync(join(UD, `${l}.txt`), 'utf8')
        .split('\n')
        .slice(0, 150)
        .join('\n'),
    );
});
after(() => rmSync(tmp, { recursive: true, force: true }));

test('train → encode --json → decode → report --json', () => {
  const out = join(tmp, 'tok');
  const t = oellm(['tokenizer', 'train', '--data', join(tmp, 'en.txt'), join(tmp, 'sl.txt'), join(tmp, 'uk.txt'), '--vocab-size', '800', '--out', out, '--lang-weight', 'uk=2', '--json']);
  assert.equal(t.code, 0, t.err);
  const res = JSON.parse(t.out);
  assert.equal(res.vocabSize, 800);
  assert.deepEqual(Object.keys(res.stats.langs).sort(), ['en', 'sl', 'uk']);
  for (const f of ['tokenizer.json', 'tokenizer_config.json', 'tokenizer.gguf.json', 'train_stats.json']) assert.ok(existsSync(join(out, f)), f);

  const text = 'Dobro jutro, svet!\nДобрий ранок 2024 👋\n';
  const e = oellm(['tokenizer', 'encode', '--tokenizer', out, '--json', '-'], text);
  assert.equal(e.code, 0, e.err);
  const rows = e.out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as number[]);
  assert.equal(rows.length, 2);
  assert.ok(rows.every((r) => Array.isArray(r) && r.length > 0));
  const d = oellm(['tokenizer', 'decode', '--tokenizer', join(out, 'tokenizer.json')], e.out);
  assert.equal(d.code, 0, d.err);
  assert.equal(d.out, text);

  const r = oellm(['tokenizer', 'report', '--tokenizer', out, join(out, 'tokenizer.json'), '--json']);
  assert.equal(r.code, 0, r.err);
  const rep = JSON.parse(r.out);
  assert.equal(rep.length, 2);
  assert.equal(rep[0].parity.en, 1);
  assert.ok(rep[0].parity.uk > 0 && rep[0].parity.ka > 0);
  assert.deepEqual(rep[0].parity, rep[1].parity);
});

test('bad flags and inputs exit 1 with a clear message', () => {
  const small = oellm(['tokenizer', 'train', '--data', join(tmp, 'en.txt'), '--vocab-size', '100', '--out', join(tmp, 'x')]);
  assert.equal(small.code, 1);
  assert.match(small.err, /smaller than the byte alphabet plus special tokens/);
  const missing = oellm(['tokenizer', 'encode', '--tokenizer', join(tmp, 'nope'), '-'], 'x');
  assert.equal(missing.code, 1);
  assert.match(missing.err, /tokenizer not found/);
  const badIds = oellm(['tokenizer', 'decode', '--tokenizer', join(tmp, 'tok')], 'one two\n');
  assert.equal(badIds.code, 1);
  assert.match(badIds.err, /line 1: expected token ids/);
});
