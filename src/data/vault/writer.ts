// VaultWriter: restricted documents (toRecord JSON, zstd) sealed record by record with
// AES-256-GCM into one vault file (format.ts), a state machine like JsonlZstWriter over the one
// atomic writer (util/fs.ts AtomicFile): open → close() (end record, fsync, WrittenFile) →
// commit() (rename from the hidden temp) | abort().
// The plaintext never touches the disk. Not a reader (reader.ts).
import { createCipheriv, createHash, createHmac, randomBytes, type Hash } from 'node:crypto';
import { basename } from 'node:path';
import { toRecord, type Doc } from '../doc.js';
import { OellmError } from '../../util/errors.js';
import { zstd } from '../../util/compress.js';
import type { WrittenFile } from '../writers/jsonl.js';
import { AtomicFile } from '../../util/fs.js';
import { aad, FLAG_ZSTD, header, IV_BYTES, KIND_DOC, KIND_END } from './format.js';
import { KEY_BYTES } from './key.js';

/**
 * Re-runs never duplicate: a rank's vault file is rewritten whole and replaces the old one by
 * rename, and a writer skips a doc id it has already written. Deterministic by default (a re-run,
 * or a killed and resumed run, writes byte-identical files and manifest checksums): the file salt
 * and each IV are HMAC-SHA256 values under a subkey of the vault key, the IV over (salt, index,
 * kind, sha256 of the plaintext) — the synthetic-IV idea of AES-SIV (RFC 5297): an IV repeats
 * only for the same plaintext at the same place, which reveals nothing new. `deterministic:
 * false` draws random salts and IVs instead.
 */
export class VaultWriter {
  readonly tmp: string;
  private readonly file: AtomicFile;
  private readonly hdr: Buffer;
  private readonly flags: number;
  private readonly hash: Hash = createHash('sha256');
  private readonly ids = new Set<string>();
  private readonly level: number;
  private readonly ivKey: Buffer | null;
  private index = 0;
  private state: 'open' | 'closed' | 'committed' = 'open';
  docs = 0;
  /** Plaintext JSON bytes written (before compression and encryption). */
  bytes = 0;
  compressedBytes = 0;

  constructor(
    readonly path: string,
    private readonly key: Uint8Array,
    opts: { compress?: boolean; level?: number; deterministic?: boolean } = {},
  ) {
    if (key.length !== KEY_BYTES) throw new OellmError(`vault key must be ${KEY_BYTES} bytes, got ${key.length}`, { code: 'E_VAULT_KEY' });
    this.flags = opts.compress === false ? 0 : FLAG_ZSTD;
    this.level = opts.level ?? 3;
    this.file = new AtomicFile(path, { mode: 0o600, buffer: false });
    this.tmp = this.file.tmp;
    this.ivKey = opts.deterministic === false ? null : createHmac('sha256', key).update('oellm-vault-iv-key').digest();
    const salt = this.ivKey ? createHmac('sha256', this.ivKey).update('salt\0').update(basename(path)).digest().subarray(0, 12) : randomBytes(12);
    this.hdr = header(this.flags, key, salt);
    this.out(this.hdr);
  }
  private out(b: Buffer): void {
    this.file.write(b);
    this.hash.update(b);
    this.compressedBytes += b.length;
  }

  private seal(plain: Buffer, kind: number): void {
    const iv = this.ivKey ? this.syntheticIv(plain, kind) : randomBytes(IV_BYTES);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    c.setAAD(aad(this.hdr, this.index, kind));
    const body = Buffer.concat([c.update(plain), c.final()]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(body.length, 0);
    this.out(Buffer.concat([len, iv, body, c.getAuthTag()]));
    this.index++;
  }

  private syntheticIv(plain: Buffer, kind: number): Buffer {
    const pos = Buffer.alloc(9);
    pos.writeBigUInt64BE(BigInt(this.index), 0);
    pos[8] = kind;
    return createHmac('sha256', this.ivKey!).update('iv\0').update(this.hdr).update(pos).update(createHash('sha256').update(plain).digest()).digest().subarray(0, IV_BYTES);
  }

  /** Encrypts and appends one document; false (nothing written) when its id is already in the file. */
  write(doc: Doc): boolean {
    if (this.state !== 'open') throw new OellmError(`write to vault ${this.path} after close`, { code: 'E_STATE' });
    if (this.ids.has(doc.id)) return false;
    this.ids.add(doc.id);
    const json = Buffer.from(JSON.stringify(toRecord(doc)));
    this.bytes += json.length;
    this.seal(this.flags & FLAG_ZSTD ? zstd(json, this.level) : json, KIND_DOC);
    this.docs++;
    return true;
  }

  /** Writes the end record and fsyncs; the file is not visible under `path` until commit(). */
  close(): WrittenFile {
    if (this.state !== 'open') throw new OellmError(`close of vault ${this.path} twice`, { code: 'E_STATE' });
    this.seal(Buffer.from(JSON.stringify({ docs: this.docs })), KIND_END);
    this.file.close();
    this.state = 'closed';
    return { path: this.path, docs: this.docs, bytes: this.bytes, compressedBytes: this.compressedBytes, sha256: this.hash.digest('hex') };
  }

  commit(): void {
    if (this.state !== 'closed') throw new OellmError(`commit of vault ${this.path} before close`, { code: 'E_STATE' });
    this.file.commit();
    this.state = 'committed';
  }

  abort(): void {
    this.file.abort();
    this.state = 'committed';
  }
}
