// Dedup and step-throughput benchmark on a corpus built from real sentences (../shared/data/ud,
// 12-sentence documents, a third with a near-duplicate (3 words changed), a quarter with an
// exact duplicate modulo case/spacing). Measures, per CPU-second of this process: MinHash
// signatures (stage 1) and stages 2+3; checks clusters against the peer, a naive all-pairs
// Jaccard baseline (O(N²), run on a subset), and prints the ratio. Also the normalize / quality /
// PII steps in MB/s, the quality repetition checks against a literal port of datatrove's
// string-joined n-gram code (same numbers, ratio). datatrove itself is Python and cannot be
// installed here (only npm and Debian apt are reachable). Run: `npx tsx bench/dedup/run.ts`.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dedupClusters, readClusterMap, shingles, words, writeSignatures } from '../../src/data/dedup/index.js';
import { assessQuality, normalizeText, thresholdsFor } from '../../src/data/filters/index.js';
import { detectPii } from '../../src/data/pii/index.js';
import { mulberry32 } from '../../src/util/rng.js';
import { datatroveRepetition } from '../../tests/helpers/datatrove.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const UD = join(root, '..', 'shared', 'data', 'ud');
const args = process.argv.slice(2);
const SUBSET = Number(args[args.indexOf('--subset') + 1]) || 2000;

const rng = mulberry32;
const r = rng(1);
const docs: { id: string; text: string; lang: string }[] = [];
for (const f of readdirSync(UD)
  .filter((f) => f.endsWith('.txt'))
  .sort()) {
  const lang = f.replace('.txt', '');
  const lines = readFileSync(join(UD, f), 'utf8')
    .split('\n')
    .filter((l) => l.trim());
  for (let i = 0; i + 12 <= lines.length; i += 12) {
    const text = lines.slice(i, i + 12).join('\n');
    const g = docs.length;
    docs.push({ id: `${lang}-${i}`, text, lang });
    if (g % 3 === 0) {
      const ws = text.split(' ');
      for (let k = 0; k < 3; k++) ws[Math.floor(r() * ws.length)] = `zq${Math.floor(r() * 1e9).toString(36)}`;
      docs.push({ id: `${lang}-${i}-near`, text: ws.join(' '), lang });
    }
    if (g % 4 === 0) docs.push({ id: `${lang}-${i}-exact`, text: text.toUpperCase().replace(/\n/g, ' \n'), lang });
  }
}
// deterministic shuffle: duplicates spread through the input
for (let i = docs.length - 1; i > 0; i--) {
  const j = Math.floor(r() * (i + 1));
  [docs[i], docs[j]] = [docs[j]!, docs[i]!];
}
const MB = docs.reduce((a, d) => a + Buffer.byteLength(d.text), 0) / 1e6;
console.log(`corpus: ${docs.length} docs, ${MB.toFixed(1)} MB from ${UD}`);

function cpu<T>(f: () => T): [T, number] {
  const c0 = process.cpuUsage();
  const v = f();
  const c = process.cpuUsage(c0);
  return [v, (c.user + c.system) / 1e6];
}
async function cpuAsync<T>(f: () => Promise<T>): Promise<[T, number]> {
  const c0 = process.cpuUsage();
  const v = await f();
  const c = process.cpuUsage(c0);
  return [v, (c.user + c.system) / 1e6];
}

const dir = mkdtempSync(join(tmpdir(), 'oellm-bench-dedup-'));
try {
  // ---- oellm MinHash-LSH on the whole corpus ----
  await writeSignatures(docs.slice(0, 200), join(dir, 'warm.bin')); // JIT warm-up
  const [, tSig] = await cpuAsync(() => writeSignatures(docs, join(dir, 'sig-0.bin'), { rank: 0 }));
  const [stats, tClu] = cpu(() => dedupClusters([join(dir, 'sig-0.bin')], join(dir, 'work'), join(dir, 'clusters.jsonl')));
  console.log(`oellm stage 1 (signatures, 14×8, 5-grams, + exact sha256): ${(docs.length / tSig).toFixed(0)} docs/s, ${(MB / tSig).toFixed(2)} MB/s per core`);
  console.log(`oellm stages 2+3 (15 band merges + union-find): ${tClu.toFixed(2)} s CPU; ${stats.clusters} clusters, ${stats.exact} exact + ${stats.near} near duplicates dropped`);
  const map = readClusterMap(join(dir, 'clusters.jsonl'));

  // ---- peer: naive all-pairs Jaccard on a subset ----
  const sub = docs.slice(0, SUBSET);
  const subMap = (() => {
    const m = new Map<string, string>();
    for (const d of sub) m.set(d.id, map.get(d.id)?.cluster ?? d.id);
    return m;
  })();
  const [pairs, tAll] = cpu(() => {
    // sorted unique shingle hashes per doc; Jaccard by a linear merge (exact on the hashes)
    const sets = sub.map((d) => Uint32Array.from(new Set(shingles(words(d.text), 5))).sort());
    const out: [number, number, number][] = [];
    for (let i = 0; i < sub.length; i++)
      for (let j = i + 1; j < sub.length; j++) {
        const a = sets[i]!,
          b = sets[j]!;
        let x = 0,
          y = 0,
          inter = 0;
        while (x < a.length && y < b.length) {
          if (a[x]! < b[y]!) x++;
          else if (a[x]! > b[y]!) y++;
          else {
            inter++;
            x++;
            y++;
          }
        }
        const jac = inter / (a.length + b.length - inter || 1);
        if (jac >= 0.3) out.push([i, j, jac]);
      }
    return out;
  });
  let hi = 0,
    hiFound = 0,
    lo = 0,
    loFound = 0;
  for (const [i, j, jac] of pairs) {
    const same = subMap.get(sub[i]!.id) === subMap.get(sub[j]!.id);
    if (jac >= 0.8) {
      hi++;
      hiFound += same ? 1 : 0;
    }
    if (jac < 0.5) {
      lo++;
      loFound += same ? 1 : 0;
    }
  }
  const allPairsSec = tAll * (docs.length / SUBSET) ** 2;
  console.log(`peer: naive all-pairs Jaccard on ${SUBSET} docs: ${tAll.toFixed(2)} s CPU (${((SUBSET * (SUBSET - 1)) / 2 / tAll / 1e6).toFixed(2)} M pairs/s); projected to ${docs.length} docs: ${allPairsSec.toFixed(0)} s`);
  console.log(`agreement: pairs with J ≥ 0.8 in one LSH cluster: ${hiFound}/${hi}; pairs with 0.3 ≤ J < 0.5 wrongly clustered: ${loFound}/${lo}`);
  console.log(`ratio (whole corpus): all-pairs ${allPairsSec.toFixed(0)} s / oellm ${(tSig + tClu).toFixed(2)} s = ${(allPairsSec / (tSig + tClu)).toFixed(0)}×`);
  console.log('datatrove (Python) is not installable here; the issue quotes ~0.8 MB/s per core for its signature stage.');
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// ---- step throughput ----
const texts = docs.slice(0, 3000).map((d) => d.text);
const langs = docs.slice(0, 3000).map((d) => d.lang);
const mb = texts.reduce((a, t) => a + Buffer.byteLength(t), 0) / 1e6;
// warm-up (JIT, the NFC table, stop-word hashes): one pass over 500 documents, untimed
texts.slice(0, 500).forEach((t, i) => (normalizeText(t), assessQuality(t, langs[i]!, thresholdsFor(langs[i]!)), detectPii(t, { lang: langs[i]! })));
const [, tNorm] = cpu(() => texts.forEach((t) => normalizeText(t)));
const [, tQual] = cpu(() => texts.forEach((t, i) => assessQuality(t, langs[i]!, thresholdsFor(langs[i]!))));
const [, tPii] = cpu(() => texts.forEach((t, i) => detectPii(t, { lang: langs[i]! })));

const naiveRepetition = datatroveRepetition;
const repOnly = { gopherQuality: false, gopherRepetition: true, fineweb: false };
texts.slice(0, 300).forEach((t) => naiveRepetition(t));
const [ours, tRepOurs] = cpu(() => texts.map((t, i) => assessQuality(t, langs[i]!, thresholdsFor(langs[i]!), repOnly).scores));
const [naive, tRepNaive] = cpu(() => texts.map(naiveRepetition));
let diff = 0;
for (let i = 0; i < texts.length; i++) for (const [k, v] of Object.entries(naive[i]!)) if (Math.abs((ours[i]![k] ?? -1) - v) > 1e-4) diff++;
console.log(`normalize: ${(mb / tNorm).toFixed(1)} MB/s per core; quality (all checks): ${(mb / tQual).toFixed(1)} MB/s; PII (all detectors): ${(mb / tPii).toFixed(1)} MB/s`);
console.log(`quality repetition checks: oellm ${(mb / tRepOurs).toFixed(1)} MB/s vs literal datatrove port ${(mb / tRepNaive).toFixed(1)} MB/s = ${(tRepNaive / tRepOurs).toFixed(1)}×; scores differing: ${diff}`);
