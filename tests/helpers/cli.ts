// How e2e tests start `bin/oellm.js`: from the compiled dist/ when it is at least as new as every
// source file (CI builds it in `npm ci` → prepare; start-up is ~5× faster), else from the sources
// through tsx (OELLM_FROM_SOURCE=1), so a stale dist/ is never what a test measures.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = join(ROOT, 'bin', 'oellm.js');

function newestMtime(dir: string): number {
  let m = 0;
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    const st = statSync(p);
    if (st.isDirectory()) m = Math.max(m, newestMtime(p));
    else if (n.endsWith('.ts') && !n.endsWith('.test.ts')) m = Math.max(m, st.mtimeMs);
  }
  return m;
}

let fresh: boolean | undefined;
/** True when dist/ is built and newer than every non-test source file. */
export function distIsFresh(): boolean {
  if (fresh === undefined) {
    const main = join(ROOT, 'dist', 'cli', 'main.js');
    fresh = existsSync(main) && statSync(main).mtimeMs >= newestMtime(join(ROOT, 'src'));
  }
  return fresh;
}

/** Environment additions for a spawned CLI: force the sources unless dist/ is fresh. */
export function cliEnv(): Record<string, string> {
  return distIsFresh() ? {} : { OELLM_FROM_SOURCE: '1' };
}
