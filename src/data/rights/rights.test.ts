// Rights tests: the robots.txt matcher on the RFC 9309 examples and Google's published
// path-matching table, group selection (case-insensitive product tokens, combined groups, `*`
// fallback); TDMRep header / meta / tdmrep.json; the blocklist; and the RightsStep's decisions,
// drop reasons and counters on documents, with robots data from a folder and from JSONL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listContext } from '../../../tests/helpers/step.js';
import type { Doc } from '../doc.js';
import { zstd } from '../../util/compress.js';
import { Robots, RightsStep, RightsConfigSchema, AI_USER_AGENTS, parseTdmrep, matchTdmrep, htmlReservation, onBlocklist } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'oellm-rights-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('path matching: Google robots.txt specification table (prefix, *, $) and longest match', () => {
  // [pattern, path, matches] — developers.google.com/search/docs/crawling-indexing/robots/robots_txt#url-matching-based-on-path-values
  const table: [string, string, boolean][] = [
    ['/', '/anything', true],
    ['/*', '/anything', true],
    ['/fish', '/fish', true],
    ['/fish', '/fish.html', true],
    ['/fish', '/fish/salmon.html', true],
    ['/fish', '/fishheads', true],
    ['/fish', '/fishheads/yummy.html', true],
    ['/fish', '/fish.php?id=anything', true],
    ['/fish', '/Fish.asp', false],
    ['/fish', '/catfish', false],
    ['/fish', '/?id=fish', false],
    ['/fish', '/desert/fish', false],
    ['/fish*', '/fish', true],
    ['/fish*', '/fishheads/yummy.html', true],
    ['/fish*', '/catfish', false],
    ['/fish/', '/fish/', true],
    ['/fish/', '/fish/?id=anything', true],
    ['/fish/', '/fish/salmon.htm', true],
    ['/fish/', '/fish', false],
    ['/fish/', '/fish.html', false],
    ['/fish/', '/animals/fish/', false],
    ['/fish/', '/Fish/Salmon.asp', false],
    ['/*.php', '/index.php', true],
    ['/*.php', '/filename.php', true],
    ['/*.php', '/folder/filename.php', true],
    ['/*.php', '/folder/filename.php?parameters', true],
    ['/*.php', '/folder/any.php.file.html', true],
    ['/*.php', '/filename.php/', true],
    ['/*.php', '/', false],
    ['/*.php', '/windows.PHP', false],
    ['/*.php$', '/filename.php', true],
    ['/*.php$', '/folder/filename.php', true],
    ['/*.php$', '/filename.php?parameters', false],
    ['/*.php$', '/filename.php/', false],
    ['/*.php$', '/filename.php5', false],
    ['/*.php$', '/windows.PHP', false],
    ['/fish*.php', '/fish.php', true],
    ['/fish*.php', '/fishheads/catfish.php?parameters', true],
    ['/fish*.php', '/Fish.PHP', false],
  ];
  for (const [pattern, path, want] of table) {
    const r = new Robots(`User-agent: t\nDisallow: ${pattern}\n`);
    assert.equal(!r.isAllowed('t', path), want, `${pattern} vs ${path}`);
  }
});

test('RFC 9309 §5 example and the precedence rules (longest match, allow wins ties, empty disallow)', () => {
  const rfc = new Robots(`User-Agent: *
Disallow: *.gif$
Disallow: /example/
Allow: /publications/

User-Agent: foobot
Disallow:/
Allow:/example/page.html
Allow:/example/allowed.gif

User-Agent: barbot
User-Agent: bazbot
Disallow: /example/page.html

User-Agent: quxbot
`);
  assert.equal(rfc.isAllowed('foobot', '/example/page.html'), true);
  assert.equal(rfc.isAllowed('foobot', '/example/allowed.gif'), true);
  assert.equal(rfc.isAllowed('foobot', '/example/other.html'), false);
  assert.equal(rfc.isAllowed('FooBot', '/'), false, 'product tokens match case-insensitively');
  assert.equal(rfc.isAllowed('barbot', '/example/page.html'), false);
  assert.equal(rfc.isAllowed('bazbot', '/example/page.html'), false);
  assert.equal(rfc.isAllowed('bazbot', '/example/other.html'), true, 'a matched group replaces *');
  assert.equal(rfc.isAllowed('quxbot', '/anything.gif'), true, 'a matched empty group allows all');
  assert.equal(rfc.isAllowed('otherbot', '/image.gif'), false);
  assert.equal(rfc.isAllowed('otherbot', '/example/x'), false);
  assert.equal(rfc.isAllowed('otherbot', '/publications/x'), true);
  assert.equal(rfc.isAllowed('otherbot', '/robots.txt'), true);
  const tie = new Robots('User-agent: *\nDisallow: /page\nAllow: /page\n');
  assert.equal(tie.isAllowed('x', '/page'), true, 'allow wins an equal-length tie');
  const longest = new Robots('User-agent: *\nAllow: /a\nDisallow: /a/b\nAllow: /a/b/c\n');
  assert.deepEqual(
    ['/a/x', '/a/b/x', '/a/b/c/x'].map((p) => longest.isAllowed('x', p)),
    [true, false, true],
  );
  const combined = new Robots('User-agent: gptbot\nDisallow: /a\n\nUser-agent: other\nDisallow: /\n\nuser-agent: GPTBot/1.1\nDisallow: /b\n');
  assert.deepEqual(
    ['/a', '/b', '/c'].map((p) => combined.isAllowed('GPTBot', p)),
    [false, false, true],
    'groups for one agent combine',
  );
  const enc = new Robots('User-agent: *\nDisallow: /ä\nDisallow: /%7euser\n');
  assert.equal(enc.isAllowed('x', '/%C3%A4x'), false, 'non-ASCII pattern matches its percent-encoding');
  assert.equal(enc.isAllowed('x', '/%7Euser/x'), false, 'percent escapes compare case-insensitively');
  assert.equal(enc.isAllowed('x', '/~user/x'), false, 'an escaped unreserved character equals the character');
  assert.equal(new Robots('User-agent: *\nDisallow: /a%2fb\n').isAllowed('x', '/a/b'), true, 'an escaped reserved character stays escaped');
  const delay = new Robots('User-agent: a\nCrawl-delay: 5\nUser-agent: b\nDisallow: /\n');
  assert.equal(delay.isAllowed('a', '/x'), false, 'a non-rule line does not end the user-agent list');
  const none = new Robots('# only comments\nSitemap: https://x/s.xml\n');
  assert.equal(none.isAllowed('GPTBot', '/'), true);
});

test('TDMRep: tdmrep.json first matching rule, header and meta parsing', () => {
  const rules = parseTdmrep(
    JSON.stringify([
      { location: '/public/*', 'tdm-reservation': 0 },
      { location: '/news/*.html$', 'tdm-reservation': 1, 'tdm-policy': 'https://x/policy.json' },
      { location: '/', 'tdm-reservation': 1 },
    ]),
  );
  assert.equal(matchTdmrep(rules, '/public/a')!.reservation, 0);
  assert.equal(matchTdmrep(rules, '/news/a.html')!.policy, 'https://x/policy.json');
  assert.equal(matchTdmrep(rules, '/other')!.reservation, 1);
  assert.throws(() => parseTdmrep('{"location": "/"}'), /array/);
  assert.throws(() => parseTdmrep('[{"location": "/", "tdm-reservation": 2}]'), /0 or 1/);
  assert.equal(htmlReservation('<head><META NAME="tdm-reservation" CONTENT="1"></head>'), 1);
  assert.equal(htmlReservation(`<meta content='0' name='tdm-reservation'>`), 0);
  assert.equal(htmlReservation('<meta name="tdm-reservation-x" content="1">'), undefined);
  assert.equal(onBlocklist('www.news.example.com', new Set(['example.com'])), true);
  assert.equal(onBlocklist('badexample.com', new Set(['example.com'])), false);
});

test('config: strict, pinned AI user agents by default', () => {
  const c = RightsConfigSchema.parse({});
  for (const ua of ['GPTBot', 'CCBot', 'ClaudeBot', 'Google-Extended', 'anthropic-ai', 'Bytespider', 'PerplexityBot', 'meta-externalagent', 'cohere-ai', 'Applebot-Extended', 'Amazonbot']) assert.ok(c.userAgents.includes(ua), ua);
  assert.deepEqual(c.userAgents, [...AI_USER_AGENTS]);
  assert.equal(c.onReserved, 'restrict');
  assert.equal(RightsConfigSchema.safeParse({ robotsDirectory: 'x' }).success, false);
});

const ctx = listContext;

async function runStep(step: RightsStep, docs: Doc[]) {
  const c = ctx();
  const out: Doc[] = [];
  async function* src() {
    yield* docs;
  }
  for await (const d of step.run(src(), c)) out.push(d);
  return { out, dropped: c.dropped, stats: c.stats.toJSON() };
}

const doc = (id: string, url: string | undefined, meta?: Doc['meta']): Doc => ({ id, text: 'x', source: { file: 'f', offset: 0 }, ...(url ? { url } : {}), ...(meta ? { meta } : {}) });

test('RightsStep: every document gets a decision; reserved → restricted, blocklisted → dropped; counters', async () => {
  const robots = join(dir, 'robots');
  const tdm = join(dir, 'tdmrep');
  mkdirSync(robots, { recursive: true });
  mkdirSync(tdm, { recursive: true });
  writeFileSync(join(robots, 'ai-blocked.example.robots.txt'), 'User-agent: *\nAllow: /\n\nUser-agent: GPTBot\nDisallow: /private/\n');
  writeFileSync(join(robots, 'open.example.robots.txt'), 'User-agent: *\nDisallow: /admin\n');
  writeFileSync(
    join(tdm, 'tdm.example.tdmrep.json'),
    JSON.stringify([
      { location: '/free/*', 'tdm-reservation': 0 },
      { location: '/', 'tdm-reservation': 1 },
    ]),
  );
  const blockFile = join(dir, 'block.txt');
  writeFileSync(blockFile, '# spam\nspam.example\n');
  const jsonl = join(dir, 'robots.jsonl.zst');
  writeFileSync(jsonl, zstd(Buffer.from(JSON.stringify({ host: 'jsonl.example', robots: 'User-agent: CCBot\nDisallow: /\n' }) + '\n')));
  const step = new RightsStep({ robotsDir: robots, robotsJsonl: jsonl, tdmrepDir: tdm, blocklist: ['blocked.example'], blocklistFile: blockFile });
  const docs = [
    doc('plain', undefined),
    doc('open', 'https://open.example/admin/x'), // no AI-agent group: the `*` group applies to them → reserved
    doc('open2', 'https://open.example/page'),
    doc('gpt', 'https://ai-blocked.example/private/doc'),
    doc('gpt-ok', 'https://ai-blocked.example/public/doc'),
    doc('jsonl', 'https://JSONL.example:8443/a'),
    doc('hdr', 'https://h.example/', { httpHeaders: { 'tdm-reservation': '1' } }),
    doc('hdr0', 'https://h.example/', { httpHeaders: { 'tdm-reservation': '0' } }),
    doc('meta', 'https://m.example/', { htmlMeta: { 'tdm-reservation': '1' } }),
    doc('rawmeta', 'https://m.example/', { html: '<meta name="tdm-reservation" content="1"><p>x</p>' }),
    doc('tdm-free', 'https://tdm.example/free/a'),
    doc('tdm', 'https://tdm.example/paid/a'),
    doc('blocked', 'https://www.blocked.example/a'),
    doc('spam', 'https://spam.example/'),
    doc('nohost', 'https://nohost.example/a'),
  ];
  const { out, dropped, stats } = await runStep(step, docs);
  const by = new Map(out.map((d) => [d.id, d.rights]));
  assert.deepEqual(by.get('plain'), { decision: 'allow', reason: 'no-url', class: 'open' });
  assert.deepEqual(by.get('open'), { decision: 'reserved', reason: 'robots', class: 'restricted' });
  assert.deepEqual(by.get('open2'), { decision: 'allow', reason: 'no-reservation', class: 'open' });
  assert.equal(by.get('gpt')!.reason, 'robots');
  assert.equal(by.get('gpt-ok')!.decision, 'allow');
  assert.equal(by.get('jsonl')!.reason, 'robots');
  assert.equal(by.get('hdr')!.reason, 'tdm-header');
  assert.equal(by.get('hdr0')!.decision, 'allow');
  assert.equal(by.get('meta')!.reason, 'tdm-meta');
  assert.equal(by.get('rawmeta')!.reason, 'tdm-meta');
  assert.equal(by.get('tdm-free')!.decision, 'allow');
  assert.deepEqual(by.get('tdm'), { decision: 'reserved', reason: 'tdmrep', class: 'restricted' });
  assert.equal(by.get('nohost')!.decision, 'allow');
  assert.deepEqual(dropped, [
    ['blocked', 'rights.blocklist'],
    ['spam', 'rights.blocklist'],
  ]);
  assert.equal(docs.find((d) => d.id === 'blocked')!.rights!.decision, 'blocked');
  assert.equal(out.length + dropped.length, docs.length);
  assert.deepEqual(stats, {
    'rights.allow.no-reservation': 5,
    'rights.allow.no-url': 1,
    'rights.blocked.blocklist': 2,
    'rights.reserved.robots': 3,
    'rights.reserved.tdm-header': 1,
    'rights.reserved.tdm-meta': 2,
    'rights.reserved.tdmrep': 1,
  });
});

test('RightsStep: onReserved=drop drops reservations; honour limits the sources; bad tdmrep.json is a clear error', async () => {
  const drop = new RightsStep({ onReserved: 'drop' });
  const r = await runStep(drop, [doc('a', 'https://a.example/', { httpHeaders: { 'tdm-reservation': '1' } }), doc('b', 'https://b.example/')]);
  assert.deepEqual(
    r.out.map((d) => d.id),
    ['b'],
  );
  assert.deepEqual(r.dropped, [['a', 'rights.reserved']]);
  const onlyRobots = new RightsStep({ honour: ['robots'] });
  const o = await runStep(onlyRobots, [doc('a', 'https://a.example/', { httpHeaders: { 'tdm-reservation': '1' } })]);
  assert.equal(o.out[0]!.rights!.decision, 'allow');
  const bad = join(dir, 'badtdm');
  mkdirSync(bad, { recursive: true });
  writeFileSync(join(bad, 'x.example.tdmrep.json'), '{not json');
  await assert.rejects(runStep(new RightsStep({ tdmrepDir: bad }), [doc('a', 'https://x.example/')]), (e: Error & { file?: string }) => /invalid tdmrep.json/.test(e.message) && e.file!.endsWith('x.example.tdmrep.json'));
});
