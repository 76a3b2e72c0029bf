// Writes a trained BPE as Hugging Face files (tokenizer.json, tokenizer_config.json): the
// special tokens, the chat template, the pre-tokenizer and post-processor. Not the GGUF
// tokenizer metadata (./gguf.ts) nor the GGUF writer (src/formats/gguf/).
// Reference: Llama 3 tokenizer.json / tokenizer_config.json layout.
import { bytesToLevel } from './bytes.js';
import { GPT2_PATTERN, LLAMA3_PATTERN } from './pretokenize.js';
import type { AddedTokenJson, TokenizerJson } from './tokenizer.js';

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
const CHAT_TEMPLATE =
  "{{ bos_token }}{% for message in messages %}{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' + message['content'] | trim + '<|eot_id|>' }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}";

/** tokenizer.json for merges over GPT-2-ordered byte ids (trainer.ts output) plus specials. */
export function buildTokenizerJson(merges: [number, number][], tokenBytes: Uint8Array[], specials: string[]): TokenizerJson {
  const tokens = tokenBytes.map(bytesToLevel);
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
          pair: [{ SpecialToken: { id: BOS, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: BOS, type_id: 1 } }, { Sequence: { id: 'B', type_id: 1 } }],
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

export { GPT2_PATTERN };
