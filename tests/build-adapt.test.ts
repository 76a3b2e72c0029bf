// Adaptation through `oellm build`: a series variant with `init: <HF dir>` (a transformers-saved
// Llama with rope_parameters θ 500000 and a SentencePiece tokenizer, tests/fixtures/hf-import)
// continues pretraining on the run's corpus with its own tokenizer (never retrained), keeps its
// architecture (RoPE, GQA), measures validation bits per byte per language before and after,
// and exports GGUFs that llama.cpp loads and generates from.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBuild, resolveBuildConfig } from '../src/factory/build.js';
import { loadCheckpoint } from '../src/model/checkpoint.js';
import { kvValue, readGguf } from '../src/formats/gguf/reader.js';
import { ConfigError } from '../src/util/errors.js';
import { repoRoot } from './gguf-helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'oellm-adapt-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const INIT = join(repoRoot, 'tests', 'fixtures', 'hf-import', 'gqa-t5');

test('series[].init adapts an imported HF model: own tokenizer, warm start, bpb before/after, GGUF', async () => {
  const file = join(tmp, 'adapt.yaml');
  writeFileSync(
    file,
    `name: adapt
languages: [en, de, cs]
tokenizer: { vocabSize: 300 }
series:
  - { name: eu, init: ${INIT}, maxSteps: 12, seqLen: 32, batchSize: 4, lr: 0.003, warmupSteps: 2, evalEvery: 6, export: [f32, q8_0] }
`,
  );
  const out = join(tmp, 'run');
  const s = await runBuild({ file, out });
  const v = s.variants[0]!;
  assert.equal(v.init, INIT);
  assert.ok(v.valBpbBefore, 'bits per byte before adaptation');
  const langs = Object.keys(v.valBpb);
  assert.ok(langs.length >= 3, `validation languages: ${langs}`);
  const mean = (r: Record<string, number>) => langs.reduce((a, l) => a + r[l]!, 0) / langs.length;
  assert.ok(mean(v.valBpb) < mean(v.valBpbBefore!), `bpb after ${mean(v.valBpb)} < before ${mean(v.valBpbBefore!)}`);
  const ck = loadCheckpoint(join(out, v.checkpoint));
  const init = loadCheckpoint(INIT);
  assert.equal(ck.config.ropeTheta, 500000);
  assert.equal(ck.config.nKvHeads, 2);
  assert.equal(readFileSync(join(out, v.checkpoint, 'tokenizer.json'), 'utf8'), readFileSync(join(INIT, 'tokenizer.json'), 'utf8'), 'the model keeps its own tokenizer');
  // warm start: the adapted embedding is still the imported one, moved a little
  const a = ck.params.get('token_embd.weight')!;
  const b = init.params.get('token_embd.weight')!;
  let dot = 0,
    na = 0,
    nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  const cos = dot / Math.sqrt(na * nb);
  assert.ok(cos > 0.9 && cos < 1 - 1e-9, `cosine(adapted, imported) = ${cos}`);
  for (const g of v.gguf) {
    const gg = readGguf(join(out, g.path));
    assert.equal(kvValue(gg, 'tokenizer.ggml.model'), 'llama');
    assert.equal(kvValue(gg, 'llama.rope.freq_base'), 500000);
    assert.ok(typeof g.sample === 'string' && g.sample.length > 0, `${g.path} generated in llama.cpp`);
  }
});

test('series[].init that is not a model dir is a config error naming the field', () => {
  const file = join(tmp, 'bad.yaml');
  writeFileSync(file, `series:\n  - { name: eu, init: ${join(tmp, 'nope')} }\n`);
  assert.throws(
    () => resolveBuildConfig(file),
    (e: unknown) => e instanceof ConfigError && /series\.0\.init/.test(e.message),
  );
});
