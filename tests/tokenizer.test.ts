// End-to-end tests of src/tokenizer: train on real multilingual text (../shared/data/ud + the
// UDHR), then check our ids against @huggingface/tokenizers (an implementation nobody here
// wrote) for every language, decode∘encode = identity on random valid UTF-8, the dataset-dir
// input, determinism, language weighting, and every kind of bad input.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { zstd } from '../src/util/compress.js';
import { countWords, loadTokenizer, reportTokenizer, trainTokenizer, udhrTexts, type TokenizerJson } from '../src/tokenizer/index.js';
import { mulberry32 } from '../src/util/rng.js';

const UD = join(import.meta.dirname, '..', '..', 'shared', 'data', 'ud');
const udLangs = readdirSync(UD)
  .filter((f) => f.endsWith('.txt'))
  .map((f) => f.replace('.txt', ''));
let tmp: string;
let corpus: string;
let tokDir: string;

/** Deterministic PRNG (the project's mulberry32). */
const rng = mulberry32;

function hfOf(dir: string): HfTokenizer {
  return new HfTokenizer(JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8')), JSON.parse(readFileSync(join(dir, 'tokenizer_config.json'), 'utf8')));
}

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'oellm-tok-'));
  corpus = join(tmp, 'corpus');
  mkdirSync(corpus);
  // UD sentences (first 400 per language) + every UDHR text, one document per line, lang from the name.
  for (const l of udLangs)
    writeFileSync(
      join(corpus, `${l}.txt`),
      readFileSync(join(UD, `${l}.txt`), 'utf8')
        .split('\n')
        .slice(0, 400)
        .join('\n'),
    );
  for (const u of udhrTexts()) writeFileSync(join(corpus, `${u.key}.udhr.txt`), u.text);
  tokDir = join(tmp, 'tok2k');
  await trainTokenizer({ inputs: [corpus], vocabSize: 2000, out: tokDir });
});

after(() => rmSync(tmp, { recursive: true, force: true }));

test('writes tokenizer.json, tokenizer_config.json and GGUF metadata with specials', () => {
  const json = JSON.parse(readFileSync(join(tokDir, 'tokenizer.json'), 'utf8')) as TokenizerJson;
  assert.equal(json.model.type, 'BPE');
  assert.equal(json.model.ignore_merges, true);
  const tok = loadTokenizer(tokDir);
  assert.equal(tok.vocabSize, 2000);
  for (const id of [tok.bosId, tok.eosId, tok.padId, tok.unkId]) assert.ok(id !== undefined && id >= 2000 - 11);
  assert.equal(tok.idOf('<|eot_id|>'), tok.idOf('<|end_header_id|>')! + 1);
  const meta = JSON.parse(readFileSync(join(tokDir, 'tokenizer.gguf.json'), 'utf8'));
  assert.equal(meta['tokenizer.ggml.model'], 'gpt2');
  assert.equal(meta['tokenizer.ggml.pre'], 'llama-bpe');
  assert.equal(meta['tokenizer.ggml.tokens'].length, 2000);
  assert.equal(meta['tokenizer.ggml.merges'].length, 2000 - 256 - 11);
  assert.equal(meta['tokenizer.ggml.token_type'][tok.bosId!], 3);
  assert.equal(meta['tokenizer.ggml.bos_token_id'], tok.bosId);
  // Every byte is in the vocabulary: no unknown token is ever needed.
  assert.deepEqual(
    tok.encode('\u0000\u0001\u007f'),
    [...Buffer.from('\u0000\u0001\u007f')].map((b) => tok.encode(String.fromCharCode(b))[0]),
  );
});

test('ids equal @huggingface/tokenizers on every UD and UDHR language', () => {
  const tok = loadTokenizer(tokDir);
  const hf = hfOf(tokDir);
  let checked = 0;
  const texts: [string, string[]][] = [
    ...udLangs.map((l): [string, string[]] => [
      `ud:${l}`,
      readFileSync(join(UD, `${l}.txt`), 'utf8')
        .split('\n')
        .slice(400, 700),
    ]),
    ...udhrTexts().map((u): [string, string[]] => [`udhr:${u.key}`, [u.text, ...u.text.split('\n').slice(0, 40)]]),
  ];
  for (const [name, lines] of texts) {
    for (const line of lines) {
      const ours = tok.encode(line);
      const theirs = hf.encode(line, { add_special_tokens: false }).ids;
      assert.deepEqual(ours, theirs, `${name}: ${JSON.stringify(line.slice(0, 80))}`);
      checked++;
    }
  }
  assert.ok(checked > 8000);
  // add_special_tokens: our post-processor reading matches HF's (bos first).
  assert.deepEqual(tok.encode('Hello', { addSpecialTokens: true }), hf.encode('Hello').ids);
});

const POOLS = [
  'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ',
  '0123456789.,;:!?\'"-()[]{}<>/\\@#$%^&*_+=~`|',
  ' \t\n\r\u000b\u000c\u0085\u00a0\u1680\u2000\u2009\u200b\u2028\u2029\u202f\u3000\ufeff',
  'ščćžđáéíóúýůěřňťďäöüßõåæøœçñàèìòùâêîôûëïÿłńśźżąęėįųūāēīōġħ',
  'абвгдежзийклмнопрстуфхцчшщъыьэюяјљњћџґєії',
  'αβγδεζηθικλμνξοπρστυφχψωάέήίόύώ',
  'აბგდევზთიკლმნოპჟრსტუფქღყშჩცძწჭხჯჰ',
  '\u0301\u0300\u0308\u0327\u0328\u030c\u0303', // combining marks
  '中文字符日本語ひらがなカタカナ한국어',
  'עברית العربية فارسی',
  "'s'S're'VE'Ll'D'm",
];
const EMOJI = ['😀', '👍🏽', '👨‍👩‍👧‍👦', '🇪🇺', '❤️', '🏳️‍🌈', '𝔘𝔫𝔦', '𐍈'];

function randomText(r: () => number): string {
  const n = Math.floor(r() * 40);
  let s = '';
  for (let i = 0; i < n; i++) {
    if (r() < 0.08) s += EMOJI[Math.floor(r() * EMOJI.length)];
    else {
      const pool = [...POOLS[Math.floor(r() * POOLS.length)]!];
      const k = 1 + Math.floor(r() * 6);
      for (let j = 0; j < k; j++) s += pool[Math.floor(r() * pool.length)];
    }
  }
  return s;
}

test('decode(encode(x)) == x on random valid UTF-8, and ids equal HF on the same strings', () => {
  const tok = loadTokenizer(tokDir);
  const hf = hfOf(tokDir);
  const r = rng(42);
  for (let i = 0; i < 3000; i++) {
    const s = randomText(r);
    const ids = tok.encode(s);
    assert.equal(tok.decode(ids), s, JSON.stringify(s));
    assert.deepEqual(ids, hf.encode(s, { add_special_tokens: false }).ids, JSON.stringify(s));
  }
  // Special tokens inside text are recognised (as HF does) and decode back.
  const withSpecials = 'a<|begin_of_text|>b <|eot_id|>\n';
  assert.deepEqual(tok.encode(withSpecials), hf.encode(withSpecials, { add_special_tokens: false }).ids);
  assert.equal(tok.decode(tok.encode(withSpecials)), withSpecials);
  assert.equal(tok.decode(tok.encode(withSpecials), { skipSpecialTokens: true }), 'ab \n');
});

test('digits split in groups of 1-3 and contractions as in Llama 3', () => {
  const tok = loadTokenizer(tokDir);
  const pieces = (s: string) => tok.encode(s).map((id) => tok.decode([id]));
  assert.ok(pieces('1234567').every((p) => p.length <= 3));
  assert.equal(pieces('1234567').join(''), '1234567');
  assert.ok(pieces("WE'LL").includes("'LL") || pieces("WE'LL").some((p) => p.startsWith("'")));
});

test('dataset dir (shards/<lang>/*.jsonl.zst): languages from records, balanced, deterministic', async () => {
  const ds = join(tmp, 'dataset');
  const langs = { en: 'en', hr: 'hr', mt: 'mt' };
  for (const [l, src] of Object.entries(langs)) {
    mkdirSync(join(ds, 'shards', l), { recursive: true });
    const lines = readFileSync(join(UD, `${src}.txt`), 'utf8')
      .split('\n')
      .filter(Boolean);
    const n = l === 'en' ? 600 : 60; // English 10× the others
    const recs = lines.slice(0, n).map((text, i) => JSON.stringify({ id: `${l}-${i}`, text, lang: l, source: { file: 'x', offset: i } }));
    recs.push('{not json');
    writeFileSync(join(ds, 'shards', l, '0.jsonl.zst'), zstd(Buffer.from(recs.join('\n') + '\n')));
  }
  writeFileSync(join(ds, 'manifest.json'), '{}');
  const a = await trainTokenizer({ inputs: [ds], vocabSize: 600, out: join(tmp, 'ds-a'), temperature: 5 });
  assert.deepEqual(Object.keys(a.stats.langs).sort(), ['en', 'hr', 'mt']);
  assert.equal(a.stats.langs.en!.docs, 600);
  assert.equal(a.stats.malformedRecords, 3);
  // T=5 flattens: English's share is far below its ~10× byte share.
  const enBytes = a.stats.langs.en!.bytes / a.stats.bytes;
  assert.ok(a.stats.langs.en!.share < enBytes * 0.7, `en share ${a.stats.langs.en!.share} vs bytes ${enBytes}`);
  const prop = await countWords({ inputs: [ds], temperature: 1 });
  assert.ok(Math.abs(prop.stats.langs.en!.share - enBytes) < 1e-9);
  // Weight override moves the share.
  const w = await countWords({ inputs: [ds], temperature: 5, langWeights: { mt: 3 } });
  assert.ok(w.stats.langs.mt!.share > a.stats.langs.mt!.share * 1.5);
  // Deterministic: same input and seed → byte-identical tokenizer.json.
  await trainTokenizer({ inputs: [ds], vocabSize: 600, out: join(tmp, 'ds-b'), temperature: 5 });
  assert.equal(readFileSync(join(tmp, 'ds-a', 'tokenizer.json'), 'utf8'), readFileSync(join(tmp, 'ds-b', 'tokenizer.json'), 'utf8'));
  // A document sample depends on the seed, deterministically.
  const s1 = await countWords({ inputs: [ds], sample: 0.5, seed: 1 });
  const s1b = await countWords({ inputs: [ds], sample: 0.5, seed: 1 });
  const s2 = await countWords({ inputs: [ds], sample: 0.5, seed: 2 });
  assert.equal(s1.stats.docs, s1b.stats.docs);
  assert.ok(s1.stats.docs > 250 && s1.stats.docs < 470);
  assert.notDeepEqual(s1.words, s2.words);
});

test('invalid UTF-8 in the corpus is replaced and counted, never a crash', async () => {
  const dir = join(tmp, 'bad-utf8');
  mkdirSync(dir);
  const good = Buffer.from('Dobar dan, svijete. \uFFFD stays as it is\n');
  const bad = Buffer.concat([Buffer.from('ok '), Buffer.from([0xff, 0xfe]), Buffer.from(' mid '), Buffer.from([0xe2, 0x82]), Buffer.from(' end\n')]);
  writeFileSync(join(dir, 'hr.txt'), Buffer.concat([good, bad, good]));
  const t = await countWords({ inputs: [dir] });
  assert.equal(t.stats.invalidUtf8, 3); // ff, fe, truncated e2 82
  assert.equal(t.stats.docs, 3);
  const r = await trainTokenizer({ inputs: [dir], vocabSize: 300, out: join(tmp, 'bad-out') });
  assert.equal(r.stats.invalidUtf8, 3);
});

test('bad input: empty corpus, too small a vocabulary, missing paths', async () => {
  const empty = join(tmp, 'empty');
  mkdirSync(empty);
  writeFileSync(join(empty, 'en.txt'), '\n\n');
  await assert.rejects(trainTokenizer({ inputs: [empty], vocabSize: 1000, out: join(tmp, 'x') }), /empty corpus/);
  await assert.rejects(trainTokenizer({ inputs: [corpus], vocabSize: 200, out: join(tmp, 'x') }), /smaller than the byte alphabet plus special tokens \(256 \+ 11 = 267\)/);
  await assert.rejects(trainTokenizer({ inputs: [join(tmp, 'nope')], vocabSize: 1000, out: join(tmp, 'x') }), /input not found/);
  assert.ok(!existsSync(join(tmp, 'x', 'tokenizer.json')));
});

test('malformed or unsupported tokenizer.json: errors name the field', () => {
  const good = JSON.parse(readFileSync(join(tokDir, 'tokenizer.json'), 'utf8')) as TokenizerJson;
  const variant = (f: (j: TokenizerJson) => void): TokenizerJson => {
    const j = structuredClone(good);
    f(j);
    return j;
  };
  assert.throws(() => loadTokenizer(variant((j) => (j.model.type = 'WordPiece'))), /unsupported tokenizer.json: model.type/);
  assert.throws(() => loadTokenizer(variant((j) => (j.model.byte_fallback = true))), /model.byte_fallback/);
  assert.throws(() => loadTokenizer(variant((j) => (j.normalizer = { type: 'Lowercase' }))), /normalizer.type "Lowercase"/);
  assert.throws(() => loadTokenizer(variant((j) => (j.pre_tokenizer = { type: 'Metaspace', replacement: '▁' }))), /pre_tokenizer.type "Metaspace"/);
  assert.throws(() => loadTokenizer(variant((j) => (j.decoder = { type: 'WordPiece' }))), /decoder.type "WordPiece"/);
  assert.throws(() => loadTokenizer(variant((j) => (j.model.merges = ['Ġ zzzz']))), /merges\[0\].*missing from model.vocab/);
  assert.throws(() => loadTokenizer(variant((j) => delete (j.model.vocab as Record<string, number>)['!'])), /missing byte-level token for byte 33/);
  assert.throws(() => loadTokenizer({} as TokenizerJson), /no `model` object/);
  const f = join(tmp, 'broken.json');
  writeFileSync(f, '{"model": ');
  assert.throws(() => loadTokenizer(f), /malformed tokenizer.json/);
  assert.throws(() => loadTokenizer(join(tmp, 'missing-dir')), /tokenizer not found/);
  // A plain tokenizer.json path works like its directory.
  assert.deepEqual(loadTokenizer(join(tokDir, 'tokenizer.json')).encode('Zdravo svete'), loadTokenizer(tokDir).encode('Zdravo svete'));
});

test('report: parity object per language relative to English on the UDHR', () => {
  const r = reportTokenizer('t', loadTokenizer(tokDir));
  assert.equal(r.parity.en, 1);
  for (const k of ['bg', 'sr', 'sr_Latn', 'ka', 'mt', 'lb', 'cnr']) assert.ok(r.parity[k]! > 0.5 && r.parity[k]! < 4, `${k}: ${r.parity[k]}`);
  assert.equal(Object.keys(r.parity).length, udhrTexts().length);
  assert.ok(r.summary.spread >= 1 && r.summary.worstParity >= r.summary.bestParity);
});

test('other HF layouts: merges as pairs, GPT-2 ByteLevel regex, NFC normalizer — ids equal HF', () => {
  const good = JSON.parse(readFileSync(join(tokDir, 'tokenizer.json'), 'utf8')) as TokenizerJson;
  const cfg = JSON.parse(readFileSync(join(tokDir, 'tokenizer_config.json'), 'utf8'));
  const lines = [...readFileSync(join(UD, 'de.txt'), 'utf8').split('\n').slice(0, 100), ...readFileSync(join(UD, 'el.txt'), 'utf8').split('\n').slice(0, 100), 'Cafe\u0301 1234567 x  \n y'];
  const layouts: [string, (j: TokenizerJson) => void][] = [
    ['pairs', (j) => (j.model.merges = (j.model.merges as string[]).map((m) => m.split(' ') as [string, string]))],
    ['gpt2', (j) => (j.pre_tokenizer = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true })],
    ['gpt2+prefix', (j) => (j.pre_tokenizer = { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true })],
    ['nfc', (j) => (j.normalizer = { type: 'NFC' })],
    ['merges-on', (j) => (j.model.ignore_merges = false)],
  ];
  for (const [name, f] of layouts) {
    const j = structuredClone(good);
    f(j);
    const ours = loadTokenizer(j, cfg);
    const hf = new HfTokenizer(j, cfg);
    for (const l of lines) assert.deepEqual(ours.encode(l), hf.encode(l, { add_special_tokens: false }).ids, `${name}: ${JSON.stringify(l.slice(0, 60))}`);
  }
});
