// Public API of the tokenizer module: train a language-balanced byte-level BPE into a directory
// (tokenizer.json, tokenizer_config.json, tokenizer.gguf.json, train_stats.json) and load any
// byte-level BPE tokenizer.json (ours, Llama 3, EuroLLM-style) to encode / decode.
// Not the CLI (src/cli/commands/tokenizer.ts). Reference: HF tokenizers file layout.
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { OellmError, FormatError } from '../util/errors.js';
import { writeJsonAtomic } from '../util/fs.js';
import { buildTokenizerConfig, buildTokenizerJson, specialTokens } from './build.js';
import { ggufTokenizerMeta } from './gguf.js';
import { countWords, type CorpusOptions, type CorpusStats } from './corpus.js';
import type { LearnOptions, MergeResult } from './trainer.js';
import { lockDir } from '../util/lock.js';
import { checkOutDir } from '../util/outdir.js';
import { catchStopSignals, checkStop, throwIfStopped } from '../util/interrupt.js';
import { callInWorker } from '../util/worker-call.js';

const NOTHING_WRITTEN = 'nothing was written; run the same command again to train from the start';
import { Tokenizer, type TokenizerJson } from './tokenizer.js';
import { isSentencePieceBpe, SpmBpeTokenizer } from './spm.js';

export { Tokenizer, type TokenizerJson, type EncodeOptions, type DecodeOptions } from './tokenizer.js';
export { specialTokens, BOS, EOS, PAD, UNK, CHAT_TOKENS } from './build.js';
export { ggufTokenizerMeta, ggufTokenizerKvs, padGgufVocab, llamaCppPre, type GgufTokenizerMeta, type TokenIdOverrides } from './gguf.js';
export { countWords, listSources, type CorpusOptions, type CorpusStats } from './corpus.js';
export { learnMerges } from './trainer.js';
export { SpmBpeTokenizer, isSentencePieceBpe } from './spm.js';
export { LLAMA3_PATTERN, LLAMA_CPP_PRE } from './pretokenize.js';

export interface TrainOptions extends Omit<CorpusOptions, 'onProgress'> {
  /** Total vocabulary: 256 bytes + merges + special tokens. */
  vocabSize: number;
  /** Output directory (created). */
  out: string;
  /** Reserved special tokens beyond bos/eos/pad/unk and the chat roles (default 4). */
  reservedTokens?: number;
  onProgress?: (phase: 'read' | 'merge', done: number, total: number) => void;
}

export interface TrainResult {
  dir: string;
  vocabSize: number;
  merges: number;
  /** True when the corpus ran out of pairs before reaching the requested size. */
  short: boolean;
  stats: CorpusStats;
  seconds: { read: number; merge: number };
}

/** Trains a tokenizer and writes it to `opts.out`; returns what it did. */
export async function trainTokenizer(opts: TrainOptions): Promise<TrainResult> {
  const specials = specialTokens(opts.reservedTokens ?? 4);
  const minSize = 256 + specials.length;
  if (!Number.isInteger(opts.vocabSize) || opts.vocabSize < minSize) {
    throw new OellmError(`vocabulary size ${opts.vocabSize} is smaller than the byte alphabet plus special tokens (256 + ${specials.length} = ${minSize})`, {
      code: 'E_CONFIG',
      hint: `use --vocab-size ≥ ${minSize} (typical: 8000–256000)`,
    });
  }
  checkOutDir(opts.out, { inputs: opts.inputs });
  mkdirSync(opts.out, { recursive: true });
  const unlock = lockDir(opts.out, { what: 'oellm tokenizer train' });
  const release = catchStopSignals();
  try {
    return await trainLocked(opts, specials, minSize);
  } finally {
    release();
    unlock();
  }
}

async function trainLocked(opts: TrainOptions, specials: ReturnType<typeof specialTokens>, minSize: number): Promise<TrainResult> {
  const stopped = 'tokenizer training stopped';
  const t0 = performance.now();
  const table = await countWords({ ...opts, onProgress: (d, t) => (throwIfStopped(stopped, NOTHING_WRITTEN), opts.onProgress?.('read', d, t)) });
  await checkStop(stopped, NOTHING_WRITTEN);
  const t1 = performance.now();
  const target = opts.vocabSize - minSize;
  // The merge loop is synchronous: in a worker thread, so a stop signal can end it at once.
  const mergeOpts: LearnOptions = { merges: target, ...(opts.onProgress ? { onProgress: (d: number, t: number) => opts.onProgress?.('merge', d, t) } : {}) };
  const { merges, tokenBytes } = await callInWorker<MergeResult>(new URL(`./trainer.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url), 'learnMerges', [table.words, table.weights, mergeOpts], stopped);
  await checkStop(stopped, NOTHING_WRITTEN);
  const t2 = performance.now();
  const json = buildTokenizerJson(merges, tokenBytes, specials);
  const config = buildTokenizerConfig(json);
  const tok = new Tokenizer(json);
  mkdirSync(opts.out, { recursive: true });
  writeJsonAtomic(join(opts.out, 'tokenizer.json'), json);
  writeJsonAtomic(join(opts.out, 'tokenizer_config.json'), config);
  writeJsonAtomic(join(opts.out, 'tokenizer.gguf.json'), ggufTokenizerMeta(tok, config));
  const result: TrainResult = {
    dir: opts.out,
    vocabSize: tok.vocabSize,
    merges: merges.length,
    short: merges.length < target,
    stats: table.stats,
    seconds: { read: (t1 - t0) / 1000, merge: (t2 - t1) / 1000 },
  };
  writeJsonAtomic(join(opts.out, 'train_stats.json'), {
    vocab_size: result.vocabSize,
    requested_vocab_size: opts.vocabSize,
    merges: result.merges,
    temperature: opts.temperature ?? 5,
    lang_weights: opts.langWeights ?? {},
    sample: opts.sample ?? 1,
    seed: opts.seed ?? 0,
    corpus: table.stats,
  });
  return result;
}

export interface LoadedTokenizer extends Tokenizer {
  /** tokenizer_config.json when present beside tokenizer.json, else {}. */
  config: Record<string, unknown>;
  bosId: number | undefined;
  eosId: number | undefined;
  padId: number | undefined;
  unkId: number | undefined;
  /** Where it came from (tokenizer.json path, or '<object>'). */
  source: string;
}

/** Loads a tokenizer from a directory, a tokenizer.json path, or a parsed tokenizer.json object. */
export function loadTokenizer(src: string | TokenizerJson, config?: Record<string, unknown>): LoadedTokenizer {
  let json: TokenizerJson;
  let source = '<object>';
  let cfg = config ?? {};
  if (typeof src === 'string') {
    let file = src;
    let dir: string | undefined;
    try {
      if (statSync(src).isDirectory()) {
        dir = src;
        file = join(src, 'tokenizer.json');
      }
    } catch {
      throw new OellmError(`tokenizer not found: ${src}`, { file: src, code: 'E_INPUT', hint: 'pass a directory with tokenizer.json or the path of a tokenizer.json' });
    }
    source = file;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      throw new OellmError(`no tokenizer.json in ${src}`, { file, code: 'E_INPUT', hint: 'train one with `oellm tokenizer train` or copy a Hugging Face tokenizer.json there' });
    }
    try {
      json = JSON.parse(text) as TokenizerJson;
    } catch (e) {
      throw new FormatError(`malformed tokenizer.json: ${(e as Error).message}`, { file, hint: 'the file is not valid JSON' });
    }
    if (!config) {
      const cfgFile = join(dir ?? join(file, '..'), 'tokenizer_config.json');
      try {
        cfg = JSON.parse(readFileSync(cfgFile, 'utf8')) as Record<string, unknown>;
      } catch {
        cfg = {};
      }
    }
  } else json = src;
  if (!json || typeof json !== 'object') throw new FormatError('malformed tokenizer.json: not an object', { file: source });
  // SentencePiece BPE (byte fallback, Metaspace: Llama 2, EuroLLM, Salamandra) or byte-level BPE.
  const spm = isSentencePieceBpe(json);
  const tok = (spm ? new SpmBpeTokenizer(json, source) : new Tokenizer(json, source)) as unknown as LoadedTokenizer;
  const name = (k: string): string | undefined => {
    const v = cfg[k];
    if (typeof v === 'string') return v;
    if (v && typeof v === 'object' && typeof (v as { content?: unknown }).content === 'string') return (v as { content: string }).content;
    return undefined;
  };
  tok.config = cfg;
  tok.source = source;
  tok.bosId = tok.idOf(name('bos_token') ?? (spm ? '<s>' : '<|begin_of_text|>'));
  tok.eosId = tok.idOf(name('eos_token') ?? (spm ? '</s>' : '<|end_of_text|>'));
  tok.padId = tok.idOf(name('pad_token') ?? '<|pad|>');
  tok.unkId = tok.idOf(name('unk_token') ?? (spm ? '<unk>' : '<|unk|>'));
  return tok;
}
export { reportTokenizer, type TokenizerReport, type LangFigures } from './report.js';
export { udhrTexts, type UdhrText } from './udhr.js';
