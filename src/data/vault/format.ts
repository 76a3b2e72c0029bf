// The vault file format (version 1): magic, header and record layout shared by the writer and
// the reader; each restricted document is its own AES-256-GCM record. Not the writer (writer.ts)
// or reader (reader.ts). Reference: NIST SP 800-38D (GCM).
import { createHash } from 'node:crypto';

/*
 * All integers big-endian.
 *   header  32 B  magic "OELLMVLT" | version u8 = 1 | flags u8 (bit 0: zstd plaintexts) | 0 u16
 *                 | key id 8 B (sha256("oellm-vault-key\0" ‖ key)[0..8]: "wrong key" vs "tampered")
 *                 | file salt 12 B (derived from key + file name, or random; writer.ts)
 *   record        length u32 (ciphertext bytes) | IV 12 B (synthetic or random) | ciphertext | GCM tag 16 B
 *                 AAD = header ‖ record index u64 ‖ kind u8 (0 document, 1 end)
 *   end record    kind 1, plaintext {"docs": N}: a file cut short is detected, not silently short.
 * Records cannot be reordered, dropped, moved between files or edited without failing authentication.
 *
 * Nonces (deterministic mode, the default): salt = HMAC(K', "salt\0" ‖ file name)[0..12] and
 * IV = HMAC(K', "iv\0" ‖ header ‖ index ‖ kind ‖ sha256(plaintext))[0..12], K' = HMAC(key, label).
 * GCM breaks only if one (key, IV) pair seals two different plaintexts or AADs; the IV covers
 * everything the AAD holds and a hash of the plaintext, so a repeat needs the same record at the
 * same place of a same-named file (which leaks only that equality, as in AES-SIV, RFC 5297) or a
 * 96-bit HMAC collision. Same key + file name + records → same bytes, so manifest checksums hold
 * across re-runs and kill/resume. The stage-1 intermediate vault has its own name, hence salt.
 */

export const MAGIC = Buffer.from('OELLMVLT', 'latin1');
export const VERSION = 1;
export const HEADER_BYTES = 32;
export const IV_BYTES = 12;
export const TAG_BYTES = 16;
export const FLAG_ZSTD = 1;
export const KIND_DOC = 0;
export const KIND_END = 1;
/** Largest ciphertext a reader accepts (guards against a corrupt length field). */
export const MAX_RECORD_BYTES = 1 << 30;

export function keyId(key: Uint8Array): Buffer {
  return createHash('sha256').update('oellm-vault-key\0').update(key).digest().subarray(0, 8);
}

export function header(flags: number, key: Uint8Array, salt: Uint8Array): Buffer {
  const h = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(h, 0);
  h[8] = VERSION;
  h[9] = flags;
  keyId(key).copy(h, 12);
  Buffer.from(salt).copy(h, 20);
  return h;
}

export function aad(hdr: Buffer, index: number, kind: number): Buffer {
  const tail = Buffer.alloc(9);
  tail.writeBigUInt64BE(BigInt(index), 0);
  tail[8] = kind;
  return Buffer.concat([hdr, tail]);
}
