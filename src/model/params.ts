// The ordered parameter table of a Llama model: one row per tensor with its canonical (GGUF)
// name, its Hugging Face name and its row-major shape. It drives allocation (one Float32Array,
// named views), zero-grad, AdamW, checkpoints and export, so export is a lookup, not a mapping.
// Q/K rows are stored in Hugging Face order (rotate-half RoPE); GGUF export permutes them.
// Reference: llm.c ParameterTensors; llama.cpp gguf-py constants (tensor names).
import { headDim, type ModelConfig } from './config.js';

export interface ParamSpec {
  /** Canonical name = GGUF tensor name (`blk.0.attn_q.weight`). */
  name: string;
  /** Hugging Face LlamaForCausalLM name (`model.layers.0.self_attn.q_proj.weight`). */
  hf: string;
  /** Row-major shape, outermost first (`[out, in]` for linear weights). */
  shape: number[];
  /** Kind, for init and weight decay: RMSNorm gains are initialised to 1 and not decayed. */
  kind: 'embedding' | 'linear' | 'norm';
  /** Block index, or -1 for global tensors. */
  layer: number;
}

export function paramTable(c: ModelConfig): ParamSpec[] {
  const hd = headDim(c);
  const C = c.dim;
  const t: ParamSpec[] = [{ name: 'token_embd.weight', hf: 'model.embed_tokens.weight', shape: [c.vocabSize, C], kind: 'embedding', layer: -1 }];
  for (let i = 0; i < c.nLayers; i++) {
    const b = `blk.${i}`;
    const h = `model.layers.${i}`;
    t.push(
      { name: `${b}.attn_norm.weight`, hf: `${h}.input_layernorm.weight`, shape: [C], kind: 'norm', layer: i },
      { name: `${b}.attn_q.weight`, hf: `${h}.self_attn.q_proj.weight`, shape: [c.nHeads * hd, C], kind: 'linear', layer: i },
      { name: `${b}.attn_k.weight`, hf: `${h}.self_attn.k_proj.weight`, shape: [c.nKvHeads * hd, C], kind: 'linear', layer: i },
      { name: `${b}.attn_v.weight`, hf: `${h}.self_attn.v_proj.weight`, shape: [c.nKvHeads * hd, C], kind: 'linear', layer: i },
      { name: `${b}.attn_output.weight`, hf: `${h}.self_attn.o_proj.weight`, shape: [C, c.nHeads * hd], kind: 'linear', layer: i },
      { name: `${b}.ffn_norm.weight`, hf: `${h}.post_attention_layernorm.weight`, shape: [C], kind: 'norm', layer: i },
      { name: `${b}.ffn_gate.weight`, hf: `${h}.mlp.gate_proj.weight`, shape: [c.ffnDim, C], kind: 'linear', layer: i },
      { name: `${b}.ffn_up.weight`, hf: `${h}.mlp.up_proj.weight`, shape: [c.ffnDim, C], kind: 'linear', layer: i },
      { name: `${b}.ffn_down.weight`, hf: `${h}.mlp.down_proj.weight`, shape: [C, c.ffnDim], kind: 'linear', layer: i },
    );
  }
  t.push({ name: 'output_norm.weight', hf: 'model.norm.weight', shape: [C], kind: 'norm', layer: -1 });
  if (!c.tiedEmbeddings) t.push({ name: 'output.weight', hf: 'lm_head.weight', shape: [c.vocabSize, C], kind: 'linear', layer: -1 });
  return t;
}

export const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Total parameter count. */
export function paramCount(c: ModelConfig): number {
  return paramTable(c).reduce((s, p) => s + numel(p.shape), 0);
}

/** Offsets of each tensor in one flat buffer, in table order. */
export function paramOffsets(table: ParamSpec[]): { spec: ParamSpec; offset: number; size: number }[] {
  let off = 0;
  return table.map((spec) => {
    const size = numel(spec.shape);
    const r = { spec, offset: off, size };
    off += size;
    return r;
  });
}
