// `oellm export megatron`: a dataset dir (shards/<lang>/*.jsonl.zst) → <prefix>.bin/.idx in
// Megatron-LM's MMIDIDX format, read back with a reader written from indexed_dataset.py: header
// bytes, dtype code (uint16 below 65500 ids, int32 above), one sequence per document = the
// tokenizer's ids + EOS, document indices 0..n, pointers; truncated/corrupt files name the file.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, truncateSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { exportMegatron, MegatronWriter, readMegatron } from '../src/export/megatron.js';
import { loadTokenizer } from '../src/tokenizer/index.js';
import { zstd } from '../src/util/compress.js';
import { FormatError } from '../src/util/errors.js';
import { MULTILINGUAL, repoRoot, tmp, trainTestTokenizer } from './gguf-helpers.js';

let root: string;
let tokDir: string;
let docs: { lang: string; text: string }[];
before(async () => {
  root = tmp('megatron');
  tokDir = await trainTestTokenizer(root, 500);
  const langs = ['de', 'en', 'fr'];
  docs = [];
  for (const [i, lang] of langs.entries()) {
    const dir = join(root, 'ds', 'shards', lang);
    mkdirSync(dir, { recursive: true });
    for (const shard of [0, 1]) {
      const texts = MULTILINGUAL.slice(i + shard, i + shard + 3).map((t, k) => `${t} (${lang} ${shard}.${k})\nzweite Zeile`);
      const lines = texts.map((text) => JSON.stringify({ id: `${lang}-${shard}`, text, lang }));
      if (shard === 1) lines.splice(1, 0, JSON.stringify({ text: '' })); // empty documents are skipped
      writeFileSync(join(dir, `0000${shard}.jsonl.zst`), zstd(Buffer.from(lines.join('\n') + '\n')));
      for (const text of texts) docs.push({ lang, text });
    }
  }
});

test('dataset → .bin/.idx: header, dtype, one sequence per document with EOS, document indices', async () => {
  const prefix = join(root, 'out', 'corpus_text_document');
  const r = await exportMegatron(join(root, 'ds'), { tokenizer: tokDir, out: prefix });
  const tok = loadTokenizer(tokDir);
  assert.equal(r.documents, docs.length);
  assert.equal(r.skipped, 3);
  assert.equal(r.dtype, 'uint16');
  assert.deepEqual(Object.keys(r.perLang), ['de', 'en', 'fr']);
  const idx = readFileSync(`${prefix}.idx`);
  assert.equal(idx.subarray(0, 9).toString('latin1'), 'MMIDIDX\x00\x00');
  assert.equal(idx.readBigUInt64LE(9), 1n);
  assert.equal(idx.readUInt8(17), 8); // DType.uint16
  assert.equal(idx.readBigUInt64LE(18), BigInt(docs.length));
  assert.equal(idx.readBigUInt64LE(26), BigInt(docs.length + 1));
  assert.equal(idx.length, 34 + docs.length * (4 + 8) + (docs.length + 1) * 8);
  const m = readMegatron(prefix);
  assert.deepEqual(
    m.documentIndices,
    Array.from({ length: docs.length + 1 }, (_, i) => i),
  );
  let tokens = 0;
  docs.forEach((d, i) => {
    const want = [...tok.encode(d.text), tok.eosId!];
    assert.deepEqual(m.sequence(i), want, `document ${i} (${d.lang})`);
    assert.equal(m.sequencePointers[i], tokens * 2);
    tokens += want.length;
  });
  assert.equal(r.tokens, tokens);
  assert.equal(readFileSync(`${prefix}.bin`).length, tokens * 2);
});

test('int32 for vocabularies of 65500 ids or more; --no-eos', async () => {
  const p = join(root, 'big');
  const w = new MegatronWriter(p, 'int32');
  w.addDocument([70000, 1, 2]);
  w.addDocument([]);
  w.addDocument([65535]);
  w.finish();
  const m = readMegatron(p);
  assert.equal(m.dtype, 'int32');
  assert.deepEqual([m.sequence(0), m.sequence(1), m.sequence(2)], [[70000, 1, 2], [], [65535]]);
  assert.deepEqual(m.sequencePointers, [0, 12, 12]);
  const u = new MegatronWriter(join(root, 'small'), 'uint16');
  assert.throws(() => u.addDocument([70000]), /token id 70000 does not fit uint16/);
  u.abort();
  const r = await exportMegatron(join(root, 'ds'), { tokenizer: tokDir, out: join(root, 'noeos'), appendEos: false });
  const tok = loadTokenizer(tokDir);
  assert.deepEqual(readMegatron(join(root, 'noeos')).sequence(0), tok.encode(docs[0]!.text));
  assert.equal(r.documents, docs.length);
});

test('truncated or corrupt .idx/.bin and bad shards: errors name the file', async () => {
  const prefix = join(root, 'out', 'corpus_text_document');
  const p = join(root, 'broken');
  copyFileSync(`${prefix}.idx`, `${p}.idx`);
  copyFileSync(`${prefix}.bin`, `${p}.bin`);
  truncateSync(`${p}.bin`, 10);
  assert.throws(
    () => readMegatron(p),
    (e: unknown) => e instanceof FormatError && e.file === `${p}.bin` && /truncated Megatron data file/.test(e.message),
  );
  truncateSync(`${p}.idx`, 40);
  assert.throws(
    () => readMegatron(p),
    (e: unknown) => e instanceof FormatError && e.file === `${p}.idx` && /truncated Megatron index/.test(e.message) && e.offset === 34,
  );
  writeFileSync(`${p}.idx`, Buffer.alloc(40));
  assert.throws(() => readMegatron(p), /bad Megatron index header/);
  const ds = join(root, 'badds', 'shards', 'en');
  mkdirSync(ds, { recursive: true });
  writeFileSync(join(ds, '00000.jsonl.zst'), zstd(Buffer.from('{"text": "ok"}\n{not json\n')));
  await assert.rejects(exportMegatron(join(root, 'badds'), { tokenizer: tokDir, out: join(root, 'x') }), (e: unknown) => e instanceof FormatError && e.offset === 2 && /line 2 is not JSON/.test(e.message) && e.file!.endsWith('00000.jsonl.zst'));
  await assert.rejects(exportMegatron(join(root, 'nothing'), { tokenizer: tokDir, out: join(root, 'y') }), /no shards\/ directory/);
});

test('CLI: oellm export megatron prints per-language counts', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'src/cli/main.ts'), 'export', 'megatron', join(root, 'ds'), '--tokenizer', tokDir, '--out', join(root, 'cli', 'data'), '--json'], { encoding: 'utf8', cwd: repoRoot });
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { documents: number; perLang: Record<string, { documents: number }> };
  assert.equal(j.documents, docs.length);
  assert.equal(j.perLang.en!.documents, 6);
});
