// The Merkle tree against the literal recursive definitions of RFC 6962 §2.1 (MTH and PATH),
// written here independently: roots and paths agree for every size 1..40, every path
// verifies, and any changed leaf, sibling, index or size fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { auditPath, EMPTY_ROOT, leafHash, merkleRoot, nodeHash, rootFromPath, restrictedSalt } from './merkle.js';

const H = (...p: Uint8Array[]) => createHash('sha256').update(Buffer.concat(p)).digest();
function mth(d: Buffer[]): Buffer {
  if (d.length === 0) return H();
  if (d.length === 1) return d[0]!;
  let k = 1;
  while (k * 2 < d.length) k *= 2;
  return H(Buffer.from([1]), mth(d.slice(0, k)), mth(d.slice(k)));
}
function path(m: number, d: Buffer[]): Buffer[] {
  if (d.length === 1) return [];
  let k = 1;
  while (k * 2 < d.length) k *= 2;
  return m < k ? [...path(m, d.slice(0, k)), mth(d.slice(k))] : [...path(m - k, d.slice(k)), mth(d.slice(0, k))];
}

test('roots and audit paths equal RFC 6962 MTH / PATH; every path verifies, every change fails', () => {
  assert.deepEqual(merkleRoot([]), EMPTY_ROOT);
  for (let n = 1; n <= 40; n++) {
    const leaves = Array.from({ length: n }, (_, i) => leafHash(`doc-${i}`, H(Buffer.from(`text ${i}`))));
    const root = merkleRoot(leaves);
    assert.deepEqual(root, mth(leaves), `root n=${n}`);
    for (let m = 0; m < n; m++) {
      const p = auditPath(leaves, m);
      assert.deepEqual(p, path(m, leaves), `path n=${n} m=${m}`);
      assert.deepEqual(rootFromPath(leaves[m]!, m, n, p), root);
      if (n > 1) {
        assert.notDeepEqual(rootFromPath(leaves[(m + 1) % n]!, m, n, p), root, 'another leaf');
        const q = p.map((x) => Buffer.from(x));
        q[0]![0]! ^= 1;
        assert.notDeepEqual(rootFromPath(leaves[m]!, m, n, q), root, 'changed sibling');
        const other = rootFromPath(leaves[m]!, (m + 1) % n, n, p);
        assert.ok(other === null || !other.equals(root), 'another index');
        const big = rootFromPath(leaves[m]!, m, n + 1, p);
        assert.ok(big === null || !big.equals(root) || path(m, [...leaves, leaves[0]!]).length === p.length, 'another size');
      }
    }
  }
});

test('leaves are domain-separated and salted leaves differ per key and id', () => {
  const t = H(Buffer.from('x'));
  const pub = leafHash('a', t);
  const k1 = Buffer.alloc(32, 1);
  const k2 = Buffer.alloc(32, 2);
  assert.notDeepEqual(leafHash('a', t, restrictedSalt(k1, 'a')), pub);
  assert.notDeepEqual(leafHash('a', t, restrictedSalt(k1, 'a')), leafHash('a', t, restrictedSalt(k2, 'a')));
  assert.notDeepEqual(restrictedSalt(k1, 'a'), restrictedSalt(k1, 'b'));
  // A node is never a leaf of the same bytes: the prefixes differ.
  assert.notDeepEqual(nodeHash(pub, pub), H(Buffer.from([0]), pub, pub));
});
