// Benchmark of the data commitment: oellm's computeCommitment (stream-decompress each public
// shard, hash every document, build per-shard trees and the top root) against a named peer in
// the same run — scripts/commitment/verify_commitment.py, the independent Python verifier
// (hashlib + the zstd command) computing the same roots — on a synthetic dataset dir of real
// UD sentences (../shared/data/ud) grouped into documents. Prints docs/s of each and the ratio.
// Usage: npx tsx bench/release/commitment.ts [--docs 20000] [--shards 4] [--keep <dir>]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeCommitment } from '../../src/audit/commitment.js';
import { zstd } from '../../src/util/compress.js';
import { sha256 } from '../../src/util/fs.js';

const arg = (name: string, d: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : d;
};
const nDocs = Number(arg('docs', '20000'));
const nShards = Number(arg('shards', '4'));
const dir = mkdtempSync(join(tmpdir(), 'oellm-bench-commit-'));
const ud = join(import.meta.dirname, '..', '..', '..', 'shared', 'data', 'ud');
const sentences = readdirSync(ud)
  .filter((f) => f.endsWith('.txt'))
  .flatMap((f) =>
    readFileSync(join(ud, f), 'utf8')
      .split('\n')
      .filter((l) => l.length > 20),
  );

// Documents of 8–24 consecutive sentences, dealt round-robin into shards.
const shards: string[][] = Array.from({ length: nShards }, () => []);
let bytes = 0;
for (let i = 0, s = 0; i < nDocs; i++) {
  const n = 8 + (i % 17);
  const text = Array.from({ length: n }, (_, k) => sentences[(s + k) % sentences.length]).join(' ');
  s += n;
  bytes += Buffer.byteLength(text);
  shards[i % nShards]!.push(JSON.stringify({ id: `doc-${i}`, text, lang: 'und' }));
}
const manifestShards = shards.map((lines, k) => {
  const path = `shards/und_Latn/${String(k).padStart(5, '0')}.jsonl.zst`;
  const body = zstd(Buffer.from(lines.join('\n') + '\n'));
  mkdirSync(join(dir, 'shards', 'und_Latn'), { recursive: true });
  writeFileSync(join(dir, path), body);
  return { path, lang: 'und_Latn', docs: lines.length, bytes: 0, compressed_bytes: body.length, sha256: sha256(body) };
});
writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ shards: manifestShards, vault: { docs: 0, files: [] } }));

const t0 = performance.now();
const c = await computeCommitment(dir);
const ours = (performance.now() - t0) / 1000;
writeFileSync(join(dir, 'data-commitment.json'), JSON.stringify(c));
const script = join(import.meta.dirname, '..', '..', 'scripts', 'commitment', 'verify_commitment.py');
const t1 = performance.now();
const py = spawnSync('python3', [script, join(dir, 'data-commitment.json'), '--data', dir], { encoding: 'utf8' });
const peerWall = (performance.now() - t1) / 1000;
if (py.status !== 0) throw new Error(`peer failed: ${py.stdout}${py.stderr}`);
const peer = JSON.parse(py.stdout) as { root: string; ok: boolean; seconds: number };
console.log(`dataset: ${nDocs} documents, ${(bytes / 1e6).toFixed(1)} MB of text, ${nShards} shards`);
console.log(`oellm computeCommitment: ${ours.toFixed(2)} s, ${Math.round(nDocs / ours)} docs/s, ${(bytes / 1e6 / ours).toFixed(1)} MB/s`);
console.log(`peer verify_commitment.py (python3 hashlib + zstd): ${peer.seconds.toFixed(2)} s in its data loop (${peerWall.toFixed(2)} s with start-up), ${Math.round(nDocs / peer.seconds)} docs/s`);
console.log(`same root: ${peer.root === c.root && peer.ok}`);
console.log(`ratio (peer time / oellm time, >1 = oellm faster): ${(peer.seconds / ours).toFixed(2)}`);
if (!process.argv.includes('--keep')) rmSync(dir, { recursive: true, force: true });
