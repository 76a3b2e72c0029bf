// Tests of the export tables: the build's GGUF types are the export menu (q4_k_m included), the
// per-layer rules follow llama.cpp's use_more_bits, and modelIdentity gives one name and one
// ISO 639-1 language list per checkpoint whichever path exports it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GGUF_EXPORT_TYPES, VariantSchema } from '../factory/config.js';
import { EXPORT_TYPES, EXPORT_TYPE_NAMES, useMoreBits } from './types.js';
import { modelIdentity, plannedType } from './gguf.js';

test('the build accepts every export type, q4_k_m included', () => {
  assert.deepEqual([...GGUF_EXPORT_TYPES], Object.keys(EXPORT_TYPES));
  assert.ok(EXPORT_TYPE_NAMES.includes('q4_k_m'));
  assert.deepEqual(VariantSchema.parse({ name: 'x', export: ['q4_k_m'] }).export, ['q4_k_m']);
  assert.throws(() => VariantSchema.parse({ name: 'x', export: ['q3_k'] }));
});

test('q4_k_m raises attn_v and ffn_down of the use_more_bits layers to Q6_K; q4_k is the Q4_K_S mix', () => {
  // 8 layers: first and last eighth (0, 7) and every third between (3, 6).
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5, 6, 7].filter((i) => useMoreBits(i, 8)),
    [0, 3, 6, 7],
  );
  const shape = [256, 256];
  assert.equal(plannedType('q4_k_m', 'blk.3.attn_v.weight', shape, false, 3, 8), 'Q6_K');
  assert.equal(plannedType('q4_k_m', 'blk.4.attn_v.weight', shape, false, 4, 8), 'Q4_K');
  assert.equal(plannedType('q4_k_m', 'blk.0.attn_q.weight', shape, false, 0, 8), 'Q4_K');
  assert.equal(plannedType('q4_k', 'blk.3.attn_v.weight', shape, false, 3, 8), 'Q5_K', 'Q4_K_S: attn_v of layers 0-3');
  assert.equal(plannedType('q4_k', 'blk.4.attn_v.weight', shape, false, 4, 8), 'Q4_K');
  assert.equal(plannedType('q4_k', 'blk.0.ffn_down.weight', shape, false, 0, 8), 'Q5_K', 'Q4_K_S: ffn_down of the first eighth');
  assert.equal(plannedType('q4_k', 'blk.1.ffn_down.weight', shape, false, 1, 8), 'Q4_K');
  assert.equal(plannedType('q4_k_m', 'output_norm.weight', [256], false), 'F32');
});

test('modelIdentity: a build checkpoint is oellm-<build>-<variant>, languages ISO 639-1 in registry order, one per language', () => {
  const id = modelIdentity({ build: 'default', variant: 'core', languages: ['eng_Latn', 'hrv_Latn', 'srp_Cyrl', 'srp_Latn'] }, '/x/models/core');
  assert.deepEqual(id, { name: 'oellm-default-core', languages: ['hr', 'en', 'sr'] });
  assert.deepEqual(modelIdentity({ name: 'mine', languages: ['de', 'xx_Latn', 'de'] }, '/x/y'), { name: 'mine', languages: ['de', 'xx_Latn'] });
  assert.deepEqual(modelIdentity({}, '/x/imported'), { name: 'imported', languages: [] });
});
