// Byte-identity check of two `oellm data run` output folders (e.g. the compiled pipeline before
// and after a change, each run by bench/data/dist-run.mjs on the same `run.ts --corpus-only`
// corpus): manifest.json, stats.json, quarantine.jsonl and every file under shards/ must be
// equal byte for byte. Not a benchmark and not a test (it compares what it is given).
// Run: `node bench/data/identical.mjs <outA> <outB>` (exit 1 on any difference).
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const [a, b] = process.argv.slice(2);
if (!a || !b) {
  console.error('usage: node bench/data/identical.mjs <outA> <outB>');
  process.exit(2);
}
const files = (dir) => (existsSync(dir) ? readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)])) : []);
const names = new Set(['manifest.json', 'stats.json', 'quarantine.jsonl', ...[a, b].flatMap((d) => files(join(d, 'shards')).map((f) => relative(d, f)))]);
let bad = 0;
for (const n of [...names].sort()) {
  const pa = join(a, n);
  const pb = join(b, n);
  const same = existsSync(pa) && existsSync(pb) && readFileSync(pa).equals(readFileSync(pb));
  if (!same) {
    bad++;
    console.log(`differs: ${n}`);
  }
}
console.log(`${names.size} files compared, ${bad} differ`);
process.exit(bad ? 1 : 0);
