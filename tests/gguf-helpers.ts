// Shared helpers for the GGUF/export tests: a seeded PRNG, random Llama checkpoints in tmp dirs,
// a small real byte-level BPE tokenizer.json, and a bridge to ggml's own reference quantizers
// (`quantize_row_*_ref` exported by the libggml-base.so that node-llama-cpp ships) called
// through Python ctypes, so our quantizers are checked against the C code bit for bit.
// Not a test file itself (no `.test.ts`), and not a mock: every bridge runs the real library.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkModelConfig, type ModelConfig } from '../src/model/config.js';
import { paramTable, numel } from '../src/model/params.js';
import { saveCheckpoint } from '../src/model/checkpoint.js';
import { loadTokenizer, trainTokenizer, udhrTexts } from '../src/tokenizer/index.js';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export const rng = mulberry32;

/** Approximately normal values (sum of 4 uniforms), std ≈ `std`. */
export function randn(n: number, seed: number, std = 1): Float32Array {
  const r = rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (r() + r() + r() + r() - 2) * std * Math.sqrt(3);
  return out;
}

/** Temp dirs made by tmp(), removed when the test process exits. */
const made: string[] = [];
process.on('exit', () => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

export function tmp(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), `oellm-${prefix}-`));
  made.push(d);
  return d;
}

const LIB_DIR = join(repoRoot, 'node_modules', '@node-llama-cpp', 'linux-x64', 'bins', 'linux-x64');
export const GGML_BASE = join(LIB_DIR, 'libggml-base.so');

const PY = `
import ctypes, sys
lib = ctypes.CDLL(sys.argv[1])
fn, src, dst, n, nbytes = sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6])
data = open(src, 'rb').read()
x = (ctypes.c_float * n).from_buffer_copy(data)
y = (ctypes.c_uint8 * nbytes)()
getattr(lib, fn)(x, y, ctypes.c_int64(n))
open(dst, 'wb').write(bytes(y))
`;

/** Why the ggml bridge cannot run here, or undefined when it can. */
export function ggmlBridgeUnavailable(): string | undefined {
  if (process.platform !== 'linux' || process.arch !== 'x64') return 'ggml bridge needs linux-x64 binaries';
  if (!existsSync(GGML_BASE)) return `${GGML_BASE} not found`;
  const r = spawnSync('python3', ['-c', 'import ctypes'], { encoding: 'utf8' });
  if (r.status !== 0) return 'python3 with ctypes not found';
  return undefined;
}

/** Runs ggml's `fn(const float *x, void *y, int64_t n)` on x and returns the nbytes it wrote. */
export function ggmlQuantize(fn: string, x: Float32Array, nbytes: number): Uint8Array {
  const dir = tmp('ggmlref');
  const src = join(dir, 'x.f32');
  const dst = join(dir, 'y.bin');
  writeFileSync(src, new Uint8Array(x.buffer, x.byteOffset, x.byteLength));
  const r = spawnSync('python3', ['-c', PY, GGML_BASE, fn, src, dst, String(x.length), String(nbytes)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ggml bridge failed: ${r.stderr}`);
  return new Uint8Array(readFileSync(dst));
}

const PY_LLAMA_QUANTIZE = `
import ctypes, struct, sys
d = sys.argv[1]
for n in ['libggml-base.so', 'libggml.v0.5.0.so']:
    ctypes.CDLL(d + '/' + n, mode=ctypes.RTLD_GLOBAL)
lib = ctypes.CDLL(d + '/libllama.v0.5.0.so', mode=ctypes.RTLD_GLOBAL)
lib.llama_backend_init()
class P(ctypes.Structure):
    _fields_ = [('raw', ctypes.c_uint8 * 512)]
lib.llama_model_quantize_default_params.restype = P
p = lib.llama_model_quantize_default_params()
struct.pack_into('<ii', p.raw, 0, 1, int(sys.argv[4]))  # nthread, ftype: the first two fields
lib.llama_model_quantize.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.POINTER(P)]
import resource, time
r0, t0 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
rc = lib.llama_model_quantize(sys.argv[2].encode(), sys.argv[3].encode(), ctypes.byref(p))
r1, t1 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
print('OELLM_TIMES %f %f' % (t1 - t0, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)))
sys.exit(rc)
`;
import { mulberry32 } from '../src/util/rng.js';

/** Why llama.cpp's own quantizer (libllama's llama_model_quantize) cannot run here, or undefined. */
export function llamaQuantizeUnavailable(): string | undefined {
  const why = ggmlBridgeUnavailable();
  if (why) return why;
  if (!existsSync(join(LIB_DIR, 'libllama.v0.5.0.so'))) return 'libllama.v0.5.0.so not found (node-llama-cpp version changed?)';
  return undefined;
}

/**
 * Runs llama.cpp's llama_model_quantize(inp → out, ftype) exactly as `llama-quantize` does;
 * returns the wall and CPU seconds of that call alone (model load included, Python start-up not).
 */
export function llamaQuantize(inp: string, out: string, ftype: number): { wall: number; cpu: number } {
  const r = spawnSync('python3', ['-c', PY_LLAMA_QUANTIZE, LIB_DIR, inp, out, String(ftype)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`llama_model_quantize failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const m = /OELLM_TIMES ([\d.]+) ([\d.]+)/.exec(r.stdout);
  return { wall: Number(m?.[1] ?? NaN), cpu: Number(m?.[2] ?? NaN) };
}

/** Random parameters for `config`, std 0.02 (norm gains around 1). */
export function randomParams(config: ModelConfig, seed: number, std = 0.02): Map<string, Float32Array> {
  const m = new Map<string, Float32Array>();
  let s = seed;
  for (const p of paramTable(config)) {
    const a = randn(numel(p.shape), s++, std);
    if (p.kind === 'norm') for (let i = 0; i < a.length; i++) a[i] = 1 + a[i]! * 5;
    m.set(p.name, a);
  }
  return m;
}

// GPT-2 byte-to-unicode table (bytes that are printable map to themselves, others to U+0100+).
export function bytesToUnicode(): string[] {
  const bs: number[] = [];
  for (let b = 33; b <= 126; b++) bs.push(b);
  for (let b = 161; b <= 172; b++) bs.push(b);
  for (let b = 174; b <= 255; b++) bs.push(b);
  const cs = [...bs];
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n++);
    }
  }
  const out: string[] = new Array(256);
  bs.forEach((b, i) => (out[b] = String.fromCodePoint(cs[i]!)));
  return out;
}

/**
 * A real byte-level BPE tokenizer.json: `<|bos|>`, `<|eos|>` specials, 256 byte tokens, then
 * merges learned greedily from `corpus` (most frequent adjacent pair, GPT-2 pre-tokenization).
 */
export function buildBpeTokenizer(corpus: string, nMerges: number): Record<string, unknown> {
  const b2u = bytesToUnicode();
  const vocab: Record<string, number> = {};
  const specials = ['<|bos|>', '<|eos|>'];
  let id = 0;
  for (const s of specials) vocab[s] = id++;
  for (let b = 0; b < 256; b++) vocab[b2u[b]!] = id++;
  // Pre-tokenize with the GPT-2 pattern (the ByteLevel pre-tokenizer's regex).
  const re = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;
  const words = new Map<string, number>();
  for (const m of corpus.matchAll(re)) {
    const w = [...Buffer.from(m[0], 'utf8')].map((b) => b2u[b]!).join('\u0000');
    words.set(w, (words.get(w) ?? 0) + 1);
  }
  let seqs = [...words.entries()].map(([w, c]) => ({ sym: w.split('\u0000'), c }));
  const merges: string[] = [];
  for (let k = 0; k < nMerges; k++) {
    const counts = new Map<string, number>();
    for (const { sym, c } of seqs)
      for (let i = 0; i + 1 < sym.length; i++) {
        const key = `${sym[i]} ${sym[i + 1]}`;
        counts.set(key, (counts.get(key) ?? 0) + c);
      }
    let best = '';
    let bc = 0;
    for (const [key, c] of counts)
      if (c > bc || (c === bc && key < best)) {
        best = key;
        bc = c;
      }
    if (bc < 2) break;
    const [a, b] = best.split(' ') as [string, string];
    merges.push(best);
    vocab[a + b] ??= id++;
    seqs = seqs.map(({ sym, c }) => {
      const out: string[] = [];
      for (let i = 0; i < sym.length; i++) {
        if (i + 1 < sym.length && sym[i] === a && sym[i + 1] === b) {
          out.push(a + b);
          i++;
        } else out.push(sym[i]!);
      }
      return { sym: out, c };
    });
  }
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: specials.map((content, i) => ({ id: i, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab, merges },
  };
}

export const MULTILINGUAL = [
  'All human beings are born free and equal in dignity and rights.',
  'Alle Menschen sind frei und gleich an Würde und Rechten geboren.',
  'Tous les êtres humains naissent libres et égaux en dignité et en droits.',
  'Všichni lidé rodí se svobodní a sobě rovní co do důstojnosti a práv.',
  'Όλοι οι άνθρωποι γεννιούνται ελεύθεροι και ίσοι στην αξιοπρέπεια.',
  'Все люди рождаются свободными и равными в своем достоинстве и правах.',
  'Wszyscy ludzie rodzą się wolni i równi pod względem swej godności.',
  'Kaikki ihmiset syntyvät vapaina ja tasavertaisina arvoltaan ja oikeuksiltaan.',
];

/** Trains a real oellm tokenizer (src/tokenizer, Llama-3 pre-tokenizer) on UDHR text of 8 languages. */
export async function trainTestTokenizer(dir: string, vocabSize = 600): Promise<string> {
  const corpus = join(dir, 'corpus');
  mkdirSync(corpus, { recursive: true });
  const keep = new Set(['en', 'de', 'fr', 'cs', 'el', 'ru', 'pl', 'fi']);
  for (const u of udhrTexts()) if (keep.has(u.key.split(/[_-]/)[0]!)) writeFileSync(join(corpus, `${u.key}.txt`), u.text.slice(0, 4000));
  const out = join(dir, 'tok');
  await trainTokenizer({ inputs: [corpus], vocabSize, out });
  return out;
}

/** A random checkpoint with a real tokenizer; vocab = the tokenizer's size. */
export async function makeCheckpoint(
  opts: { root?: string; seed?: number; std?: number; config?: Partial<ModelConfig>; tokenizerDir?: string; vocabSize?: number } = {},
): Promise<{ dir: string; config: ModelConfig; params: Map<string, Float32Array>; tokenizerDir: string }> {
  const root = opts.root ?? tmp('ckpt');
  const tokDir = opts.tokenizerDir ?? (await trainTestTokenizer(root, opts.vocabSize));
  const tok = loadTokenizer(tokDir);
  const config = checkModelConfig({ dim: 64, nLayers: 2, nHeads: 4, nKvHeads: 2, ffnDim: 160, maxSeqLen: 256, ropeTheta: 10000, normEps: 1e-5, tiedEmbeddings: false, ...opts.config, vocabSize: opts.config?.vocabSize ?? tok.vocabSize });
  const params = randomParams(config, opts.seed ?? 1, opts.std ?? 0.05);
  const dir = join(root, 'model');
  saveCheckpoint(dir, {
    config,
    params,
    tokenizerDir: tokDir,
    tokens: { ...(tok.bosId !== undefined ? { bos: tok.bosId } : {}), ...(tok.eosId !== undefined ? { eos: tok.eosId } : {}) },
    meta: { name: 'oellm-test', languages: ['en', 'de', 'fr', 'cs', 'el', 'ru', 'pl', 'fi'] },
  });
  return { dir, config, params, tokenizerDir: tokDir };
}
