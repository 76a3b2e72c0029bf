// Vault keys: 32 random bytes, stored as 64 hex characters plus a newline (mode 0600), or read
// from a file holding either 32 raw bytes or 64 hex characters. Not key management (no KMS,
// no rotation): whoever holds the file can read the vault.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { OellmError } from '../../util/errors.js';
import { checkOutFile } from '../../util/outdir.js';

export const KEY_BYTES = 32;

/** Reads a vault key file (32 raw bytes or 64 hex chars, surrounding whitespace ignored). */
export function loadKey(file: string): Buffer {
  let raw: Buffer;
  try {
    raw = readFileSync(file);
  } catch (e) {
    throw new OellmError(`cannot read vault key file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file, code: 'E_VAULT_KEY', hint: 'create one with `oellm vault keygen --out <file>`' });
  }
  if (raw.length === KEY_BYTES) return raw;
  const text = raw.toString('latin1').trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  throw new OellmError(`not a vault key: expected 32 raw bytes or 64 hex characters, found ${raw.length} bytes`, { file, code: 'E_VAULT_KEY', hint: 'create one with `oellm vault keygen --out <file>`' });
}

/** Writes a new random key as hex (mode 0600); refuses to overwrite an existing file unless `force`. */
export function generateKey(file: string, opts: { force?: boolean } = {}): Buffer {
  checkOutFile(file);
  const key = randomBytes(KEY_BYTES);
  mkdirSync(dirname(file), { recursive: true });
  try {
    writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600, flag: opts.force ? 'w' : 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new OellmError(`key file already exists: ${file}`, { file, code: 'E_VAULT_KEY', hint: 'a new key makes existing vaults unreadable; pass --force only if you mean it' });
    }
    throw e;
  }
  return key;
}
