// Reads a dataset dir back for the e2e data tests: every deliverable file's bytes (work/, logs/
// and timings.json left out; the vault's ciphertext included: the vault writer is deterministic,
// vault/format.ts), the vault's decrypted records, and every file's decompressed bytes (for
// plaintext searches).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { readVault } from '../../src/data/vault/index.js';
import { unzstd } from '../../src/util/compress.js';

export function outputFiles(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      const rel = relative(dir, p);
      if (rel === 'work' || rel === 'timings.json' || rel === 'logs') continue;
      if (statSync(p).isDirectory()) walk(p);
      else out.set(rel, readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

/** Decrypted vault records, file by file in name order, as JSON lines. */
export async function vaultRecords(dir: string, key: Uint8Array): Promise<string[]> {
  const v = join(dir, 'vault');
  if (!existsSync(v)) return [];
  const out: string[] = [];
  for (const f of readdirSync(v).sort()) {
    if (!f.endsWith('.vault')) continue;
    for await (const r of readVault(join(v, f), key)) out.push(`${f}\t${JSON.stringify(r)}`);
  }
  return out;
}

/** Every file under `dir` (work/ and logs/ included), `.zst` ones decompressed: relative path → bytes. */
export function allFilesDecompressed(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), n.endsWith('.zst') ? unzstd(readFileSync(p)) : readFileSync(p));
    }
  };
  walk(dir);
  return out;
}
