// `oellm import hf`: our checkpoint → Hugging Face dir (single file F32, sharded F16 and BF16
// with model.safetensors.index.json, as save_pretrained writes them) → import → identical
// tensors (exactly, after the source dtype's rounding); the imported checkpoint exports to a
// GGUF that llama.cpp-tokenizes and runs; unsupported architectures and broken dirs fail with
// errors naming the field, tensor or file.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importHf } from '../src/import/hf.js';
import { loadCheckpoint, saveCheckpoint } from '../src/model/checkpoint.js';
import { loadTokenizer, llamaCppPre } from '../src/tokenizer/index.js';
import { LlamaCppModel } from '../src/runtime/llamacpp.js';
import { paramTable, numel } from '../src/model/params.js';
import { checkModelConfig, toHfConfig, type ModelConfig } from '../src/model/config.js';
import { encodeSafetensors } from '../src/formats/safetensors.js';
import { f16ToF32, f32ToF16 } from '../src/formats/half.js';
import { exportGguf } from '../src/export/gguf.js';
import { readGguf } from '../src/formats/gguf/reader.js';
import { OellmError } from '../src/util/errors.js';
import { buildBpeTokenizer, makeCheckpoint, MULTILINGUAL, randomParams, tmp } from './gguf-helpers.js';

let root: string;
let ck: Awaited<ReturnType<typeof makeCheckpoint>>;
before(async () => {
  root = tmp('importhf');
  ck = await makeCheckpoint({ root, config: { nLayers: 2, tiedEmbeddings: false } });
});

/** bf16 bits by truncation-free round-to-nearest-even (what torch does). */
function toBf16(x: Float32Array): Uint16Array {
  const u = new Uint32Array(x.buffer, x.byteOffset, x.length);
  const out = new Uint16Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = (u[i]! + 0x7fff + ((u[i]! >>> 16) & 1)) >>> 16;
  return out;
}

/** Writes an HF dir: config.json, tokenizer files, weights as 1 file or `shards` files in `dtype`. */
function writeHfDir(dir: string, config: ModelConfig, params: Map<string, Float32Array>, dtype: 'F32' | 'F16' | 'BF16', shards: number, extra: Record<string, unknown> = {}): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...toHfConfig(config, { bosTokenId: 0, eosTokenId: 1, torchDtype: dtype === 'BF16' ? 'bfloat16' : dtype === 'F16' ? 'float16' : 'float32' }), ...extra }));
  for (const f of ['tokenizer.json', 'tokenizer_config.json']) copyFileSync(join(ck.tokenizerDir, f), join(dir, f));
  const table = paramTable(config);
  const per = Math.ceil(table.length / shards);
  const weightMap: Record<string, string> = {};
  for (let s = 0; s < shards; s++) {
    const file = shards === 1 ? 'model.safetensors' : `model-${String(s + 1).padStart(5, '0')}-of-${String(shards).padStart(5, '0')}.safetensors`;
    const part = table.slice(s * per, (s + 1) * per);
    for (const p of part) weightMap[p.hf] = file;
    if (dtype === 'BF16') {
      // encodeSafetensors writes F32/F16 only: build the BF16 file by hand (same layout).
      const header: Record<string, unknown> = {};
      let off = 0;
      const bufs: Buffer[] = [];
      for (const p of part) {
        const b = Buffer.from(toBf16(params.get(p.name)!).buffer);
        header[p.hf] = { dtype: 'BF16', shape: p.shape, data_offsets: [off, off + b.length] };
        off += b.length;
        bufs.push(b);
      }
      const h = Buffer.from(JSON.stringify(header));
      const len = Buffer.alloc(8);
      len.writeBigUInt64LE(BigInt(h.length));
      writeFileSync(join(dir, file), Buffer.concat([len, h, ...bufs]));
    } else {
      writeFileSync(
        join(dir, file),
        encodeSafetensors(
          part.map((p) => ({ name: p.hf, shape: p.shape, data: params.get(p.name)! })),
          { format: 'pt' },
          dtype,
        ),
      );
    }
  }
  if (shards > 1) writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify({ metadata: { total_size: 0 }, weight_map: weightMap }));
}

test('round trip: checkpoint → HF dir (F32 single, F16 sharded, BF16 sharded) → import → identical tensors', () => {
  const cases: ['F32' | 'F16' | 'BF16', number, (x: Float32Array) => Float32Array][] = [
    ['F32', 1, (x) => x],
    ['F16', 3, (x) => f16ToF32(f32ToF16(x))],
    ['BF16', 2, (x) => new Float32Array(Uint32Array.from(toBf16(x), (h) => h << 16).buffer)],
  ];
  for (const [dtype, shards, round] of cases) {
    const hf = join(root, `hf-${dtype}`);
    writeHfDir(hf, ck.config, ck.params, dtype, shards);
    const out = join(root, `imported-${dtype}`);
    const r = importHf(hf, { out });
    assert.equal(r.shards.length, shards);
    assert.deepEqual(r.dtypes, { [dtype]: paramTable(ck.config).length });
    assert.equal(r.tokenizer, true);
    const back = loadCheckpoint(out);
    assert.deepEqual(back.config, ck.config);
    assert.deepEqual(back.tokens, { bos: 0, eos: 1 });
    for (const p of paramTable(ck.config)) {
      const want = round(ck.params.get(p.name)!);
      assert.equal(back.params.get(p.name)!.length, numel(p.shape));
      assert.deepEqual(back.params.get(p.name), want, `${dtype}: ${p.name}`);
    }
    assert.ok(readFileSync(join(out, 'tokenizer.json')).equals(readFileSync(join(hf, 'tokenizer.json'))));
  }
  // The imported checkpoint exports to a GGUF with the same tokenizer.
  const g = join(root, 'imported.gguf');
  exportGguf(join(root, 'imported-BF16'), { type: 'q8_0', out: g });
  assert.equal((readGguf(g).kv.get('tokenizer.ggml.tokens')!.value as string[]).length, ck.config.vocabSize);
});

test('unsupported architectures and broken dirs: errors name the field, tensor or file', () => {
  const bad = (name: string, extra: Record<string, unknown>, re: RegExp): void => {
    const d = join(root, `bad-${name}`);
    writeHfDir(d, ck.config, ck.params, 'F32', 1, extra);
    assert.throws(
      () => importHf(d, { out: join(root, `out-${name}`) }),
      (e: unknown) => e instanceof OellmError && re.test(e.message),
      name,
    );
  };
  bad('arch', { architectures: ['GPT2LMHeadModel'], model_type: 'gpt2' }, /unsupported model: model_type is "gpt2"/);
  bad('bias', { attention_bias: true }, /unsupported model: attention_bias is true/);
  bad('rope', { rope_scaling: { type: 'dynamic', factor: 2 } }, /unsupported model: rope_scaling\.rope_type "dynamic" is not supported/);
  bad('act', { hidden_act: 'gelu' }, /hidden_act is "gelu"/);
  bad('layers', { num_hidden_layers: 3 }, /tensor model\.layers\.2\.input_layernorm\.weight is missing/);

  // lm_head missing although embeddings are not tied.
  const d = join(root, 'nohead');
  const p2 = new Map(ck.params);
  writeHfDir(d, ck.config, p2, 'F32', 2);
  const idx = JSON.parse(readFileSync(join(d, 'model.safetensors.index.json'), 'utf8'));
  delete idx.weight_map['lm_head.weight'];
  writeFileSync(join(d, 'model.safetensors.index.json'), JSON.stringify(idx));
  assert.throws(() => importHf(d, { out: join(root, 'o1') }), /tensor lm_head\.weight is missing[\s\S]*|tie_word_embeddings is false/);

  // A shard listed in the index is missing.
  const d2 = join(root, 'noshard');
  writeHfDir(d2, ck.config, ck.params, 'F16', 2);
  rmSync(join(d2, 'model-00002-of-00002.safetensors'));
  assert.throws(
    () => importHf(d2, { out: join(root, 'o2') }),
    (e: unknown) => e instanceof OellmError && /shard model-00002-of-00002\.safetensors .* is missing/.test(e.message) && e.file!.endsWith('model-00002-of-00002.safetensors'),
  );

  // NaN in a weight: named tensor.
  const p3 = new Map(ck.params);
  const w = Float32Array.from(p3.get('blk.1.attn_v.weight')!);
  w[5] = NaN;
  p3.set('blk.1.attn_v.weight', w);
  const d3 = join(root, 'nan');
  writeHfDir(d3, ck.config, p3, 'F32', 1);
  assert.throws(() => importHf(d3, { out: join(root, 'o3') }), /tensor model\.layers\.1\.self_attn\.v_proj\.weight holds a non-finite value \(NaN\) at index 5/);

  // No safetensors at all.
  const d4 = join(root, 'empty');
  mkdirSync(d4);
  writeFileSync(join(d4, 'config.json'), JSON.stringify(toHfConfig(ck.config)));
  writeFileSync(join(d4, 'pytorch_model.bin'), 'x');
  assert.throws(
    () => importHf(d4, { out: join(root, 'o4') }),
    (e: unknown) => e instanceof OellmError && /no safetensors weights/.test(e.message) && /PyTorch \.bin/.test(e.hint ?? ''),
  );
});

test('a GPT-2-style byte-level tokenizer (as imported models carry) tokenizes identically in llama.cpp', async () => {
  const d = join(root, 'gpt2tok');
  mkdirSync(join(d, 'tok'), { recursive: true });
  writeFileSync(join(d, 'tok', 'tokenizer.json'), JSON.stringify(buildBpeTokenizer(MULTILINGUAL.join('\n').repeat(3), 300)));
  writeFileSync(join(d, 'tok', 'tokenizer_config.json'), JSON.stringify({ bos_token: '<|bos|>', eos_token: '<|eos|>', add_bos_token: false }));
  const tok = loadTokenizer(join(d, 'tok'));
  assert.equal(llamaCppPre(tok.json), 'gpt-2');
  const config = checkModelConfig({ dim: 64, nLayers: 1, nHeads: 4, nKvHeads: 2, ffnDim: 160, vocabSize: tok.vocabSize + 7 }); // padded vocab
  saveCheckpoint(join(d, 'm'), { config, params: randomParams(config, 3), tokenizerDir: join(d, 'tok') });
  exportGguf(join(d, 'm'), { type: 'f32', out: join(d, 'm.gguf') });
  const g = readGguf(join(d, 'm.gguf'));
  const toks = g.kv.get('tokenizer.ggml.tokens')!.value as string[];
  assert.equal(toks.length, config.vocabSize);
  assert.equal(toks[config.vocabSize - 1], `[PAD${config.vocabSize - 1}]`);
  const m = await LlamaCppModel.load(join(d, 'm.gguf'), { threads: 1 });
  try {
    for (const t of [...MULTILINGUAL, "I'll be there at 12:34, don't   worry\n\tok", 'Ελληνικά 中文 ✓ 👨‍👩‍👧']) assert.deepEqual(m.tokenize(t), tok.encode(t), t);
  } finally {
    await m.dispose();
  }
});
