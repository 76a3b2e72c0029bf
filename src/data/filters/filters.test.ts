// Tests of the normalisation step and the quality filter: mojibake made by a real cp1252
// decoder is repaired, real text (UDHR, every registry language) passes the quality checks
// and carries ≥ 2 stop words, and each failure mode gets its own drop reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { LANGUAGES } from '../../lang/index.js';
import { listContext } from '../../../tests/helpers/step.js';
import { datatroveRepetition } from '../../../tests/helpers/datatrove.js';
import type { Doc } from '../doc.js';
import { NormalizeStep, QualityFilter, assessQuality, normalizeText, repairMojibake, thresholdsFor, STOP_WORDS, QualityConfigSchema } from './index.js';

const udhrDir = join(dirname(createRequire(import.meta.url).resolve('udhr')), 'declaration');
function udhr(name: string, paras = 12): string {
  const html = readFileSync(join(udhrDir, `${name}.html`), 'utf8');
  const ps = [...html.matchAll(/<p>([\s\S]*?)<\/p>/g)].map((m) =>
    m[1]!
      .replace(/<[^>]+>/g, '')
      .replace(/\s+/g, ' ')
      .trim(),
  );
  return ps.slice(0, paras).join('\n');
}

const ctx = listContext;
async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
async function* from<T>(xs: T[]): AsyncIterable<T> {
  yield* xs;
}
const mkDoc = (id: string, text: string, lang = 'en'): Doc => ({ id, text, lang, source: { file: 't', offset: 0 } });

test('mojibake produced by a cp1252 decoder is repaired in every script', () => {
  const original = 'Café — l’été, naïve Œuvre, Łódź, śmiech, привет, Ελλάδα, žluťoučký kůň, ქართული, Ğüç 😀';
  const broken = new TextDecoder('windows-1252').decode(Buffer.from(original, 'utf8'));
  assert.notEqual(broken, original);
  const r = repairMojibake(broken);
  assert.equal(r.text, original);
  assert.ok(r.repairs > 20);
  // latin-1 (C1 controls instead of cp1252 punctuation) as well
  assert.equal(repairMojibake(Buffer.from('naïve “quote”', 'utf8').toString('latin1')).text, 'naïve “quote”');
  // double mojibake
  const twice = new TextDecoder('windows-1252').decode(Buffer.from(new TextDecoder('windows-1252').decode(Buffer.from('é', 'utf8')), 'utf8'));
  assert.equal(repairMojibake(twice).text, 'é');
});

test('real accented text is not "repaired"', () => {
  for (const s of ['CAFÉ» est fermé', '¿ESTÓ¡ bien?', 'Ñ¿', 'São Paulo Ã  noite', 'À¡ÀÁ']) {
    const r = repairMojibake(s);
    if (s === 'Ñ¿') continue; // decodes to Cyrillic ѿ, a letter: accepted as mojibake by design
    assert.equal(r.text, s, s);
  }
  for (const name of ['fra', 'deu_1996', 'por_PT', 'hun', 'pol', 'ces', 'isl', 'tur', 'ell_monotonic', 'ukr']) {
    const t = udhr(name, 30);
    assert.equal(repairMojibake(t).repairs, 0, name);
  }
});

test('normalizeText: NFC, control characters, whitespace', () => {
  const r = normalizeText('  e\u0301te\u0301\u0000 \u200b x\t\t y  \r\n\r\n\r\n\n  z\u00ad z \u2028w ');
  assert.equal(r.text, 'été x y\n\nz z\nw');
  assert.ok(r.controls);
});

test('NormalizeStep counts repairs in stats and never drops', async () => {
  const c = ctx();
  const broken = new TextDecoder('windows-1252').decode(Buffer.from('Déjà vu à Zürich', 'utf8'));
  const out = await collect(new NormalizeStep().run(from([mkDoc('a', broken), mkDoc('b', 'plain')]), c));
  assert.equal(out.length, 2);
  assert.equal(out[0]!.text, 'Déjà vu à Zürich');
  assert.equal(c.stats.counters['normalize.mojibake_docs'], 1);
  assert.equal(c.stats.counters['normalize.mojibake_repairs'], 4);
});

test('every registry language has a stop-word list and real text passes with ≥ 2 stop words', () => {
  for (const l of LANGUAGES) {
    assert.ok((STOP_WORDS[l.code]?.length ?? 0) >= 20, `stop words for ${l.code}`);
    for (const name of Object.values(l.udhr)) {
      const text = normalizeText(udhr(name!)).text;
      // FineWeb's line-punctuation check is off here: UDHR preamble lines end with commas.
      const r = assessQuality(text, l.code, { ...thresholdsFor(l.code), minLinePunctFrac: null });
      assert.equal(r.reason, null, `${l.code}/${name}: ${r.reason} ${JSON.stringify(r.scores)}`);
      assert.ok(r.scores.stop_words! >= 10, `${l.code}: ${r.scores.stop_words} stop words`);
    }
  }
});

test('text of another language fails the stop-word check; und skips it', () => {
  const fi = normalizeText(udhr('fin')).text;
  const th = { ...thresholdsFor('el'), minLinePunctFrac: null };
  assert.equal(assessQuality(fi, 'el', th).reason, 'stopwords');
  assert.equal(assessQuality(fi, 'und', { ...thresholdsFor('und'), minLinePunctFrac: null }).reason, null);
});

test('each heuristic has its own drop reason', async () => {
  const good = normalizeText(udhr('eng')).text;
  const f = new QualityFilter({ languages: { en: { minLinePunctFrac: null } } });
  const cases: [string, string][] = [
    ['short', 'The cat sat on the mat and that was it.'],
    ['dup', Array.from({ length: 30 }, () => 'This is the same line of text with the words in it.').join('\n')],
    ['hash', good + '\n' + '#tag '.repeat(200)],
    ['bullets', Array.from({ length: 60 }, (_, i) => `- item ${i} of the list, which is a thing that has the words to be found.`).join('\n')],
    ['nonalpha', good + '\n' + Array.from({ length: 600 }, (_, i) => String(i * 7919)).join(' ')],
    ['good', good],
  ];
  const c = ctx();
  const out = await collect(f.run(from(cases.map(([id, t]) => mkDoc(id, t))), c));
  assert.deepEqual(
    out.map((d) => d.id),
    ['good'],
  );
  const why = Object.fromEntries(c.dropped);
  assert.equal(why.short, 'quality.too_few_words');
  assert.equal(why.dup, 'quality.dup_line_frac');
  assert.equal(why.hash, 'quality.hash_ratio');
  assert.equal(why.bullets, 'quality.bullet_lines');
  assert.equal(why.nonalpha, 'quality.alpha_words');
  assert.ok(out[0]!.quality!.words! > 300);
  assert.equal(typeof out[0]!.quality!.dup_5_gram_frac, 'number');
});

test('n-gram repetition follows the datatrove definitions', () => {
  const base = normalizeText(udhr('eng', 6)).text;
  // a 6-word phrase repeated many times inside one line: top-2-gram and dup-n-gram fire
  const rep = base + ' ' + 'all human beings are born free '.repeat(40);
  const r = assessQuality(rep, 'en', { ...thresholdsFor('en'), minLinePunctFrac: null });
  assert.match(r.reason ?? '', /^(top_\d_gram|dup_\d+_gram)$/);
  assert.ok(r.scores.dup_5_gram_frac! > 0.15);
  const ok = assessQuality(base, 'en', { ...thresholdsFor('en'), minLinePunctFrac: null });
  assert.ok(ok.scores.dup_10_gram_frac! < 0.1);
});

test('per-language and user overrides resolve in order', () => {
  assert.equal(thresholdsFor('fi').maxMeanWordLength, 13);
  assert.equal(thresholdsFor('en').maxMeanWordLength, 10);
  assert.equal(thresholdsFor('und').minStopWords, null);
  const cfg = QualityConfigSchema.parse({ defaults: { minWords: 10 }, languages: { fi: { maxMeanWordLength: 20, minWords: 5 } } });
  assert.equal(thresholdsFor('fi', cfg).maxMeanWordLength, 20);
  assert.equal(thresholdsFor('fi', cfg).minWords, 5);
  assert.equal(thresholdsFor('de', cfg).minWords, 10);
  assert.throws(() => QualityConfigSchema.parse({ languages: { fi: { nope: 1 } } }));
});

test('hashed n-gram repetition equals the literal datatrove port on real and repetitive text', () => {
  const texts: string[] = [];
  for (const name of ['eng', 'deu_1996', 'fin', 'ell_monotonic', 'bul', 'kat', 'hun', 'pol']) {
    const t = normalizeText(udhr(name, 40)).text;
    texts.push(t, t.split('\n').slice(0, 5).join('\n').repeat(3), (t.slice(0, 400) + ' ').repeat(4) + t.slice(400, 900));
  }
  const repOnly = { gopherQuality: false, gopherRepetition: true, fineweb: false };
  for (const t of texts) {
    const ours = assessQuality(t, 'und', thresholdsFor('und'), repOnly).scores;
    for (const [k, v] of Object.entries(datatroveRepetition(t))) assert.equal(ours[k], v, `${k} on ${JSON.stringify(t.slice(0, 40))}`);
  }
});

test('per-language overrides must name registry languages', () => {
  assert.doesNotThrow(() => QualityConfigSchema.parse({ languages: { und: { minWords: 1 }, cnr: { minWords: 2 } } }));
  assert.throws(() => QualityConfigSchema.parse({ languages: { xx: { minWords: 1 } } }), /unknown language code/);
});
