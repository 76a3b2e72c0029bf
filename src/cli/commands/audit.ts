// `oellm audit verify | prove | check-proof`: what an auditor or rights holder runs against a
// release bundle — verify signature, checksums, schemas and (with the data and the vault key)
// every Merkle root; write a standalone inclusion proof of one document; check such a proof
// against a published root. Flag parsing and output only: the logic is src/audit/.
import type { Command } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommitmentSchema, proveDocument } from '../../audit/commitment.js';
import { checkProofFile } from '../../audit/proof.js';
import { verifyBundle } from '../../audit/verify.js';
import { loadKey } from '../../data/vault/index.js';
import { runVaultKey } from '../../release/index.js';
import { OellmError } from '../../util/errors.js';
import { readJson } from '../../util/fs.js';
import { emit } from '../output.js';
import YAML from 'yaml';
import { existsSync } from 'node:fs';

function loadCommitment(bundle: string) {
  const file = join(bundle, 'data-commitment.json');
  const r = CommitmentSchema.safeParse(readJson(file));
  if (!r.success) throw new OellmError('not a valid data commitment', { file, code: 'E_FORMAT', hint: 'run `oellm audit verify` on the bundle first' });
  return r.data;
}

export function register(program: Command): void {
  const audit = program.command('audit').description('verify a release bundle and its data commitment; prove that a document was (or was not) in the training data');
  audit
    .command('verify')
    .description(
      'check a release bundle: Ed25519 signature of release-manifest.json, every checksum, every document schema, the commitment root; ' +
        'with --data also every shard root (and vault roots with --vault-key); --doc proves one document, --text looks for a text. ' +
        'Exits 1 and names the file on any failure.',
    )
    .argument('<bundle>', 'release bundle folder (<run>/release)')
    .option('--data <dir>', 'dataset dir (<run>/data) to recompute the roots from')
    .option('--vault-key <file>', 'vault key: check the restricted roots and prove restricted documents (never printed)')
    .option('--doc <id>', 'prove and check the inclusion of this document id')
    .option('--text <file>', 'is this text (exact, after the pipeline normalisation) among the committed documents?')
    .option('--pubkey <file>', "trusted Ed25519 public key (PEM) instead of the bundle's own")
    .option('--proof-out <file>', 'with --doc: also write the proof file')
    .option('--json', 'machine-readable output')
    .action(async (bundle: string, o: { data?: string; vaultKey?: string; doc?: string; text?: string; pubkey?: string; proofOut?: string; json?: boolean }) => {
      const r = await verifyBundle(bundle, { ...(o.data ? { data: o.data } : {}), ...(o.vaultKey ? { vaultKey: o.vaultKey } : {}), ...(o.doc ? { doc: o.doc } : {}), ...(o.text ? { text: o.text } : {}), ...(o.pubkey ? { pubkey: o.pubkey } : {}) });
      if (o.proofOut && r.proof) writeFileSync(o.proofOut, JSON.stringify(r.proof, null, 2) + '\n');
      emit(o.json, r, () => r.checks.map((c) => `${c.ok ? 'ok  ' : 'FAIL'}  ${c.name}: ${c.detail}\n`).join('') + (r.ok ? `verified: ${bundle}\n` : `NOT verified: ${bundle}\n`));
      if (!r.ok) process.exitCode = 1;
    });
  audit
    .command('prove')
    .description('write a standalone inclusion proof of one document (leaf, shard path, top path, root) that anyone checks with `oellm audit check-proof`')
    .requiredOption('--doc <id>', 'document id (public shard, or restricted with --vault-key)')
    .option('--run <dir>', 'run dir: sets --bundle <run>/release, --data <run>/data and the vault key of its config')
    .option('--bundle <dir>', 'release bundle (for data-commitment.json)')
    .option('--data <dir>', 'dataset dir')
    .option('--vault-key <file>', 'vault key (restricted documents)')
    .option('--out <file>', 'proof file (default proof-<id>.json)')
    .option('--json', 'machine-readable output')
    .action(async (o: { doc: string; run?: string; bundle?: string; data?: string; vaultKey?: string; out?: string; json?: boolean }) => {
      const bundle = o.bundle ?? (o.run ? join(o.run, 'release') : undefined);
      const data = o.data ?? (o.run ? join(o.run, 'data') : undefined);
      if (!bundle || !data) throw new OellmError('audit prove needs --run, or --bundle and --data', { code: 'E_USAGE', hint: 'oellm audit prove --doc <id> --run runs/default' });
      let key = o.vaultKey ? loadKey(o.vaultKey) : undefined;
      if (!key && o.run && existsSync(join(o.run, 'config.resolved.yaml'))) key = runVaultKey(YAML.parse(readFileSync(join(o.run, 'config.resolved.yaml'), 'utf8')) as Record<string, unknown>);
      const p = await proveDocument(data, loadCommitment(bundle), o.doc, key);
      const out = o.out ?? `proof-${o.doc.replace(/[^A-Za-z0-9._-]/g, '_')}.json`;
      writeFileSync(out, JSON.stringify(p, null, 2) + '\n');
      emit(o.json, { out, proof: p }, () => `wrote ${out}: document ${p.id} (${p.class}) is leaf ${p.shard.index} of ${p.shard.path}, root ${p.root}\ncheck: oellm audit check-proof ${out} --root ${p.root}\n`);
    });
  audit
    .command('check-proof')
    .description("check a proof file against the published root (from --root or a bundle's data-commitment.json); needs nothing else")
    .argument('<proof>', 'proof file from `oellm audit prove`')
    .option('--root <hex>', 'the published top root (64 hex)')
    .option('--bundle <dir>', "take the root from this bundle's data-commitment.json")
    .option('--json', 'machine-readable output')
    .action((file: string, o: { root?: string; bundle?: string; json?: boolean }) => {
      const root = o.root ?? (o.bundle ? loadCommitment(o.bundle).root : undefined);
      const r = checkProofFile(file, root);
      emit(o.json, { ok: r.ok, problems: r.problems, root: root ?? null }, () =>
        r.ok
          ? `ok: ${file} proves document ${r.proof!.id} (${r.proof!.class}) under root ${r.proof!.root}${root ? ' (the published root)' : ' (its own root: pass --root to compare with the published one)'}\n`
          : r.problems.map((p) => `FAIL  ${p}\n`).join(''),
      );
      if (!r.ok) process.exitCode = 1;
    });
}
