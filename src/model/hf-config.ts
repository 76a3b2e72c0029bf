// Hugging Face `config.json` (LlamaForCausalLM / MistralForCausalLM) → ModelConfig, field by
// field: every key is read, ignored with a reason (it cannot change the forward pass), or
// refused by name — never silently defaulted. Reads both the transformers 4 layout (`rope_theta`,
// `rope_scaling`) and the transformers 5 layout (`rope_parameters: {rope_theta, rope_type, …}`).
// Not the weights (src/import/hf.ts) and not the RoPE math (rope.ts).
// Reference: transformers 5.18 configuration_llama.py, modeling_rope_utils.py (standardize_rope_params).
import { checkModelConfig, type ModelConfig, type RopeScaling } from './config.js';
import { OellmError } from '../util/errors.js';

export type FieldStatus = 'read' | 'default' | 'ignored' | 'refused';
export interface FieldReport {
  field: string;
  status: FieldStatus;
  value?: unknown;
  /** What it became (read/default) or why (ignored/refused). */
  note: string;
}

export interface HfConfigRead {
  config: ModelConfig;
  tokens: { bos?: number; eos?: number; pad?: number; eosAll?: number[] };
  fields: FieldReport[];
  /** `transformers 4` (rope_theta / rope_scaling) or `transformers 5` (rope_parameters). */
  layout: 'transformers 4' | 'transformers 5';
  architecture: string;
}

/** Keys that cannot change LlamaForCausalLM's logits (bookkeeping, generation defaults, dtype of the file). */
const IGNORABLE: Record<string, string> = Object.fromEntries([
  ['transformers_version', 'bookkeeping'],
  ['torch_dtype', 'storage dtype; oellm computes in float32'],
  ['dtype', 'storage dtype; oellm computes in float32'],
  ['use_cache', 'KV cache switch, same results'],
  ['initializer_range', 'only used to initialise new weights'],
  ['pretraining_tp', 'tensor-parallel slicing, mathematically identical'],
  ['_name_or_path', 'bookkeeping'],
  ['name_or_path', 'bookkeeping'],
  ['model_type', 'checked'],
  ['architectures', 'checked'],
  ['output_attentions', 'output switch'],
  ['output_hidden_states', 'output switch'],
  ['return_dict', 'output switch'],
  ['torchscript', 'export switch'],
  ['use_bfloat16', 'storage dtype'],
  ['id2label', 'classification heads only'],
  ['label2id', 'classification heads only'],
  ['problem_type', 'classification heads only'],
  ['tokenizer_class', 'names the tokenizer; tokenizer.json is read'],
  ['prefix', 'generation prompt prefix'],
  ['task_specific_params', 'pipeline defaults'],
  ['finetuning_task', 'bookkeeping'],
  ['is_encoder_decoder', 'false for causal LMs'],
  ['is_decoder', 'causal LMs'],
  ['add_cross_attention', 'encoder-decoder only'],
  ['tie_encoder_decoder', 'encoder-decoder only'],
  ['cross_attention_hidden_size', 'encoder-decoder only'],
  ['decoder_start_token_id', 'encoder-decoder only'],
  ['sep_token_id', 'not used by causal LMs'],
  ['chunk_size_feed_forward', 'chunking, mathematically identical'],
  ['pruned_heads', 'empty'],
  ['tf_legacy_loss', 'TensorFlow only'],
  ['_attn_implementation', 'kernel choice (eager/sdpa), same math'],
  ['_attn_implementation_autoset', 'kernel choice'],
  ['attn_implementation', 'kernel choice'],
  ['_commit_hash', 'bookkeeping'],
  ['max_length', 'generation default'],
  ['min_length', 'generation default'],
  ['do_sample', 'generation default'],
  ['early_stopping', 'generation default'],
  ['num_beams', 'generation default'],
  ['num_beam_groups', 'generation default'],
  ['diversity_penalty', 'generation default'],
  ['temperature', 'generation default'],
  ['top_k', 'generation default'],
  ['top_p', 'generation default'],
  ['typical_p', 'generation default'],
  ['repetition_penalty', 'generation default'],
  ['length_penalty', 'generation default'],
  ['no_repeat_ngram_size', 'generation default'],
  ['encoder_no_repeat_ngram_size', 'generation default'],
  ['bad_words_ids', 'generation default'],
  ['num_return_sequences', 'generation default'],
  ['output_scores', 'generation default'],
  ['return_dict_in_generate', 'generation default'],
  ['forced_bos_token_id', 'generation default'],
  ['forced_eos_token_id', 'generation default'],
  ['remove_invalid_values', 'generation default'],
  ['exponential_decay_length_penalty', 'generation default'],
  ['suppress_tokens', 'generation default'],
  ['begin_suppress_tokens', 'generation default'],
]);

/** Keys whose presence alone is a refusal, with the reason. */
const REFUSE: Record<string, string> = {
  quantization_config: 'quantized checkpoints (GPTQ/AWQ/bitsandbytes) are not imported; import the unquantized model',
  auto_map: 'the model ships its own modeling code (trust_remote_code); its forward pass is unknown',
};

const ROPE_KEYS: Record<string, string[]> = {
  default: [],
  linear: ['factor'],
  llama3: ['factor', 'low_freq_factor', 'high_freq_factor', 'original_max_position_embeddings'],
  yarn: ['factor', 'original_max_position_embeddings', 'beta_fast', 'beta_slow', 'attention_factor', 'mscale', 'mscale_all_dim', 'truncate'],
};

/** A config with refused fields: `fields` is the whole report (read, ignored and refused). */
export class UnsupportedModelError extends OellmError {
  readonly fields: FieldReport[];
  constructor(fields: FieldReport[], file: string) {
    const refused = fields.filter((x) => x.status === 'refused');
    super(`unsupported model: ${refused.map((r) => `${r.field} ${r.note}`).join('; ')}`, {
      file,
      code: 'E_UNSUPPORTED',
      hint: 'oellm imports Llama-architecture models (LlamaForCausalLM, MistralForCausalLM without sliding window) with default, linear, llama3 or yarn RoPE',
    });
    this.name = 'UnsupportedModelError';
    this.fields = fields;
  }
  override format(): string {
    const refused = this.fields.filter((x) => x.status === 'refused');
    return `${this.file}: unsupported model, ${refused.length} field(s) refused:\n${refused.map((r) => `  - ${r.field}: ${r.note}`).join('\n')}${this.hint ? `\n  hint: ${this.hint}` : ''}`;
  }
}

export interface ReadHfConfigOptions {
  /** Unknown top-level fields the caller vouches do not change the computation. */
  allowFields?: string[];
}

/**
 * Reads a HF config object. Throws one OellmError listing every refused field (code
 * E_UNSUPPORTED, `fields` with the full report) when any is refused.
 */
export function readHfConfig(hf: Record<string, unknown>, file = 'config.json', o: ReadHfConfigOptions = {}): HfConfigRead {
  const fields: FieldReport[] = [];
  const seen = new Set<string>();
  const put = (field: string, status: FieldStatus, note: string, value?: unknown): void => {
    seen.add(field.split('.')[0]!);
    fields.push({ field, status, note, ...(value !== undefined ? { value } : {}) });
  };
  const refuse = (field: string, note: string, value?: unknown): void => put(field, 'refused', note, value);
  const has = (k: string): boolean => hf[k] !== undefined && hf[k] !== null;

  // Architecture.
  const archs = hf.architectures;
  const arch = Array.isArray(archs) && typeof archs[0] === 'string' ? archs[0] : undefined;
  const modelType = typeof hf.model_type === 'string' ? hf.model_type : undefined;
  if (modelType !== undefined && !['llama', 'mistral'].includes(modelType)) refuse('model_type', `is "${modelType}" (not a Llama-architecture model: llama, mistral)`, modelType);
  else if (modelType !== undefined) put('model_type', 'read', modelType, modelType);
  if (arch !== undefined && !['LlamaForCausalLM', 'MistralForCausalLM'].includes(arch)) refuse('architectures', `is "${arch}" (not LlamaForCausalLM or MistralForCausalLM)`, archs);
  else if (arch !== undefined) put('architectures', 'read', arch, archs);

  const num = (k: string, as: string, dflt?: number, why?: string): number => {
    const v = hf[k];
    if (typeof v === 'number' && Number.isFinite(v)) {
      put(k, 'read', as, v);
      return v;
    }
    if ((v === undefined || v === null) && dflt !== undefined) {
      put(k, 'default', `${as} = ${dflt} (${why ?? 'transformers default'})`);
      return dflt;
    }
    refuse(k, v === undefined || v === null ? 'is missing' : `is not a number (${JSON.stringify(v)})`, v);
    return NaN;
  };
  const vocabSize = num('vocab_size', 'vocabSize');
  const dim = num('hidden_size', 'dim');
  const nLayers = num('num_hidden_layers', 'nLayers');
  const nHeads = num('num_attention_heads', 'nHeads');
  const nKvHeads = num('num_key_value_heads', 'nKvHeads', nHeads, 'transformers: equal to num_attention_heads');
  const ffnDim = num('intermediate_size', 'ffnDim');
  const maxSeqLen = num('max_position_embeddings', 'maxSeqLen', 2048, 'LlamaConfig default');
  const normEps = num('rms_norm_eps', 'normEps', 1e-6, 'LlamaConfig default');

  let headDim: number | undefined;
  if (has('head_dim')) {
    const hd = hf.head_dim;
    if (typeof hd !== 'number' || !Number.isInteger(hd) || hd <= 0) refuse('head_dim', `is not a positive integer (${JSON.stringify(hd)})`, hd);
    else if (hd === dim / nHeads) put('head_dim', 'read', `${hd} (= hidden_size / num_attention_heads)`, hd);
    else {
      headDim = hd;
      put('head_dim', 'read', `headDim ${hd} (≠ hidden_size / num_attention_heads = ${dim / nHeads})`, hd);
    }
  }

  if (hf.tie_word_embeddings === undefined || hf.tie_word_embeddings === null) put('tie_word_embeddings', 'default', 'tiedEmbeddings = false (LlamaConfig default)');
  else if (typeof hf.tie_word_embeddings !== 'boolean') refuse('tie_word_embeddings', 'is not a boolean', hf.tie_word_embeddings);
  else put('tie_word_embeddings', 'read', `tiedEmbeddings = ${hf.tie_word_embeddings}`, hf.tie_word_embeddings);
  const tied = hf.tie_word_embeddings === true;

  // Fields that must hold their Llama value.
  const mustBe = (k: string, ok: (v: unknown) => boolean, want: string): void => {
    if (!(k in hf)) return;
    const v = hf[k];
    if (ok(v)) put(k, 'read', `${JSON.stringify(v)} (${want})`, v);
    else refuse(k, `is ${JSON.stringify(v)}; oellm computes ${want}`, v);
  };
  mustBe('hidden_act', (v) => v === 'silu', 'silu (SwiGLU)');
  mustBe('attention_bias', (v) => v === false || v === null, 'no attention biases');
  mustBe('mlp_bias', (v) => v === false || v === null, 'no MLP biases');
  mustBe('attention_dropout', (v) => v === 0 || v === null, 'no attention dropout');
  mustBe('partial_rotary_factor', (v) => v === 1 || v === null, 'RoPE over the whole head');
  if ('sliding_window' in hf) {
    if (hf.sliding_window === null || hf.sliding_window === undefined) put('sliding_window', 'read', 'null (full attention)', null);
    else if (modelType === 'llama') put('sliding_window', 'ignored', 'LlamaForCausalLM does not read it (full attention)', hf.sliding_window);
    else refuse('sliding_window', `is ${JSON.stringify(hf.sliding_window)}; oellm computes full causal attention`, hf.sliding_window);
  }
  if ('layer_types' in hf) {
    const lt = hf.layer_types;
    if (lt === null || (Array.isArray(lt) && lt.every((x) => x === 'full_attention'))) put('layer_types', 'read', 'all full_attention', lt);
    else refuse('layer_types', 'mixes attention types; oellm computes full attention in every layer', lt);
  }

  // RoPE: transformers 4 (rope_theta + rope_scaling) or 5 (rope_parameters).
  const layout: HfConfigRead['layout'] = has('rope_parameters') ? 'transformers 5' : 'transformers 4';
  let ropeTheta = 10000;
  let rope: RopeScaling | undefined;
  {
    const rs = hf.rope_scaling;
    const rp = hf.rope_parameters;
    if (rs !== undefined && rs !== null && (typeof rs !== 'object' || Array.isArray(rs))) refuse('rope_scaling', 'is not an object', rs);
    if (rp !== undefined && rp !== null && (typeof rp !== 'object' || Array.isArray(rp))) refuse('rope_parameters', 'is not an object', rp);
    const src = { ...((rs as Record<string, unknown>) ?? {}), ...((rp as Record<string, unknown>) ?? {}) };
    const where = has('rope_parameters') ? 'rope_parameters' : 'rope_scaling';
    if (has('rope_parameters') && ['full_attention', 'sliding_attention'].some((k) => k in src)) refuse('rope_parameters', 'is nested per layer type; oellm has one RoPE for all layers', rp);
    // theta: rope_parameters.rope_theta wins (transformers 5), then top-level rope_theta.
    if (typeof src.rope_theta === 'number') {
      ropeTheta = src.rope_theta;
      put(`${where}.rope_theta`, 'read', `ropeTheta = ${ropeTheta}`, ropeTheta);
      if (has('rope_theta') && hf.rope_theta !== ropeTheta) refuse('rope_theta', `top-level ${String(hf.rope_theta)} contradicts ${where}.rope_theta ${ropeTheta}`, hf.rope_theta);
      else if (has('rope_theta')) put('rope_theta', 'read', 'same as rope_parameters.rope_theta', hf.rope_theta);
    } else if (typeof hf.rope_theta === 'number') {
      ropeTheta = hf.rope_theta;
      put('rope_theta', 'read', `ropeTheta = ${ropeTheta}`, ropeTheta);
    } else if (has('rope_theta')) refuse('rope_theta', 'is not a number', hf.rope_theta);
    else put('rope_theta', 'default', 'ropeTheta = 10000 (transformers default_theta)');
    const type = String(src.rope_type ?? src.type ?? 'default');
    const allowed = ROPE_KEYS[type];
    if (!allowed) refuse(`${where}.rope_type`, `"${type}" is not supported (default, linear, llama3, yarn are)`, type);
    else {
      put(`${where}.rope_type`, (src.rope_type ?? src.type) ? 'read' : 'default', type, src.rope_type ?? src.type);
      for (const k of Object.keys(src)) {
        if (['rope_type', 'type', 'rope_theta'].includes(k)) continue;
        if (!allowed.includes(k)) {
          if (k === 'partial_rotary_factor' && (src[k] === 1 || src[k] === null)) put(`${where}.${k}`, 'read', 'RoPE over the whole head', src[k]);
          else if (src[k] === null && k !== 'factor') put(`${where}.${k}`, 'ignored', 'null', null);
          else refuse(`${where}.${k}`, `is not a ${type} RoPE parameter oellm computes`, src[k]);
        }
      }
      const f = (k: string, dflt?: number, why?: string): number => {
        const v = src[k];
        if (typeof v === 'number' && Number.isFinite(v) && v > 0) {
          put(`${where}.${k}`, 'read', String(v), v);
          return v;
        }
        if ((v === undefined || v === null) && dflt !== undefined) {
          put(`${where}.${k}`, 'default', `${dflt} (${why ?? 'transformers default'})`);
          return dflt;
        }
        refuse(`${where}.${k}`, v === undefined || v === null ? `is required for ${type} RoPE` : `is not a positive number (${JSON.stringify(v)})`, v);
        return NaN;
      };
      const origCtx = (): number => {
        // transformers: a top-level original_max_position_embeddings wins, else the rope dict's, else max_position_embeddings.
        if (typeof hf.original_max_position_embeddings === 'number') {
          put('original_max_position_embeddings', 'read', `originalContext = ${hf.original_max_position_embeddings}`, hf.original_max_position_embeddings);
          return hf.original_max_position_embeddings;
        }
        return f('original_max_position_embeddings', maxSeqLen, 'transformers: max_position_embeddings');
      };
      if (type === 'linear') rope = { type: 'linear', factor: f('factor') };
      else if (type === 'llama3') rope = { type: 'llama3', factor: f('factor'), lowFreqFactor: f('low_freq_factor'), highFreqFactor: f('high_freq_factor'), originalContext: origCtx() };
      else if (type === 'yarn') {
        const originalContext = origCtx();
        const factor = src.factor === undefined || src.factor === null ? f('factor', maxSeqLen / originalContext, 'transformers: max_position_embeddings / original_max_position_embeddings') : f('factor');
        const mscale = (s: number, m = 1): number => (s <= 1 ? 1 : 0.1 * m * Math.log(s) + 1);
        let attentionFactor: number;
        if (typeof src.attention_factor === 'number') attentionFactor = f('attention_factor');
        else if (typeof src.mscale === 'number' && typeof src.mscale_all_dim === 'number' && src.mscale && src.mscale_all_dim) {
          attentionFactor = mscale(factor, src.mscale) / mscale(factor, src.mscale_all_dim);
          put(`${where}.mscale`, 'read', `attention factor ${attentionFactor} with mscale_all_dim`, src.mscale);
        } else {
          attentionFactor = mscale(factor);
          put(`${where}.attention_factor`, 'default', `${attentionFactor} (transformers: 0.1·ln(factor) + 1)`);
        }
        const truncate = src.truncate === undefined || src.truncate === null ? true : src.truncate === true;
        if (src.truncate !== undefined && typeof src.truncate !== 'boolean' && src.truncate !== null) refuse(`${where}.truncate`, 'is not a boolean', src.truncate);
        rope = { type: 'yarn', factor, originalContext, betaFast: f('beta_fast', 32), betaSlow: f('beta_slow', 1), attentionFactor, truncate };
      }
    }
    if (has('rope_scaling') && has('rope_parameters')) put('rope_scaling', 'read', 'merged under rope_parameters (transformers 5 does the same)', rs);
    seen.add('rope_scaling').add('rope_parameters').add('rope_theta').add('original_max_position_embeddings');
  }

  // Special token ids (eos may be a list: the first is the GGUF eos, all stop generation).
  const tokens: HfConfigRead['tokens'] = {};
  const ids = (k: 'bos_token_id' | 'eos_token_id' | 'pad_token_id'): number[] | undefined => {
    const v = hf[k];
    if (v === undefined) return undefined;
    if (v === null) {
      put(k, 'read', 'none', null);
      return undefined;
    }
    const list = Array.isArray(v) ? v : [v];
    if (!list.length || !list.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= 0)) {
      refuse(k, 'is not a token id or a list of token ids', v);
      return undefined;
    }
    put(k, 'read', list.length > 1 ? `${list[0]} (GGUF id; all of ${JSON.stringify(list)} stop generation)` : String(list[0]), v);
    return list as number[];
  };
  const bos = ids('bos_token_id');
  const eos = ids('eos_token_id');
  const pad = ids('pad_token_id');
  if (bos) tokens.bos = bos[0]!;
  if (eos) {
    tokens.eos = eos[0]!;
    if (eos.length > 1) tokens.eosAll = eos;
  }
  if (pad) tokens.pad = pad[0]!;

  // Everything else: ignorable, refused by rule, or unknown (refused unless allowed).
  const allow = new Set(o.allowFields ?? []);
  for (const k of Object.keys(hf)) {
    if (seen.has(k) || ['bos_token_id', 'eos_token_id', 'pad_token_id'].includes(k)) continue;
    if (k in REFUSE) refuse(k, REFUSE[k]!, hf[k]);
    else if (k in IGNORABLE) put(k, 'ignored', IGNORABLE[k]!, hf[k]);
    else if (allow.has(k)) put(k, 'ignored', 'allowed by --allow-field', hf[k]);
    else refuse(k, 'is a field oellm does not know; it may change the computation (pass --allow-field ' + k + ' if it does not)', hf[k]);
  }

  if (fields.some((x) => x.status === 'refused')) throw new UnsupportedModelError(fields, file);
  const config = checkModelConfig({
    vocabSize,
    dim,
    nLayers,
    nHeads,
    nKvHeads,
    ffnDim,
    maxSeqLen,
    ropeTheta,
    normEps,
    tiedEmbeddings: tied,
    ...(rope ? { rope } : {}),
    ...(headDim !== undefined ? { headDim } : {}),
  });
  return { config, tokens, fields, layout, architecture: arch ?? modelType ?? 'LlamaForCausalLM' };
}

/** Reads a HF `config.json` object into a ModelConfig; throws naming every refused field. */
export function fromHfConfig(hf: Record<string, unknown>, file = 'config.json', o: ReadHfConfigOptions = {}): ModelConfig {
  return readHfConfig(hf, file, o).config;
}
