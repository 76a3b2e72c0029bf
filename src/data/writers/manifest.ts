// manifest.json and stats.json of a dataset dir, built from the ranks' summaries only (never
// from wall-clock or the output path, so a resumed run writes the same bytes). The counting
// rule, checked here: in = kept + dropped + quarantined, where kept = kept_public (shards) +
// kept_restricted (vault). Not a release document (transparency projects this manifest).
// Reference: DESIGN.md "The document record", HPLT release statistics.
import type { Plan } from '../pipeline/plan.js';
import type { RankSummary } from '../pipeline/ranks.js';
import { Stats } from '../step.js';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { toolVersions } from '../../util/version.js';

/** Versions of the libraries whose behaviour shapes the output (parsing, decoding, compression). */
function libraryVersions(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const out: Record<string, string> = {};
  for (const name of ['warcio', 'htmlparser2', 'iconv-lite', 'chardet', 'zstd-napi']) {
    try {
      // Walk up from the entry point: some packages' exports maps hide package.json.
      let dir = dirname(require.resolve(name));
      for (let i = 0; i < 6; i++, dir = dirname(dir)) {
        const pj = join(dir, 'package.json');
        if (!existsSync(pj)) continue;
        const p = JSON.parse(readFileSync(pj, 'utf8')) as { name?: string; version?: string };
        if (p.name === name && p.version) {
          out[name] = p.version;
          break;
        }
      }
    } catch {
      /* not resolvable: leave it out rather than guess */
    }
  }
  return out;
}

export interface Manifest {
  format: 'oellm-dataset/1';
  counts: {
    in: number;
    kept: number;
    kept_public: number;
    kept_restricted: number;
    dropped: number;
    quarantined: number;
    /** in === kept + dropped + quarantined */
    balanced: boolean;
  };
  /** `<step>.<reason>` → documents. */
  dropped: Record<string, number>;
  /** `<step>.<reason class>` → records; details per record in quarantine.jsonl. */
  quarantined: Record<string, number>;
  /** Public shards: `iso3_Script` → documents and UTF-8 bytes of text. */
  languages: Record<string, { docs: number; bytes: number }>;
  /** Top MANIFEST_DOMAINS hosts by bytes, the rest summed as `(other)`; all of them in stats.json. */
  domains: Record<string, { docs: number; bytes: number }>;
  domains_total: number;
  fetch_dates: { min: string; max: string } | null;
  pii: Record<string, number>;
  rights: Record<string, number>;
  dedup: Record<string, number>;
  /** Restricted documents (encrypted, never public). The vault writer is deterministic (salt and IVs
   * derived from the key, file name and plaintext; vault/format.ts), so the ciphertext checksums are
   * reproducible and listed here as for shards (and in vault/SHA256SUMS). */
  vault: {
    docs: number;
    bytes: number;
    languages: Record<string, { docs: number; bytes: number }>;
    files: { path: string; docs: number; compressed_bytes: number; sha256: string }[];
  };
  shards: { path: string; lang: string; docs: number; bytes: number; compressed_bytes: number; sha256: string }[];
  inputs: { path: string; bytes: number }[];
  ranks: Record<string, number>;
  config: Plan['config'];
  tools: Record<string, string>;
}

/** Groups `prefix.<key>.docs|bytes` counters into `{key: {docs, bytes}}`, sorted by bytes then key. */
function perKey(c: Record<string, number>, prefix: string): Record<string, { docs: number; bytes: number }> {
  const m = new Map<string, { docs: number; bytes: number }>();
  for (const [k, v] of Object.entries(c)) {
    if (!k.startsWith(prefix)) continue;
    const rest = k.slice(prefix.length);
    const dot = rest.lastIndexOf('.');
    const key = rest.slice(0, dot);
    const field = rest.slice(dot + 1);
    if (field !== 'docs' && field !== 'bytes') continue;
    const e = m.get(key) ?? { docs: 0, bytes: 0 };
    e[field] += v;
    m.set(key, e);
  }
  return Object.fromEntries([...m].sort(([ka, a], [kb, b]) => b.bytes - a.bytes || (ka < kb ? -1 : ka > kb ? 1 : 0)));
}

function withPrefix(c: Record<string, number>, prefix: string, strip = true): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(c)) if (k.startsWith(prefix)) out[strip ? k.slice(prefix.length) : k] = v;
  return out;
}

const MANIFEST_DOMAINS = 1000;

function topDomains(all: Record<string, { docs: number; bytes: number }>): Record<string, { docs: number; bytes: number }> {
  const entries = Object.entries(all);
  if (entries.length <= MANIFEST_DOMAINS) return all;
  const out = Object.fromEntries(entries.slice(0, MANIFEST_DOMAINS));
  const rest = { docs: 0, bytes: 0 };
  for (const [, v] of entries.slice(MANIFEST_DOMAINS)) {
    rest.docs += v.docs;
    rest.bytes += v.bytes;
  }
  out['(other)'] = rest;
  return out;
}

function mergeStats(summaries: RankSummary[]): Record<string, number> {
  const s = new Stats();
  for (const r of summaries) s.merge(r.stats);
  return s.toJSON();
}

export function buildManifest(plan: Plan, summaries: RankSummary[]): { manifest: Manifest; stats: Record<string, number> } {
  const stats = mergeStats(summaries);
  const n = (k: string) => stats[k] ?? 0;
  const keptPublic = n('docs.kept.public');
  const keptRestricted = n('docs.kept.restricted');
  const kept = keptPublic + keptRestricted;
  const finals = summaries.filter((s) => s.stage === 'final').sort((a, b) => a.rank - b.rank);
  let tsMin: string | undefined;
  let tsMax: string | undefined;
  for (const f of finals) {
    if (!f.ts) continue;
    if (tsMin === undefined || f.ts.min < tsMin) tsMin = f.ts.min;
    if (tsMax === undefined || f.ts.max > tsMax) tsMax = f.ts.max;
  }
  const shards = finals
    .flatMap((f) => f.shards ?? [])
    .map((s) => ({ path: s.rel ?? s.path, lang: s.lang, docs: s.docs, bytes: s.bytes, compressed_bytes: s.compressedBytes, sha256: s.sha256 }))
    .sort((a, b) => (a.path < b.path ? -1 : 1));
  const vaultFiles = finals
    .flatMap((f) => f.vault ?? [])
    .map((v) => ({ path: v.path, docs: v.docs, compressed_bytes: v.compressedBytes, sha256: v.sha256 }))
    .sort((a, b) => (a.path < b.path ? -1 : 1));
  const vaultLangs = perKey(stats, 'vault.lang.');
  const domains = perKey(stats, 'domain.');
  const manifest: Manifest = {
    format: 'oellm-dataset/1',
    counts: {
      in: n('docs.in'),
      kept,
      kept_public: keptPublic,
      kept_restricted: keptRestricted,
      dropped: n('docs.dropped'),
      quarantined: n('docs.quarantined'),
      balanced: n('docs.in') === kept + n('docs.dropped') + n('docs.quarantined'),
    },
    dropped: withPrefix(stats, 'dropped.'),
    quarantined: withPrefix(stats, 'quarantined.'),
    languages: perKey(stats, 'lang.'),
    domains: topDomains(domains),
    domains_total: Object.keys(domains).length,
    fetch_dates: tsMin !== undefined && tsMax !== undefined ? { min: tsMin, max: tsMax } : null,
    pii: withPrefix(stats, 'pii.'),
    rights: withPrefix(stats, 'rights.'),
    dedup: withPrefix(stats, 'dedup.'),
    vault: {
      docs: keptRestricted,
      bytes: Object.values(vaultLangs).reduce((a, l) => a + l.bytes, 0),
      languages: vaultLangs,
      files: vaultFiles,
    },
    shards,
    inputs: plan.inputs,
    ranks: Object.fromEntries(plan.stages.map((s) => [s.name, s.ranks])),
    config: plan.config,
    tools: { ...toolVersions(), ...libraryVersions() },
  };
  return { manifest, stats };
}
