// Tests for checkpoint dirs: round trip (params, optimizer, trainer state, tokenizer copy, HF
// files), carrying unrelated files over, recovery from a kill between the swap renames, plain HF
// dirs without oellm.json, and clear errors on missing/corrupt files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync, existsSync, renameSync, rmSync, readdirSync, mkdirSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { saveCheckpoint, loadCheckpoint, recoverCheckpoint } from './checkpoint.js';
import { checkModelConfig, PRESETS } from './config.js';
import { paramTable, numel } from './params.js';
import { tmpDir } from '../../tests/helpers/step.js';

const config = checkModelConfig({ ...PRESETS.micro, vocabSize: 50, nLayers: 1, tiedEmbeddings: false });

function params(seed: number): Map<string, Float32Array> {
  const m = new Map<string, Float32Array>();
  let s = seed;
  for (const p of paramTable(config)) {
    const a = new Float32Array(numel(p.shape));
    for (let i = 0; i < a.length; i++) a[i] = (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32 - 0.5;
    m.set(p.name, a);
  }
  return m;
}

test('round trip: params, optimizer, state, tokenizer, HF files', () => {
  const root = tmpDir('oellm-ckpt-');
  const tokDir = join(root, 'tok');
  mkdirSync(tokDir);
  writeFileSync(join(tokDir, 'tokenizer.json'), '{"model":{}}');
  writeFileSync(join(tokDir, 'tokenizer_config.json'), '{}');
  const dir = join(root, 'ck');
  const p = params(1);
  const opt = { m: params(2), v: params(3) };
  saveCheckpoint(dir, { config, params: p, tokenizerDir: tokDir, tokens: { bos: 1, eos: 2 }, meta: { languages: ['en'] }, optimizer: opt, trainerState: { step: 7 } });
  const hf = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  assert.equal(hf.architectures[0], 'LlamaForCausalLM');
  assert.equal(hf.eos_token_id, 2);
  assert.ok(existsSync(join(dir, 'generation_config.json')));
  const c = loadCheckpoint(dir);
  assert.deepEqual(c.config, config);
  for (const [k, v] of p) assert.deepEqual(c.params.get(k), v);
  for (const [k, v] of opt.v) assert.deepEqual(c.optimizer!.v.get(k), v);
  assert.deepEqual(c.trainerState, { step: 7 });
  assert.deepEqual(c.meta.languages, ['en']);
  assert.equal(c.tokens.eos, 2);
  assert.equal(c.tokenizerJson, join(dir, 'tokenizer.json'));

  // Second save keeps unrelated files, leaves no temp dirs.
  writeFileSync(join(dir, 'train_log.jsonl'), '{"step":1}\n');
  saveCheckpoint(dir, { config, params: params(4) });
  assert.equal(readFileSync(join(dir, 'train_log.jsonl'), 'utf8'), '{"step":1}\n');
  assert.deepEqual(readdirSync(root).sort(), ['ck', 'tok']);
  assert.equal(loadCheckpoint(dir).optimizer, undefined);
});

test('kill between swap renames: the previous checkpoint is restored', () => {
  const root = tmpDir('oellm-ckpt-');
  const dir = join(root, 'ck');
  saveCheckpoint(dir, { config, params: params(5) });
  // Simulate: dir moved to .old-*, a half-written .tmp-* beside it, process killed.
  renameSync(dir, `${dir}.old-000000000000001-1`);
  mkdirSync(`${dir}.tmp-000000000000002-1`);
  writeFileSync(`${dir}.tmp-000000000000002-1/model.safetensors`, 'partial');
  const c = loadCheckpoint(dir);
  assert.deepEqual(c.params.get('token_embd.weight'), params(5).get('token_embd.weight'));
  assert.deepEqual(readdirSync(root), ['ck']);
  recoverCheckpoint(join(root, 'absent'));
});

test('plain Hugging Face dir without oellm.json', () => {
  const root = tmpDir('oellm-ckpt-');
  const dir = join(root, 'ck');
  saveCheckpoint(dir, { config, params: params(6) });
  rmSync(join(dir, 'oellm.json'));
  const c = loadCheckpoint(dir);
  assert.equal(c.config.dim, config.dim);
  assert.equal(c.config.vocabSize, 50);
  assert.deepEqual(c.params.get('output.weight'), params(6).get('output.weight'));
});

test('clear errors: missing dir, missing/corrupt files', () => {
  const root = tmpDir('oellm-ckpt-');
  assert.throws(() => loadCheckpoint(join(root, 'nope')), /checkpoint directory not found/);
  const dir = join(root, 'ck');
  saveCheckpoint(dir, { config, params: params(7) });
  const buf = readFileSync(join(dir, 'model.safetensors'));
  buf[buf.length - 1] ^= 0xff;
  writeFileSync(join(dir, 'model.safetensors'), buf);
  assert.throws(
    () => loadCheckpoint(dir),
    (e: Error & { file?: string }) => /model.safetensors is corrupt/.test(e.message) && e.file!.endsWith('model.safetensors'),
  );
  // Without hashes (plain HF dir), truncation is caught by the safetensors reader.
  rmSync(join(dir, 'oellm.json'));
  truncateSync(join(dir, 'model.safetensors'), 200);
  assert.throws(
    () => loadCheckpoint(dir),
    (e: Error & { file?: string }) => /safetensors/.test(e.message) && e.file!.endsWith('model.safetensors'),
  );
  rmSync(join(dir, 'model.safetensors'));
  assert.throws(() => loadCheckpoint(dir), /no model.safetensors/);
  saveCheckpoint(dir, { config, params: params(7) });
  writeFileSync(join(dir, 'config.json'), '{"hidden_size": ');
  assert.throws(() => loadCheckpoint(dir), /config.json|not valid JSON/);
});
