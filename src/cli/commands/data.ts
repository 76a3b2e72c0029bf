// `oellm data run` (the corpus pipeline) and the hidden `oellm data rank` (one rank of a planned
// run: what Slurm array tasks execute). Flags override the config file, which overrides the
// defaults (src/data/config.ts). Not pipeline logic: that is src/data/.
import type { Command } from 'commander';
import { resolveConfig, dumpConfig, type Plain } from '../../config/load.js';
import { DataConfigSchema } from '../../data/config.js';
import type { Manifest, StageName } from '../../data/index.js';
import { OellmError } from '../../util/errors.js';
import { createLogger } from '../../util/log.js';
import { Progress } from '../../util/progress.js';
import { emit, table } from '../output.js';
import { configOverrides, parseNumber, type FlagTarget } from '../flags.js';

interface RunFlags {
  input?: string[];
  out?: string;
  config?: string;
  workers?: string;
  ranks?: string;
  executor?: string;
  maxDocBytes?: string;
  shardMaxBytes?: string;
  zstdLevel?: string;
  exclusions?: boolean;
  languages?: string;
  lidModel?: string;
  piiMode?: string;
  dedup?: boolean;
  quality?: boolean;
  vaultKey?: string;
  robotsDir?: string;
  tdmrepDir?: string;
  blocklistFile?: string;
  printConfig?: boolean;
  json?: boolean;
}

/** Where each `data run` flag goes in DataConfigSchema (numbers parsed by the field's kind). */
const FLAG_TARGETS: Readonly<Record<string, FlagTarget>> = {
  workers: 'workers',
  ranks: 'ranks',
  executor: 'executor',
  maxDocBytes: 'maxDocBytes',
  shardMaxBytes: 'shardMaxBytes',
  zstdLevel: 'zstdLevel',
  exclusions: 'exclusions',
  languages: 'lid.languages',
  lidModel: 'lid.model',
  piiMode: 'pii.mode',
  vaultKey: 'rights.vaultKeyFile',
  robotsDir: 'rights.robotsDir',
  tdmrepDir: 'rights.tdmrepDir',
  blocklistFile: 'rights.blocklistFile',
};

/** Flag values as a config overlay (only flags actually given); --no-dedup and --no-quality switch whole steps off. */
function flagOverrides(f: RunFlags): Plain {
  const o = configOverrides({ ...f }, DataConfigSchema, FLAG_TARGETS);
  if (f.dedup === false) o.dedup = { exact: false, minhash: false };
  if (f.quality === false) o.quality = { ...(o.quality as Plain | undefined), enabled: false };
  return o;
}

function summary(m: Manifest): string {
  const c = m.counts;
  const rows: (string | number)[][] = Object.entries(m.languages).map(([l, v]) => [l, v.docs, v.bytes]);
  const drops = Object.entries(m.dropped).map(([k, v]) => `  ${k}: ${v}`);
  return (
    `in ${c.in} = kept ${c.kept} (public ${c.kept_public}, vault ${c.kept_restricted}) + dropped ${c.dropped} + quarantined ${c.quarantined}\n` +
    (rows.length ? table(['lang', 'docs', 'bytes'], rows) : '') +
    (drops.length ? `dropped by reason:\n${drops.join('\n')}\n` : '') +
    `${m.shards.length} shards\n`
  );
}

export function register(program: Command): void {
  const data = program.command('data').description('the corpus pipeline: web archives / JSONL / text → clean, deduplicated, rights-checked shards');
  data
    .command('run')
    .description('read → extract → normalize → lid → quality → rights → pii → dedup → shards; resumes an interrupted run in the same --out')
    .requiredOption('-i, --input <paths...>', 'input files, folders or (quoted) globs: .warc[.gz], .wet[.gz], .jsonl[.gz|.zst], .txt')
    .requiredOption('-o, --out <dir>', 'dataset dir (shards/, manifest.json, stats.json, quarantine.jsonl, vault/)')
    .option('-c, --config <file>', 'YAML/JSON config (keys as in src/data/config.ts); flags override it')
    .option('-w, --workers <n>', 'worker threads (local executor; at most 4 per CPU core)')
    .option('--ranks <n>', 'ranks the inputs are split over (default: workers); shard names depend on it')
    .option('--executor <kind>', 'local | slurm')
    .option('--max-doc-bytes <n>', 'quarantine larger records (default 8 MiB)')
    .option('--shard-max-bytes <n>', 'roll shards over after this many uncompressed bytes (0: never)')
    .option('--zstd-level <n>', 'zstd level of shards (default 3)')
    .option('--exclusions', 'keep dropped documents with their reason in excluded/<step>/')
    .option('--languages <codes>', 'keep only these languages, comma-separated registry codes (hr,sr,bs)')
    .option('--lid-model <path>', 'fastText .bin/.ftz language-ID model instead of the built-in one')
    .option('--pii-mode <mode>', 'annotate | mask | drop')
    .option('--no-dedup', 'skip exact and near-duplicate removal')
    .option('--no-quality', 'skip the quality filter')
    .option('--vault-key <file>', 'key file for the encrypted vault of restricted documents')
    .option('--robots-dir <dir>', 'folder of <host>.robots.txt files')
    .option('--tdmrep-dir <dir>', 'folder of <host>.tdmrep.json files')
    .option('--blocklist-file <file>', 'blocklisted domains, one per line')
    .option('--print-config', 'print the resolved configuration (YAML) and exit')
    .option('--json', 'print the manifest summary as JSON')
    .action(async (f: RunFlags) => {
      const cfg = resolveConfig(DataConfigSchema, { ...(f.config ? { file: f.config } : {}), overrides: flagOverrides(f) });
      if (f.printConfig) {
        process.stdout.write(dumpConfig(cfg, 'oellm data run: resolved configuration'));
        return;
      }
      // On a terminal, log lines go above the bars (progress.write); elsewhere straight to stderr.
      // eslint-disable-next-line prefer-const -- the logger's closure needs it before it is made
      let progress: Progress | undefined;
      const logger = createLogger({ write: (line) => (progress ? progress.write(line) : process.stderr.write(line)) });
      progress = new Progress({ logger });
      let m: Manifest;
      try {
        // Loaded on use: the pipeline's modules (dedup, lid models…) stay out of other commands' start-up.
        const { runDataPipeline } = await import('../../data/index.js');
        m = await runDataPipeline(cfg, { inputs: f.input ?? [], out: f.out!, logger, progress });
      } finally {
        progress.stop();
      }
      const { config: _c, inputs: _i, shards, domains, ...rest } = m;
      emit(f.json, { ...rest, shards: shards.length, top_domains: Object.fromEntries(Object.entries(domains).slice(0, 10)), out: f.out }, () => summary(m));
    });
  data
    .command('rank', { hidden: true })
    .description('run one rank of one stage of a planned run (used by Slurm array tasks)')
    .requiredOption('--plan <file>', 'plan.json of the run')
    .requiredOption('--stage <name>', 'stage1 | buckets | clusters | final')
    .option('--rank <n>', 'rank (default: $SLURM_ARRAY_TASK_ID)')
    .action(async (f: { plan: string; stage: string; rank?: string }) => {
      const r = f.rank ?? process.env.SLURM_ARRAY_TASK_ID;
      if (r === undefined) throw new OellmError('no --rank and no SLURM_ARRAY_TASK_ID', { code: 'E_USAGE', hint: 'pass --rank N' });
      const rank = parseNumber('rank', r, { int: true });
      const logger = createLogger();
      const { runPlannedRank } = await import('../../data/index.js');
      const ran = await runPlannedRank(f.plan, f.stage as StageName, rank, logger);
      logger.info(ran ? 'rank done' : 'rank already done', { stage: f.stage, rank });
    });
}
