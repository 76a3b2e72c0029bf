// `oellm vault keygen | cat`: create a vault key file, and print the restricted documents of a
// vault file or folder for an auditor holding the key (one JSON record per line). Not the
// writer: `oellm data run` fills the vault (rights.vaultKeyFile). Format: data/vault/format.ts.
import type { Command } from 'commander';
import { generateKey, loadKey, readVaultAll, vaultFiles } from '../../data/vault/index.js';
import { keyId } from '../../data/vault/format.js';
import { emit } from '../output.js';

export function register(program: Command): void {
  const vault = program.command('vault').description('the encrypted vault of restricted documents (AES-256-GCM): keys and auditor access');
  vault
    .command('keygen')
    .description('write a new random 256-bit vault key (64 hex chars, mode 0600)')
    .requiredOption('--out <file>', 'key file to create')
    .option('--force', 'overwrite an existing key file (vaults written with the old key become unreadable)')
    .option('--json', 'machine-readable output')
    .action((opts: { out: string; force?: boolean; json?: boolean }) => {
      const key = generateKey(opts.out, { force: opts.force ?? false });
      emit(opts.json, { keyFile: opts.out, keyId: keyId(key).toString('hex') }, () => `wrote ${opts.out} (key id ${keyId(key).toString('hex')}); keep it secret and backed up\n`);
    });
  vault
    .command('cat')
    .description('decrypt and print the documents of a vault file or folder (one JSON record per line)')
    .argument('<path>', 'a .vault file or a folder of them (e.g. <dataset>/vault)')
    .requiredOption('--key <file>', 'the vault key file')
    .option('--count', 'print only the number of documents per file')
    .option('--json', 'with --count: machine-readable output')
    .action(async (path: string, opts: { key: string; count?: boolean; json?: boolean }) => {
      const key = loadKey(opts.key);
      if (opts.count) {
        const counts: Record<string, number> = Object.fromEntries(vaultFiles(path).map((f) => [f, 0]));
        for await (const rec of readVaultAll(path, key)) counts[rec.vaultFile] = (counts[rec.vaultFile] ?? 0) + 1;
        const total = Object.values(counts).reduce((a, b) => a + b, 0);
        emit(
          opts.json,
          { files: counts, docs: total },
          () =>
            Object.entries(counts)
              .map(([f, n]) => `${n}\t${f}\n`)
              .join('') + `${total}\ttotal\n`,
        );
        return;
      }
      for await (const rec of readVaultAll(path, key)) {
        const { vaultFile: _f, ...doc } = rec;
        if (!process.stdout.write(JSON.stringify(doc) + '\n')) await new Promise((r) => process.stdout.once('drain', r));
      }
    });
}
