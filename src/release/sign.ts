// Ed25519 signing of the release manifest (node:crypto): key generation (PKCS#8 / SPKI PEM),
// detached signature over the manifest's exact bytes (base64 in `release-manifest.json.sig`),
// verification, and the key fingerprint. Not key management. Reference: RFC 8032 (Ed25519),
// RFC 8410 (PEM encodings); verify by hand with `openssl pkeyutl -verify -rawin` (docs/RELEASE.md).
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { OellmError } from '../util/errors.js';

export interface KeyPairFiles {
  privateKey: string;
  publicKey: string;
  fingerprint: string;
}

/** sha256 of the public key's DER (SPKI) bytes, hex: what a user compares out of band. */
export function fingerprint(pub: KeyObject): string {
  return createHash('sha256')
    .update(pub.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

/** Writes `<file>` (private, mode 0600) and `<file>.pub`; refuses to overwrite unless `force`. */
export function keygen(file: string, opts: { force?: boolean } = {}): KeyPairFiles {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  mkdirSync(dirname(file), { recursive: true });
  try {
    writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: opts.force ? 'w' : 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new OellmError(`key file already exists: ${file}`, { file, code: 'E_KEY', hint: 'pass --force to replace it (releases signed with the old key stay verifiable with the old .pub)' });
    throw e;
  }
  writeFileSync(file + '.pub', publicKey.export({ type: 'spki', format: 'pem' }));
  return { privateKey: file, publicKey: file + '.pub', fingerprint: fingerprint(publicKey) };
}

export function loadPrivateKey(file: string): KeyObject {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new OellmError(`cannot read the signing key: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file, code: 'E_KEY', hint: 'create one with `oellm release keygen --out <file>`' });
  }
  try {
    const k = createPrivateKey(text);
    if (k.asymmetricKeyType !== 'ed25519') throw new Error(`a ${k.asymmetricKeyType} key`);
    return k;
  } catch (e) {
    throw new OellmError(`not an Ed25519 private key (PKCS#8 PEM): ${(e as Error).message}`, { file, code: 'E_KEY', hint: 'create one with `oellm release keygen --out <file>`' });
  }
}

export function publicKeyPem(priv: KeyObject): string {
  return createPublicKey(priv).export({ type: 'spki', format: 'pem' }) as string;
}

export function signBytes(priv: KeyObject, data: Uint8Array): string {
  return sign(null, data, priv).toString('base64');
}

/** True when `sigB64` is a valid Ed25519 signature of `data` under the PEM public key; throws on a bad key. */
export function verifyBytes(pubPem: string, data: Uint8Array, sigB64: string): boolean {
  const pub = createPublicKey(pubPem);
  if (pub.asymmetricKeyType !== 'ed25519') throw new Error(`not an Ed25519 public key (${pub.asymmetricKeyType})`);
  const sig = Buffer.from(sigB64.trim(), 'base64');
  if (sig.length !== 64 || sig.toString('base64') !== sigB64.trim()) return false;
  return verify(null, data, pub, sig);
}

/** `SHA256SUMS` text (sha256sum's format: `<hex>  <path>` per line, sorted by path). */
export function sha256sums(entries: { path: string; sha256: string }[]): string {
  return [...entries]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((e) => `${e.sha256}  ${e.path}\n`)
    .join('');
}

export function parseSha256sums(text: string, file = 'SHA256SUMS'): { path: string; sha256: string }[] {
  const out: { path: string; sha256: string }[] = [];
  text.split('\n').forEach((line, i) => {
    if (line === '') return;
    const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
    if (!m) throw new OellmError(`line ${i + 1} is not "<sha256>  <path>"`, { file, offset: i + 1, code: 'E_FORMAT', hint: 'the checksum file was changed; get the bundle again' });
    out.push({ sha256: m[1]!, path: m[2]! });
  });
  return out;
}
