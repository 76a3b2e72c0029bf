// Language-identification benchmark: macro-F1 over the registry languages on held-out real
// sentences (UD held-out 1-in-5 by sentence hash + UDHR held-out articles; src/lid/data.ts),
// per-language F1, close-pair confusions and sentences/s on one core, for oellm and, in the
// same run, CLD3 (`cld3-asm`), fastText lid.176 (`fasttext.wasm.js`, model bundled) and CLD2
// (`cld`, native). Run: `npx tsx bench/lid/run.ts [--json out.json]`. Not a test.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { LANGUAGE_CODES } from '../../src/lang/index.js';
import { loadCorpus } from '../../src/lid/data.js';
import { score, type Scores } from '../../src/lid/eval.js';
import { createLid, FastTextLid, mapFastTextLabel } from '../../src/lid/index.js';

const corpus = loadCorpus();
const sents = corpus.heldout;
const gold = sents.map((s) => s.lang);
console.log(`held-out sentences: ${sents.length} (${new Set(gold).size} languages; UD ${sents.filter((s) => s.source.startsWith('ud:')).length}, UDHR ${sents.filter((s) => s.source.startsWith('udhr:')).length}); never trained on`);

/** Peer label → registry code (`und` when not a registry language). */
function mapPeer(code: string | undefined): string {
  if (!code) return 'und';
  if (code === 'sr-ME') return 'cnr'; // CLD2's Montenegrin
  return mapFastTextLabel(code)?.lang ?? 'und';
}

interface Run {
  name: string;
  pred: string[];
  seconds: number;
  note?: string;
}
const runs: Run[] = [];
async function timed(name: string, f: (t: string) => string | Promise<string>, note?: string): Promise<void> {
  // warm-up on 200 sentences, then the timed pass
  for (const s of sents.slice(0, 200)) await f(s.text);
  // CPU time of this process (user + system): sentences per core-second, robust to a shared machine
  const c0 = process.cpuUsage();
  const pred: string[] = [];
  for (const s of sents) pred.push(await f(s.text));
  const c = process.cpuUsage(c0);
  const seconds = (c.user + c.system) / 1e6;
  runs.push({ name, pred, seconds, ...(note ? { note } : {}) });
}

const lid = await createLid({ threshold: 0 });
await timed('oellm', (t) => lid.identify(t).lang);
const oellmScores: number[] = sents.map((s) => lid.identify(s.text).score);

try {
  const { loadModule } = await import('cld3-asm');
  const cld3 = (await loadModule()).create(0, 1000);
  await timed('cld3-asm (CLD3)', (t) => mapPeer(cld3.findLanguage(t).language));
} catch (e) {
  console.log(`cld3-asm failed to load: ${(e as Error).message}`);
}

let ftAgree = '';
try {
  const { getLIDModel } = await import('fasttext.wasm.js');
  const m = await getLIDModel();
  await m.load();
  await timed('fasttext.wasm.js (lid.176)', async (t) => mapPeer((await m.identify(t.replace(/\n/g, ' '))).alpha2 ?? undefined));
  // the same lid.176.ftz through oellm's own fastText reader (the --model plug-in path)
  const req = createRequire(import.meta.url);
  const ftz = req.resolve('fasttext.wasm.js').replace(/dist\/.*$/, 'dist/models/language-identification/assets/lid.176.ftz');
  const mine = FastTextLid.fromBytes(readFileSync(ftz), { threshold: 0 });
  await timed('oellm --model lid.176.ftz', (t) => mine.identify(t).lang);
  // raw labels and probabilities, all sentences: the wrapper renames nn to no (and has no alpha2 for 3-letter labels)
  let same = 0;
  let maxDp = 0;
  for (const s of sents) {
    const r = await m.identify(s.text.replace(/\n/g, ' '));
    const top = mine.predict(s.text, 1)[0]!;
    const raw = mine.labels[top.label]!.slice('__label__'.length);
    if (raw === (r.alpha2 ?? r.alpha3) || (raw === 'nn' && r.alpha2 === 'no') || r.alpha2 === null) same++;
    maxDp = Math.max(maxDp, Math.abs(top.p - r.possibility));
  }
  ftAgree = `oellm's fastText reader vs fasttext.wasm.js on lid.176.ftz: same top label on ${same}/${sents.length} sentences (the wrapper folds nn into no), max |Δp| ${maxDp.toExponential(1)}`;
} catch (e) {
  console.log(`fasttext.wasm.js failed to load: ${(e as Error).message}`);
}

try {
  const cld = createRequire(import.meta.url)('cld') as { detect(t: string, o: object): Promise<{ languages: { code: string }[] }> };
  await timed('cld (CLD2)', async (t) => {
    try {
      return mapPeer((await cld.detect(t, { isPlainText: true })).languages[0]?.code);
    } catch {
      return 'und'; // CLD2 throws when it cannot decide
    }
  });
} catch (e) {
  console.log(`cld (CLD2) failed to load: ${(e as Error).message}`);
}

const results: (Run & { s: Scores })[] = runs.map((r) => ({ ...r, s: score(gold, r.pred, LANGUAGE_CODES) }));
const pct = (x: number) => x.toFixed(3);
console.log('\nsystem                         macro-F1  accuracy  sent/s/core  hr     sr     bs     cnr    never predicted (F1 0)');
for (const r of results) {
  const never = LANGUAGE_CODES.filter((l) => !r.pred.includes(l));
  console.log(
    `${r.name.padEnd(30)} ${pct(r.s.macroF1).padStart(8)}  ${pct(r.s.accuracy).padStart(8)}  ${Math.round(sents.length / r.seconds).toString().padStart(11)}  ${['hr', 'sr', 'bs', 'cnr'].map((l) => pct(r.s.perLang[l]!.f1)).join('  ')}  ${never.join(' ') || '-'}`,
  );
}
// oellm at its default threshold (0.5): `und` below it
const thr = score(gold, runs[0]!.pred.map((p, i) => (oellmScores[i]! >= 0.5 ? p : 'und')), LANGUAGE_CODES);
console.log(`oellm at --threshold 0.5 (und below): macro-F1 ${pct(thr.macroF1)}, ${oellmScores.filter((s) => s < 0.5).length} sentences und`);
if (ftAgree) console.log(ftAgree);

const peers = results.filter((r) => r.name !== 'oellm' && !r.name.startsWith('oellm '));
const me = results[0]!;
if (peers.length) {
  const bestF1 = peers.reduce((a, b) => (b.s.macroF1 > a.s.macroF1 ? b : a));
  const fastest = peers.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  console.log(`\nratio vs best peer: macro-F1 ${(me.s.macroF1 / bestF1.s.macroF1).toFixed(3)}× (${bestF1.name}); speed ${(fastest.seconds / me.seconds).toFixed(2)}× (${fastest.name}, the fastest peer)`);
  for (const l of ['hr', 'sr', 'bs']) {
    const best = Math.max(...peers.map((p) => p.s.perLang[l]!.f1));
    console.log(`  ${l}: oellm F1 ${pct(me.s.perLang[l]!.f1)} vs best peer ${pct(best)}`);
  }
}

console.log('\nper-language F1 (n = held-out sentences)');
console.log('lang  n     ' + results.map((r) => r.name.slice(0, 12).padStart(13)).join(''));
for (const l of LANGUAGE_CODES) console.log(`${l.padEnd(5)} ${String(me.s.perLang[l]!.n).padEnd(5)} ` + results.map((r) => pct(r.s.perLang[l]!.f1).padStart(13)).join(''));

console.log('\nclose pairs: where each gold language went (oellm | best peer by macro-F1)');
const groups = [['hr', 'sr', 'bs', 'cnr'], ['cs', 'sk'], ['da', 'no', 'nn', 'sv'], ['es', 'ca', 'gl', 'pt'], ['bg', 'mk']];
const bestPeer = peers.length ? peers.reduce((a, b) => (b.s.macroF1 > a.s.macroF1 ? b : a)) : undefined;
for (const g of groups) {
  for (const l of g) {
    const row = (r: (typeof results)[number]) => Object.entries(r.s.confusion[l] ?? {}).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}:${v}`).join(' ');
    console.log(`  ${l.padEnd(4)} oellm  ${row(me)}${bestPeer ? `   |  ${bestPeer.name.split(' ')[0]}  ${row(bestPeer)}` : ''}`);
  }
}

const jsonIdx = process.argv.indexOf('--json');
if (jsonIdx >= 0) {
  writeFileSync(process.argv[jsonIdx + 1]!, JSON.stringify({ sentences: sents.length, systems: results.map((r) => ({ name: r.name, macroF1: r.s.macroF1, accuracy: r.s.accuracy, sentencesPerSecond: sents.length / r.seconds, perLang: r.s.perLang })) }, null, 1));
}
