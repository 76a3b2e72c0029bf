// The two stages `oellm build` runs for transparency, so build.ts stays a few lines: the data
// commitment right after the data stage (its root goes into every GGUF export's metadata), and
// the release bundle as the last stage (documents are written even with fields "not recorded":
// the build warns once and lists them in the manifest; `oellm release` without
// --allow-incomplete is the strict gate). Not the documents (index.ts) or the tree (src/audit).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { computeCommitment, readCommitmentRoot, type Commitment } from '../audit/commitment.js';
import { loadKey } from '../data/vault/index.js';
import { readJson, writeJsonAtomic } from '../util/fs.js';
import { runRelease } from './index.js';
import type { ReleaseConfig } from './config.js';

/** Where the build keeps the commitment (beside the manifest of the dataset it commits to). */
export const BUILD_COMMITMENT = 'data/data-commitment.json';

/** Writes data/data-commitment.json for a built dataset (the vault key from the data settings). */
export async function writeBuildCommitment(runDir: string, data: { rights?: { vaultKeyFile?: string | undefined } }): Promise<void> {
  const f = data.rights?.vaultKeyFile;
  const c = await computeCommitment(join(runDir, 'data'), f ? loadKey(f) : undefined);
  writeJsonAtomic(join(runDir, BUILD_COMMITMENT), c);
}

export function buildCommitmentRoot(runDir: string): string {
  return readCommitmentRoot(join(runDir, BUILD_COMMITMENT));
}

/** Settings the release stage's cache key depends on beyond upstream stage keys: the eval report, if any. */
export function releaseInputs(runDir: string, release: unknown): unknown {
  const ev = join(runDir, 'eval', 'report.json');
  return { release, eval: existsSync(ev) ? createHash('sha256').update(readFileSync(ev)).digest('hex') : null, v: 1 };
}

export async function releaseStage(runDir: string, release: Partial<ReleaseConfig> & { signingKey?: string }, log: (line: string) => void): Promise<void> {
  const { signingKey, ...overrides } = release;
  const r = await runRelease(runDir, {
    allowIncomplete: true,
    commitment: readJson<Commitment>(join(runDir, BUILD_COMMITMENT)),
    ...(signingKey ? { key: signingKey } : {}),
    overrides,
  });
  log(`release: ${r.files.length} documents in ${r.out}, data commitment ${r.root.slice(0, 16)}…${r.warnings.length ? `; ${r.warnings.length} fields not recorded (set them in the config's release: section; listed in release-manifest.json)` : ''}`);
}
