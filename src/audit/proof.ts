// Checking a standalone inclusion proof (`oellm audit prove` output) against a published root:
// recompute the leaf from (id, text hash, salt), climb the shard path to the shard root, hash
// the shard entry, climb the top path to the root. Needs nothing but the proof and the root.
// Not the making of proofs (commitment.ts). Spec: docs/COMMITMENT.md "Inclusion proofs".
import { readFileSync } from 'node:fs';
import { ProofSchema, type Proof } from './commitment.js';
import { leafHash, rootFromPath, shardEntryHash } from './merkle.js';

export interface ProofCheck {
  ok: boolean;
  /** What failed, naming the field; empty when ok. */
  problems: string[];
  proof?: Proof;
}

const b = (h: string): Buffer => Buffer.from(h, 'hex');

/** Parses and checks proof bytes; `root` is the published top root (else the proof's own is reported). */
export function checkProofBytes(bytes: Uint8Array, root?: string, name = 'proof'): ProofCheck {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (e) {
    return { ok: false, problems: [`${name}: not valid JSON (${(e as Error).message})`] };
  }
  const parsed = ProofSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((i) => `${name}: field ${i.path.join('.') || '(root)'}: ${i.message}`) };
  return checkProof(parsed.data, root, name);
}

export function checkProofFile(file: string, root?: string): ProofCheck {
  return checkProofBytes(readFileSync(file), root, file);
}

export function checkProof(p: Proof, root?: string, name = 'proof'): ProofCheck {
  const problems: string[] = [];
  if ((p.class === 'restricted') !== (p.salt !== '')) problems.push(`${name}: a ${p.class} leaf must ${p.class === 'restricted' ? 'have a 32-byte salt' : 'have no salt'}`);
  const leaf = leafHash(p.id, b(p.text_sha256), b(p.salt));
  if (leaf.toString('hex') !== p.leaf) problems.push(`${name}: leaf does not match sha256 of (id, text_sha256, salt)`);
  const shardRoot = rootFromPath(leaf, p.shard.index, p.shard.docs, p.shard.path_hashes.map(b));
  if (!shardRoot) problems.push(`${name}: shard.path_hashes has the wrong length for index ${p.shard.index} of ${p.shard.docs}`);
  else if (shardRoot.toString('hex') !== p.shard.root) problems.push(`${name}: the shard path does not lead to shard.root`);
  const entry = shardEntryHash(p.shard.path, p.shard.docs, b(p.shard.root));
  const top = rootFromPath(entry, p.top.index, p.top.shards, p.top.path_hashes.map(b));
  if (!top) problems.push(`${name}: top.path_hashes has the wrong length for index ${p.top.index} of ${p.top.shards}`);
  else if (top.toString('hex') !== p.root) problems.push(`${name}: the top path does not lead to the proof's root`);
  if (root !== undefined && p.root !== root) problems.push(`${name}: root ${p.root} is not the published root ${root}`);
  return { ok: problems.length === 0, problems, proof: p };
}
