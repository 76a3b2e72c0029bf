// Our tokenizer vs llama.cpp (through node-llama-cpp): a trained vocabulary is embedded in a
// vocab-only GGUF (tokenizer.gguf.json keys + minimal llama hparams, written with
// src/formats/gguf/writer.ts) and llama.cpp's ids must equal ours for every UD and UDHR
// language and for random text. Reference: llama.cpp llama-vocab.cpp (pre "llama-bpe").
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getLlama, type LlamaModel } from 'node-llama-cpp';
import { GgufWriter, gv } from '../src/formats/gguf/writer.js';
import { loadTokenizer, trainTokenizer, udhrTexts, type GgufTokenizerMeta } from '../src/tokenizer/index.js';

const UD = join(import.meta.dirname, '..', '..', 'shared', 'data', 'ud');
const udLangs = readdirSync(UD)
  .filter((f) => f.endsWith('.txt'))
  .map((f) => f.replace('.txt', ''));
let tmp: string;
let tokDir: string;
let model: LlamaModel;

/** Writes a vocab-only llama GGUF from tokenizer.gguf.json (no tensors). */
function writeVocabGguf(path: string, meta: GgufTokenizerMeta): void {
  const w = new GgufWriter(path);
  w.addKv('general.architecture', gv.str('llama'));
  w.addKv('general.name', gv.str('oellm-tokenizer-test'));
  w.addKv('llama.vocab_size', gv.u32(meta['tokenizer.ggml.tokens'].length));
  w.addKv('llama.context_length', gv.u32(256));
  w.addKv('llama.embedding_length', gv.u32(64));
  w.addKv('llama.block_count', gv.u32(1));
  w.addKv('llama.feed_forward_length', gv.u32(128));
  w.addKv('llama.attention.head_count', gv.u32(4));
  w.addKv('llama.attention.head_count_kv', gv.u32(4));
  w.addKv('llama.attention.layer_norm_rms_epsilon', gv.f32(1e-5));
  w.addKv('llama.rope.dimension_count', gv.u32(16));
  for (const [k, v] of Object.entries(meta)) {
    if (typeof v === 'string') w.addKv(k, gv.str(v));
    else if (typeof v === 'boolean') w.addKv(k, gv.bool(v));
    else if (typeof v === 'number') w.addKv(k, gv.u32(v));
    else if (k === 'tokenizer.ggml.token_type') w.addKv(k, gv.arr('INT32', v as number[]));
    else w.addKv(k, gv.arr('STRING', v as string[]));
  }
  w.finish();
}

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'oellm-tokllama-'));
  const corpus = join(tmp, 'corpus');
  mkdirSync(corpus);
  for (const l of udLangs)
    writeFileSync(
      join(corpus, `${l}.txt`),
      readFileSync(join(UD, `${l}.txt`), 'utf8')
        .split('\n')
        .slice(0, 300)
        .join('\n'),
    );
  for (const u of udhrTexts()) writeFileSync(join(corpus, `${u.key}.udhr.txt`), u.text);
  tokDir = join(tmp, 'tok');
  await trainTokenizer({ inputs: [corpus], vocabSize: 2000, out: tokDir });
  const gguf = join(tmp, 'vocab.gguf');
  writeVocabGguf(gguf, JSON.parse(readFileSync(join(tokDir, 'tokenizer.gguf.json'), 'utf8')));
  const llama = await getLlama({ gpu: false, logLevel: 'error' as never, build: 'never' });
  model = await llama.loadModel({ modelPath: gguf, vocabOnly: true });
});

after(async () => {
  await model?.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

test('ids equal llama.cpp (node-llama-cpp, vocab-only GGUF) on every UD and UDHR language', () => {
  const tok = loadTokenizer(tokDir);
  let checked = 0;
  const texts: [string, string[]][] = [
    ...udLangs.map((l): [string, string[]] => [
      `ud:${l}`,
      readFileSync(join(UD, `${l}.txt`), 'utf8')
        .split('\n')
        .slice(300, 450),
    ]),
    ...udhrTexts().map((u): [string, string[]] => [`udhr:${u.key}`, [u.text]]),
    ['edge', ["I'LL be there at 12:34567, don't.", '  leading\n\n\ttabs\r\n', '👨‍👩‍👧 e\u0301\u0301 中文 עברית ქართული', '\u00a0\u3000x\u0085y']],
  ];
  for (const [name, lines] of texts) {
    for (const line of lines) {
      if (!line) continue;
      const ours = tok.encode(line);
      const theirs = Array.from(model.tokenize(line, false), Number);
      assert.deepEqual(ours, theirs, `${name}: ${JSON.stringify(line.slice(0, 80))}`);
      checked++;
    }
  }
  assert.ok(checked > 4000);
  // llama.cpp's "llama-bpe" adds bos like our tokenizer_config (add_bos_token) says.
  assert.equal(model.tokens.bos, tok.bosId);
  assert.equal(model.tokens.eos, tok.eosId);
});
