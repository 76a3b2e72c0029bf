// On a terminal (a pseudo-terminal from util-linux `script`), log lines of `oellm train` go above
// the progress bar instead of into its line (it printed `… lr -data: deu_Latn 28956 tok …`).
// Skipped where `script` is missing. Not a test of the bar's looks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { makeFixture, repoRoot, tinyTrainFlags } from './train_helpers.js';
import { BIN, cliEnv } from './helpers/cli.js';

const script = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

test('oellm train on a terminal: the data log line starts its own line', { skip: !script && 'util-linux script is not installed' }, async () => {
  const f = await makeFixture(['en', 'mt'], 10);
  try {
    const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const cmd = [process.execPath, BIN, ...tinyTrainFlags(f, join(f.root, 'm'), 3), '--val-every', '0'].map(q).join(' ');
    const r = spawnSync('script', ['-qfec', cmd, '/dev/null'], { encoding: 'utf8', cwd: repoRoot, env: { ...process.env, ...cliEnv(), TERM: 'xterm', COLUMNS: '200' }, timeout: 300_000, killSignal: 'SIGKILL' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const out = r.stdout;
    const at = out.indexOf('data: eng_Latn');
    assert.ok(at > 0, out);
    assert.match(out, /\|.*steps/, 'a bar was drawn');
    // What precedes the log text: a line start (\n, \r, cursor to column 1, erase the whole line),
    // never the bar's text (before: the bar, then "erase to end of line" \x1b[0K, then the log).
    const before = out.slice(Math.max(0, at - 8), at);
    // eslint-disable-next-line no-control-regex -- terminal escape sequences are what is tested
    assert.match(before, /(\n|\r|\x1b\[2K|\x1b\[1G)$/, JSON.stringify(before));
  } finally {
    rmSync(f.root, { recursive: true, force: true });
  }
});
