// Same-run check of the LID scoring loop, where the corpus pipeline spends most of its language-ID
// time: LinearModel.scoresOf (wide models: each distinct feature row once, times its count, 8 rows
// per pass; narrow ones as before) against the previous loop (every occurrence, 4 rows per pass)
// as the named peer, on 6-sentence paragraphs from ../shared/data/ud. Asserts identical logits;
// prints CPU ms and the ratio. With the native addon built (build/Release/oellm_data.node) the wide
// model's sums run in C; OELLM_DATA_KERNELS=ts measures the TypeScript loop. Not the LID accuracy benchmark (bench/lid).
// Run: `npx tsx bench/data/lid-scoring.ts`
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BUILTIN_MODEL } from '../../src/lid/index.js';
import { deserializeModels, type LinearModel } from '../../src/lid/linear.js';
import { normalize } from '../../src/lid/features.js';
import { SHARED_UD } from '../../tests/helpers/corpus.js';

const { models } = deserializeModels(readFileSync(BUILTIN_MODEL));

/** The peer: the loop before this change (every feature occurrence, four rows per pass). */
function previousScores(m: LinearModel, feats: Int32Array, out: Float64Array): void {
  const C = m.C;
  const { q, scale } = m.quant!;
  const acc = new Int32Array(C);
  const n = feats.length;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const r0 = feats[i]! * C,
      r1 = feats[i + 1]! * C,
      r2 = feats[i + 2]! * C,
      r3 = feats[i + 3]! * C;
    for (let c = 0; c < C; c++) acc[c] = acc[c]! + q[r0 + c]! + q[r1 + c]! + q[r2 + c]! + q[r3 + c]!;
  }
  for (; i < n; i++) {
    const row = feats[i]! * C;
    for (let c = 0; c < C; c++) acc[c] = acc[c]! + q[row + c]!;
  }
  const v0 = n ? 1 / Math.sqrt(n) : 0;
  for (let c = 0; c < C; c++) out[c] = acc[c]! * scale[c]! * v0 + m.b[c]!;
}

const texts: string[] = [];
for (const f of readdirSync(SHARED_UD)
  .filter((x) => x.endsWith('.txt'))
  .sort()) {
  const lines = readFileSync(join(SHARED_UD, f), 'utf8')
    .split('\n')
    .filter((l) => l.trim());
  for (let i = 0; i + 6 <= lines.length && i < 600; i += 6) texts.push(lines.slice(i, i + 6).join(' '));
}
const cpu = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e3;
};
for (const m of models) {
  const feats = texts.map((t) => m.features(normalize(t)).slice());
  const a = new Float64Array(m.C);
  const b = new Float64Array(m.C);
  for (const f of feats) {
    previousScores(m, f, a);
    m.scoresOf(f, b);
    for (let c = 0; c < m.C; c++) if (a[c] !== b[c]) throw new Error(`model ${m.header.name}: logits differ`);
  }
  const ms = { peer: 0, oellm: 0 };
  for (let rep = 0; rep < 3; rep++) {
    let t = cpu();
    for (const f of feats) previousScores(m, f, a);
    ms.peer += cpu() - t;
    t = cpu();
    for (const f of feats) m.scoresOf(f, b);
    ms.oellm += cpu() - t;
  }
  const total = feats.reduce((s, f) => s + f.length, 0);
  console.log(
    `model ${m.header.name} (${m.C} classes): ${texts.length} paragraphs, ${total} features, logits identical; ` + `peer previous loop ${ms.peer.toFixed(0)} ms CPU, oellm ${ms.oellm.toFixed(0)} ms CPU, ratio ${(ms.peer / ms.oellm).toFixed(2)}×`,
  );
}
