// End to end over this module group: a WARC.gz of real pages (UDHR) where some responses carry
// TDM reservations (HTTP header, HTML meta, tdmrep.json, robots.txt for GPTBot) and one host is
// blocklisted, plus one corrupt record → readInput → ExtractStep → RightsStep → public records
// vs an encrypted vault. Checks in = kept + dropped + quarantined, that every restricted text
// is in the vault and nowhere in plain form on disk, and that the vault reads back exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readInput } from '../src/data/readers/index.js';
import { ExtractStep } from '../src/data/extract/index.js';
import { RightsStep } from '../src/data/rights/index.js';
import { VaultWriter, generateKey, loadKey, readVault } from '../src/data/vault/index.js';
import { Stats, type StepContext } from '../src/data/step.js';
import { toRecord, type Doc, type Verdict } from '../src/data/doc.js';
import { concat, responseRecord } from './helpers/warc.js';

const dir = mkdtempSync(join(tmpdir(), 'oellm-rv-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const udhrDir = join(dirname(createRequire(import.meta.url).resolve('udhr')), 'declaration');

test('WARC → extract → rights → public records + vault: counts balance, restricted text only encrypted', async () => {
  const langs = ['hrv', 'srp_cyrl', 'slv', 'ces', 'slk', 'pol', 'dan', 'swe', 'nob', 'fin'];
  const page = (c: string) => readFileSync(join(udhrDir, `${c}.html`), 'utf8');
  const specs: { url: string; body: string; headers?: Record<string, string> }[] = langs.map((c, i) => ({ url: `https://open${i}.example/udhr/${c}`, body: page(c) }));
  specs.push({ url: 'https://news.example/a', body: page('deu_1996'), headers: { 'tdm-reservation': '1' } });
  specs.push({ url: 'https://meta.example/a', body: page('fra').replace('<head>', '<head><meta name="tdm-reservation" content="1">') });
  specs.push({ url: 'https://publisher.example/books/1', body: page('ita') });
  specs.push({ url: 'https://publisher.example/free/1', body: page('spa') });
  specs.push({ url: 'https://ai-no.example/x', body: page('por_PT') });
  specs.push({ url: 'https://www.spam.example/x', body: page('eng') });
  const records: Uint8Array[] = [];
  for (const s of specs) records.push(await responseRecord({ url: s.url, body: s.body, httpHeaders: { 'Content-Type': 'text/html; charset=utf-8', ...(s.headers ?? {}) } }, true));
  // One corrupt member: the version line flipped.
  const bad = Buffer.from(await responseRecord({ url: 'https://x.example/', body: '<p>x</p>' }));
  bad.write('XXXX', 0, 'latin1');
  records.splice(3, 0, gzipSync(bad));
  const warc = join(dir, 'crawl.warc.gz');
  writeFileSync(warc, concat(records));

  mkdirSync(join(dir, 'robots'));
  writeFileSync(join(dir, 'robots', 'ai-no.example.robots.txt'), 'User-agent: GPTBot\nDisallow: /\n');
  mkdirSync(join(dir, 'tdmrep'));
  writeFileSync(join(dir, 'tdmrep', 'publisher.example.tdmrep.json'), JSON.stringify([{ location: '/books/*', 'tdm-reservation': 1, 'tdm-policy': 'https://publisher.example/policy' }]));
  const keyFile = join(dir, 'vault.key');
  generateKey(keyFile);

  const stats = new Stats();
  const dropped: string[] = [];
  const ctx: StepContext = {
    rank: 0,
    worldSize: 1,
    stats,
    exclude(_d: Doc, _s: string, v: Exclude<Verdict, { keep: true }>) {
      dropped.push('drop' in v ? v.drop : v.quarantine);
    },
    log() {},
  };
  let read = 0;
  const quarantined: string[] = [];
  async function* source(): AsyncIterable<Doc> {
    for await (const it of readInput(warc)) {
      read++;
      if ('doc' in it) yield it.doc;
      else quarantined.push(it.quarantine.reason);
    }
  }
  const rights = new RightsStep({ robotsDir: join(dir, 'robots'), tdmrepDir: join(dir, 'tdmrep'), blocklist: ['spam.example'], vaultKeyFile: keyFile });
  const stream = rights.run(new ExtractStep().run(source(), ctx), ctx);
  const vaultFile = join(dir, 'vault', '00000.vault');
  const vault = new VaultWriter(vaultFile, loadKey(rights.config.vaultKeyFile!));
  const publicLines: string[] = [];
  const restricted: Doc[] = [];
  for await (const doc of stream) {
    if (doc.rights!.class === 'restricted') {
      vault.write(doc);
      restricted.push(doc);
    } else publicLines.push(JSON.stringify(toRecord(doc)));
  }
  vault.close();
  vault.commit();
  const publicFile = join(dir, 'public.jsonl');
  writeFileSync(publicFile, publicLines.join('\n') + '\n');

  assert.equal(read, specs.length + 1);
  assert.equal(quarantined.length, 1);
  assert.match(quarantined[0]!, /corrupt WARC record/);
  assert.equal(read, publicLines.length + restricted.length + dropped.length + quarantined.length, 'in = kept + dropped + quarantined');
  assert.deepEqual(dropped, ['rights.blocklist']);
  assert.equal(publicLines.length, 11);
  assert.deepEqual(
    restricted.map((d) => [d.url, d.rights!.reason]),
    [
      ['https://news.example/a', 'tdm-header'],
      ['https://meta.example/a', 'tdm-meta'],
      ['https://publisher.example/books/1', 'tdmrep'],
      ['https://ai-no.example/x', 'robots'],
    ],
  );
  assert.deepEqual(stats.toJSON(), { 'rights.allow.no-reservation': 11, 'rights.blocked.blocklist': 1, 'rights.reserved.robots': 1, 'rights.reserved.tdm-header': 1, 'rights.reserved.tdm-meta': 1, 'rights.reserved.tdmrep': 1 });
  // Extraction produced real text with titles.
  const first = JSON.parse(publicLines[0]!) as { text: string; title: string };
  assert.match(first.text, /Sva ljudska bića rađaju se slobodna i jednaka/);
  assert.ok(first.title);
  // Restricted text: in the vault, and in no file on disk in plain form.
  const back: { id: string; text: string }[] = [];
  for await (const r of readVault(vaultFile, loadKey(keyFile))) back.push(r);
  assert.deepEqual(
    back.map((r) => r.id),
    restricted.map((d) => d.id),
  );
  assert.deepEqual(
    back.map((r) => r.text),
    restricted.map((d) => d.text),
  );
  const walk = (d: string): string[] => readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]));
  const needles = restricted.map((d) =>
    d.text
      .split('\n')
      .find((l) => l.length > 60)!
      .slice(0, 60),
  );
  for (const f of walk(dir)) {
    if (f === warc) continue; // the input itself
    const bytes = readFileSync(f);
    for (const n of needles) assert.equal(bytes.includes(Buffer.from(n)), false, `restricted text found in ${f}`);
  }
});
