// The GGUF tokenizer metadata of a byte-level BPE, in one place: the tokenizer.ggml.* values
// (llama.cpp names; token types from the GGUF constants table), written as tokenizer.gguf.json
// by `oellm tokenizer train` and embedded in every model file by the GGUF export
// (`ggufTokenizerKvs`: key order and value types). Not the file format (src/formats/gguf/).
// Reference: llama.cpp gguf-py constants (Keys.Tokenizer, TokenType), convert_hf_to_gguf.py
// set_vocab_gpt2, llama-vocab.cpp pre-tokenizer names ("llama-bpe").
import { KEYS, TOKEN_TYPES } from '../formats/gguf/constants.js';
import { gv, type GgufValue } from '../formats/gguf/writer.js';
import { BOS, EOS, PAD, UNK } from './build.js';
import { LLAMA3_PATTERN, LLAMA_CPP_PRE } from './pretokenize.js';
import type { Tokenizer, TokenizerJson } from './tokenizer.js';

export interface GgufTokenizerMeta {
  'tokenizer.ggml.model': 'gpt2';
  'tokenizer.ggml.pre': string;
  'tokenizer.ggml.tokens': string[];
  'tokenizer.ggml.token_type': number[];
  'tokenizer.ggml.merges': string[];
  'tokenizer.ggml.bos_token_id'?: number;
  'tokenizer.ggml.eos_token_id'?: number;
  'tokenizer.ggml.padding_token_id'?: number;
  'tokenizer.ggml.unknown_token_id'?: number;
  'tokenizer.ggml.eot_token_id'?: number;
  'tokenizer.ggml.add_bos_token': boolean;
  'tokenizer.ggml.add_eos_token': boolean;
  'tokenizer.chat_template'?: string;
}

/** The pre-tokenizer name llama.cpp knows for this tokenizer's Split regex ("default" if none). */
export function llamaCppPre(json: TokenizerJson): string {
  const s = JSON.stringify(json.pre_tokenizer ?? null);
  if (s.includes(JSON.stringify(LLAMA3_PATTERN).slice(1, -1))) return LLAMA_CPP_PRE;
  if (s.includes('"use_regex":true') && !s.includes('"Split"')) return 'gpt-2';
  return 'default';
}

/**
 * The tokenizer.ggml.* metadata for any loaded byte-level BPE (ours or imported), with the ids
 * of bos/eos/pad/unk looked up by `config` names (tokenizer_config.json) or our defaults.
 */
export function ggufTokenizerMeta(tok: Tokenizer, config: Record<string, unknown> = {}): GgufTokenizerMeta {
  const name = (k: string, dflt: string): string | undefined => {
    const v = config[k];
    if (typeof v === 'string') return v;
    if (v && typeof v === 'object' && typeof (v as { content?: unknown }).content === 'string') return (v as { content: string }).content;
    return dflt;
  };
  const id = (k: string, dflt: string) => {
    const n = name(k, dflt);
    return n === undefined ? undefined : tok.idOf(n);
  };
  const types = new Array<number>(tok.vocabSize).fill(TOKEN_TYPES.NORMAL);
  for (const a of tok.added) types[a.id] = a.special ? TOKEN_TYPES.CONTROL : TOKEN_TYPES.USER_DEFINED;
  tok.tokens.forEach((t, i) => {
    if (t === '' && !tok.added.some((a) => a.id === i)) types[i] = TOKEN_TYPES.UNUSED;
  });
  const meta: GgufTokenizerMeta = {
    'tokenizer.ggml.model': 'gpt2',
    'tokenizer.ggml.pre': llamaCppPre(tok.json),
    'tokenizer.ggml.tokens': tok.tokens.map((t, i) => (t === '' ? `[PAD${i}]` : t)),
    'tokenizer.ggml.token_type': types,
    'tokenizer.ggml.merges': tok.merges.map(([a, b]) => `${a} ${b}`),
    'tokenizer.ggml.add_bos_token': config.add_bos_token !== false,
    'tokenizer.ggml.add_eos_token': config.add_eos_token === true,
  };
  const set = (key: keyof GgufTokenizerMeta, v: number | undefined) => {
    if (v !== undefined) (meta as unknown as Record<string, unknown>)[key] = v;
  };
  set('tokenizer.ggml.bos_token_id', id('bos_token', BOS));
  set('tokenizer.ggml.eos_token_id', id('eos_token', EOS));
  set('tokenizer.ggml.padding_token_id', id('pad_token', PAD));
  set('tokenizer.ggml.unknown_token_id', id('unk_token', UNK));
  set('tokenizer.ggml.eot_token_id', tok.idOf('<|eot_id|>'));
  if (typeof config.chat_template === 'string') meta['tokenizer.chat_template'] = config.chat_template;
  return meta;
}

/**
 * Pads the vocabulary with unused `[PAD{i}]` tokens up to `vocabSize` (a model's embedding may
 * have more rows than the tokenizer has tokens). Returns a new object; never shortens.
 */
export function padGgufVocab(meta: GgufTokenizerMeta, vocabSize: number): GgufTokenizerMeta {
  const tokens = [...meta['tokenizer.ggml.tokens']];
  const types = [...meta['tokenizer.ggml.token_type']];
  for (let i = tokens.length; i < vocabSize; i++) {
    tokens.push(`[PAD${i}]`);
    types.push(TOKEN_TYPES.UNUSED);
  }
  return { ...meta, 'tokenizer.ggml.tokens': tokens, 'tokenizer.ggml.token_type': types };
}

/** Token ids a model file states itself (its config.json / oellm.json win over tokenizer_config.json names). */
export interface TokenIdOverrides {
  bos?: number | undefined;
  eos?: number | undefined;
  pad?: number | undefined;
}

/**
 * The tokenizer.ggml.* key/value pairs a model GGUF carries, in the order the export writes
 * them (model, pre, tokens, types, merges, special ids, add_bos/eos, chat template).
 */
export function ggufTokenizerKvs(meta: GgufTokenizerMeta, ids: TokenIdOverrides = {}): [string, GgufValue][] {
  const T = KEYS.tokenizer;
  const out: [string, GgufValue][] = [
    [T.model, gv.str(meta['tokenizer.ggml.model'])],
    [T.pre, gv.str(meta['tokenizer.ggml.pre'])],
    [T.tokens, gv.arr('STRING', meta['tokenizer.ggml.tokens'])],
    [T.tokenType, gv.arr('INT32', meta['tokenizer.ggml.token_type'])],
    [T.merges, gv.arr('STRING', meta['tokenizer.ggml.merges'])],
  ];
  const id = (key: string, v: number | undefined) => {
    if (v !== undefined) out.push([key, gv.u32(v)]);
  };
  id(T.bosId, ids.bos ?? meta['tokenizer.ggml.bos_token_id']);
  id(T.eosId, ids.eos ?? meta['tokenizer.ggml.eos_token_id']);
  id(T.padId, ids.pad ?? meta['tokenizer.ggml.padding_token_id']);
  id(T.unkId, meta['tokenizer.ggml.unknown_token_id']);
  out.push([T.addBos, gv.bool(meta['tokenizer.ggml.add_bos_token'])], [T.addEos, gv.bool(meta['tokenizer.ggml.add_eos_token'])]);
  if (meta['tokenizer.chat_template']) out.push([T.chatTemplate, gv.str(meta['tokenizer.chat_template'])]);
  return out;
}
