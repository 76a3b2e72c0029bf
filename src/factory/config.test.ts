// A partial `oellm build` config lists every problem at once: a missing `series` used to hide
// unknown language codes and typos under `data:` (zod skips an object's superRefine while any
// field fails). Not the build itself (tests/build.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveBuildConfig } from './build.js';
import { ConfigError } from '../util/errors.js';
import { tmpDir } from '../../tests/helpers/step.js';

test('a partial build config reports the missing series and every other typo together', () => {
  const file = join(tmpDir('oellm-buildcfg-'), 'partial.yaml');
  writeFileSync(file, 'languages: [hr, xx]\ndata:\n  workrs: 2\n  zstdLevel: 99\ntokenizer:\n  vocab: 100\n');
  assert.throws(
    () => resolveBuildConfig(file),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      const paths = e.issues.map((i) => `${i.path}: ${i.message}`);
      for (const re of [/^series: /, /^languages\.1: unknown language code "xx"/, /^data: Unrecognized key: "workrs"/, /^data\.zstdLevel: /, /^tokenizer: Unrecognized key: "vocab"/]) {
        assert.ok(
          paths.some((p) => re.test(p)),
          `${re} in\n${paths.join('\n')}`,
        );
      }
      return true;
    },
  );
});
