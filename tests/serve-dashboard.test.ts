// End-to-end tests of the dashboard `oellm serve` shows at /: headless Debian Chromium through
// playwright-core (executablePath /usr/bin/chromium, never a browser download) against a real
// server over a real tiny run. Asserts what is on the page (run, dataset, training, evaluation,
// release verification, streaming playground with per-token probabilities on hover) and saves
// screenshots for review in $OELLM_SCREENSHOTS (default: <tmp>/oellm-dashboard-screenshots).
// The eval report and release bundle are the ones the build's own eval and release stages wrote.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { RunningServer } from '../src/serve/server.js';
import { serveTiny, tinyRun } from './helpers/serve.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = process.env.OELLM_SCREENSHOTS ?? join(tmpdir(), 'oellm-dashboard-screenshots');
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} not installed (scripts/install-system.sh installs Debian's chromium)`;

let browser: Browser;
let s: RunningServer;
before(async () => {
  if (skip) return;
  mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  s = await serveTiny({ limits: { threads: 1, parallel: 2 } });
});
after(async () => {
  await browser?.close();
  await s?.close();
});

async function open(path = '/'): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1320, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('requestfailed', (r) => {
    if (!r.url().startsWith(s.url)) errors.push(`request outside the server: ${r.url()}`);
  });
  await page.goto(s.url + path);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 60000 });
  assert.deepEqual(errors, []);
  return page;
}

test('a run without eval and release says so, and shows the run, dataset and training', { skip }, async () => {
  // The build wrote eval/ and release/; hidden for this test, as a run built before those stages.
  const run = await tinyRun();
  for (const d of ['eval', 'release']) renameSync(join(run, d), join(run, `${d}.hidden`));
  try {
    await noEvalNoRelease();
  } finally {
    for (const d of ['eval', 'release']) renameSync(join(run, `${d}.hidden`), join(run, d));
  }
});

async function noEvalNoRelease(): Promise<void> {
  const page = await open();
  const text = await page.locator('main').innerText();
  assert.match(await page.locator('#title').innerText(), /serve-test/);
  assert.equal(await page.locator('#models-table tr').count(), 1 + 5, 'one row per model file');
  for (const id of ['core-f16', 'core-q8_0', 'core-q4_0', 'edge-f16', 'edge-q4_0']) assert.ok(text.includes(id), id);
  assert.match(text, /Documents per language/);
  assert.match(text, /in = kept \+ dropped \+ quarantined/);
  assert.ok((await page.locator('#data svg rect').count()) >= 3, 'dataset bars');
  assert.ok((await page.locator('#train svg path').count()) >= 2, 'one loss curve per variant');
  assert.match(await page.locator('#eval').innerText(), /not evaluated yet/);
  assert.match(await page.locator('#release').innerText(), /no release yet/);
  await page.screenshot({ path: join(SHOTS, 'dashboard-no-eval.png'), fullPage: true });
  await page.close();
}

test("the build's evaluation (bits per byte, quantization heatmap) and its release, verified by the audit module", { skip }, async () => {
  const run = await tinyRun();
  const report = JSON.parse(readFileSync(join(run, 'eval', 'report.json'), 'utf8')) as { schema: string; quant: unknown[] };
  assert.equal(report.schema, 'oellm.eval/1');
  const page = await open();
  const ev = await page.locator('#eval').innerText();
  assert.match(ev, /Bits per byte per language/i);
  assert.match(ev, /Quantization cost per language/i);
  for (const id of ['core-f16', 'core-q8_0', 'core-q4_0', 'edge-f16', 'edge-q4_0']) assert.ok(ev.includes(id), id);
  // q8_0 and q4_0 of core, q4_0 of edge, over 3 languages.
  assert.equal(report.quant.length, 3 * 3);
  assert.equal(await page.locator('#eval table.heat td.cell').count(), 3 * 3);
  assert.match(await page.locator('#release-verdict').innerText(), /verified: signature, checksums, schemas, commitment/);
  const checks = await page.locator('#release-checks').innerText();
  for (const c of ['signature', 'checksums', 'schemas', 'commitment']) assert.match(checks, new RegExp(`${c}\\s+✓ ok`), checks);
  const table = await page.locator('#release-table').innerText();
  for (const f of ['ai-act-summary.md', 'copyright-policy.md', 'pii-report.md', 'models/core/README.md', 'models/core-GGUF/README.md', 'dataset/croissant.json', 'data-commitment.json']) assert.ok(table.includes(f), f);
  assert.doesNotMatch(table, /mismatch|missing|not in SHA256SUMS/);
  await page.locator('#eval').screenshot({ path: join(SHOTS, 'dashboard-eval.png') });
  await page.locator('#release').screenshot({ path: join(SHOTS, 'dashboard-release.png') });
  await page.screenshot({ path: join(SHOTS, 'dashboard-full.png'), fullPage: true });
  // A changed document fails verification, and the page says which.
  const card = join(run, 'release', 'dataset', 'README.md');
  const original = readFileSync(card);
  try {
    writeFileSync(card, '# Data card (edited after release)\n');
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    assert.match(await page.locator('#release-verdict').innerText(), /verification failed/);
    assert.match(await page.locator('#release-table').innerText(), /dataset\/README\.md[\s\S]*mismatch/);
    assert.match(await page.locator('#release-checks').innerText(), /checksums\s+✗ failed\s+dataset\/README\.md: sha256/);
  } finally {
    writeFileSync(card, original);
  }
  await page.close();
});

test('playground streams a completion and a chat, with per-token probabilities on hover', { skip }, async () => {
  const page = await open('/#play');
  await page.selectOption('#pg-model', 'core-f16');
  await page.fill('#pg-prompt', 'Everyone has the right');
  await page.fill('#pg-max', '24');
  await page.fill('#pg-seed', '3');
  await page.click('#pg-go');
  await page.waitForFunction(() => /tokens in/.test(document.getElementById('pg-status')!.textContent ?? ''), null, { timeout: 60000 });
  const n = await page.locator('#pg-out .tok').count();
  assert.ok(n >= 10, `${n} token spans`);
  assert.match(await page.locator('#pg-status').innerText(), /24 generated/);
  await page.locator('#pg-out .tok').nth(2).hover();
  await page.waitForSelector('#tip', { state: 'visible' });
  assert.match(await page.locator('#tip').innerText(), /p = \d+\.\d+%/);
  await page.locator('#play').screenshot({ path: join(SHOTS, 'playground-completion.png') });
  await page.selectOption('#pg-mode', 'chat');
  await page.fill('#pg-prompt', 'Hello, who are you?');
  await page.click('#pg-go');
  await page.waitForFunction(() => /tokens in/.test(document.getElementById('pg-status')!.textContent ?? ''), null, { timeout: 60000 });
  assert.ok((await page.locator('#pg-out .tok').count()) >= 1);
  await page.close();
});

test('with an API key, the page asks for it and then shows the run', { skip }, async () => {
  const keyed = await serveTiny({ apiKey: 'k3y', limits: { threads: 1, parallel: 1 } }, ['edge-q4_0']);
  try {
    const page = await browser.newPage();
    await page.goto(keyed.url + '/');
    await page.waitForSelector('#auth:not([hidden])');
    await page.fill('#key', 'k3y');
    await page.click('#keysave');
    await page.waitForSelector('body[data-ready="true"]', { timeout: 60000 });
    assert.equal(await page.locator('#models-table tr').count(), 2);
    await page.close();
  } finally {
    await keyed.close();
  }
});
