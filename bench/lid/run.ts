// Language-identification benchmark, measured on text the model never saw: the in-source split
// (held-out part of every training source), leave-one-source-out (a model trained here without
// UD / UDHR / FLORES / EXAMS, tested on every sentence of the left-out source) and Debian's gettext
// catalogues (an unseen domain, never trained on). Per setting: macro-F1 over the languages present,
// F1 of hr/sr/bs/cnr/mk/bg/gl, document accuracy (4 held-out sentences per document, decided as the
// pipeline decides) and `und` at the default threshold, for oellm (the shipped ensemble, and its
// own model alone: src/lid/ensemble.ts) and, on the same rows, CLD2
// (`cld`), CLD3 (`cld3-asm`) and fastText lid.176 (`fasttext.wasm.js`); sentences per CPU-second.
// Run: `npx tsx bench/lid/run.ts [--settings in,ud,udhr,flores,exams,gettext] [--cap 500] [--json out.json] [--markdown table.md]`
// (--markdown: the results table as docs/BENCHMARKS.md shows it). Not a test.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { LANGUAGE_CODES } from '../../src/lang/index.js';
import { buildModels, DEFAULT_BUILD } from '../../src/lid/build.js';
import { loadCorpus, sourceOf, SOURCES, textHash, type Sample, type SourceName } from '../../src/lid/data.js';
import { score, type Scores } from '../../src/lid/eval.js';
import { createLid, EnsembleLid, FastTextLid, identifyDocument, OellmLid, PARA_CHARS, type LangId } from '../../src/lid/index.js';
import { loadCld2, mapCld2Code } from '../../src/lid/cld2.js';
import { loadLid176 } from '../../src/lid/ensemble.js';
import { deserializeModels, serializeModels } from '../../src/lid/linear.js';
import { gettextSamples } from './gettext.js';

const args = process.argv.slice(2);
const opt = (k: string, d: string) => (args.includes(k) ? args[args.indexOf(k) + 1]! : d);
const wanted = opt('--settings', ['in', ...SOURCES, 'gettext'].join(',')).split(',');
const CAP = Number(opt('--cap', '500'));
const SHOW = ['hr', 'sr', 'bs', 'cnr', 'mk', 'bg', 'gl'];
const DOC_SENTS = 4;
const cpu = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e6;
};
const load = await import('node:os').then((os) => os.loadavg()[0]!.toFixed(1));
console.log(`bench/lid: machine load average ${load} on ${(await import('node:os')).cpus().length} cores at start (figures are CPU seconds of this process)`);

/** At most `cap` rows per language, chosen by hash (deterministic, source-balanced enough). */
function capRows(rows: Sample[], cap: number): Sample[] {
  const by = new Map<string, Sample[]>();
  for (const r of rows) (by.get(r.lang) ?? by.set(r.lang, []).get(r.lang)!).push(r);
  const out: Sample[] = [];
  for (const [, xs] of by)
    out.push(
      ...(xs.length <= cap
        ? xs
        : xs
            .slice()
            .sort((a, b) => textHash(a.text) - textHash(b.text))
            .slice(0, cap)),
    );
  return out;
}

/**
 * Documents of one language and source: `short` = DOC_SENTS consecutive rows, one sentence per line;
 * `long` = 12 rows in two paragraphs of 6 (as bench/data builds its corpus).
 */
function documents(rows: Sample[], kind: 'short' | 'long' = 'short'): { text: string; lang: string }[] {
  const by = new Map<string, Sample[]>();
  for (const r of rows) {
    const k = `${r.lang}\t${sourceOf(r)}`;
    (by.get(k) ?? by.set(k, []).get(k)!).push(r);
  }
  const out: { text: string; lang: string }[] = [];
  const k = kind === 'short' ? DOC_SENTS : 12;
  for (const xs of by.values()) {
    for (let i = 0; i + k <= xs.length; i += k) {
      const t = xs.slice(i, i + k).map((x) => x.text);
      out.push({ text: kind === 'short' ? t.join('\n') : t.slice(0, 6).join(' ') + '\n\n' + t.slice(6).join(' '), lang: xs[i]!.lang });
    }
  }
  return out;
}

// ---- peers ------------------------------------------------------------------------------
/** Peer label → registry code (`und` when not a registry language; CLD2's sr-ME is Montenegrin). */
const mapPeer = (code: string | undefined): string => (code ? mapCld2Code(code) : 'und');
interface System {
  name: string;
  predict(t: string): Promise<string> | string;
}
const peers: System[] = [];
try {
  const cld = createRequire(import.meta.url)('cld') as { detect(t: string, o: object): Promise<{ languages: { code: string }[] }> };
  peers.push({
    name: 'CLD2',
    predict: async (t) => {
      try {
        return mapPeer((await cld.detect(t, { isPlainText: true })).languages[0]?.code);
      } catch {
        return 'und'; // CLD2 throws when it cannot decide
      }
    },
  });
} catch (e) {
  console.log(`cld (CLD2) failed to load: ${(e as Error).message}`);
}
try {
  const { loadModule } = await import('cld3-asm');
  const cld3 = (await loadModule()).create(0, 1000);
  peers.push({ name: 'CLD3', predict: (t) => mapPeer(cld3.findLanguage(t).language) });
} catch (e) {
  console.log(`cld3-asm failed to load: ${(e as Error).message}`);
}
let ftWasm: { identify(t: string): Promise<{ alpha2: string | null; alpha3: string | null; possibility: number }> } | undefined;
try {
  const { getLIDModel } = await import('fasttext.wasm.js');
  const m = await getLIDModel();
  await m.load();
  ftWasm = m as unknown as typeof ftWasm;
  peers.push({ name: 'fastText', predict: async (t) => mapPeer((await m.identify(t.replace(/\n/g, ' '))).alpha2 ?? undefined) });
} catch (e) {
  console.log(`fasttext.wasm.js failed to load: ${(e as Error).message}`);
}
const cache = new Map<string, Map<string, string>>(peers.map((p) => [p.name, new Map()]));
const peerSeconds = new Map<string, { s: number; n: number }>();
async function peerPreds(p: System, texts: string[]): Promise<string[]> {
  const c = cache.get(p.name)!;
  const out: string[] = [];
  const t0 = cpu();
  let n = 0;
  for (const t of texts) {
    let v = c.get(t);
    if (v === undefined) {
      v = await p.predict(t);
      c.set(t, v);
      n++;
    }
    out.push(v);
  }
  const acc = peerSeconds.get(p.name) ?? { s: 0, n: 0 };
  peerSeconds.set(p.name, { s: acc.s + cpu() - t0, n: acc.n + n });
  return out;
}

// ---- settings -----------------------------------------------------------------------------
const corpus = loadCorpus();
const shipped = await createLid({ threshold: 0, ensemble: false });
const cld2 = loadCld2();
const lid176 = loadLid176();
/** The shipped identifier around a model: oellm ⊕ CLD2 ⊕ lid.176 (src/lid/ensemble.ts). */
const ensembleOf = (m: LangId) => new EnsembleLid(m as OellmLid, cld2, lid176, 0);
interface Setting {
  name: string;
  what: string;
  rows: Sample[];
  /** The oellm model of this setting (alone); the bench wraps it in the ensemble too. */
  lid: () => Promise<LangId>;
}
const settings: Setting[] = [];
if (wanted.includes('in'))
  settings.push({ name: 'in-source', what: 'shipped model; held-out part of every source (UD 1/5 by hash, UDHR articles 3,7,11,…, FLORES 1/5 index_ids, EXAMS 1/5 ids)', rows: capRows(corpus.heldout, CAP), lid: async () => shipped });
for (const s of SOURCES) {
  if (!wanted.includes(s)) continue;
  settings.push({
    name: `without ${s}`,
    what: `trained here on the training split of every source but ${s}; tested on all of ${s}`,
    rows: capRows(
      [...corpus.train, ...corpus.heldout].filter((x) => sourceOf(x) === s),
      CAP,
    ),
    lid: async () => {
      const t0 = cpu();
      const models = buildModels(
        corpus.train.filter((x) => sourceOf(x) !== (s as SourceName)),
        DEFAULT_BUILD,
      );
      const lid = new OellmLid(deserializeModels(serializeModels({}, models)).models, 0);
      console.log(`  (trained without ${s} in ${(cpu() - t0).toFixed(0)} CPU s)`);
      return lid;
    },
  });
}
if (wanted.includes('gettext')) settings.push({ name: 'gettext', what: "shipped model; Debian's gettext catalogues (/usr/share/locale), never trained on, ≤400 strings per language", rows: gettextSamples(LANGUAGE_CODES), lid: async () => shipped });

interface Result {
  system: string;
  s: Scores;
  doc: number;
  long: number;
  und?: number;
}
const report: { setting: string; what: string; rows: number; docs: number; langs: string[]; results: Result[] }[] = [];
const pct = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '  -  ' : x.toFixed(3));
let speed = '';

for (const st of settings) {
  const rows = st.rows;
  const langs = LANGUAGE_CODES.filter((l) => rows.some((r) => r.lang === l));
  const gold = rows.map((r) => r.lang);
  const docs = documents(rows);
  const longs = documents(rows, 'long');
  console.log(`\n== ${st.name}: ${st.what}\n   ${rows.length} sentences, ${langs.length} languages, ${docs.length} documents of ${DOC_SENTS} sentences (one per line), ${longs.length} long ones (12 sentences, 2 paragraphs)`);
  const solo = await st.lid();
  const results: Result[] = [];
  // the model alone first (a row of its own), then the shipped ensemble around it
  for (const r of rows.slice(0, 2000)) solo.identify(r.text);
  let t0 = cpu();
  const soloRes = rows.map((r) => solo.identify(r.text));
  const soloSec = cpu() - t0;
  const ens = ensembleOf(solo);
  const lid: LangId = ens;
  for (const r of rows.slice(0, 2000)) lid.identify(r.text);
  const calls0 = { ...ens.calls };
  t0 = cpu();
  const res = rows.map((r) => lid.identify(r.text));
  const sec = cpu() - t0;
  const ftShare = (ens.calls.fastText - calls0.fastText) / Math.max(1, ens.calls.all - calls0.all);
  const pred = res.map((r) => r.lang);
  const docPred = docs.map((d) => identifyDocument(lid, d.text).lang);
  const docAcc = docs.filter((d, i) => docPred[i] === d.lang).length / Math.max(1, docs.length);
  const acc = (ds: { lang: string }[], p: string[]) => ds.filter((d, i) => p[i] === d.lang).length / Math.max(1, ds.length);
  // long documents as the pipeline decides them (paragraphs scored on their first PARA_CHARS characters), and whole
  let t1 = cpu();
  const longAcc = acc(
    longs,
    longs.map((d) => identifyDocument(lid, d.text).lang),
  );
  const longSec = cpu() - t1;
  t1 = cpu();
  const longWhole = acc(
    longs,
    longs.map((d) => identifyDocument(lid, d.text, 4096, Infinity).lang),
  );
  const wholeSec = cpu() - t1;
  console.log(
    `   oellm long documents (${longs.length}): accuracy ${pct(longAcc)} scoring ≤ ${PARA_CHARS} characters per paragraph (${(longSec * 1e3).toFixed(0)} ms CPU) vs ${pct(longWhole)} scoring whole paragraphs (${(wholeSec * 1e3).toFixed(0)} ms CPU)`,
  );
  results.push({ system: 'oellm', s: score(gold, pred, langs), doc: docAcc, long: longAcc, und: res.filter((r) => r.score < 0.5).length });
  results.push({
    system: 'oellm model only',
    s: score(
      gold,
      soloRes.map((r) => r.lang),
      langs,
    ),
    doc: acc(
      docs,
      docs.map((d) => identifyDocument(solo, d.text).lang),
    ),
    long: acc(
      longs,
      longs.map((d) => identifyDocument(solo, d.text).lang),
    ),
    und: soloRes.filter((r) => r.score < 0.5).length,
  });
  console.log(`   oellm ensemble consulted lid.176 on ${(100 * ftShare).toFixed(1)} % of the sentences (where the oellm model and CLD2 disagree)`);
  // calibration of the ensemble's score: accuracy per score band (what `--threshold` trades)
  const bands = [0, 0.5, 0.8, 0.95, 1.01];
  console.log(
    `   oellm score bands (share of rows, accuracy): ${bands
      .slice(0, -1)
      .map((lo, i) => {
        const ix = res.map((r, j) => [r, j] as const).filter(([r]) => r.score >= lo && r.score < bands[i + 1]!);
        const ok = ix.filter(([r, j]) => r.lang === gold[j]).length;
        return `[${lo}, ${Math.min(1, bands[i + 1]!)}${i === bands.length - 2 ? ']' : ')'} ${((100 * ix.length) / rows.length).toFixed(1)} % ${ix.length ? pct(ok / ix.length) : '  -  '}`;
      })
      .join(' · ')}`,
  );
  if (st.name === 'in-source') speed += `oellm ensemble ${Math.round(rows.length / sec)} sentences per CPU-second (the model alone ${Math.round(rows.length / soloSec)})`;
  for (const p of peers) {
    const pp = await peerPreds(
      p,
      rows.map((r) => r.text),
    );
    const dp = await peerPreds(
      p,
      docs.map((d) => d.text),
    );
    const lp = await peerPreds(
      p,
      longs.map((d) => d.text),
    );
    results.push({ system: p.name, s: score(gold, pp, langs), doc: acc(docs, dp), long: acc(longs, lp) });
  }
  console.log(`   system            macro-F1  accuracy  ${SHOW.map((l) => l.padEnd(6)).join('')}docs-acc  long-acc  und@0.5`);
  for (const r of results) {
    console.log(
      `   ${r.system.padEnd(17)} ${pct(r.s.macroF1).padStart(8)}  ${pct(r.s.accuracy).padStart(8)}  ${SHOW.map((l) => (langs.includes(l) ? pct(r.s.perLang[l]!.f1) : '  -  ').padEnd(6)).join('')}${pct(r.doc).padStart(8)}  ${pct(r.long).padStart(8)}  ${r.und ?? ''}`,
    );
  }
  const me = results[0]!;
  const others = results.filter((r) => !r.system.startsWith('oellm'));
  if (others.length) {
    const best = others.reduce((a, b) => (b.s.macroF1 > a.s.macroF1 ? b : a));
    console.log(`   ratio macro-F1 oellm / best peer (${best.system}): ${(me.s.macroF1 / best.s.macroF1).toFixed(3)}`);
    const worse = langs.filter((l) => others.some((o) => o.s.perLang[l]!.f1 > me.s.perLang[l]!.f1 + 0.02));
    console.log(`   languages where a peer is > 0.02 F1 better: ${worse.map((l) => `${l} ${pct(me.s.perLang[l]!.f1)}/${pct(Math.max(...others.map((o) => o.s.perLang[l]!.f1)))}`).join(', ') || '-'}`);
  }
  const conf = (l: string) =>
    Object.entries(me.s.confusion[l] ?? {})
      .filter(([k]) => k !== l)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 4)
      .map(([k, v]) => `${k}:${v}`)
      .join(' ');
  console.log(
    `   oellm errors, close languages: ${['hr', 'sr', 'bs', 'cnr', 'mk', 'bg', 'gl', 'pt', 'es', 'no', 'nn', 'da', 'cs', 'sk']
      .filter((l) => langs.includes(l))
      .map((l) => `${l}→ ${conf(l) || '∅'}`)
      .join(' | ')}`,
  );
  report.push({ setting: st.name, what: st.what, rows: rows.length, docs: docs.length, langs, results });
}

// ---- abstention (`und` at the default threshold 0.5), in-source held-out rows, shipped ensemble --------
if (wanted.includes('in')) {
  const ens = await createLid({ threshold: 0.5 });
  const ensDoc = await createLid({ threshold: 0.5, splitMixed: false }); // as the pipeline runs it
  const rows = settings[0]!.rows.filter((r) => textHash(r.text) % 4 === 1);
  const words = (t: string, k: number) =>
    t
      .split(/\s+/)
      .filter((w) => /\p{L}/u.test(w))
      .slice(0, k)
      .join(' ');
  console.log(`\nabstention at threshold 0.5 (shipped ensemble; ${rows.length} in-source held-out sentences and what is made of them):`);
  const line = (name: string, xs: { text: string; gold: string[] }[], doc = false) => {
    let und = 0;
    let ok = 0;
    for (const x of xs) {
      const r = doc ? identifyDocument(ensDoc, x.text) : ens.identify(x.text);
      if (r.lang === 'und') und++;
      else if (x.gold.includes(r.lang)) ok++;
    }
    console.log(`   ${name.padEnd(44)} ${String(xs.length).padStart(5)}  und ${((100 * und) / xs.length).toFixed(1).padStart(5)} %   accuracy of the answers ${pct(ok / Math.max(1, xs.length - und))}`);
  };
  for (const k of [1, 2, 3, 5])
    line(
      `first ${k} word${k > 1 ? 's' : ''} of a sentence`,
      rows.map((r) => ({ text: words(r.text, k), gold: [r.lang] })).filter((x) => x.text),
    );
  line(
    'whole sentences',
    rows.map((r) => ({ text: r.text, gold: [r.lang] })),
  );
  const by = new Map<string, Sample[]>();
  for (const r of rows) (by.get(r.lang) ?? by.set(r.lang, []).get(r.lang)!).push(r);
  const ls = [...by.keys()];
  const mixed: { text: string; gold: string[] }[] = [];
  const mixedDocs: { text: string; gold: string[] }[] = [];
  rows.forEach((a, i) => {
    if (i % 3) return;
    const l2 = ls[(ls.indexOf(a.lang) + 7) % ls.length]!;
    const bs = by.get(l2)!;
    const b = bs[i % bs.length]!;
    mixed.push({ text: `${a.text} ${b.text}`, gold: [a.lang, l2] });
    const a3 = [0, 1, 2].map((j) => by.get(a.lang)![(i + j) % by.get(a.lang)!.length]!.text).join(' ');
    const b3 = [0, 1, 2].map((j) => bs[(i + j) % bs.length]!.text).join(' ');
    mixedDocs.push({ text: `${a3}\n\n${b3}`, gold: [a.lang, l2] });
  });
  line('two sentences of two languages, one line', mixed);
  line('document: a paragraph in each of two languages', mixedDocs, true);
}

if (speed) {
  for (const [name, { s, n }] of peerSeconds) if (n) speed += `, ${name} ${Math.round(n / s)}`;
  console.log(`\nspeed (in-source rows, one core): ${speed}`);
}
if (ftWasm && wanted.includes('in')) {
  // the same lid.176.ftz through oellm's own fastText reader (the --model plug-in path)
  const req = createRequire(import.meta.url);
  const ftz = req.resolve('fasttext.wasm.js').replace(/dist\/.*$/, 'dist/models/language-identification/assets/lid.176.ftz');
  const mine = FastTextLid.fromBytes(readFileSync(ftz), { threshold: 0 });
  const rows = report[0]!.rows ? settings[0]!.rows : [];
  let same = 0;
  let maxDp = 0;
  for (const s of rows) {
    const r = await ftWasm.identify(s.text.replace(/\n/g, ' '));
    const top = mine.predict(s.text, 1)[0]!;
    const raw = mine.labels[top.label]!.slice('__label__'.length);
    if (raw === (r.alpha2 ?? r.alpha3) || (raw === 'nn' && r.alpha2 === 'no') || r.alpha2 === null) same++;
    maxDp = Math.max(maxDp, Math.abs(top.p - r.possibility));
  }
  console.log(`oellm's fastText reader vs fasttext.wasm.js on lid.176.ftz: same top label on ${same}/${rows.length} sentences (the wrapper folds nn into no), max |Δp| ${maxDp.toExponential(1)}`);
}

// per-language F1, oellm / best peer, every setting
console.log('\nper-language F1, oellm/best peer (- = no rows)');
console.log('lang ' + report.map((r) => r.setting.padStart(16)).join(''));
for (const l of LANGUAGE_CODES) {
  console.log(
    l.padEnd(5) +
      report
        .map((r) => {
          if (!r.langs.includes(l)) return '-'.padStart(16);
          const me = r.results[0]!.s.perLang[l]!.f1;
          const best = Math.max(0, ...r.results.filter((x) => !x.system.startsWith('oellm')).map((x) => x.s.perLang[l]!.f1));
          return `${pct(me)}/${pct(best)}`.padStart(16);
        })
        .join(''),
  );
}
console.log(`\nmachine load average ${(await import('node:os')).loadavg()[0]!.toFixed(1)} at the end`);
const jsonOut = opt('--json', '');
if (jsonOut)
  writeFileSync(
    jsonOut,
    JSON.stringify(
      report.map((r) => ({ ...r, results: r.results.map((x) => ({ system: x.system, macroF1: x.s.macroF1, accuracy: x.s.accuracy, docAccuracy: x.doc, longDocAccuracy: x.long, und: x.und, perLang: x.s.perLang })) })),
      null,
      1,
    ),
  );
const mdOut = opt('--markdown', '');
if (mdOut) {
  const f = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '–' : x.toFixed(3));
  const lines = [`| setting | rows | system | macro-F1 | acc | ${SHOW.join(' | ')} | docs | long | und@0.5 |`, `|---|---|---|---|---|${SHOW.map(() => '---|').join('')}---|---|---|`];
  for (const r of report)
    for (const x of r.results) {
      const me = x.system === 'oellm';
      lines.push(
        `| ${r.setting} | ${r.rows} | ${me ? '**oellm**' : x.system} | ${me ? `**${f(x.s.macroF1)}**` : f(x.s.macroF1)} | ${f(x.s.accuracy)} | ${SHOW.map((l) => (r.langs.includes(l) ? f(x.s.perLang[l]!.f1) : '–')).join(' | ')} | ${f(x.doc)} | ${f(x.long)} | ${x.und ?? ''} |`,
      );
    }
  writeFileSync(mdOut, lines.join('\n') + '\n');
}
