// `oellm release <run-dir>` and `oellm release keygen`: write the release bundle of a run (AI Act
// summary, copyright policy, PII report, model and dataset cards, Croissant, Model
// Documentation Form, openness self-assessments, data commitment, SHA256SUMS, signed manifest)
// and create its Ed25519 signing key. Flag parsing and output only: the logic is src/release/.
import type { Command } from 'commander';
import { keygen, runRelease } from '../../release/index.js';
import { emit } from '../output.js';

interface ReleaseFlags {
  out?: string;
  key?: string;
  vaultKey?: string;
  allowIncomplete?: boolean;
  provider?: string;
  contact?: string;
  license?: string;
  dataLicense?: string;
  modelVersion?: string;
  date?: string;
  url?: string;
  hardware?: string;
  acceptableUse?: string;
  codeOfPractice?: string;
  crawler?: string;
  json?: boolean;
}

export function register(program: Command): void {
  // `release` has options (--out, --json) that `release keygen` reuses: with positional options
  // each command only parses the flags that come after its own name (the root has none but -V/-h).
  program.enablePositionalOptions();
  const rel = program
    .command('release')
    .description(
      'write the release bundle of a run from its own records: AI Act public summary of training content, copyright policy, PII report, ' +
        'model cards (HF YAML, model-index from eval/report.json), dataset card + Croissant 1.1, Model Documentation Form, MOF / EOSAI ' +
        'self-assessments, data commitment (Merkle roots), SHA256SUMS and an Ed25519-signed manifest. Every document is validated ' +
        'against its schema and cross-checked; a field no record holds fails the command unless --allow-incomplete ("not recorded"). ' +
        'Fields no record holds come from the release: section of the build config or the flags below.',
    )
    .argument('[run-dir]', 'run directory written by `oellm build`')
    .enablePositionalOptions()
    .option('--out <dir>', 'bundle folder (default <run-dir>/release; replaced if it holds a bundle)')
    .option('--key <file>', 'Ed25519 private key (PEM) from `oellm release keygen` (default: a per-run key in <run-dir>/.oellm/)')
    .option('--vault-key <file>', 'vault key, for the salted leaves of restricted documents (default: data.rights.vaultKeyFile of the run)')
    .option('--allow-incomplete', 'write "not recorded" (with a warning) where a record is missing instead of failing')
    .option('--provider <name>', 'provider name (overrides release.provider of the build config)')
    .option('--contact <text>', 'provider contact, e-mail or URL')
    .option('--license <spdx>', 'model licence (SPDX id)')
    .option('--data-license <spdx>', 'public dataset licence (SPDX id)')
    .option('--model-version <v>', 'release version')
    .option('--date <yyyy-mm-dd>', 'date of placement on the EU market')
    .option('--url <url>', 'where the bundle is published')
    .option('--hardware <text>', 'training hardware, for the Model Documentation Form')
    .option('--acceptable-use <text>', 'acceptable use policy (text or URL)')
    .option('--crawler <name>', 'crawler (name / user agent) that wrote the WARC inputs')
    .option('--code-of-practice <yes|no>', 'is the provider a GPAI Code of Practice signatory')
    .option('--json', 'machine-readable output')
    .action(async (runDir: string | undefined, o: ReleaseFlags) => {
      if (!runDir) {
        rel.help();
        return;
      }
      const overrides = {
        provider: o.provider,
        contact: o.contact,
        license: o.license,
        dataLicense: o.dataLicense,
        version: o.modelVersion,
        placedOnMarket: o.date,
        url: o.url,
        hardware: o.hardware,
        acceptableUse: o.acceptableUse,
        crawler: o.crawler,
        codeOfPractice: o.codeOfPractice === undefined ? undefined : /^y/i.test(o.codeOfPractice) ? 'Yes' : 'No',
      };
      const r = await runRelease(runDir, {
        ...(o.out ? { out: o.out } : {}),
        ...(o.key ? { key: o.key } : {}),
        ...(o.vaultKey ? { vaultKey: o.vaultKey } : {}),
        allowIncomplete: o.allowIncomplete ?? false,
        overrides: Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)),
        log: (l) => process.stderr.write(`oellm: ${l}\n`),
      });
      emit(
        o.json,
        r,
        () =>
          `wrote ${r.files.length} documents to ${r.out}\ndata commitment root ${r.root}\nsigned by Ed25519 key sha256:${r.fingerprint}\n${r.warnings.length ? `${r.warnings.length} fields not recorded (listed in release-manifest.json)\n` : ''}verify: oellm audit verify ${r.out}\n`,
      );
    });
  rel
    .command('keygen')
    .description('create an Ed25519 signing key: <file> (PKCS#8 PEM, mode 0600) and <file>.pub (SPKI PEM, publish it)')
    .requiredOption('--out <file>', 'private key file to create')
    .option('--force', 'replace an existing key')
    .option('--json', 'machine-readable output')
    .action((o: { out: string; force?: boolean; json?: boolean }) => {
      const k = keygen(o.out, { force: o.force ?? false });
      emit(o.json, k, () => `wrote ${k.privateKey} (keep it secret) and ${k.publicKey}\nfingerprint sha256:${k.fingerprint}\n`);
    });
}
