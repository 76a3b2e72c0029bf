// `oellm release`: the run's records → a release bundle (documents, data commitment,
// SHA256SUMS, Ed25519-signed manifest). Generates every document (one file each in this
// folder), validates each against its schema, refuses blank fields, cross-checks the written
// documents, and only then writes the bundle. Not verification (src/audit/verify.ts).
// Reference: docs/RELEASE.md (document ← record table), docs/COMMITMENT.md.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { z } from 'zod';
import { computeCommitment, CommitmentSchema, type Commitment } from '../audit/commitment.js';
import { loadKey } from '../data/vault/index.js';
import { OellmError } from '../util/errors.js';
import { writeFileAtomic } from '../util/fs.js';
import { VERSION } from '../util/version.js';
import { aiActSummary, AiActSummarySchema } from './ai-act-summary.js';
import type { ReleaseConfig } from './config.js';
import { blankFields, ReleaseContext } from './context.js';
import { copyrightPolicy, CopyrightPolicySchema } from './copyright-policy.js';
import { crossCheck } from './crosscheck.js';
import { CroissantSchema, datasetDocs } from './dataset-card.js';
import { MdfSchema, modelDocumentationForm } from './mdf.js';
import { frontMatter, ModelCardMetaSchema, modelCards } from './model-card.js';
import { EosaiSchema, MofSchema, openness } from './openness.js';
import { PiiReportSchema, piiReport } from './pii-report.js';
import { readRecords } from './records.js';
import { fingerprint, keygen, loadPrivateKey, publicKeyPem, sha256sums, signBytes } from './sign.js';
import { createPublicKey } from 'node:crypto';

export { ReleaseConfigSchema, NOT_RECORDED, type ReleaseConfig } from './config.js';
export { keygen, fingerprint, verifyBytes } from './sign.js';

export const MANIFEST_FILE = 'release-manifest.json';
export const SIG_FILE = 'release-manifest.json.sig';
export const PUBKEY_FILE = 'release-public-key.pem';
export const SUMS_FILE = 'SHA256SUMS';
export const COMMITMENT_FILE = 'data-commitment.json';

/** Each JSON document of the bundle and the schema it is validated against (also by `oellm audit verify`). */
export const DOCUMENT_SCHEMAS: Record<string, z.ZodType> = {
  'ai-act-summary.json': AiActSummarySchema,
  'copyright-policy.json': CopyrightPolicySchema,
  'pii-report.json': PiiReportSchema,
  'dataset/croissant.json': CroissantSchema,
  'dataset/croissant-restricted.json': CroissantSchema,
  'model-documentation-form.json': MdfSchema,
  'openness/mof.json': MofSchema,
  'openness/eosai-index.json': EosaiSchema,
  [COMMITMENT_FILE]: CommitmentSchema,
};

export interface ReleaseOptions {
  /** Bundle dir; default <run-dir>/release. */
  out?: string;
  /** Ed25519 private key (PEM); default a per-run key in <run-dir>/.oellm/release-signing.key (created once). */
  key?: string;
  /** Vault key file; default data.rights.vaultKeyFile of the run's config. */
  vaultKey?: string;
  /** Write "not recorded" fields with warnings instead of failing. */
  allowIncomplete?: boolean;
  /** Release fields given on the command line (override the config's `release:`). */
  overrides?: Partial<ReleaseConfig>;
  /** A commitment already computed for this dataset (the build's), to skip re-reading the shards. */
  commitment?: Commitment;
  log?: (line: string) => void;
}

export interface ReleaseResult {
  out: string;
  files: { path: string; sha256: string; bytes: number }[];
  root: string;
  fingerprint: string;
  warnings: string[];
}

/** The vault key a run was built with (data.rights.vaultKeyFile), when it has one and the file exists. */
export function runVaultKey(config: Record<string, unknown>, explicit?: string): Buffer | undefined {
  if (explicit) return loadKey(explicit);
  const f = ((config.data as { rights?: { vaultKeyFile?: string } } | undefined)?.rights ?? {}).vaultKeyFile;
  return f && existsSync(f) ? loadKey(f) : undefined;
}

/** Validates every document: JSON schema, no blank field; model cards' YAML front matter. */
export function validateDocuments(files: Record<string, string>): string[] {
  const problems: string[] = [];
  for (const [p, schema] of Object.entries(DOCUMENT_SCHEMAS)) {
    if (!(p in files)) {
      problems.push(`${p}: missing from the bundle`);
      continue;
    }
    let v: unknown;
    try {
      v = JSON.parse(files[p]!);
    } catch (e) {
      problems.push(`${p}: not valid JSON (${(e as Error).message})`);
      continue;
    }
    const r = schema.safeParse(v);
    if (!r.success) problems.push(...r.error.issues.map((i) => `${p}: ${i.path.join('.') || '(root)'}: ${i.message}`));
    for (const b of blankFields(v)) problems.push(`${p}: ${b}: blank field`);
  }
  for (const [p, text] of Object.entries(files)) {
    if (!/^models\/[^/]+\/README\.md$/.test(p)) continue;
    try {
      const r = ModelCardMetaSchema.safeParse(frontMatter(text));
      if (!r.success) problems.push(...r.error.issues.map((i) => `${p}: front matter ${i.path.join('.') || '(root)'}: ${i.message}`));
    } catch (e) {
      problems.push(`${p}: ${(e as Error).message}`);
    }
  }
  return problems;
}

export function manifestBytes(m: unknown): Buffer {
  return Buffer.from(JSON.stringify(m, null, 2) + '\n');
}

export async function runRelease(runDir: string, opts: ReleaseOptions = {}): Promise<ReleaseResult> {
  const log = opts.log ?? (() => {});
  runDir = resolve(runDir);
  const out = resolve(opts.out ?? join(runDir, 'release'));
  const rec = readRecords(runDir, opts.overrides);
  if (rec.missing.length && !opts.allowIncomplete) {
    throw new OellmError(`missing records:\n${rec.missing.map((m) => `  - ${m}`).join('\n')}`, { file: runDir, code: 'E_MISSING', hint: 'complete the run (`oellm build` re-runs what is missing) or pass --allow-incomplete to write "not recorded"' });
  }
  const vaultKey = runVaultKey(rec.config, opts.vaultKey);
  const commitment = opts.commitment ?? (await computeCommitment(join(runDir, 'data'), vaultKey));
  const ctx = new ReleaseContext(rec, commitment);
  for (const m of rec.missing) ctx.warnings.push(`record missing: ${m}`);

  const files: Record<string, string> = {};
  Object.assign(files, aiActSummary(ctx).files, copyrightPolicy(ctx).files, piiReport(ctx).files, modelCards(ctx).files, datasetDocs(ctx).files, modelDocumentationForm(ctx).files, openness(ctx).files);
  files[COMMITMENT_FILE] = JSON.stringify(commitment, null, 2) + '\n';
  for (const v of rec.variants) for (const g of v.gguf) if (g.commitment === undefined) ctx.warnings.push(`${g.path}: no oellm.data.commitment in its GGUF metadata (re-export with \`oellm export gguf --commitment ${COMMITMENT_FILE}\`)`);

  const problems = [...validateDocuments(files), ...crossCheck(files, rec)];
  if (problems.length)
    throw new OellmError(`the release documents do not validate or disagree:\n${problems.map((p) => `  - ${p}`).join('\n')}`, {
      file: runDir,
      code: 'E_RELEASE',
      hint: 'a record of the run is inconsistent (re-run the stage that wrote it); this is a bug if the run is complete',
    });
  const warnings = [...new Set(ctx.warnings)];
  if (warnings.length && !opts.allowIncomplete) {
    throw new OellmError(`${warnings.length} field(s) not recorded:\n${warnings.map((w) => `  - ${w}`).join('\n')}`, {
      file: runDir,
      code: 'E_INCOMPLETE',
      hint: 'add them to the `release:` section of the build config (or the `oellm release` flags), or pass --allow-incomplete to write "not recorded"',
    });
  }
  for (const w of warnings) log(`warning: ${w}`);

  // Signing key: the given one, else the run's own (created once, kept outside the bundle).
  let keyFile = opts.key;
  if (!keyFile) {
    keyFile = join(runDir, '.oellm', 'release-signing.key');
    if (!existsSync(keyFile)) keygen(keyFile);
  }
  const priv = loadPrivateKey(keyFile);
  files[PUBKEY_FILE] = publicKeyPem(priv);

  // Replace a previous bundle (only a dir that holds one, or an empty/new dir).
  if (existsSync(out)) {
    const entries = readdirSync(out);
    if (entries.length && !entries.includes(MANIFEST_FILE)) throw new OellmError('the output folder exists and is not a release bundle', { file: out, code: 'E_IO', hint: 'choose an empty or new --out' });
    rmSync(out, { recursive: true, force: true });
  }
  mkdirSync(out, { recursive: true });
  const listed = Object.keys(files)
    .sort()
    .map((p) => {
      const bytes = Buffer.from(files[p]!);
      mkdirSync(dirname(join(out, p)), { recursive: true });
      writeFileAtomic(join(out, p), bytes);
      return { path: p, sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length };
    });
  const sums = sha256sums(listed);
  writeFileAtomic(join(out, SUMS_FILE), sums);
  const fp = fingerprint(createPublicKey(priv));
  const manifest = {
    schema: 'oellm.release-manifest/1',
    run: rec.name,
    oellm_version: VERSION,
    data_commitment_root: commitment.root,
    public_key_sha256: fp,
    sha256sums_sha256: createHash('sha256').update(sums).digest('hex'),
    files: listed,
    models: rec.variants.map((v) => ({ variant: v.name, gguf: v.gguf.map((g) => ({ path: g.path, bytes: g.bytes, commitment: g.commitment ?? null })) })),
    warnings,
  };
  const mb = manifestBytes(manifest);
  writeFileAtomic(join(out, MANIFEST_FILE), mb);
  writeFileAtomic(join(out, SIG_FILE), signBytes(priv, mb) + '\n');
  log(`release: ${listed.length} documents in ${out}, root ${commitment.root}, key ${fp.slice(0, 16)}…`);
  return { out, files: listed, root: commitment.root, fingerprint: fp, warnings };
}
