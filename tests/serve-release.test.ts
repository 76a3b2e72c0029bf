// The dashboard's release verification over the server API: `GET /api/release` on a real reduced
// build (whose last stage wrote release/) reports what the audit module's `verifyBundle` finds
// without data or vault key — signature, checksums, schemas, commitment — and a changed document,
// an unlisted file or a forged signature turns it red with the file named. Not the page itself
// (tests/serve-dashboard.test.ts) nor the audit CLI (tests/release.test.ts).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyBundle } from '../src/audit/verify.js';
import type { RunningServer } from '../src/serve/server.js';
import { serveTiny, tinyRun } from './helpers/serve.js';

interface Check {
  name: string;
  ok: boolean;
  detail: string;
}
interface Release {
  verified: boolean;
  checksums_ok: boolean;
  signature: string;
  files: { path: string; status: string }[];
  audit: { ok: boolean; checks: Check[]; fingerprint?: string; root?: string };
}

let s: RunningServer;
let run: string;
before(async () => {
  run = await tinyRun();
  s = await serveTiny({ limits: { threads: 1, parallel: 1 } }, ['edge-q4_0']);
});
after(async () => {
  await s?.close();
});

const release = async (): Promise<Release> => {
  const r = await fetch(s.url + '/api/release');
  assert.equal(r.status, 200);
  return ((await r.json()) as { release: Release }).release;
};

test("GET /api/release: the build's bundle verifies as `oellm audit verify` finds it (signature, checksums, schemas, commitment)", async () => {
  const rel = await release();
  const direct = await verifyBundle(join(run, 'release'));
  assert.equal(direct.ok, true, JSON.stringify(direct.checks, null, 1));
  assert.deepEqual(rel.audit.checks, direct.checks);
  assert.deepEqual(rel.audit.checks.map((c) => c.name).sort(), ['checksums', 'commitment', 'schemas', 'signature']);
  assert.equal(rel.audit.ok, true);
  assert.equal(rel.verified, true);
  assert.equal(rel.checksums_ok, true);
  assert.match(rel.audit.fingerprint!, /^[0-9a-f]{64}$/);
  assert.match(rel.audit.root!, /^[0-9a-f]{64}$/);
  assert.equal(rel.signature, `verified: Ed25519 key sha256:${rel.audit.fingerprint}`);
  for (const f of ['ai-act-summary.json', 'release-manifest.json', 'release-manifest.json.sig', 'data-commitment.json'])
    assert.ok(
      rel.files.some((x) => x.path === f),
      f,
    );
  assert.ok(
    rel.files.every((f) => f.status === 'ok' || (f.status === 'signed' && f.path.startsWith('release-manifest.json'))),
    JSON.stringify(rel.files),
  );
});

test('a changed document, an unlisted file and a forged signature fail, each named', async () => {
  const dir = join(run, 'release');
  const doc = join(dir, 'ai-act-summary.md');
  const sigFile = join(dir, 'release-manifest.json.sig');
  const docBytes = readFileSync(doc);
  const sigBytes = readFileSync(sigFile);
  try {
    writeFileSync(doc, Buffer.concat([docBytes, Buffer.from('\nedited after release\n')]));
    let rel = await release();
    assert.equal(rel.verified, false);
    assert.equal(rel.files.find((f) => f.path === 'ai-act-summary.md')?.status, 'mismatch');
    assert.ok(
      rel.audit.checks.some((c) => !c.ok && c.name === 'checksums' && /ai-act-summary\.md: sha256 .* differs/.test(c.detail)),
      JSON.stringify(rel.audit.checks),
    );
    assert.ok(rel.audit.checks.find((c) => c.name === 'signature')!.ok, 'the manifest itself is unchanged');
    writeFileSync(doc, docBytes);
    writeFileSync(join(dir, 'extra.txt'), 'not in the bundle\n');
    rel = await release();
    assert.equal(rel.verified, false);
    assert.ok(rel.audit.checks.some((c) => !c.ok && /extra\.txt: in the bundle but in no checksum list/.test(c.detail)));
    rmSync(join(dir, 'extra.txt'));
    // A well-formed signature of other bytes: every file still matches SHA256SUMS, so only the
    // audit module's signature check can tell.
    const forged = Buffer.from(sigBytes.toString('utf8').trim(), 'base64');
    forged[0] = forged[0]! ^ 1;
    writeFileSync(sigFile, forged.toString('base64') + '\n');
    rel = await release();
    assert.equal(rel.checksums_ok, true);
    assert.equal(rel.verified, false);
    assert.match(rel.signature, /^invalid: .*not a valid signature/);
  } finally {
    writeFileSync(doc, docBytes);
    writeFileSync(sigFile, sigBytes);
    rmSync(join(dir, 'extra.txt'), { force: true });
  }
  assert.equal((await release()).verified, true, 'restored');
});
