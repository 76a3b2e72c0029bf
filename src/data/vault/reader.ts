// Reading a vault for auditors: streams the documents of a vault file (or every *.vault file
// under a folder, deduplicated by id), authenticating each record. A wrong key, a tampered or
// reordered record, and a file cut short are each a clear error naming file and offset.
// Not the writer (writer.ts).
import { createDecipheriv } from 'node:crypto';
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FormatError, OellmError } from '../../util/errors.js';
import { unzstd } from '../../util/compress.js';
import { ByteReader } from '../readers/bytes.js';
import { aad, FLAG_ZSTD, HEADER_BYTES, IV_BYTES, KIND_DOC, KIND_END, keyId, MAGIC, MAX_RECORD_BYTES, TAG_BYTES, VERSION } from './format.js';

export type VaultRecord = Record<string, unknown> & { id: string; text: string };

/** Streams the documents of one vault file. */
export async function* readVault(file: string, key: Uint8Array): AsyncGenerator<VaultRecord> {
  const stream = createReadStream(file, { highWaterMark: 1 << 20 });
  const r = new ByteReader(stream as AsyncIterable<Buffer>);
  try {
    const hdr = Buffer.from(await r.read(HEADER_BYTES));
    if (r.error) throw new OellmError(`cannot read vault: ${r.error.message}`, { file, code: 'E_IO' });
    if (hdr.length < HEADER_BYTES || !hdr.subarray(0, 8).equals(MAGIC)) {
      throw new FormatError('not an oellm vault file', { file, offset: 0, expected: `magic ${MAGIC.toString('latin1')}`, found: JSON.stringify(hdr.subarray(0, 8).toString('latin1')) });
    }
    if (hdr[8] !== VERSION) throw new FormatError('unsupported vault version', { file, offset: 8, expected: String(VERSION), found: String(hdr[8]), hint: 'read it with the oellm version that wrote it' });
    if (!hdr.subarray(12, 20).equals(keyId(key))) {
      throw new OellmError('wrong key for this vault (key id does not match)', { file, code: 'E_VAULT_KEY', hint: 'use the key file the vault was written with (rights.vaultKeyFile of that run)' });
    }
    const flags = hdr[9]!;
    for (let index = 0; ; index++) {
      const at = r.offset;
      const lenBuf = await r.read(4);
      if (lenBuf.length === 0) throw new FormatError('truncated vault: the end record is missing', { file, offset: at, hint: 'the file was cut short; restore it from a copy' });
      if (lenBuf.length < 4) throw new FormatError('truncated vault record', { file, offset: at });
      const n = lenBuf.readUInt32BE(0);
      if (n > MAX_RECORD_BYTES) throw new FormatError(`vault record ${index} has an impossible length`, { file, offset: at, expected: `≤ ${MAX_RECORD_BYTES}`, found: String(n) });
      const rec = await r.read(IV_BYTES + n + TAG_BYTES);
      if (rec.length < IV_BYTES + n + TAG_BYTES) throw new FormatError(`truncated vault record ${index}`, { file, offset: at });
      const iv = rec.subarray(0, IV_BYTES);
      const body = rec.subarray(IV_BYTES, IV_BYTES + n);
      const tag = rec.subarray(IV_BYTES + n);
      let plain: Buffer | null = null;
      let kind = KIND_DOC;
      for (const k of [KIND_DOC, KIND_END]) {
        try {
          const d = createDecipheriv('aes-256-gcm', key, iv);
          d.setAAD(aad(hdr, index, k));
          d.setAuthTag(tag);
          plain = Buffer.concat([d.update(body), d.final()]);
          kind = k;
          break;
        } catch {
          /* try the other kind; both failing = not authentic */
        }
      }
      if (!plain) throw new FormatError(`vault record ${index} failed authentication: the file was tampered with or is corrupt`, { file, offset: at, hint: 'restore the vault from a copy; its sha256 is in manifest.json' });
      if (kind === KIND_END) {
        const end = JSON.parse(plain.toString('utf8')) as { docs: number };
        if (end.docs !== index) throw new FormatError('vault end record does not match the record count', { file, offset: at, expected: String(end.docs), found: String(index) });
        if (!(await r.eof())) throw new FormatError('data after the vault end record', { file, offset: r.offset });
        return;
      }
      const json = flags & FLAG_ZSTD ? unzstd(plain) : plain;
      yield JSON.parse(json.toString('utf8')) as VaultRecord;
    }
  } finally {
    stream.destroy();
  }
}

/**
 * Vault files named by `path`: the file itself, or every `*.vault` under a folder (sorted). A
 * dataset dir's `work/` folder is skipped: its stage-1 vault files hold documents before
 * deduplication, not the released vault (name such a file directly to read it).
 */
export function vaultFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d).sort()) {
      if (n.startsWith('.')) continue;
      const p = join(d, n);
      if (statSync(p).isDirectory()) {
        if (n !== 'work') walk(p);
      } else if (n.endsWith('.vault')) out.push(p);
    }
  };
  walk(path);
  return out;
}

/** Streams every document of a vault file or folder, each id once. */
export async function* readVaultAll(path: string, key: Uint8Array): AsyncGenerator<VaultRecord & { vaultFile: string }> {
  const seen = new Set<string>();
  for (const f of vaultFiles(path)) {
    for await (const rec of readVault(f, key)) {
      if (seen.has(rec.id)) continue;
      seen.add(rec.id);
      yield { ...rec, vaultFile: f };
    }
  }
}
