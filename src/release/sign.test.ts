// Ed25519 signing and SHA256SUMS: a signature verifies under its key only, any changed byte of
// the data or the signature fails, keygen refuses to overwrite, the checksum list round-trips
// and a malformed line is an error naming the line. Checked against openssl where installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keygen, loadPrivateKey, parseSha256sums, publicKeyPem, sha256sums, signBytes, verifyBytes } from './sign.js';

const dir = mkdtempSync(join(tmpdir(), 'oellm-sign-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('a signature verifies under its own key only; a flipped byte of data or signature fails', () => {
  const a = keygen(join(dir, 'a.pem'));
  const b = keygen(join(dir, 'b.pem'));
  assert.match(a.fingerprint, /^[0-9a-f]{64}$/);
  assert.throws(() => keygen(join(dir, 'a.pem')), /already exists/);
  const data = Buffer.from('{"files": []}\n');
  const sig = signBytes(loadPrivateKey(a.privateKey), data);
  const pubA = readFileSync(a.publicKey, 'utf8');
  assert.equal(pubA, publicKeyPem(loadPrivateKey(a.privateKey)));
  assert.ok(verifyBytes(pubA, data, sig));
  assert.ok(!verifyBytes(readFileSync(b.publicKey, 'utf8'), data, sig));
  for (let i = 0; i < data.length; i++) {
    const d = Buffer.from(data);
    d[i]! ^= 1;
    assert.ok(!verifyBytes(pubA, d, sig), `data byte ${i}`);
  }
  const raw = Buffer.from(sig, 'base64');
  for (let i = 0; i < raw.length; i++) {
    const s = Buffer.from(raw);
    s[i]! ^= 1;
    assert.ok(!verifyBytes(pubA, data, s.toString('base64')), `signature byte ${i}`);
  }
  assert.throws(() => loadPrivateKey(a.publicKey), /not an Ed25519 private key/);
  // openssl (Debian) verifies the same signature over the raw message, as docs/RELEASE.md says.
  const has = spawnSync('openssl', ['version']).status === 0;
  if (has) {
    writeFileSync(join(dir, 'm'), data);
    writeFileSync(join(dir, 'm.sig'), raw);
    const r = spawnSync('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', a.publicKey, '-rawin', '-in', join(dir, 'm'), '-sigfile', join(dir, 'm.sig')], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr + r.stdout);
  }
});

test('SHA256SUMS: sorted sha256sum format, round trip, malformed lines named', () => {
  const e = [
    { path: 'b/x.json', sha256: 'a'.repeat(64) },
    { path: 'a.md', sha256: 'b'.repeat(64) },
  ];
  const text = sha256sums(e);
  assert.equal(text, `${'b'.repeat(64)}  a.md\n${'a'.repeat(64)}  b/x.json\n`);
  assert.deepEqual(parseSha256sums(text), [e[1], e[0]]);
  assert.throws(() => parseSha256sums(text.replace('a.md', '').replace('  \n', '\n')), /line 1/);
});
