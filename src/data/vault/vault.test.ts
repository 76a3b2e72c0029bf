// Vault tests: round trip of restricted documents, no plaintext on disk, wrong key, tampered
// bytes (ciphertext, header, swapped records), a file cut short, duplicate ids, re-runs that
// replace instead of duplicating, key files (hex, raw, invalid, no overwrite), and the CLI
// (`oellm vault keygen` / `vault cat`) end to end in a child process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Doc } from '../doc.js';
import { generateKey, loadKey, readVault, readVaultAll, VaultWriter } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'oellm-vault-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const SECRET = 'Zaštićeni tekst koji se ne smije objaviti';
const docs: Doc[] = Array.from({ length: 20 }, (_, i) => ({
  id: `doc${String(i).padStart(3, '0')}`,
  text: `${SECRET} #${i}. ${'Lorem ipsum dolor sit amet. '.repeat(i)}`,
  url: `https://reserved.example/${i}`,
  source: { file: 'in.warc.gz', offset: i * 1000, kind: 'warc-response' },
  rights: { decision: 'reserved', reason: 'tdm-header', class: 'restricted' },
  meta: { html: '<p>transport only</p>' },
}));

async function all(file: string, key: Uint8Array) {
  const out = [];
  for await (const r of readVault(file, key)) out.push(r);
  return out;
}

function write(file: string, key: Uint8Array, ds: Doc[] = docs, compress = true) {
  const w = new VaultWriter(file, key, { compress });
  for (const d of ds) w.write(d);
  const f = w.close();
  w.commit();
  return f;
}

test('round trip: every document comes back as its public record; no plaintext on disk; temp until commit', async () => {
  const key = randomBytes(32);
  for (const compress of [true, false]) {
    const file = join(dir, `rt-${compress}.vault`);
    const w = new VaultWriter(file, key, { compress });
    for (const d of docs) assert.equal(w.write(d), true);
    assert.equal(w.write(docs[3]!), false, 'a duplicate id is skipped');
    const info = w.close();
    assert.equal(existsSync(file), false, 'not visible before commit');
    w.commit();
    assert.equal(info.docs, 20);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const back = await all(file, key);
    assert.deepEqual(
      back.map((r) => r.id),
      docs.map((d) => d.id),
    );
    assert.equal(back[7]!.text, docs[7]!.text);
    assert.deepEqual(back[7]!.rights, docs[7]!.rights);
    assert.equal((back[7] as Record<string, unknown>).meta, undefined, 'transport fields are not stored');
    const raw = readFileSync(file);
    assert.equal(raw.includes(Buffer.from('Zaštićeni')), false);
    assert.equal(raw.includes(Buffer.from('reserved.example')), false);
    assert.equal(raw.subarray(0, 8).toString(), 'OELLMVLT');
  }
  // Deterministic by default: the same docs under the same key and file name give the same bytes
  // (re-runs and resumed runs reproduce manifest checksums); any change gives other bytes.
  const a = write(join(dir, 'd1', 'r.vault'), key);
  const b = write(join(dir, 'd2', 'r.vault'), key);
  assert.equal(a.sha256, b.sha256);
  assert.deepEqual(readFileSync(join(dir, 'd1', 'r.vault')), readFileSync(join(dir, 'd2', 'r.vault')));
  const c = write(join(dir, 'd3', 'r.vault'), key, docs.slice(1));
  assert.notEqual(c.sha256, a.sha256);
  assert.notEqual(write(join(dir, 'd4', 'other.vault'), key).sha256, a.sha256, 'the file name salts the file');
  assert.notEqual(write(join(dir, 'd5', 'r.vault'), randomBytes(32)).sha256, a.sha256);
  // IVs never repeat inside a file (distinct index and plaintext).
  const raw = readFileSync(join(dir, 'd1', 'r.vault'));
  const ivs = new Set<string>();
  for (let off = 32; off < raw.length;) {
    const n = raw.readUInt32BE(off);
    ivs.add(raw.subarray(off + 4, off + 16).toString('hex'));
    off += 4 + 12 + n + 16;
  }
  assert.equal(ivs.size, docs.length + 1);
  // Random mode: same inputs, different bytes, same contents.
  const r1 = new VaultWriter(join(dir, 'd6', 'r.vault'), key, { deterministic: false });
  const r2 = new VaultWriter(join(dir, 'd7', 'r.vault'), key, { deterministic: false });
  for (const d of docs) {
    r1.write(d);
    r2.write(d);
  }
  const [f1, f2] = [r1.close(), r2.close()];
  r1.commit();
  r2.commit();
  assert.notEqual(f1.sha256, f2.sha256);
  assert.deepEqual(
    (await all(join(dir, 'd7', 'r.vault'), key)).map((x) => x.text),
    docs.map((d) => d.text),
  );
});

test('wrong key, tampered bytes, swapped records and a cut-short file are clear errors', async () => {
  const key = randomBytes(32);
  const file = join(dir, 't.vault');
  write(file, key, docs.slice(0, 5));
  await assert.rejects(all(file, randomBytes(32)), (e: Error & { code?: string }) => e.code === 'E_VAULT_KEY' && /wrong key/.test(e.message));
  const raw = readFileSync(file);
  // Flip one ciphertext byte of the second record.
  const firstLen = raw.readUInt32BE(32);
  const second = 32 + 4 + 12 + firstLen + 16;
  const t1 = Buffer.from(raw);
  t1[second + 4 + 12 + 3]! ^= 0x01;
  writeFileSync(file + '.t1', t1);
  const seen: string[] = [];
  await assert.rejects(
    (async () => {
      for await (const r of readVault(file + '.t1', key)) seen.push(r.id);
    })(),
    (e: Error & { offset?: number }) => /record 1 failed authentication/.test(e.message) && e.offset === second,
  );
  assert.deepEqual(seen, ['doc000'], 'records before the tampered one still read');
  // Flip the salt in the header: every record fails (the header is authenticated data).
  const t2 = Buffer.from(raw);
  t2[25]! ^= 0xff;
  writeFileSync(file + '.t2', t2);
  await assert.rejects(all(file + '.t2', key), /record 0 failed authentication/);
  // Swap records 0 and 1: the index is authenticated data.
  const r0 = raw.subarray(32, second);
  const secondLen = raw.readUInt32BE(second);
  const r1 = raw.subarray(second, second + 4 + 12 + secondLen + 16);
  const swapped = Buffer.concat([raw.subarray(0, 32), r1, r0, raw.subarray(second + r1.length)]);
  writeFileSync(file + '.t3', swapped);
  await assert.rejects(all(file + '.t3', key), /record 0 failed authentication/);
  // Cut short: the end record is missing.
  writeFileSync(file + '.t4', raw.subarray(0, second));
  await assert.rejects(all(file + '.t4', key), /truncated vault: the end record is missing/);
  writeFileSync(file + '.t5', raw.subarray(0, second + 10));
  await assert.rejects(all(file + '.t5', key), /truncated vault record 1/);
  writeFileSync(file + '.t6', Buffer.from('not a vault at all, just text'));
  await assert.rejects(all(file + '.t6', key), /not an oellm vault file/);
});

test('re-runs replace a rank file instead of duplicating; abort leaves nothing; a folder reads each id once', async () => {
  const key = randomBytes(32);
  const vdir = join(dir, 'vault');
  write(join(vdir, '00000.vault'), key, docs.slice(0, 10));
  write(join(vdir, '00000.vault'), key, docs.slice(0, 10)); // the rank ran again
  write(join(vdir, '00001.vault'), key, docs.slice(8, 20)); // overlapping ids across files
  const killed = new VaultWriter(join(vdir, '00002.vault'), key);
  killed.write(docs[0]!);
  killed.abort();
  assert.deepEqual(readdirSync(vdir).sort(), ['00000.vault', '00001.vault']);
  const ids: string[] = [];
  for await (const r of readVaultAll(vdir, key)) ids.push(r.id);
  assert.deepEqual(
    ids,
    docs.map((d) => d.id),
  );
  assert.throws(() => new VaultWriter(join(dir, 'x.vault'), randomBytes(16)), /32 bytes/);
});

test('key files: hex and raw accepted, junk rejected with a hint, no silent overwrite', () => {
  const k = join(dir, 'keys', 'k.hex');
  const key = generateKey(k);
  assert.match(readFileSync(k, 'utf8'), /^[0-9a-f]{64}\n$/);
  assert.equal(statSync(k).mode & 0o777, 0o600);
  assert.deepEqual(loadKey(k), key);
  assert.throws(() => generateKey(k), /already exists/);
  generateKey(k, { force: true });
  const raw = join(dir, 'keys', 'k.raw');
  writeFileSync(raw, key);
  assert.deepEqual(loadKey(raw), key);
  writeFileSync(join(dir, 'keys', 'bad'), 'hunter2\n');
  assert.throws(
    () => loadKey(join(dir, 'keys', 'bad')),
    (e: Error & { hint?: string }) => /not a vault key/.test(e.message) && /vault keygen/.test(e.hint!),
  );
  assert.throws(() => loadKey(join(dir, 'keys', 'missing')), /cannot read vault key file/);
});

test('CLI: oellm vault keygen and vault cat (records; a wrong key exits 1 naming the problem)', async () => {
  const root = new URL('../../../', import.meta.url).pathname;
  const cli = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), ...args], { encoding: 'utf8', cwd: root });
  const keyFile = join(dir, 'cli.key');
  const g = cli(['vault', 'keygen', '--out', keyFile, '--json']);
  assert.equal(g.status, 0, g.stderr);
  assert.match(JSON.parse(g.stdout).keyId, /^[0-9a-f]{16}$/);
  const vdir = join(dir, 'cli-vault');
  write(join(vdir, '00000.vault'), loadKey(keyFile), docs.slice(0, 3));
  const c = cli(['vault', 'cat', vdir, '--key', keyFile]);
  assert.equal(c.status, 0, c.stderr);
  const recs = c.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { id: string; text: string });
  assert.deepEqual(
    recs.map((r) => r.id),
    ['doc000', 'doc001', 'doc002'],
  );
  assert.equal(recs[1]!.text, docs[1]!.text);
  const other = join(dir, 'other.key');
  generateKey(other);
  const bad = cli(['vault', 'cat', vdir, '--key', other]);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /wrong key/);
});
