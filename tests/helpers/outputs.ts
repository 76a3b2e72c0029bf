// Reads a dataset dir back for the e2e data tests: every deliverable file's bytes (work/, logs/,
// timings.json and the vault's ciphertext left out) and the vault's decrypted records. The vault
// is compared by plaintext: AES-GCM with fresh random nonces makes its ciphertext differ per run.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { readVault } from '../../src/data/vault/index.js';

export function outputFiles(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      const rel = relative(dir, p);
      if (rel === 'work' || rel === 'timings.json' || rel === 'logs' || rel === 'vault') continue;
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
