// Tests of MinHash-LSH dedup across its four stages on real sentences (../shared/data/ud):
// the empirical S-curve matches 1-(1-s^r)^b, near-duplicates with a few words changed cluster
// and distinct texts do not (checked against an all-pairs Jaccard baseline), exact duplicates
// are found, union-find is transitive, multi-rank input gives the same cluster map as one rank,
// and every output is byte-identical across runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mapContext } from '../../../tests/helpers/step.js';
import type { Doc } from '../doc.js';
import { DedupFilter, UnionFind, buildClusters, candidateProbability, dedupClusters, findBucketPairs, hashFamily, jaccard, lshThreshold, minhash, readSignatureIds, shingles, words, writeSignatures } from './index.js';
import { mulberry32 } from '../../util/rng.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const UD = join(repoRoot, '..', 'shared', 'data', 'ud');

const rng = mulberry32;

/** Base documents of 12 consecutive real sentences from several languages. */
function baseDocs(count: number): string[] {
  const out: string[] = [];
  for (const f of readdirSync(UD)
    .filter((f) => f.endsWith('.txt'))
    .sort()) {
    const lines = readFileSync(join(UD, f), 'utf8')
      .split('\n')
      .filter((l) => l.trim());
    for (let i = 0; i + 12 <= lines.length && out.length < count; i += 12) out.push(lines.slice(i, i + 12).join('\n'));
    if (out.length >= count) break;
  }
  return out;
}

/** Replaces k distinct words with fresh tokens. */
function edit(text: string, k: number, r: () => number): string {
  const ws = text.split(' ');
  const done = new Set<number>();
  while (done.size < Math.min(k, ws.length)) done.add(Math.floor(r() * ws.length));
  for (const i of done) ws[i] = `zq${Math.floor(r() * 1e9).toString(36)}`;
  return ws.join(' ');
}

const sig = (text: string, fam = hashFamily(112, 1)): Uint32Array => minhash(shingles(words(text), 5), fam, new Uint32Array(112));
const candidate = (a: Uint32Array, b: Uint32Array, bands = 14, rows = 8): boolean => {
  for (let band = 0; band < bands; band++) {
    let same = true;
    for (let j = band * rows; j < band * rows + rows && same; j++) same = a[j] === b[j];
    if (same) return true;
  }
  return false;
};

test('threshold of 14×8 LSH', () => {
  assert.ok(Math.abs(lshThreshold(14, 8) - 0.685) < 0.002);
  assert.ok(candidateProbability(0.9, 14, 8) > 0.999);
  assert.ok(candidateProbability(0.4, 14, 8) < 0.01);
});

test('MinHash estimates Jaccard and the empirical S-curve follows 1-(1-s^r)^b', () => {
  const docs = baseDocs(200);
  const r = rng(7);
  const fam = hashFamily(112, 1);
  const bins = new Map<number, { n: number; hit: number; expect: number }>();
  let errSum = 0;
  let pairs = 0;
  for (const d of docs) {
    const nWords = d.split(' ').length;
    // edits chosen so Jaccard spreads over 0.3..1
    const k = Math.max(1, Math.floor(r() * nWords * 0.12));
    const e = edit(d, k, r);
    const j = jaccard(shingles(words(d), 5), shingles(words(e), 5));
    const sa = sig(d, fam);
    const sb = sig(e, fam);
    let eq = 0;
    for (let i = 0; i < 112; i++) eq += sa[i] === sb[i] ? 1 : 0;
    errSum += Math.abs(eq / 112 - j);
    pairs++;
    const bin = Math.min(9, Math.floor(j * 10));
    const b = bins.get(bin) ?? { n: 0, hit: 0, expect: 0 };
    b.n++;
    b.hit += candidate(sa, sb) ? 1 : 0;
    b.expect += candidateProbability(j, 14, 8);
    bins.set(bin, b);
  }
  // The MinHash estimate of Jaccard has sd sqrt(J(1-J)/112) ≤ 0.047: mean abs error well below.
  assert.ok(errSum / pairs < 0.05, `mean |est - J| = ${errSum / pairs}`);
  let seen = 0;
  for (const [bin, b] of bins) {
    if (b.n < 15) continue;
    seen++;
    if (process.env.OELLM_DEBUG) console.log(bin, b.n, b.hit / b.n, b.expect / b.n);
    assert.ok(Math.abs(b.hit / b.n - b.expect / b.n) < 0.2, `J≈0.${bin}: observed ${b.hit}/${b.n}, expected ${(b.expect / b.n).toFixed(2)}`);
  }
  assert.ok(seen >= 2);
});

async function* gen(docs: { id: string; text: string }[]): AsyncIterable<{ id: string; text: string }> {
  yield* docs;
}

interface Corpus {
  docs: { id: string; text: string }[];
  /** id → group of intended duplicates (same group = same cluster). */
  group: Map<string, number>;
  exactOf: Set<string>;
}

function corpus(): Corpus {
  const base = baseDocs(120);
  const r = rng(42);
  const docs: { id: string; text: string }[] = [];
  const group = new Map<string, number>();
  const exactOf = new Set<string>();
  base.forEach((t, g) => {
    const add = (text: string, tag: string): string => {
      const id = `doc-${String(g).padStart(3, '0')}-${tag}`;
      docs.push({ id, text });
      group.set(id, g);
      return id;
    };
    add(t, 'a');
    if (g % 3 === 0) add(edit(t, 3, r), 'near'); // a few words changed: Jaccard ≈ 0.9
    if (g % 4 === 0) exactOf.add(add(t.toUpperCase().replace(/\n/g, '  \n ').replace(/,/g, ' , '), 'exact'));
  });
  // Shuffle deterministically so duplicates are spread over ranks.
  for (let i = docs.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [docs[i], docs[j]] = [docs[j]!, docs[i]!];
  }
  return { docs, group, exactOf };
}

const ctx = mapContext;

test('four stages: near and exact duplicates clustered, distinct texts not; filter keeps one per cluster', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'oellm-dedup-'));
  try {
    const c = corpus();
    const sigFile = join(dir, 'sig-0.bin');
    const st = await writeSignatures(gen(c.docs), sigFile, { rank: 0 });
    assert.equal(st.docs, c.docs.length);
    assert.deepEqual(
      readSignatureIds(sigFile),
      c.docs.map((d) => d.id),
    );
    const stats = dedupClusters([sigFile], join(dir, 'work'), join(dir, 'clusters.jsonl'));
    // Expected clusters from the construction; compare against an all-pairs Jaccard baseline too.
    const sh = new Map(c.docs.map((d) => [d.id, shingles(words(d.text), 5)]));
    for (let i = 0; i < c.docs.length; i++) {
      for (let j = i + 1; j < c.docs.length; j++) {
        const a = c.docs[i]!.id;
        const b = c.docs[j]!.id;
        const jac = jaccard(sh.get(a)!, sh.get(b)!);
        if (c.group.get(a) === c.group.get(b)) assert.ok(jac > 0.8, `${a} ~ ${b}: J=${jac}`);
        else assert.ok(jac < 0.3, `${a} / ${b}: J=${jac}`);
      }
    }
    const groupsWithDups = new Set([...c.group].filter(([id]) => !id.endsWith('-a')).map(([, g]) => g));
    assert.equal(stats.clusters, groupsWithDups.size);
    assert.equal(stats.dropped, c.docs.length - new Set(c.group.values()).size);
    const f = new DedupFilter(join(dir, 'clusters.jsonl'));
    const cx = ctx();
    const kept: Doc[] = [];
    const docs = c.docs.map((d): Doc => ({ ...d, source: { file: 'x', offset: 0 } }));
    for await (const d of f.run(gen(docs) as AsyncIterable<Doc>, cx)) kept.push(d);
    // exactly one survivor per group
    assert.equal(kept.length, new Set(c.group.values()).size);
    assert.deepEqual(new Set(kept.map((d) => c.group.get(d.id))).size, kept.length);
    for (const d of kept) {
      const size = [...c.group.values()].filter((g) => g === c.group.get(d.id)).length;
      assert.equal(d.dedup!.size, size, d.id);
    }
    // reasons: an exact copy is dropped as exact unless the kept one is the edited variant
    for (const [id, why] of cx.dropped) {
      assert.match(why, /^dedup\.(exact|near)$/);
      if (id.endsWith('-near')) assert.equal(why, 'dedup.near');
    }
    assert.ok([...cx.dropped.values()].filter((w) => w === 'dedup.exact').length >= 20);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('multi-rank input gives the same cluster map as one rank; outputs are byte-identical across runs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'oellm-dedup-'));
  try {
    const c = corpus();
    await writeSignatures(gen(c.docs), join(dir, 'one', 'sig-0.bin'), { rank: 0 });
    dedupClusters([join(dir, 'one', 'sig-0.bin')], join(dir, 'one'), join(dir, 'one', 'clusters.jsonl'));
    // three ranks: round-robin split (not contiguous), then per-band pair files + one clustering
    const sigs: string[] = [];
    for (let r = 0; r < 3; r++) {
      const f = join(dir, 'three', `sig-${r}.bin`);
      await writeSignatures(gen(c.docs.filter((_, i) => i % 3 === r)), f, { rank: r });
      sigs.push(f);
    }
    const pf: string[] = [];
    for (const band of [[0, 6], [7, 13], 14] as const) {
      const f = join(dir, 'three', `pairs-${String(band)}.bin`);
      findBucketPairs(sigs, band as number | [number, number], f);
      pf.push(f);
    }
    buildClusters(pf, join(dir, 'three', 'clusters.jsonl'));
    assert.equal(readFileSync(join(dir, 'three', 'clusters.jsonl'), 'utf8'), readFileSync(join(dir, 'one', 'clusters.jsonl'), 'utf8'));
    // determinism: regenerate rank 1 and a pair file, compare bytes
    const again = join(dir, 'again.bin');
    await writeSignatures(gen(c.docs.filter((_, i) => i % 3 === 1)), again, { rank: 1 });
    assert.ok(readFileSync(again).equals(readFileSync(sigs[1]!)));
    findBucketPairs(sigs, [0, 6], join(dir, 'three', 'pairs-again.bin'));
    assert.ok(readFileSync(join(dir, 'three', 'pairs-again.bin')).equals(readFileSync(join(dir, 'three', 'pairs-0,6.bin'))));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('union-find clusters are transitive (A~B, B~C ⇒ {A,B,C}) even when A and C are far apart', async () => {
  const uf = new UnionFind(6);
  uf.union(0, 1);
  uf.union(1, 2);
  uf.union(4, 5);
  assert.equal(uf.find(0), uf.find(2));
  assert.notEqual(uf.find(0), uf.find(3));
  assert.equal(uf.size[uf.find(2)], 3);
  // on text: B overlaps A's first half and C's second half
  const [s1, s2, s3] = baseDocs(3) as [string, string, string];
  const A = `${s1}\n${s2}`;
  const B = `${s1.split('\n').slice(6).join('\n')}\n${s2}\n${s3.split('\n').slice(0, 6).join('\n')}`;
  const C = `${s2}\n${s3}`;
  const jAC = jaccard(shingles(words(A), 5), shingles(words(C), 5));
  assert.ok(jAC < 0.6, `J(A,C)=${jAC}`);
  const dir = mkdtempSync(join(tmpdir(), 'oellm-dedup-'));
  try {
    const f = join(dir, 'sig.bin');
    // a low-threshold LSH (40 bands × 2 rows) links A-B and B-C (J ≈ 0.5) but rarely A-C directly
    await writeSignatures(
      [
        { id: 'A', text: A },
        { id: 'B', text: B },
        { id: 'C', text: C },
      ],
      f,
      { config: { bands: 40, rows: 2, exact: false } },
    );
    const st = dedupClusters([f], dir, join(dir, 'c.jsonl'));
    assert.equal(st.clusters, 1);
    assert.equal(st.dropped, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad stage files are rejected with the file named', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'oellm-dedup-'));
  try {
    const bad = join(dir, 'bad.bin');
    writeFileSync(bad, 'not a signature file at all, no no no');
    assert.throws(
      () => findBucketPairs([bad], 0, join(dir, 'p.bin')),
      (e: Error & { file?: string }) => e.file === bad,
    );
    const good = join(dir, 'g.bin');
    await writeSignatures([{ id: 'x', text: 'some words here' }], good);
    const trunc = join(dir, 't.bin');
    writeFileSync(trunc, readFileSync(good).subarray(0, 50));
    assert.throws(() => readSignatureIds(trunc), /truncated|end marker/);
    await writeSignatures([{ id: 'y', text: 'other' }], join(dir, 'g2.bin'), { rank: 0 });
    assert.throws(() => findBucketPairs([good, join(dir, 'g2.bin')], 0, join(dir, 'p.bin')), /rank 0/);
    assert.throws(() => new DedupFilter(good), /cluster map/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('exact key is sha256 of the normalised text, also across the chunked hashing boundary', async () => {
  const { createHash } = await import('node:crypto');
  for (const n of [0, 1, 4095, 4096, 4097, 9000]) {
    const ws = Array.from({ length: n }, (_, i) => `Wörd${i}`);
    const d = createHash('sha256').update(ws.join(' ').toLowerCase()).digest();
    assert.deepEqual(words(ws.join(' ,; \n')).exact, [d.readUInt32BE(0), d.readUInt32BE(4)], `n=${n}`);
  }
  // case, punctuation and spacing do not matter; words do
  assert.deepEqual(words('Hello,   World!').exact, words('hello world').exact);
  assert.notDeepEqual(words('hello world').exact, words('hello word').exact);
});
