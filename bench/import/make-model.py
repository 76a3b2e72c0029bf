#!/usr/bin/env python3
# Writes a random-weight Llama checkpoint of ~1.1B parameters (TinyLlama-1.1B shape: hidden 2048,
# 22 layers, 32 heads / 4 kv, ffn 5632, vocab 32000, untied) as bf16 safetensors in N shards with
# model.safetensors.index.json, the way transformers' save_pretrained lays it out, one tensor in
# memory at a time. Not a test fixture: bench/import/run.ts makes it in a temp dir and deletes it.
# Run: /work/venv/bin/python bench/import/make-model.py <out_dir> [--shards 5] [--layers 22]
import json, os, sys
import torch
from safetensors.torch import save_file

out = sys.argv[1]
shards = int(sys.argv[sys.argv.index('--shards') + 1]) if '--shards' in sys.argv else 5
layers = int(sys.argv[sys.argv.index('--layers') + 1]) if '--layers' in sys.argv else 22
H, F, V, NH, NKV = 2048, 5632, 32000, 32, 4
hd = H // NH
os.makedirs(out, exist_ok=True)
names = [('model.embed_tokens.weight', (V, H))]
for i in range(layers):
    p = f'model.layers.{i}'
    names += [(f'{p}.input_layernorm.weight', (H,)), (f'{p}.self_attn.q_proj.weight', (NH * hd, H)), (f'{p}.self_attn.k_proj.weight', (NKV * hd, H)),
              (f'{p}.self_attn.v_proj.weight', (NKV * hd, H)), (f'{p}.self_attn.o_proj.weight', (H, NH * hd)), (f'{p}.post_attention_layernorm.weight', (H,)),
              (f'{p}.mlp.gate_proj.weight', (F, H)), (f'{p}.mlp.up_proj.weight', (F, H)), (f'{p}.mlp.down_proj.weight', (H, F))]
names += [('model.norm.weight', (H,)), ('lm_head.weight', (V, H))]
total = sum(torch.Size(s).numel() for _, s in names)
per = total / shards
g = torch.Generator().manual_seed(0)
weight_map, shard, size, k = {}, {}, 0, 1
def flush():
    global shard, size, k
    fn = f'model-{k:05d}-of-{shards:05d}.safetensors'
    save_file(shard, os.path.join(out, fn), metadata={'format': 'pt'})
    for n in shard: weight_map[n] = fn
    shard, size, k = {}, 0, k + 1
for n, s in names:
    t = (torch.ones(s) if len(s) == 1 else torch.randn(s, generator=g) * 0.02).to(torch.bfloat16)
    shard[n] = t
    size += t.numel()
    if size >= per and k < shards: flush()
if shard: flush()
json.dump({'metadata': {'total_size': total * 2}, 'weight_map': weight_map}, open(os.path.join(out, 'model.safetensors.index.json'), 'w'), indent=2)
cfg = {'architectures': ['LlamaForCausalLM'], 'model_type': 'llama', 'hidden_size': H, 'intermediate_size': F, 'num_hidden_layers': layers,
       'num_attention_heads': NH, 'num_key_value_heads': NKV, 'vocab_size': V, 'max_position_embeddings': 2048, 'rms_norm_eps': 1e-5,
       'rope_parameters': {'rope_type': 'default', 'rope_theta': 10000.0}, 'tie_word_embeddings': False, 'hidden_act': 'silu',
       'attention_bias': False, 'mlp_bias': False, 'attention_dropout': 0.0, 'bos_token_id': 1, 'eos_token_id': 2, 'dtype': 'bfloat16',
       'transformers_version': '5.18.0'}
json.dump(cfg, open(os.path.join(out, 'config.json'), 'w'), indent=2)
print(json.dumps({'params': total, 'shards': k - 1}))
