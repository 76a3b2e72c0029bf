// End to end over `oellm release` / `oellm audit` on a real reduced build with restricted
// (TDM-reserved) documents in the vault and PII in public pages (tests/helpers/release-run.ts):
// the bundle the build writes verifies (signature, checksums, schemas, every shard and vault
// root); GGUFs and cards carry the root; no public artefact holds a restricted text or a PII
// value; a flipped byte anywhere (bundle document, shard, vault, proof) is detected and named;
// a wrong vault key says so and leaks nothing; missing records fail or say "not recorded".
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import YAML from 'yaml';
import { buildReleaseRun, type ReleaseFixture } from './helpers/release-run.js';
import { BIN, cliEnv } from './helpers/cli.js';
import { verifyBundle } from '../src/audit/verify.js';
import { CommitmentSchema, proveDocument } from '../src/audit/commitment.js';
import { checkProofBytes } from '../src/audit/proof.js';
import { runRelease, validateDocuments } from '../src/release/index.js';
import { crossCheck } from '../src/release/crosscheck.js';
import { readRecords } from '../src/release/records.js';
import { kvValue, readGguf } from '../src/formats/gguf/reader.js';
import { generateKey, readVaultAll, loadKey } from '../src/data/vault/index.js';
import { detectPii } from '../src/data/pii/index.js';
import { decompressor } from '../src/util/compress.js';

const tmp = mkdtempSync(join(tmpdir(), 'oellm-release-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
let fx: ReleaseFixture;
let bundle: string;
let data: string;
before(async () => {
  fx = await buildReleaseRun(tmp);
  bundle = join(fx.runDir, 'release');
  data = join(fx.runDir, 'data');
});

const files = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((p) => join(dir, p))
    .filter((p) => statSync(p).isFile());
const failing = (r: Awaited<ReturnType<typeof verifyBundle>>) =>
  r.checks
    .filter((c) => !c.ok)
    .map((c) => `${c.name}: ${c.detail}`)
    .join('\n');
const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...cliEnv() } });

test('the build writes a bundle that verifies with the data and the vault key; GGUFs and cards carry the root', async () => {
  const r = await verifyBundle(bundle, { data, vaultKey: fx.vaultKeyFile });
  assert.ok(r.ok, failing(r));
  const c = CommitmentSchema.parse(JSON.parse(readFileSync(join(bundle, 'data-commitment.json'), 'utf8')));
  assert.equal(c.docs.restricted, 4);
  assert.equal(c.docs.public, 130);
  assert.ok(
    r.checks.some((x) => x.name === 'data' && x.detail.startsWith('vault/') && x.detail.includes('root matches')),
    'vault root recomputed',
  );
  const ggufs = files(join(fx.runDir, 'models')).filter((f) => f.endsWith('.gguf'));
  assert.equal(ggufs.length, 3);
  for (const g of ggufs) assert.equal(kvValue(readGguf(g), 'oellm.data.commitment'), c.root, g);
  const card = readFileSync(join(bundle, 'models', 'core-GGUF', 'README.md'), 'utf8');
  const fm = YAML.parse(/^---\n([\s\S]*?)\n---/.exec(card)![1]!);
  assert.equal(fm.base_model, 'oellm-rel-core');
  assert.equal(fm.base_model_relation, 'quantized');
  assert.equal(fm.oellm.data_commitment, c.root);
  assert.deepEqual(fm.language, ['en', 'hr', 'sr']);
  const ai = JSON.parse(readFileSync(join(bundle, 'ai-act-summary.json'), 'utf8'));
  const s13 = ai['1_general_information']['1.3_modalities_training_data_size_and_other_characteristics'];
  assert.equal(s13.training_data_size.documents_restricted, 4);
  assert.equal(s13.latest_date_of_data_collection, '2026-06-30T12:00:00.000Z');
  assert.deepEqual(ai['3_data_processing_aspects']['3.1_respect_of_reservation_of_rights_from_text_and_data_mining'].decisions, [
    { decision: 'allow.no-reservation', documents: 130 },
    { decision: 'reserved.tdmrep', documents: 4 },
  ]);
  assert.match(readFileSync(join(bundle, 'ai-act-domains.csv'), 'utf8'), /^domain,documents,bytes\nwww\.ohchr\.org,124,/);
  const pii = JSON.parse(readFileSync(join(bundle, 'pii-report.json'), 'utf8'));
  assert.deepEqual(pii.totals, [
    { type: 'email', matches: 1 },
    { type: 'iban', matches: 2 },
  ]);
  const m = JSON.parse(readFileSync(join(bundle, 'release-manifest.json'), 'utf8'));
  assert.deepEqual(m.warnings, [], 'the fixture config records every field');
  // The same run released again (standalone, strict) gives the same documents.
  const again = await runRelease(fx.runDir, { out: join(tmp, 'again'), key: join(fx.runDir, '.oellm', 'release-signing.key') });
  for (const f of again.files) assert.equal(readFileSync(join(tmp, 'again', f.path), 'utf8'), readFileSync(join(bundle, f.path), 'utf8'), f.path);
});

test('no public artefact holds the text of a restricted document or a PII value found', async () => {
  // The values the PII detectors find in the planted texts (the pipeline never records them).
  const key = loadKey(fx.vaultKeyFile);
  const vaultTexts: string[] = [];
  for await (const d of readVaultAll(join(data, 'vault'), key)) vaultTexts.push(d.text);
  assert.equal(vaultTexts.length, 4);
  const input = readFileSync(join(tmp, 'extra.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l).text as string);
  const found = new Set<string>();
  for (const t of input) for (const f of detectPii(t, { lang: 'en' })) found.add(t.slice(f.start, f.end));
  for (const v of fx.pii) assert.ok(found.has(v), `detector finds ${v}`);
  // Needles: every restricted text, each of its sentences, every PII value.
  const needles = [...vaultTexts, ...vaultTexts.flatMap((t) => t.split(/(?<=[.:])\s+/).filter((s) => s.length >= 24)), ...found];
  // Proofs of restricted documents are public artefacts too.
  const c = CommitmentSchema.parse(JSON.parse(readFileSync(join(bundle, 'data-commitment.json'), 'utf8')));
  for await (const d of readVaultAll(join(data, 'vault'), key)) {
    writeFileSync(join(tmp, `proof-${d.id}.json`), JSON.stringify(await proveDocument(data, c, d.id, key)));
  }
  const scanned = [
    ...files(fx.runDir),
    ...readdirSync(tmp)
      .filter((f) => f.startsWith('proof-'))
      .map((f) => join(tmp, f)),
  ];
  let bytes = 0;
  for (const f of scanned) {
    let b = readFileSync(f);
    if (f.endsWith('.zst')) b = Buffer.from(await decompressFile(f));
    const text = b.toString('utf8');
    bytes += b.length;
    for (const n of needles) assert.ok(!text.includes(n), `${relative(tmp, f)} contains ${JSON.stringify(n.slice(0, 40))}`);
  }
  assert.ok(scanned.length > 40 && bytes > 100_000, `scanned ${scanned.length} files, ${bytes} bytes`);
});

async function decompressFile(f: string): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  const { createReadStream } = await import('node:fs');
  for await (const c of createReadStream(f).pipe(decompressor('zst'))) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

test('a flipped byte in any bundle file, shard or vault file is detected and the file named', async () => {
  const copy = join(tmp, 'tamper');
  cpSync(fx.runDir, copy, { recursive: true });
  const b = join(copy, 'release');
  const d = join(copy, 'data');
  const flip = async (file: string, at: number, opts: Parameters<typeof verifyBundle>[1], name: string) => {
    const orig = readFileSync(file);
    const bad = Buffer.from(orig);
    const i = Math.min(Math.max(0, at), bad.length - 1);
    bad[i]! ^= 0x01;
    writeFileSync(file, bad);
    const r = await verifyBundle(b, opts);
    writeFileSync(file, orig);
    assert.ok(!r.ok, `flip at ${i} of ${name} went unnoticed`);
    assert.ok(
      r.checks.some((c) => !c.ok && c.detail.includes(name)),
      `${name} not named:\n${failing(r)}`,
    );
  };
  for (const f of files(b)) {
    const rel = relative(b, f);
    const n = statSync(f).size;
    for (const at of [0, n >> 1, n - 1]) await flip(f, at, {}, rel);
  }
  const c = CommitmentSchema.parse(JSON.parse(readFileSync(join(b, 'data-commitment.json'), 'utf8')));
  for (const s of c.shards) {
    const f = join(d, s.path);
    const n = statSync(f).size;
    await flip(f, n >> 1, { data: d }, s.path);
    if (s.class === 'restricted') await flip(f, n >> 1, { data: d, vaultKey: fx.vaultKeyFile }, s.path);
  }
  const clean = await verifyBundle(b, { data: d, vaultKey: fx.vaultKeyFile });
  assert.ok(clean.ok, failing(clean));
});

test('inclusion proofs: public and restricted documents prove against the root; any flipped byte of a proof fails', async () => {
  const c = CommitmentSchema.parse(JSON.parse(readFileSync(join(bundle, 'data-commitment.json'), 'utf8')));
  const key = loadKey(fx.vaultKeyFile);
  const restrictedIds: string[] = [];
  for await (const d of readVaultAll(join(data, 'vault'), key)) restrictedIds.push(d.id);
  const pubProof = await proveDocument(data, c, await firstPublicId());
  const resProof = await proveDocument(data, c, restrictedIds[2]!, key);
  await assert.rejects(proveDocument(data, c, restrictedIds[2]!), /no public shard/);
  for (const p of [pubProof, resProof]) {
    const bytes = Buffer.from(JSON.stringify(p, null, 2) + '\n');
    assert.ok(checkProofBytes(bytes, c.root).ok, 'the proof checks');
    let undetected = 0;
    for (let i = 0; i < bytes.length; i++) {
      const bad = Buffer.from(bytes);
      bad[i]! ^= 0x01;
      const r = checkProofBytes(bad, c.root);
      if (r.ok) undetected++;
      else
        assert.ok(
          r.problems.every((x) => x.startsWith('proof: ')),
          'problems name the proof',
        );
    }
    assert.equal(undetected, 0, `${p.class} proof: every one of ${bytes.length} flipped bytes is detected`);
    assert.ok(!checkProofBytes(bytes, 'f'.repeat(64)).ok, 'another published root fails');
  }
  // Through the CLI: prove, then a third party checks with only the proof and the root.
  const out = join(tmp, 'cli-proof.json');
  const pr = cli('audit', 'prove', '--doc', restrictedIds[0]!, '--run', fx.runDir, '--out', out);
  assert.equal(pr.status, 0, pr.stderr);
  const ck = cli('audit', 'check-proof', out, '--root', c.root);
  assert.equal(ck.status, 0, ck.stderr + ck.stdout);
  assert.match(ck.stdout, /proves document .* \(restricted\)/);
  assert.equal(cli('audit', 'check-proof', out, '--root', '0'.repeat(64)).status, 1);
});

async function firstPublicId(): Promise<string> {
  for await (const chunk of createLines(join(data, 'shards', 'eng_Latn', '00000.jsonl.zst'))) return JSON.parse(chunk).id as string;
  throw new Error('no public document');
}
async function* createLines(f: string): AsyncGenerator<string> {
  const text = Buffer.from(await decompressFile(f)).toString('utf8');
  for (const l of text.split('\n')) if (l) yield l;
}

test('a wrong vault key: verify says so, reads and prints no restricted text, exits non-zero', async () => {
  const wrong = join(tmp, 'wrong.key');
  generateKey(wrong);
  const r = await verifyBundle(bundle, { data, vaultKey: wrong, doc: 'x' });
  assert.ok(!r.ok);
  assert.ok(
    r.checks.some((c) => c.name === 'vault key' && /wrong key/.test(c.detail)),
    failing(r),
  );
  const res = cli('audit', 'verify', bundle, '--data', data, '--vault-key', wrong, '--json');
  assert.equal(res.status, 1);
  for (const t of fx.restricted) for (const s of t.split(': ')) assert.ok(!res.stdout.includes(s) && !res.stderr.includes(s), 'no restricted text in the output');
  // A tampered vault with the right key: named, non-zero.
  const copy = join(tmp, 'vault-tamper');
  cpSync(data, copy, { recursive: true });
  const vf = files(join(copy, 'vault')).find((f) => f.endsWith('.vault'))!;
  const b = readFileSync(vf);
  b[b.length - 20]! ^= 0x40;
  writeFileSync(vf, b);
  const t = cli('audit', 'verify', bundle, '--data', copy, '--vault-key', fx.vaultKeyFile);
  assert.equal(t.status, 1);
  assert.match(t.stdout, /FAIL\s+data: .*\.vault: sha256 .* vault file was changed/);
});

test('--text finds a public text; a restricted text only with the vault key', async () => {
  const pubText = join(tmp, 'pub.txt');
  const first = await firstPublicId();
  for await (const l of createLines(join(data, 'shards', 'eng_Latn', '00000.jsonl.zst'))) {
    const o = JSON.parse(l);
    if (o.id === first) writeFileSync(pubText, o.text + '\n');
  }
  const r = await verifyBundle(bundle, { data, text: pubText });
  assert.deepEqual(r.textMatches, [first]);
  const resText = join(tmp, 'res.txt');
  writeFileSync(resText, fx.restricted[1]!);
  assert.deepEqual((await verifyBundle(bundle, { data, text: resText })).textMatches, []);
  assert.equal((await verifyBundle(bundle, { data, text: resText, vaultKey: fx.vaultKeyFile })).textMatches!.length, 1);
});

test('missing records: an error naming them, or "not recorded" with --allow-incomplete; eval results become model-index', async () => {
  const copy = join(tmp, 'incomplete');
  cpSync(fx.runDir, copy, { recursive: true });
  rmSync(join(copy, 'tokenizer', 'tokens_per_language.json'));
  await assert.rejects(runRelease(copy, { out: join(tmp, 'inc-out') }), (e: Error & { code?: string }) => e.code === 'E_MISSING' && e.message.includes('tokens_per_language.json'));
  const r = await runRelease(copy, { out: join(tmp, 'inc-out'), allowIncomplete: true });
  assert.ok(r.warnings.some((w) => w.includes('tokens_per_language.json')));
  const ai = JSON.parse(readFileSync(join(tmp, 'inc-out', 'ai-act-summary.json'), 'utf8'));
  assert.equal(ai['1_general_information']['1.3_modalities_training_data_size_and_other_characteristics'].training_data_size.exact_tokens_public, 'not recorded');
  assert.ok((await verifyBundle(join(tmp, 'inc-out'))).ok);
  // No release fields in the config: strict fails listing them, --allow-incomplete writes them as not recorded.
  const cfgFile = join(copy, 'config.resolved.yaml');
  const cfg = YAML.parse(readFileSync(cfgFile, 'utf8'));
  delete cfg.release;
  writeFileSync(cfgFile, YAML.stringify(cfg));
  writeFileSync(join(copy, 'tokenizer', 'tokens_per_language.json'), readFileSync(join(fx.runDir, 'tokenizer', 'tokens_per_language.json')));
  await assert.rejects(runRelease(copy, { out: join(tmp, 'inc-out') }), (e: Error & { code?: string }) => e.code === 'E_INCOMPLETE' && /provider not recorded/.test(e.message));
  // An eval report (oellm.eval/1): one model-index result per task × language.
  const evalReport = {
    schema: 'oellm.eval/1',
    oellm_version: '0.1.0',
    created: '2026-12-01T00:00:00Z',
    models: [
      { id: 'core', path: 'models/core', kind: 'checkpoint', sha256: 'x' },
      { id: 'core-q4_0', path: 'models/core/core-q4_0.gguf', kind: 'gguf', sha256: 'y', quant: 'q4_0' },
    ],
    tasks: [
      { id: 'sib200', data_sha256: 'z' },
      { id: 'belebele', data_sha256: 'w' },
    ],
    results: [
      { model: 'core', task: 'sib200', lang: 'en', metric: 'acc', value: 0.31, stderr: 0.02, n: 204, shots: 0, template: 't', status: 'ok' },
      { model: 'core', task: 'sib200', lang: 'hr', metric: 'acc', value: 0.27, stderr: 0.02, n: 204, shots: 0, template: 't', status: 'ok' },
      { model: 'core', task: 'belebele', lang: 'en', metric: 'acc', value: 0.25, stderr: 0.01, n: 900, shots: 0, template: 't', status: 'ok' },
      { model: 'core', task: 'belebele', lang: 'sr', metric: 'acc', value: 0, stderr: 0, n: 0, shots: 0, template: 't', status: 'no_data' },
      { model: 'core-q4_0', task: 'sib200', lang: 'en', metric: 'acc', value: 0.29, stderr: 0.02, n: 204, shots: 0, template: 't', status: 'ok' },
    ],
    quant: [{ model: 'core-q4_0', base: 'core', lang: 'en', kld_mean: 0.0123, kld_median: 0.01, kld_p99: 0.05, top1: 0.97, rms_dp: 0.01, ppl_ratio: 1.004, n_tokens: 2048 }],
  };
  const withEval = join(tmp, 'with-eval');
  cpSync(fx.runDir, withEval, { recursive: true });
  mkdirSync(join(withEval, 'eval'), { recursive: true });
  writeFileSync(join(withEval, 'eval', 'report.json'), JSON.stringify(evalReport));
  await runRelease(withEval, { out: join(tmp, 'eval-out') });
  const card = readFileSync(join(tmp, 'eval-out', 'models', 'core', 'README.md'), 'utf8');
  const fm = YAML.parse(/^---\n([\s\S]*?)\n---/.exec(card)![1]!);
  const results = fm['model-index'][0].results as { dataset: { type: string; config: string }; metrics: { value: number }[] }[];
  assert.deepEqual(
    results.map((x) => `${x.dataset.type}/${x.dataset.config}=${x.metrics[0]!.value}`),
    ['sib200/en=0.31', 'sib200/hr=0.27', 'belebele/en=0.25'],
  );
  const gcard = readFileSync(join(tmp, 'eval-out', 'models', 'core-GGUF', 'README.md'), 'utf8');
  const gres = YAML.parse(/^---\n([\s\S]*?)\n---/.exec(gcard)![1]!)['model-index'][0].results as { dataset: { config: string }; metrics: { value: number; name: string }[] }[];
  assert.deepEqual(
    gres.map((x) => `${x.dataset.config}=${x.metrics[0]!.value} ${x.metrics[0]!.name}`),
    ['en=0.29 acc (en, q4_0)'],
    'GGUF results go to the GGUF card',
  );
  assert.match(gcard, /\| core-q4_0 \| en \| 0\.0123 \| 0\.97 \| 1\.004 \| 2048 \|/);
  const edge = YAML.parse(/^---\n([\s\S]*?)\n---/.exec(readFileSync(join(tmp, 'eval-out', 'models', 'edge', 'README.md'), 'utf8'))![1]!);
  assert.equal(edge['model-index'], undefined, 'edge has no eval results');
  assert.equal(JSON.parse(readFileSync(join(tmp, 'eval-out', 'openness', 'mof.json'), 'utf8')).components.find((x: { component: string }) => x.component === 'Evaluation results').present, 'Yes');
});

test('export gguf --commitment writes the root into the metadata; a doctored commitment file is refused', () => {
  const out = join(tmp, 'x.gguf');
  const cfile = join(bundle, 'data-commitment.json');
  const r = cli('export', 'gguf', join(fx.runDir, 'models', 'edge'), '--type', 'f16', '--out', out, '--commitment', cfile);
  assert.equal(r.status, 0, r.stderr);
  const root = JSON.parse(readFileSync(cfile, 'utf8')).root;
  assert.equal(kvValue(readGguf(out), 'oellm.data.commitment'), root);
  const bad = JSON.parse(readFileSync(cfile, 'utf8'));
  bad.shards[0].docs += 1;
  writeFileSync(join(tmp, 'bad-commitment.json'), JSON.stringify(bad));
  const r2 = cli('export', 'gguf', join(fx.runDir, 'models', 'edge'), '--type', 'f16', '--out', join(tmp, 'y.gguf'), '--commitment', join(tmp, 'bad-commitment.json'));
  assert.notEqual(r2.status, 0);
  assert.match(r2.stderr, /bad-commitment\.json.*not the root of its shard entries/);
});

test('an independent verifier written from docs/COMMITMENT.md (Python, scripts/commitment) agrees on every root and proof', async (t) => {
  if (spawnSync('python3', ['--version']).status !== 0 || spawnSync('zstd', ['--version']).status !== 0) return t.skip('python3 or zstd absent');
  const key = loadKey(fx.vaultKeyFile);
  const c = CommitmentSchema.parse(JSON.parse(readFileSync(join(bundle, 'data-commitment.json'), 'utf8')));
  let rid = '';
  for await (const d of readVaultAll(join(data, 'vault'), key)) rid ||= d.id;
  const proofs = [await proveDocument(data, c, await firstPublicId()), await proveDocument(data, c, rid, key)].map((p, i) => {
    const f = join(tmp, `py-proof-${i}.json`);
    writeFileSync(f, JSON.stringify(p, null, 2));
    return f;
  });
  const script = join(import.meta.dirname, '..', 'scripts', 'commitment', 'verify_commitment.py');
  const r = spawnSync('python3', [script, join(bundle, 'data-commitment.json'), '--data', data, ...proofs.flatMap((p) => ['--proof', p])], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.root, c.root);
  assert.equal(out.public_docs, c.docs.public);
  // And it rejects what ours rejects: a proof with a changed sibling.
  const bad = JSON.parse(readFileSync(proofs[1]!, 'utf8'));
  bad.shard.path_hashes[0] = bad.shard.path_hashes[0].replace(/^./, (ch: string) => (ch === '0' ? '1' : '0'));
  writeFileSync(proofs[1]!, JSON.stringify(bad));
  assert.equal(spawnSync('python3', [script, join(bundle, 'data-commitment.json'), '--proof', proofs[1]!]).status, 1);
});

test('the cross-check and the schemas catch a document that disagrees, a blank field, a missing section', () => {
  const rec = readRecords(fx.runDir);
  const m = JSON.parse(readFileSync(join(bundle, 'release-manifest.json'), 'utf8')) as { files: { path: string }[] };
  const docs = Object.fromEntries(m.files.map((f) => [f.path, readFileSync(join(bundle, f.path), 'utf8')]));
  assert.deepEqual(crossCheck(docs, rec), []);
  assert.deepEqual(validateDocuments(docs), []);
  const ai = JSON.parse(docs['ai-act-summary.json']!);
  const size = ai['1_general_information']['1.3_modalities_training_data_size_and_other_characteristics'].training_data_size;
  size.documents_public += 1;
  const off = crossCheck({ ...docs, 'ai-act-summary.json': JSON.stringify(ai) }, rec);
  assert.ok(
    off.some((x) => x.startsWith('public documents: ai-act-summary.json says 131, data-commitment.json says 130')),
    off.join('\n'),
  );
  const card = docs['models/edge/README.md']!.replace(/data_commitment: [0-9a-f]{64}/, `data_commitment: ${'0'.repeat(64)}`);
  assert.ok(crossCheck({ ...docs, 'models/edge/README.md': card }, rec).some((x) => x.includes('models/edge/README.md')));
  const cr = JSON.parse(docs['dataset/croissant.json']!);
  cr.distribution[0].sha256 = 'f'.repeat(64);
  assert.ok(crossCheck({ ...docs, 'dataset/croissant.json': JSON.stringify(cr) }, rec).some((x) => x.startsWith('public file checksums')));
  const pii = JSON.parse(docs['pii-report.json']!);
  pii.mode = ' ';
  delete pii.not_detected;
  const bad = validateDocuments({ ...docs, 'pii-report.json': JSON.stringify(pii) });
  assert.ok(
    bad.some((x) => x === 'pii-report.json: mode: blank field'),
    bad.join('\n'),
  );
  assert.ok(
    bad.some((x) => x.startsWith('pii-report.json: not_detected')),
    bad.join('\n'),
  );
  const noSection = JSON.parse(docs['ai-act-summary.json']!);
  delete noSection['2_list_of_data_sources']['2.5_synthetic_data'];
  assert.ok(validateDocuments({ ...docs, 'ai-act-summary.json': JSON.stringify(noSection) }).some((x) => x.includes('2.5_synthetic_data')));
});
