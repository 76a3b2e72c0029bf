// What the dashboard shows about a run dir, read from the run's own records: the resolved
// config, build summary, dataset manifest, training logs, eval report (schema oellm.eval/1) and
// the release bundle, whose SHA256SUMS is checked here file by file and which the audit module
// verifies as `oellm audit verify` does without data or vault key (signature, checksums, schemas,
// commitment). Absent parts are reported as absent, never invented. Not HTML (dashboard/), not
// the release or audit module.
// Reference: run dir layout (DESIGN.md); sha256sum(1) check format.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { verifyBundle } from '../audit/verify.js';
import { sha256File } from '../util/fs.js';
import type { ModelEntry } from './models.js';

function json(path: string): unknown {
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    return { error: `${path}: not valid JSON (${(e as Error).message})` };
  }
}

const shaCache = new Map<string, Promise<string>>();
/** sha256 of a file, computed once per path and modification time. */
export function fileSha(path: string): Promise<string> {
  const st = statSync(path);
  const k = `${path}:${st.mtimeMs}:${st.size}`;
  let p = shaCache.get(k);
  if (!p) shaCache.set(k, (p = sha256File(path)));
  return p;
}

export async function runOverview(runDir: string | null, models: readonly ModelEntry[]): Promise<unknown> {
  const m = await Promise.all(models.map(async (x) => ({ id: x.id, variant: x.variant, quant: x.quant, bytes: x.bytes, sha256: await fileSha(x.path), file: runDir ? relative(runDir, x.path) : x.path })));
  if (!runDir) return { runDir: null, models: m };
  const cfgPath = join(runDir, 'config.resolved.yaml');
  const configText = existsSync(cfgPath) ? readFileSync(cfgPath, 'utf8') : null;
  let config: unknown;
  try {
    config = configText ? parseYaml(configText) : null;
  } catch {
    config = null;
  }
  const manifest = json(join(runDir, 'data', 'manifest.json')) as Record<string, unknown> | null;
  return {
    runDir,
    name: (config as { name?: string } | null)?.name ?? runDir.split(sep).pop(),
    config,
    configText,
    summary: json(join(runDir, 'build_summary.json')),
    // The manifest without its long per-shard and per-input lists.
    manifest: manifest ? Object.fromEntries(Object.entries(manifest).filter(([k]) => !['shards', 'inputs', 'ranks'].includes(k))) : null,
    stats: json(join(runDir, 'data', 'stats.json')),
    models: m,
  };
}

/** Rows of models/<variant>/train_log.jsonl (malformed lines are skipped and counted). */
export function trainLog(runDir: string, variant: string): { rows: unknown[]; skipped: number } | null {
  if (!/^[\w.-]+$/.test(variant)) return null;
  const p = join(runDir, 'models', variant, 'train_log.jsonl');
  if (!existsSync(p)) return null;
  const rows: unknown[] = [];
  let skipped = 0;
  for (const line of readFileSync(p, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      rows.push(JSON.parse(line));
    } catch {
      skipped++;
    }
  }
  return { rows, skipped };
}

export function evalReport(runDir: string): unknown {
  return json(join(runDir, 'eval', 'report.json'));
}

export interface ReleaseFile {
  path: string;
  bytes: number;
  /** ok: matches SHA256SUMS; mismatch; unlisted: not in SHA256SUMS; missing: listed but absent; signed: the manifest and its signature, which SHA256SUMS cannot list (the manifest names SHA256SUMS's hash). */
  status: 'ok' | 'mismatch' | 'unlisted' | 'missing' | 'signed';
}

/** The release bundle's files and their SHA256SUMS verification; null when the run has no release/. */
export async function releaseStatus(runDir: string): Promise<unknown> {
  const dir = join(runDir, 'release');
  if (!existsSync(dir)) return null;
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) files.push(relative(dir, p).split(sep).join('/'));
    }
  };
  walk(dir);
  files.sort();
  const sumsPath = join(dir, 'SHA256SUMS');
  const listed = new Map<string, string>();
  const bad: string[] = [];
  if (existsSync(sumsPath)) {
    for (const [i, line] of readFileSync(sumsPath, 'utf8').split('\n').entries()) {
      if (!line.trim()) continue;
      const m = /^([0-9a-f]{64}) [ *](.+)$/i.exec(line);
      if (m) listed.set(m[2]!.replace(/^\.\//, ''), m[1]!.toLowerCase());
      else bad.push(`line ${i + 1}`);
    }
  }
  const out: ReleaseFile[] = [];
  for (const f of files) {
    if (f === 'SHA256SUMS') continue;
    const want = listed.get(f);
    const p = join(dir, f);
    const signed = want === undefined && (f === 'release-manifest.json' || f === 'release-manifest.json.sig');
    out.push({ path: f, bytes: statSync(p).size, status: signed ? 'signed' : want === undefined ? 'unlisted' : (await sha256File(p)) === want ? 'ok' : 'mismatch' });
  }
  for (const f of listed.keys()) if (!files.includes(f)) out.push({ path: f, bytes: 0, status: 'missing' });
  const sig = files.includes('release-manifest.json.sig');
  const checksumsOk = existsSync(sumsPath) && bad.length === 0 && out.every((f) => f.status === 'ok' || f.status === 'signed');
  // The audit module's own verification (what `oellm audit verify <run>/release` checks without
  // --data or --vault-key): Ed25519 signature of the manifest, SHA256SUMS against the manifest and
  // every file, every document's schema, the commitment's root. Each check names what failed.
  let audit: { ok: boolean; checks: { name: string; ok: boolean; detail: string }[]; fingerprint?: string; root?: string };
  try {
    const v = await verifyBundle(dir);
    audit = { ok: v.ok, checks: v.checks, ...(v.fingerprint ? { fingerprint: v.fingerprint } : {}), ...(v.root ? { root: v.root } : {}) };
  } catch (e) {
    audit = { ok: false, checks: [{ name: 'bundle', ok: false, detail: (e as Error).message }] };
  }
  const sigCheck = audit.checks.find((c) => c.name === 'signature');
  return {
    files: out,
    sha256sums: existsSync(sumsPath) ? { present: true, entries: listed.size, malformed: bad } : { present: false },
    checksums_ok: checksumsOk,
    verified: checksumsOk && audit.ok,
    signature: !sig ? 'absent' : sigCheck?.ok ? `verified: Ed25519 key sha256:${audit.fingerprint}` : `invalid: ${sigCheck?.detail ?? 'not checked'}`,
    audit,
    verify_command: 'oellm audit verify <run>/release --data <run>/data [--vault-key <file>]',
  };
}
