// The data commitment's Merkle tree (sha256, domain-separated): leaf hashes of documents, node
// hashes, the RFC 6962 tree shape over any number of leaves, inclusion (audit) paths and their
// check. Not the reading of shards or the vault (commitment.ts). Specification: docs/COMMITMENT.md;
// tree shape and path algorithm: RFC 6962 §2.1 (Certificate Transparency), with our own prefixes.
import { createHash, createHmac } from 'node:crypto';

/** Domain-separation prefixes: the first byte of every hashed message (docs/COMMITMENT.md). */
export const PREFIX = { leaf: 0x00, node: 0x01, shard: 0x02 } as const;
export const LEAF_TAG = 'oellm-commitment/1';
export const SALT_BYTES = 32;
export const SALT_LABEL = 'oellm-commitment-salt/1\0';

const sha = (...parts: (Uint8Array | string)[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
export const sha256Bytes = (s: string | Uint8Array): Buffer => sha(s);

/**
 * leaf = SHA256(0x00 ‖ "oellm-commitment/1" ‖ u8(len salt) ‖ salt ‖ u32be(len id) ‖ utf8 id ‖ SHA256(utf8 text)).
 * Public leaves have an empty salt; restricted leaves a 32-byte salt derived from the vault key.
 */
export function leafHash(id: string, textSha256: Uint8Array, salt: Uint8Array = new Uint8Array(0)): Buffer {
  if (textSha256.length !== 32) throw new Error('leafHash: text hash must be 32 bytes');
  if (salt.length !== 0 && salt.length !== SALT_BYTES) throw new Error(`leafHash: salt must be 0 or ${SALT_BYTES} bytes`);
  const idBytes = Buffer.from(id, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(idBytes.length);
  return sha(Uint8Array.of(PREFIX.leaf), LEAF_TAG, Uint8Array.of(salt.length), salt, len, idBytes, textSha256);
}

/** node = SHA256(0x01 ‖ left ‖ right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return sha(Uint8Array.of(PREFIX.node), left, right);
}

/** shard entry = SHA256(0x02 ‖ u32be(len path) ‖ utf8 path ‖ u64be(docs) ‖ shard root). */
export function shardEntryHash(path: string, docs: number, root: Uint8Array): Buffer {
  const p = Buffer.from(path, 'utf8');
  const head = Buffer.alloc(4);
  head.writeUInt32BE(p.length);
  const n = Buffer.alloc(8);
  n.writeBigUInt64BE(BigInt(docs));
  return sha(Uint8Array.of(PREFIX.shard), head, p, n, root);
}

/** The salt of a restricted leaf: HMAC-SHA256(vault key, "oellm-commitment-salt/1\0" ‖ utf8 id). */
export function restrictedSalt(vaultKey: Uint8Array, id: string): Buffer {
  return createHmac('sha256', vaultKey).update(SALT_LABEL).update(id, 'utf8').digest();
}

/** Root of the empty tree: SHA256 of the empty string (RFC 6962 MTH({})). */
export const EMPTY_ROOT = sha();

/** Largest power of two strictly below n (n ≥ 2). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** RFC 6962 MTH over already-hashed leaves: one leaf is its own root; otherwise split at k. */
export function merkleRoot(leaves: readonly Uint8Array[]): Buffer {
  if (leaves.length === 0) return EMPTY_ROOT;
  // Bottom-up with the same shape as the recursive definition: level by level, an odd last
  // node is carried up unchanged (this equals MTH's left-full split).
  let level: Uint8Array[] = leaves.slice();
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(nodeHash(level[i]!, level[i + 1]!));
    if (level.length % 2 === 1) next.push(level[level.length - 1]!);
    level = next;
  }
  return Buffer.from(level[0]!);
}

/** RFC 6962 PATH(m, D[n]): sibling hashes from the leaf up to the root. */
export function auditPath(leaves: readonly Uint8Array[], m: number): Buffer[] {
  if (m < 0 || m >= leaves.length) throw new RangeError(`leaf index ${m} outside a tree of ${leaves.length}`);
  const rec = (lo: number, hi: number, i: number): Buffer[] => {
    const n = hi - lo;
    if (n === 1) return [];
    const k = split(n);
    return i < k ? [...rec(lo, lo + k, i), merkleRoot(leaves.slice(lo + k, hi))] : [...rec(lo + k, hi, i - k), merkleRoot(leaves.slice(lo, lo + k))];
  };
  return rec(0, leaves.length, m);
}

/**
 * Recomputes the root from a leaf, its index, the tree size and the audit path (RFC 9162
 * §2.1.3.2 verification algorithm); null when the path has the wrong length for (index, size).
 */
export function rootFromPath(leaf: Uint8Array, index: number, size: number, path: readonly Uint8Array[]): Buffer | null {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return null;
  let fn = index;
  let sn = size - 1;
  let r: Buffer = Buffer.from(leaf) as Buffer;
  for (const p of path) {
    if (sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else r = nodeHash(r, p);
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : null;
}
