// Writes a trained BPE as Hugging Face files (tokenizer.json, tokenizer_config.json) and the
// tokenizer metadata GGUF needs (tokenizer.gguf.json: tokenizer.ggml.* keys, llama.cpp names).
// Not the GGUF writer (src/formats/gguf/), which embeds these keys into a model file.
// Reference: Llama 3 tokenizer.json / tokenizer_config.json layout; llama.cpp gguf-py
// constants (TokenType NORMAL=1 CONTROL=3 USER_DEFINED=4) and llama-vocab.cpp pre "llama-bpe".
import { BYTE_TO_CHAR } from './bytes.js';
import { GPT2_PATTERN, LLAMA3_PATTERN, LLAMA_CPP_PRE } from './pretokenize.js';
import type { AddedTokenJson, Tokenizer, TokenizerJson } from './tokenizer.js';

export const BOS = '<|begin_of_text|>';
export const EOS = '<|end_of_text|>';
export const PAD = '<|pad|>';
export const UNK = '<|unk|>';
/** Chat-role tokens, as Llama 3 names them. */
export const CHAT_TOKENS = ['<|start_header_id|>', '<|end_header_id|>', '<|eot_id|>'] as const;

/** The special tokens in id order after the merges: bos, eos, pad, unk, chat roles, reserved. */
export function specialTokens(reserved: number): string[] {
  const out = [BOS, EOS, PAD, UNK, ...CHAT_TOKENS];
  for (let i = 0; i < reserved; i++) out.push(`<|reserved_special_token_${i}|>`);
  return out;
}

/** Llama-3-style chat template over our role tokens (jinja, as HF tokenizer_config expects). */
export const CHAT_TEMPLATE =
  "{{ bos_token }}{% for message in messages %}{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' + message['content'] | trim + '<|eot_id|>' }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}";

function levelString(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(BYTE_TO_CHAR[b]!);
  return s;
}

/** tokenizer.json for merges over GPT-2-ordered byte ids (trainer.ts output) plus specials. */
export function buildTokenizerJson(merges: [number, number][], tokenBytes: Uint8Array[], specials: string[]): TokenizerJson {
  const tokens = tokenBytes.map(levelString);
  const vocab: Record<string, number> = {};
  tokens.forEach((t, i) => {
    if (!(t in vocab)) vocab[t] = i;
  });
  const added: AddedTokenJson[] = specials.map((content, k) => ({
    id: tokens.length + k,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  }));
  const bosId = tokens.length;
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: null,
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Split', pattern: { Regex: LLAMA3_PATTERN }, behavior: 'Isolated', invert: false },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
      ],
    },
    post_processor: {
      type: 'Sequence',
      processors: [
        { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
        {
          type: 'TemplateProcessing',
          single: [{ SpecialToken: { id: BOS, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
          pair: [
            { SpecialToken: { id: BOS, type_id: 0 } },
            { Sequence: { id: 'A', type_id: 0 } },
            { SpecialToken: { id: BOS, type_id: 1 } },
            { Sequence: { id: 'B', type_id: 1 } },
          ],
          special_tokens: { [BOS]: { id: BOS, ids: [bosId], tokens: [BOS] } },
        },
      ],
    },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: true,
      vocab,
      merges: merges.map(([a, b]) => `${tokens[a]} ${tokens[b]}`),
    },
  };
}

export function buildTokenizerConfig(json: TokenizerJson): Record<string, unknown> {
  const decoder: Record<string, unknown> = {};
  for (const a of json.added_tokens ?? []) {
    decoder[String(a.id)] = { content: a.content, lstrip: !!a.lstrip, normalized: !!a.normalized, rstrip: !!a.rstrip, single_word: !!a.single_word, special: !!a.special };
  }
  return {
    added_tokens_decoder: decoder,
    bos_token: BOS,
    eos_token: EOS,
    pad_token: PAD,
    unk_token: UNK,
    add_bos_token: true,
    add_eos_token: false,
    clean_up_tokenization_spaces: false,
    chat_template: CHAT_TEMPLATE,
    model_input_names: ['input_ids', 'attention_mask'],
    model_max_length: 131072,
    tokenizer_class: 'PreTrainedTokenizerFast',
  };
}

/** GGUF token types (llama.cpp gguf-py TokenType). */
export const GGUF_TOKEN_TYPE = { NORMAL: 1, UNKNOWN: 2, CONTROL: 3, USER_DEFINED: 4, UNUSED: 5, BYTE: 6 } as const;

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
  const types = new Array<number>(tok.vocabSize).fill(GGUF_TOKEN_TYPE.NORMAL);
  for (const a of tok.added) types[a.id] = a.special ? GGUF_TOKEN_TYPE.CONTROL : GGUF_TOKEN_TYPE.USER_DEFINED;
  tok.tokens.forEach((t, i) => {
    if (t === '' && !tok.added.some((a) => a.id === i)) types[i] = GGUF_TOKEN_TYPE.UNUSED;
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

export { GPT2_PATTERN };
