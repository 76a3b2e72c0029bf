// End-to-end corpus pipeline (runDataPipeline, in process, local executor): a mixed corpus of
// real UD sentences in JSONL.zst / JSONL.gz / WARC.gz / text, run with worker threads and with
// one thread; checks the counting rule, manifest checksums, the HPLT record, dedup across ranks,
// rights (reserved page never in shards), byte-identical output whatever the worker count, resume
// by markers, and refusal to mix two plans in one dataset dir.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDataPipeline, readJsonl, type Manifest } from '../src/data/index.js';
import { sha256File } from '../src/util/fs.js';
import { buildCorpus, haveUd, type CorpusInfo } from './helpers/corpus.js';
import { allFilesDecompressed, outputFiles, vaultRecords } from './helpers/outputs.js';
import { generateKey } from '../src/data/vault/index.js';

const skip = haveUd() ? false : 'needs ../shared/data/ud (real sentences); CI has ../shared beside the clone';
let tmp: string;
let corpus: CorpusInfo;
let key: Buffer;
let base: { ranks: number; exclusions: boolean; rights: { vaultKeyFile: string } };

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'oellm-data-'));
  key = generateKey(join(tmp, 'vault.key'));
  base = { ranks: 3, exclusions: true, rights: { vaultKeyFile: join(tmp, 'vault.key') } };
  if (!skip) corpus = await buildCorpus(join(tmp, 'in'));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

test('mixed corpus: counts balance, shards match the manifest, duplicates and the reserved page are gone', { skip }, async () => {
  const out = join(tmp, 'run-threads');
  const m: Manifest = await runDataPipeline({ ...base, workers: 2 }, { inputs: [corpus.dir], out });
  const c = m.counts;
  assert.equal(c.in, corpus.records, 'every input record is counted once');
  assert.equal(c.in, c.kept + c.dropped + c.quarantined);
  assert.equal(c.kept, c.kept_public + c.kept_restricted);
  assert.ok(c.kept_public > 20, `kept ${c.kept_public}`);
  // 3 exact and 2 near copies were planted (plus the PII doc is a near copy of its source).
  assert.ok((m.dropped['dedup.exact'] ?? 0) >= 3, JSON.stringify(m.dropped));
  assert.ok((m.dropped['dedup.near'] ?? 0) >= 2, JSON.stringify(m.dropped));
  assert.equal(m.rights['reserved.tdm-header'], 1);
  // The reserved page is in the vault (encrypted), and only there.
  assert.equal(c.kept_restricted, 1);
  const vault = await vaultRecords(out, key);
  assert.equal(vault.length, 1);
  assert.match(vault[0]!, /reserved\.example/);
  assert.ok(!readFileSync(join(out, 'vault', m.vault.files[0]!.path.replace(/^vault\//, ''))).includes(Buffer.from('reserved.example')), 'vault file is ciphertext');
  assert.match(readFileSync(join(out, 'vault', 'SHA256SUMS'), 'utf8'), /^[0-9a-f]{64} {2}00000\.vault\n/);
  // The manifest lists each vault file with its ciphertext checksum (the vault is deterministic).
  for (const v of m.vault.files) {
    assert.equal(await sha256File(join(out, v.path)), v.sha256, v.path);
    assert.equal(statSync(join(out, v.path)).size, v.compressed_bytes, v.path);
  }
  // Every shard listed with the right checksum and count, and nothing else under shards/.
  const listed = new Set(m.shards.map((s) => s.path));
  let docs = 0;
  const ids = new Set<string>();
  for (const s of m.shards) {
    assert.equal(await sha256File(join(out, s.path)), s.sha256, s.path);
    assert.match(s.path, /^shards\/[a-z]{3}(_[A-Z][a-z]{3})?\/\d{5}\.jsonl\.zst$/);
    let n = 0;
    for await (const r of readJsonl<Record<string, unknown>>(join(out, s.path))) {
      n++;
      assert.deepEqual(Object.keys(r).slice(0, 2), ['id', 'text']);
      assert.equal(typeof r.source, 'object');
      assert.ok(!('meta' in r), 'transport fields never reach a shard');
      assert.notEqual((r.rights as { class?: string } | undefined)?.class, 'restricted');
      assert.ok(!String(r.url ?? '').includes('reserved.example'), 'the TDM-reserved page is not public');
      assert.ok(!ids.has(r.id as string), 'no document twice');
      ids.add(r.id as string);
      assert.ok(r.dedup, 'dedup cluster recorded');
    }
    assert.equal(n, s.docs);
    docs += n;
  }
  assert.equal(docs, c.kept_public);
  for (const lang of readdirSync(join(out, 'shards'))) for (const f of readdirSync(join(out, 'shards', lang))) assert.ok(listed.has(`shards/${lang}/${f}`), `unlisted ${lang}/${f}`);
  // Per-language and per-domain bytes add up; stats.json holds the same counters.
  const langDocs = Object.values(m.languages).reduce((a, l) => a + l.docs, 0);
  assert.equal(langDocs, c.kept_public);
  assert.equal(
    Object.values(m.domains).reduce((a, l) => a + l.docs, 0),
    c.kept_public,
  );
  const stats = JSON.parse(readFileSync(join(out, 'stats.json'), 'utf8')) as Record<string, number>;
  assert.equal(stats['docs.in'], c.in);
  assert.ok(m.fetch_dates && m.fetch_dates.min < m.fetch_dates.max);
  assert.equal(m.tools.oellm !== undefined, true);
  // Exclusion writer: every dedup drop is kept with its reason.
  let excluded = 0;
  for (const f of readdirSync(join(out, 'excluded', 'dedup')))
    for await (const r of readJsonl<{ reason: string }>(join(out, 'excluded', 'dedup', f))) {
      assert.match(r.reason, /^dedup\./);
      excluded++;
    }
  assert.equal(excluded, (m.dropped['dedup.exact'] ?? 0) + (m.dropped['dedup.near'] ?? 0));
});

/** Pieces of `text` that JSON writes verbatim (no quotes, backslashes or control characters). */
function snippets(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 24 <= text.length; i += 37) {
    const p = text.slice(i, i + 24);
    // eslint-disable-next-line no-control-regex -- JSON-escaped characters, on purpose
    if (!/["\\\u0000-\u001f]/.test(p)) out.push(p);
  }
  return out;
}

/** Files under `dir` (decompressed; work/ included) that contain any of `pieces`. */
function filesContaining(dir: string, pieces: string[]): string[] {
  const hits: string[] = [];
  for (const [rel, bytes] of allFilesDecompressed(dir)) if (pieces.some((p) => bytes.includes(Buffer.from(p)))) hits.push(rel);
  return hits;
}

test('restricted text is nowhere in plain form: not in work/, exclusions, quarantine or logs, with or without a key', { skip }, async () => {
  const out = join(tmp, 'run-threads');
  if (!existsSync(join(out, 'manifest.json'))) await runDataPipeline({ ...base, workers: 2 }, { inputs: [corpus.dir], out });
  const restricted = (await vaultRecords(out, key)).map((l) => JSON.parse(l.slice(l.indexOf('\t') + 1)) as { id: string; text: string });
  assert.equal(restricted.length, 1);
  const pieces = snippets(restricted[0]!.text);
  assert.ok(pieces.length >= 5, `enough text to search for (${pieces.length} pieces)`);
  // The search works: a public document's text is found in its shard and in stage 1's intermediate file.
  const shard = m0(out).shards[0]!;
  let pub = '';
  for await (const r of readJsonl<{ text: string }>(join(out, shard.path))) if (!pub && snippets(r.text).length) pub = snippets(r.text)[0]!;
  const pubHits = filesContaining(out, [pub]);
  assert.ok(pubHits.includes(shard.path) && pubHits.some((f) => /^work\/stage1\/\d{5}\.docs\.jsonl\.zst$/.test(f)), pubHits.join(', '));
  assert.deepEqual(filesContaining(out, pieces), [], 'restricted text found in plain form');
  assert.ok(existsSync(join(out, 'work', 'stage1', '00000.restricted.vault')), 'stage 1 keeps restricted docs in its own vault');
  // Without a key the document cannot be stored: it is dropped after dedup, its exclusion record has no text.
  const nokey = join(tmp, 'run-nokey-restricted');
  const m = await runDataPipeline({ ranks: 2, workers: 2, exclusions: true }, { inputs: [corpus.dir], out: nokey });
  assert.equal(m.counts.in, m.counts.kept + m.counts.dropped + m.counts.quarantined);
  assert.equal(m.counts.kept_restricted, 0);
  assert.equal(m.dropped['vault.restricted-no-vault-key'], 1, JSON.stringify(m.dropped));
  const excluded: Record<string, unknown>[] = [];
  for (const f of readdirSync(join(nokey, 'excluded', 'vault'))) for await (const r of readJsonl<Record<string, unknown>>(join(nokey, 'excluded', 'vault', f))) excluded.push(r);
  assert.deepEqual(
    excluded.map((r) => [r.id, 'text' in r]),
    [[restricted[0]!.id, false]],
  );
  assert.deepEqual(filesContaining(nokey, pieces), [], 'restricted text found in plain form (no key)');
});

function m0(out: string): Manifest {
  return JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
}

test('output bytes do not depend on the worker count; a re-run skips finished ranks', { skip }, async () => {
  const a = join(tmp, 'run-threads');
  if (!existsSync(join(a, 'manifest.json'))) await runDataPipeline({ ...base, workers: 2 }, { inputs: [corpus.dir], out: a });
  const b = join(tmp, 'run-one');
  await runDataPipeline({ ...base, workers: 1 }, { inputs: [corpus.dir], out: b });
  const fa = outputFiles(a);
  const fb = outputFiles(b);
  assert.deepEqual([...fb.keys()], [...fa.keys()]);
  for (const [k, v] of fa) assert.ok(v.equals(fb.get(k)!), `${k} differs`);
  assert.deepEqual(await vaultRecords(b, key), await vaultRecords(a, key));
  // Re-run: every rank has its marker, nothing is recomputed, same bytes.
  const marker = join(b, 'work', 'stage1', '00000.done');
  const t0 = statSync(marker).mtimeMs;
  await runDataPipeline({ ...base, workers: 2 }, { inputs: [corpus.dir], out: b });
  assert.equal(statSync(marker).mtimeMs, t0);
  const fb2 = outputFiles(b);
  for (const [k, v] of fa) assert.ok(v.equals(fb2.get(k)!), `${k} differs after re-run`);
});

test('a dataset dir refuses a different plan and a second live driver; a stale lock is taken over', { skip }, async () => {
  const out = join(tmp, 'run-plan');
  const one = { ranks: 1, dedup: { exact: false, minhash: false } };
  mkdirSync(join(out, 'work'), { recursive: true });
  writeFileSync(join(out, 'work', '.lock'), `${process.ppid}\n`);
  await assert.rejects(runDataPipeline(one, { inputs: [join(corpus.dir, 'd.txt')], out }), /another oellm data run/);
  writeFileSync(join(out, 'work', '.lock'), '999999999\n');
  await runDataPipeline(one, { inputs: [join(corpus.dir, 'd.txt')], out });
  assert.ok(!existsSync(join(out, 'work', '.lock')), 'lock released');
  // A missing vault key file is reported before any work starts.
  await assert.rejects(runDataPipeline({ ranks: 1, rights: { vaultKeyFile: join(tmp, 'nope.key') } }, { inputs: [join(corpus.dir, 'd.txt')], out: join(tmp, 'run-nokey') }), /cannot read vault key/);
  await assert.rejects(runDataPipeline({ ranks: 1, dedup: { exact: false, minhash: false }, zstdLevel: 5 }, { inputs: [join(corpus.dir, 'd.txt')], out }), /another plan/);
});

test('a failing rank in a worker thread surfaces as a clear error naming the file', { skip }, async () => {
  const out = join(tmp, 'run-fail');
  await assert.rejects(
    runDataPipeline({ ranks: 2, workers: 2, lid: { model: join(tmp, 'no-such-model.bin') } }, { inputs: [corpus.dir], out }),
    (e: Error & { file?: string }) => /language-identification model/.test(e.message) && e.file === join(tmp, 'no-such-model.bin'),
  );
  assert.ok(!existsSync(join(out, 'manifest.json')));
});
