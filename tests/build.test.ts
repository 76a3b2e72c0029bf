// End-to-end test of `oellm build` on a reduced embedded default: every artefact of the run dir
// exists and is valid (resolved config, dataset manifest balance, tokenizer, checkpoints, GGUF
// files that llama.cpp loads and generates from), stage caching, and bad configs.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBuild, resolveBuildConfig } from '../src/factory/build.js';
import { ConfigError } from '../src/util/errors.js';
import { kvValue, readGguf } from '../src/formats/gguf/reader.js';
import { exportGguf } from '../src/export/gguf.js';
import { listShards, loadTrainData } from '../src/train/data.js';
import { TrainConfigSchema } from '../src/train/index.js';
import { loadTokenizer } from '../src/tokenizer/index.js';
import { readJsonl } from '../src/data/index.js';
import { smallBuildYaml } from './helpers/build.js';
import { getLanguage, label } from '../src/lang/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'oellm-build-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const small = (extra = '') => {
  const f = join(tmp, `b-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(f, smallBuildYaml(extra));
  return f;
};

test('a reduced embedded build produces every artefact, and a re-run is fully cached', async () => {
  const out = join(tmp, 'run');
  const file = small();
  const s = await runBuild({ file, out });
  assert.ok(existsSync(join(out, 'config.resolved.yaml')));
  assert.match(readFileSync(join(out, 'config.resolved.yaml'), 'utf8'), /vocabSize: 600/);
  const m = JSON.parse(readFileSync(join(out, 'data', 'manifest.json'), 'utf8'));
  assert.equal(m.counts.in, m.counts.kept + m.counts.dropped + m.counts.quarantined);
  assert.ok(existsSync(join(out, 'tokenizer', 'tokenizer.json')));
  for (const l of s.languages) assert.ok(l.docs > 0 && l.tokens > 0, `${l.code} has documents and tokens`);
  assert.deepEqual(s.missing, []);
  assert.equal(s.variants.length, 2);
  for (const v of s.variants) {
    for (const f of ['model.safetensors', 'config.json', 'tokenizer.json', 'train_log.jsonl']) assert.ok(existsSync(join(out, v.checkpoint, f)), `${v.name}/${f}`);
    assert.ok(Object.keys(v.valBpb).length > 0, `${v.name} has validation bits per byte`);
    for (const g of v.gguf) {
      const gg = readGguf(join(out, g.path));
      assert.equal(kvValue(gg, 'general.architecture'), 'llama');
      assert.ok(typeof g.sample === 'string' && g.sample.length > 0, `${g.path} generated text in llama.cpp`);
    }
  }
  assert.deepEqual(
    s.variants[0]!.gguf.map((g) => g.type),
    ['f16', 'q8_0', 'q4_0'],
  );
  // `oellm export gguf` of the same checkpoint states the same name and languages as the build.
  const built = readGguf(join(out, s.variants[0]!.gguf[0]!.path));
  const exported = join(tmp, 'core-again.gguf');
  exportGguf(join(out, s.variants[0]!.checkpoint), { type: 'f16', out: exported });
  const again1 = readGguf(exported);
  assert.equal(kvValue(built, 'general.name'), 'oellm-t-core');
  assert.deepEqual(kvValue(built, 'general.languages'), ['hr', 'en', 'sr']);
  for (const k of ['general.name', 'general.languages']) assert.deepEqual(kvValue(again1, k), kvValue(built, k), k);
  // The eval stage: per-language figures for every export, quant cost per quantized type.
  assert.ok(existsSync(join(out, 'eval', 'report.json')) && existsSync(join(out, 'eval', 'report.md')));
  for (const l of ['en', 'hr', 'sr']) {
    for (const id of ['core-f16', 'core-q8_0', 'core-q4_0', 'edge-f16', 'edge-q4_0'])
      assert.ok(
        s.eval!.floresBpb[id]![l]! > 0,
        `${id} ${l} bpb: ${readFileSync(join(out, 'eval', 'report.md'), 'utf8')
          .split('Rows without a value')[1]
          ?.slice(0, 600)}`,
      );
    assert.ok(s.eval!.quantKld['core-q4_0']![l]! >= 0 && s.eval!.sib200['core-f16']![l]! >= 0);
    // The build's own held-out validation documents, scored as the `text` task on every export.
    for (const id of ['core-f16', 'core-q8_0', 'core-q4_0', 'edge-f16', 'edge-q4_0']) {
      const v = s.eval!.valTextBpb[id]![l]!;
      assert.ok(Number.isFinite(v) && v > 0, `${id} ${l} validation-text bpb: ${v}`);
    }
  }
  // eval/val/<lang>.txt holds exactly the trainer's held-out documents, none it trained on: each
  // block's tokens are a document of the trainer's validation stream and of no training document.
  const cfg = TrainConfigSchema.parse({ data: join(out, 'data'), tokenizer: join(out, 'tokenizer'), out: join(tmp, 'unused') });
  const tok = loadTokenizer(cfg.tokenizer);
  const split = await loadTrainData(cfg.data, tok, tok.eosId!, { seed: 0, valFraction: cfg.valFraction, maxValDocs: cfg.maxValDocs, temperature: cfg.temperature });
  const docsOf = (a: Int32Array): string[] => {
    const docs: string[] = [];
    let cur: number[] = [];
    for (const t of a) {
      if (t !== tok.eosId) cur.push(t);
      else {
        docs.push(cur.join(','));
        cur = [];
      }
    }
    return docs;
  };
  const shardTexts = new Set<string>();
  for (const files of listShards(cfg.data).values()) for (const f of files) for await (const r of readJsonl<{ text: string }>(f)) shardTexts.add(r.text.trim());
  for (const l of ['en', 'hr', 'sr']) {
    const lang = getLanguage(l);
    const data = split.filter((d) => lang.scripts.some((sc) => label(lang, sc) === d.lang));
    const val = new Set(data.flatMap((d) => docsOf(d.val)));
    const trained = new Set(data.flatMap((d) => docsOf(d.train.toArray())));
    const blocks = readFileSync(join(out, 'eval', 'val', `${l}.txt`), 'utf8')
      .trim()
      .split('\n\n');
    assert.equal(
      blocks.length,
      data.reduce((n, d) => n + d.valDocs, 0),
      `${l}: one block per held-out document`,
    );
    for (const b of blocks) {
      assert.ok(shardTexts.has(b), `${l}: a validation block is a dataset document`);
      const ids = tok.encode(b).join(',');
      assert.ok(val.has(ids) && !trained.has(ids), `${l}: "${b.slice(0, 40)}…" is held out, not trained on`);
    }
  }
  split.forEach((d) => d.train.close());
  const again = await runBuild({ file, out });
  assert.ok(
    again.stages.every((r) => r.skipped),
    'second run skips every stage',
  );
  assert.deepEqual(again.eval!.floresBpb, s.eval!.floresBpb);
});

test('changing only the series re-runs only that training and export', async () => {
  const out = join(tmp, 'run');
  const file = small().replace(/$/, '');
  const text = readFileSync(file, 'utf8').replace('maxSteps: 4,', 'maxSteps: 5,');
  writeFileSync(file, text);
  const s = await runBuild({ file, out });
  const ran = s.stages.filter((r) => !r.skipped).map((r) => r.stage);
  assert.deepEqual(ran.sort(), ['eval', 'export-edge-f16', 'export-edge-q4_0', 'release', 'train-edge']);
});

test('a configured language with no documents: the build goes on and says so', async () => {
  const inp = join(tmp, 'in.jsonl');
  const en = 'All human beings are born free and equal in dignity and rights. They are endowed with reason and conscience and should act towards one another in a spirit of brotherhood.';
  writeFileSync(inp, [0, 1, 2, 3].map((i) => JSON.stringify({ id: `d${i}`, text: `${en} Document ${i} of the test, with its own words number ${i * 7}.`, lang: 'en' })).join('\n') + '\n');
  const file = small(`corpus: { embedded: false, inputs: ["${inp}"] }\ndata: { dedup: { minhash: false, exact: false }, quality: { enabled: false } }`).replace('languages: [en, hr, sr]', 'languages: [en, fi]');
  writeFileSync(
    file,
    readFileSync(file, 'utf8')
      .replace('languages: [en, hr, sr]', 'languages: [en, fi]')
      .replace(/export: \[[^\]]*\]/g, 'export: [f16]'),
  );
  const s = await runBuild({ file, out: join(tmp, 'run-missing') });
  assert.deepEqual(s.missing, ['fi']);
  assert.ok(s.languages.find((l) => l.code === 'en')!.docs > 0);
});

test('an invalid config lists every problem with its path before any work', () => {
  const f = join(tmp, 'bad.yaml');
  writeFileSync(f, 'name: x\nlanguages: [en, xx]\ncolour: blue\ntokenizer: { vocabSize: 10 }\nseries:\n  - { name: a, dim: 100, nHeads: 3 }\n  - { name: a }\ndata: { workers: 0 }\n');
  try {
    resolveBuildConfig(f);
    assert.fail('expected a ConfigError');
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    const paths = e.issues.map((i) => i.path).join(' ');
    for (const p of ['languages.1', 'tokenizer.vocabSize', 'series.1.name']) assert.ok(paths.includes(p), `${p} in ${paths}`);
    assert.match(e.message, /colour/);
  }
});

test('an unusable run directory is a clear error naming the path, not a crash', async () => {
  const file = join(tmp, 'a-file');
  writeFileSync(file, 'x');
  await assert.rejects(runBuild({ file: small(), out: join(file, 'run') }), (e: Error & { code?: string }) => e.code === 'E_OUT' && /lies below .*a-file, which is a file/.test(e.message) && (e as { file?: string }).file === join(file, 'run'));
});
