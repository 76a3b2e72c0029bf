// `oellm audit verify`: checks a release bundle as a third party would — the Ed25519 signature
// of the manifest, every checksum (SHA256SUMS and the manifest agree, no file missing or
// unlisted), every document's schema, the commitment's own root — and, given the dataset,
// recomputes every shard root (the vault's with its key), proves and checks one document
// (--doc) or finds a text (--text). Each failure names the file. Not the writer (src/release).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadKey } from '../data/vault/index.js';
import { OellmError } from '../util/errors.js';
import { COMMITMENT_FILE, MANIFEST_FILE, PUBKEY_FILE, SIG_FILE, SUMS_FILE, validateDocuments } from '../release/index.js';
import { fingerprint, parseSha256sums, verifyBytes } from '../release/sign.js';
import { CommitmentSchema, leavesOf, proveDocument, publicShardDocs, topRoot, vaultDocs, type Commitment, type Proof } from './commitment.js';
import { merkleRoot } from './merkle.js';
import { checkProof } from './proof.js';
import { createPublicKey } from 'node:crypto';

export interface VerifyOptions {
  /** Dataset dir (manifest.json, shards/, vault/) to recompute the roots from. */
  data?: string;
  /** Vault key file: recompute the restricted roots, prove restricted documents. */
  vaultKey?: string;
  /** Prove and check the inclusion of this document id (needs data). */
  doc?: string;
  /** Find this text file's content among the committed documents (needs data). */
  text?: string;
  /** Trusted public key (PEM); default the bundle's own release-public-key.pem. */
  pubkey?: string;
}

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export interface VerifyReport {
  bundle: string;
  ok: boolean;
  checks: Check[];
  root?: string;
  fingerprint?: string;
  proof?: Proof;
  textMatches?: string[];
}

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

function walk(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) out.push(...walk(p, base));
    else out.push(relative(base, p).split('\\').join('/'));
  }
  return out;
}

export async function verifyBundle(bundle: string, opts: VerifyOptions = {}): Promise<VerifyReport> {
  const checks: Check[] = [];
  const add = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });
  const read = (p: string): Buffer | null => {
    const f = join(bundle, p);
    return existsSync(f) ? readFileSync(f) : null;
  };
  if (!existsSync(bundle) || !statSync(bundle).isDirectory()) throw new OellmError('not a release bundle folder', { file: bundle, code: 'E_IO', hint: 'pass the release/ folder of a run (oellm release / oellm build write it)' });
  const report: VerifyReport = { bundle, ok: false, checks };

  // 1. Signature over the manifest's exact bytes.
  const mBytes = read(MANIFEST_FILE);
  const sig = read(SIG_FILE);
  const pubPem = opts.pubkey ? readFileSync(opts.pubkey, 'utf8') : read(PUBKEY_FILE)?.toString('utf8');
  if (!mBytes || !sig || !pubPem) add('signature', false, `missing ${[!mBytes && MANIFEST_FILE, !sig && SIG_FILE, !pubPem && (opts.pubkey ?? PUBKEY_FILE)].filter(Boolean).join(', ')}`);
  else {
    try {
      // Exactly one base64 Ed25519 signature and a newline: nothing else may vary in the file.
      const ok = /^[A-Za-z0-9+/]{86}==\n$/.test(sig.toString('latin1')) && verifyBytes(pubPem, mBytes, sig.toString('utf8'));
      report.fingerprint = fingerprint(createPublicKey(pubPem));
      add(
        'signature',
        ok,
        ok
          ? `${MANIFEST_FILE} signed by Ed25519 key sha256:${report.fingerprint}${opts.pubkey ? ' (the trusted key given)' : ` (the bundle's own ${PUBKEY_FILE}: compare this fingerprint with the one the provider publishes)`}`
          : `${SIG_FILE} is not a valid signature of ${MANIFEST_FILE} under ${opts.pubkey ?? PUBKEY_FILE}: the manifest, the signature or the key was changed`,
      );
    } catch (e) {
      add('signature', false, `${opts.pubkey ?? PUBKEY_FILE}: not a usable Ed25519 public key (${(e as Error).message})`);
    }
  }
  let manifest: { files?: { path: string; sha256: string }[]; sha256sums_sha256?: string; data_commitment_root?: string; public_key_sha256?: string } = {};
  if (mBytes) {
    try {
      manifest = JSON.parse(mBytes.toString('utf8'));
    } catch (e) {
      add('manifest', false, `${MANIFEST_FILE}: not valid JSON (${(e as Error).message})`);
    }
  }
  if (report.fingerprint && manifest.public_key_sha256 && manifest.public_key_sha256 !== report.fingerprint)
    add('key', false, `${MANIFEST_FILE} names key sha256:${manifest.public_key_sha256}, the signature was checked with sha256:${report.fingerprint}`);

  // 2. Checksums: SHA256SUMS is the one the manifest names, every listed file matches, nothing unlisted.
  const sums = read(SUMS_FILE);
  let listed: { path: string; sha256: string }[] = [];
  if (!sums) add('checksums', false, `${SUMS_FILE} is missing`);
  else {
    if (manifest.sha256sums_sha256 && sha(sums) !== manifest.sha256sums_sha256) add('checksums', false, `${SUMS_FILE}: sha256 ${sha(sums)} is not the one in ${MANIFEST_FILE} (${manifest.sha256sums_sha256})`);
    try {
      listed = parseSha256sums(sums.toString('utf8'), SUMS_FILE);
    } catch (e) {
      add('checksums', false, (e as OellmError).format?.() ?? String(e));
    }
    const mf = (manifest.files ?? []).map((f) => `${f.sha256}  ${f.path}`).sort();
    const sf = listed.map((f) => `${f.sha256}  ${f.path}`).sort();
    if (JSON.stringify(mf) !== JSON.stringify(sf)) add('checksums', false, `${SUMS_FILE} and ${MANIFEST_FILE} list different files or hashes`);
    let bad = 0;
    for (const f of listed) {
      const b = read(f.path);
      if (!b) {
        add('checksums', false, `${f.path}: listed in ${SUMS_FILE} but missing`);
        bad++;
      } else if (sha(b) !== f.sha256) {
        add('checksums', false, `${f.path}: sha256 ${sha(b)} differs from ${SUMS_FILE} (${f.sha256}): the file was changed`);
        bad++;
      }
    }
    const known = new Set([...listed.map((f) => f.path), MANIFEST_FILE, SIG_FILE, SUMS_FILE]);
    for (const p of walk(bundle))
      if (!known.has(p)) {
        add('checksums', false, `${p}: in the bundle but in no checksum list`);
        bad++;
      }
    if (bad === 0 && listed.length) add('checksums', true, `${listed.length} files match ${SUMS_FILE}`);
  }

  // 3. Every document against its schema.
  const files: Record<string, string> = {};
  for (const f of listed) {
    const b = read(f.path);
    if (b) files[f.path] = b.toString('utf8');
  }
  const problems = validateDocuments(files);
  add('schemas', problems.length === 0, problems.length ? problems.join('; ') : 'every document validates against its schema, no blank fields');

  // 4. The commitment: its root is the root of its shard entries, and the manifest's.
  let commitment: Commitment | undefined;
  const cb = read(COMMITMENT_FILE);
  if (cb) {
    try {
      const parsed = CommitmentSchema.safeParse(JSON.parse(cb.toString('utf8')));
      if (parsed.success) commitment = parsed.data;
    } catch {
      /* reported by the schema check */
    }
  }
  if (commitment) {
    const top = topRoot(commitment.shards).toString('hex');
    add(
      'commitment',
      top === commitment.root && (!manifest.data_commitment_root || manifest.data_commitment_root === commitment.root),
      top !== commitment.root
        ? `${COMMITMENT_FILE}: root ${commitment.root} is not the root of its shard entries (${top})`
        : manifest.data_commitment_root && manifest.data_commitment_root !== commitment.root
          ? `${MANIFEST_FILE} names root ${manifest.data_commitment_root}, ${COMMITMENT_FILE} ${commitment.root}`
          : `root ${commitment.root} over ${commitment.shards.length} shards`,
    );
    report.root = commitment.root;
  } else add('commitment', false, `${COMMITMENT_FILE} is missing or invalid`);

  // 5. The data: every shard's file hash and recomputed root; the vault's with its key.
  let vaultKey: Buffer | undefined;
  if (opts.vaultKey) vaultKey = loadKey(opts.vaultKey);
  if (opts.data && commitment) {
    for (const s of commitment.shards) {
      const file = join(opts.data, s.path);
      if (!existsSync(file)) {
        add('data', false, `${file}: committed shard missing`);
        continue;
      }
      const h = sha(readFileSync(file));
      if (h !== s.sha256) {
        add('data', false, `${file}: sha256 ${h} differs from the commitment (${s.sha256}): the ${s.class === 'restricted' ? 'vault file' : 'shard'} was changed`);
        continue;
      }
      if (s.class === 'restricted' && !vaultKey) {
        add('data', true, `${s.path}: file checksum matches (leaves need --vault-key)`);
        continue;
      }
      try {
        const docs = s.class === 'public' ? await publicShardDocs(file) : await vaultDocs(file, vaultKey!);
        const root = merkleRoot(leavesOf(docs, s.class, vaultKey)).toString('hex');
        add('data', root === s.root && docs.length === s.docs, root === s.root ? `${s.path}: ${docs.length} documents, root matches` : `${s.path}: recomputed root ${root} differs from the commitment (${s.root})`);
      } catch (e) {
        const err = e as OellmError;
        if (err.code === 'E_VAULT_KEY') {
          add('vault key', false, `${file}: ${err.message} — no restricted document was read`);
          break;
        }
        add('data', false, `${file}: ${err.message}`);
      }
    }
  } else if (opts.data) add('data', false, 'no valid commitment to check the data against');

  // 6. One document's inclusion proof, or a text's presence.
  if ((opts.doc || opts.text) && (!opts.data || !commitment)) add(opts.doc ? 'proof' : 'text', false, '--doc and --text need --data <dataset dir> and a valid commitment');
  else if (opts.doc && commitment && !checks.some((c) => c.name === 'vault key' && !c.ok)) {
    try {
      const p = await proveDocument(opts.data!, commitment, opts.doc, vaultKey);
      const c = checkProof(p, commitment.root);
      report.proof = p;
      add('proof', c.ok, c.ok ? `document ${opts.doc} (${p.class}) is leaf ${p.shard.index} of ${p.shard.path}; path checks against root ${commitment.root}` : c.problems.join('; '));
    } catch (e) {
      add('proof', false, (e as Error).message);
    }
  } else if (opts.text && commitment) {
    const raw = readFileSync(opts.text, 'utf8');
    const wanted = new Set([sha(Buffer.from(raw)), sha(Buffer.from(raw.replace(/\r?\n$/, '')))]);
    const matches: string[] = [];
    for (const s of commitment.shards) {
      if (s.class === 'restricted' && !vaultKey) continue;
      const file = join(opts.data!, s.path);
      try {
        const docs = s.class === 'public' ? await publicShardDocs(file) : await vaultDocs(file, vaultKey!);
        for (const d of docs) if (wanted.has(d.textSha256.toString('hex'))) matches.push(d.id);
      } catch {
        /* reported by the data check */
      }
    }
    report.textMatches = matches;
    add(
      'text',
      true,
      matches.length
        ? `the text of ${opts.text} is committed as document(s) ${matches.join(', ')} (prove with --doc)`
        : `the text of ${opts.text} is in no ${vaultKey ? '' : 'public '}document of the commitment (exact UTF-8 match after the pipeline's normalisation)`,
    );
  }
  report.ok = checks.every((c) => c.ok);
  return report;
}
