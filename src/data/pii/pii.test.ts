// Tests of the PII detectors and step: for every detector a valid example (published examples
// from the national specifications / python-stdnum docstrings / card-network test numbers) is
// found, and the same number with a broken checksum is not; dates, years, versions, ISBNs and
// plain numbers are not phones; modes annotate / mask / drop; counts never carry values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mapContext } from '../../../tests/helpers/step.js';
import type { StepContext } from '../step.js';
import type { Doc } from '../doc.js';
import { DETECTORS, PiiStep, detectPii, PiiConfigSchema } from './index.js';

/** detector → [lang, text with exactly one valid item, the item, the item with a broken check]. */
// prettier-ignore
const CASES: Record<string, [string, string, string, string][]> = {
  email: [['en', 'write to {} today', 'john.doe@example.co.uk', 'john.doe@example']],
  iban: [
    ['en', 'IBAN {} ok', 'DE89 3704 0044 0532 0130 00', 'DE89 3704 0044 0532 0130 01'],
    ['en', 'IBAN {} ok', 'GB82WEST12345698765432', 'GB82WEST12345698765433'],
    ['fr', 'IBAN {} ok', 'FR14 2004 1010 0505 0001 3M02 606', 'FR14 2004 1010 0505 0001 3M02 607'],
    ['hr', 'IBAN {} ok', 'HR12 1001 0051 8630 0016 0', 'HR12 1001 0051 8630 0016 1'],
    ['be', 'IBAN {} ok', 'BE68 5390 0754 7034', 'BE68 5390 0754 7035'],
  ],
  card: [
    ['en', 'card {} ok', '4111 1111 1111 1111', '4111 1111 1111 1112'],
    ['en', 'card {} ok', '5555-5555-5555-4444', '5555-5555-5555-4445'],
    ['en', 'card {} ok', '378282246310005', '378282246310006'],
    ['en', 'card {} ok', '6011111111111117', '6011111111111118'],
  ],
  it_codice_fiscale: [['it', 'CF {} ok', 'RSSMRA85T10A562S', 'RSSMRA85T10A562T']],
  es_dni_nie: [['es', 'DNI {} ok', '12345678Z', '12345678A'], ['es', 'NIE {} ok', 'X1234567L', 'X1234567M']],
  fr_nir: [['fr', 'NIR {} ok', '2 55 08 14 168 025 38', '2 55 08 14 168 025 39']],
  fi_hetu: [['fi', 'hetu {} ok', '131052-308T', '131052-308U']],
  ie_pps: [['en', 'PPS {} ok', '1234567T', '1234567V'], ['en', 'PPS {} ok', '1234567TW', '1234567VW']],
  cz_sk_rodne_cislo: [['cs', 'RČ {} ok', '736028/5163', '736028/5164']],
  ro_cnp: [['ro', 'CNP {} ok', '1800101221144', '1800101221145']],
  si_emso_jmbg: [['sl', 'EMŠO {} ok', '0101006500006', '0101006500007']],
  pl_pesel: [['pl', 'PESEL {} ok', '44051401359', '44051401358'], ['en', 'PESEL: {} ok', '02070803628', '02070803629']],
  ee_lt_isikukood: [['et', 'isikukood {} ok', '37605030299', '37605030298']],
  hr_oib: [['hr', 'OIB {} ok', '69435151530', '69435151531']],
  gr_amka: [['el', 'ΑΜΚΑ {} ok', '01013099997', '01013099999']],
  de_steuer_id: [['de', 'Steuer-ID {} ok', '86095742719', '86095742718']],
  no_fodselsnummer: [['no', 'fødselsnummer {} ok', '151086 95088', '151086 95077']],
  be_rrn: [['nl', 'rijksregisternummer {} ok', '85.07.30-033.28', '85.07.30-033.29']],
  lv_personas_kods: [['lv', 'personas kods {} ok', '161175-19997', '161175-19998']],
  bg_egn: [['bg', 'ЕГН {} ok', '7523169263', '7523169264']],
  se_personnummer: [['sv', 'personnummer {} ok', '811228-9874', '811228-9875']],
  dk_cpr: [['da', 'CPR {} ok', '070761-4285', '320761-4285']],
  is_kennitala: [['is', 'kennitala {} ok', '120174-3399', '120174-3389']],
  at_svnr: [['de', 'SVNR {} ok', '1237 010180', '1238 010180']],
  nl_bsn: [['nl', 'BSN: {} ok', '111222333', '111222334']],
  pt_nif: [['pt', 'NIF {} ok', '123456789', '123456788']],
  hu_adoazonosito: [['hu', 'adóazonosító jel: {} ok', '8123456786', '8123456787']],
  hu_taj: [['hu', 'TAJ szám: {} ok', '123 456 788', '123 456 789']],
  tr_tckn: [['tr', 'TC kimlik no {} ok', '10000000146', '10000000147']],
  phone_intl: [['de', 'Ruf an: {} bitte', '+49 30 1234567', '+49 30 12'], ['fr', 'appel {} svp', '+33 (0)1 23 45 67 89', '+33 1 23'], ['en', 'call {}', '00385 1 234 5678', '00385 1']],
  phone_context: [['es', 'Teléfono: {} gracias', '612 345 678', '612 34']],
  phone_national: [['de', 'Büro {} bitte', '030 12345678', '030 1234'], ['fr', 'appel {} svp', '01 23 45 67 89', '01 23 45']],
  ipv4: [['en', 'server {} is up', '8.8.8.8', '192.168.1.1']],
  ipv6: [['en', 'server {} is up', '2a00:1450:4001:81b::200e', 'fe80::1ff:fe23:4567:890a']],
};

test('every detector has test cases', () => {
  for (const d of DETECTORS) assert.ok(CASES[d.name]?.length, `no cases for ${d.name}`);
});

test('valid items are found by their detector; checksum-broken ones are not', () => {
  for (const [name, cases] of Object.entries(CASES)) {
    for (const [lang, tpl, good, bad] of cases) {
      const t = tpl.replace('{}', good);
      const f = detectPii(t, { lang });
      assert.equal(f.length, 1, `${name}: ${t} → ${JSON.stringify(f)}`);
      assert.equal(f[0]!.detector, name, `${name}: ${t} found by ${f[0]!.detector}`);
      assert.equal(t.slice(f[0]!.start, f[0]!.end), good, name);
      const tb = tpl.replace('{}', bad);
      const fb = detectPii(tb, { lang });
      assert.ok(!fb.some((x) => x.detector === name), `${name}: broken ${bad} was found: ${JSON.stringify(fb)}`);
    }
  }
});

test('weak national IDs need the language or a context word', () => {
  assert.equal(detectPii('number 44051401359 here', { lang: 'en' }).filter((f) => f.type === 'national_id').length, 0);
  assert.equal(detectPii('number 44051401359 here', { lang: 'pl' })[0]?.detector, 'pl_pesel');
  assert.equal(detectPii('BSN 111222333', { lang: 'en' })[0]?.detector, 'nl_bsn');
  assert.equal(detectPii('ordernummer 111222333', { lang: 'nl' }).length, 0);
});

test('dates, years, versions, ISBNs, prices and plain numbers are not PII', () => {
  const negatives = [
    'On 12.05.2019 and 2019-05-12 and 12/05/2019 the meeting took place.',
    'In 1989, 2004 and 2023 the population was 123456789.',
    'Version 1.2.3.4 and v2.10.0 were released; see RFC 6890.',
    '3.5.2.4 Språkpolitikk\nSjå kap. 7.2.4.5 og punctul 3.4.2.2 nedanfor.',
    'Odluka Kurula 08.02.2007-515 No je objavljena.',
    'ISBN 0-306-40615-2 and ISBN 978-3-16-148410-0 are books.',
    'It costs 1.299,00 EUR or 1,299.00 USD, code 10 000 000.',
    'Times 12:30:45 and ratios 3:2:1 and 10:00-12:00.',
    'Reference 0000000000 and 1111111111111111.',
    'Call the private host 10.0.0.1 or 172.16.5.4 or 127.0.0.1 or 192.0.2.33.',
    'Loopback ::1 and link-local fe80::1 and documentation 2001:db8::1.',
    'e-mail addresses like user@localhost or @handle are not addresses.',
  ];
  for (const t of negatives) {
    for (const lang of ['en', 'de', 'pl', 'bg', 'hr']) assert.deepEqual(detectPii(t, { lang }), [], `${lang}: ${t}`);
  }
});

const ctx = mapContext;
async function run(step: PiiStep, docs: Doc[], c: StepContext): Promise<Doc[]> {
  const out: Doc[] = [];
  async function* g(): AsyncIterable<Doc> {
    yield* docs;
  }
  for await (const d of step.run(g(), c)) out.push(d);
  return out;
}
const TEXT = 'Contact jan.novak@firma.cz or +420 601 123 456; IBAN DE89 3704 0044 0532 0130 00.';
const mk = (): Doc[] => [
  { id: 'a', text: TEXT, lang: 'cs', source: { file: 'f', offset: 0 } },
  { id: 'b', text: 'No personal data here at all.', lang: 'cs', source: { file: 'f', offset: 1 } },
];

test('mode mask: typed placeholders, spans point at them, stats count per type and language', async () => {
  const c = ctx();
  const out = await run(new PiiStep({ mode: 'mask' }), mk(), c);
  assert.equal(out[0]!.text, 'Contact <EMAIL> or <PHONE>; IBAN <IBAN>.');
  for (const s of out[0]!.pii!.spans!) assert.match(out[0]!.text.slice(s.start, s.end), /^<[A-Z_]+>$/);
  assert.deepEqual(out[0]!.pii!.counts, { email: 1, phone: 1, iban: 1 });
  assert.equal(out[1]!.pii, undefined);
  assert.equal(c.stats.counters['pii.email.cs'], 1);
  assert.equal(c.stats.counters['pii.iban.cs'], 1);
  // values never reach stats or the record
  const dump = JSON.stringify([c.stats.toJSON(), out[0]!.pii]);
  assert.ok(!dump.includes('novak') && !dump.includes('3704'));
});

test('mode annotate keeps the text; mode drop drops with pii.<type>', async () => {
  const a = await run(new PiiStep({ mode: 'annotate' }), mk(), ctx());
  assert.equal(a[0]!.text, TEXT);
  const spans = a[0]!.pii!.spans!;
  assert.deepEqual(
    spans.map((s) => s.type),
    ['email', 'phone', 'iban'],
  );
  assert.equal(TEXT.slice(spans[0]!.start, spans[0]!.end), 'jan.novak@firma.cz');
  const c = ctx();
  const d = await run(new PiiStep({ mode: 'drop' }), mk(), c);
  assert.deepEqual(
    d.map((x) => x.id),
    ['b'],
  );
  assert.equal(c.dropped.get('a'), 'pii.email');
  const only = await run(new PiiStep({ mode: 'annotate', types: ['iban'] }), mk(), ctx());
  assert.deepEqual(only[0]!.pii!.counts, { iban: 1 });
  assert.throws(() => PiiConfigSchema.parse({ mode: 'redact' }));
});
