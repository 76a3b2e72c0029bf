// Same-run check of the document sampling of the pipeline's LID step (src/lid/index.ts
// identifyDocument): each paragraph scored on its first PARA_CHARS characters (oellm now) against
// scoring every paragraph whole (the previous behaviour, the named peer), on bench/data-style
// documents (12 real UD sentences in two paragraphs, every UD language). Prints CPU seconds, bytes
// per CPU-second, the ratio, and how many documents get another label. Not the accuracy benchmark
// (bench/lid measures document accuracy on held-out text). Run: `npx tsx bench/data/lid-sampling.ts [--docs 200]`
import { readdirSync } from 'node:fs';
import { createLid, identifyDocument, PARA_CHARS } from '../../src/lid/index.js';
import { docsOf, SHARED_UD } from '../../tests/helpers/corpus.js';

const args = process.argv.slice(2);
const per = Number(args[args.indexOf('--docs') + 1]) || 200;
const langs = readdirSync(SHARED_UD)
  .filter((f) => f.endsWith('.txt'))
  .map((f) => f.slice(0, -4))
  .sort();
const docs = langs.flatMap((l) => docsOf(l, per, 12, 7).map((text) => ({ text, lang: l })));
const bytes = docs.reduce((s, d) => s + Buffer.byteLength(d.text), 0);
const lid = await createLid();
const cpu = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e6;
};
for (const d of docs.slice(0, 100)) identifyDocument(lid, d.text);
const sec = { peer: 0, oellm: 0 };
let a: string[] = [];
let b: string[] = [];
for (let rep = 0; rep < 3; rep++) {
  let t = cpu();
  a = docs.map((d) => identifyDocument(lid, d.text, 4096, Infinity).lang);
  sec.peer += cpu() - t;
  t = cpu();
  b = docs.map((d) => identifyDocument(lid, d.text).lang);
  sec.oellm += cpu() - t;
}
const acc = (p: string[]) => docs.filter((d, i) => p[i] === d.lang).length / docs.length;
const differ = a.filter((x, i) => x !== b[i]).length;
const mbps = (s: number) => ((3 * bytes) / 1e6 / s).toFixed(2);
console.log(`${docs.length} documents (${(bytes / 1e6).toFixed(1)} MB, ${langs.length} languages), 3 passes each`);
console.log(`peer  whole paragraphs:           ${sec.peer.toFixed(2)} CPU s, ${mbps(sec.peer)} MB per CPU-second, label = source language ${(100 * acc(a)).toFixed(2)} %`);
console.log(`oellm ≤ ${PARA_CHARS} characters per paragraph: ${sec.oellm.toFixed(2)} CPU s, ${mbps(sec.oellm)} MB per CPU-second, label = source language ${(100 * acc(b)).toFixed(2)} %`);
console.log(`ratio ${(sec.peer / sec.oellm).toFixed(2)}× fewer CPU seconds; ${differ} of ${docs.length} documents labelled differently`);
