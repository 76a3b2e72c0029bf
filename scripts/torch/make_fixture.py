#!/usr/bin/python3
"""PyTorch reference fixture for the oellm trainer (the llm.c way): a tiny Llama (HF layout:
RMSNorm eps 1e-5, rotate-half RoPE, GQA by repeat_interleave, SwiGLU, untied lm_head) in plain
torch, written as a binary fixture with inputs, config, initial weights, logits, loss, every
parameter gradient and the losses of 10 AdamW steps (clip 1.0, no weight decay on norms).
Runs where Debian's python3-torch is installed. Not a trainer.
Usage: make_fixture.py OUT.bin [--seed 0]
Format: b"OEFX", uint32 version (1), uint32 header length, JSON header, then little-endian
tensors at header["tensors"][i]["offset"] (bytes from the start of the data section)."""
import json, math, struct, sys
import torch
import torch.nn.functional as F

MAGIC, VERSION = b"OEFX", 1
out = sys.argv[1]
seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 0
torch.manual_seed(seed)
torch.set_num_threads(1)
cfg = dict(vocab=64, dim=32, layers=2, heads=4, kv_heads=2, ffn=48, B=2, T=8, theta=10000.0, eps=1e-5)
V, C, L, NH, NKV, FF, B, T = (cfg[k] for k in ("vocab", "dim", "layers", "heads", "kv_heads", "ffn", "B", "T"))
hd = C // NH
opt_cfg = dict(lr=1e-2, beta1=0.9, beta2=0.95, eps=1e-8, weight_decay=0.1, clip=1.0, steps=10)

# Parameters in HF names, oellm table order (token_embd, per layer: attn_norm q k v o ffn_norm gate up down, output_norm, output).
names, P = [], {}
def add(name, shape, kind):
    t = (torch.randn(*shape) * 0.1 + (1.0 if kind == "norm" else 0.0)).float().requires_grad_(True)
    names.append(name); P[name] = t
add("model.embed_tokens.weight", (V, C), "emb")
for l in range(L):
    h = f"model.layers.{l}"
    add(f"{h}.input_layernorm.weight", (C,), "norm")
    add(f"{h}.self_attn.q_proj.weight", (NH * hd, C), "lin")
    add(f"{h}.self_attn.k_proj.weight", (NKV * hd, C), "lin")
    add(f"{h}.self_attn.v_proj.weight", (NKV * hd, C), "lin")
    add(f"{h}.self_attn.o_proj.weight", (C, NH * hd), "lin")
    add(f"{h}.post_attention_layernorm.weight", (C,), "norm")
    add(f"{h}.mlp.gate_proj.weight", (FF, C), "lin")
    add(f"{h}.mlp.up_proj.weight", (FF, C), "lin")
    add(f"{h}.mlp.down_proj.weight", (C, FF), "lin")
add("model.norm.weight", (C,), "norm")
add("lm_head.weight", (V, C), "lin")
init = {n: P[n].detach().clone() for n in names}

tokens = torch.randint(0, V, (B, T))
targets = torch.randint(0, V, (B, T))

inv_freq = 1.0 / (cfg["theta"] ** (torch.arange(0, hd, 2).float() / hd))
ang = torch.outer(torch.arange(T).float(), inv_freq)
emb = torch.cat((ang, ang), -1)
cos, sin = emb.cos(), emb.sin()

def rms(x, w):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + cfg["eps"]) * w

def rope(x):  # (B, H, T, hd), rotate halves
    x1, x2 = x[..., : hd // 2], x[..., hd // 2 :]
    return x * cos + torch.cat((-x2, x1), -1) * sin

def forward(idx):
    x = P["model.embed_tokens.weight"][idx]
    for l in range(L):
        h = f"model.layers.{l}"
        a = rms(x, P[f"{h}.input_layernorm.weight"])
        q = (a @ P[f"{h}.self_attn.q_proj.weight"].T).view(B, T, NH, hd).transpose(1, 2)
        k = (a @ P[f"{h}.self_attn.k_proj.weight"].T).view(B, T, NKV, hd).transpose(1, 2)
        v = (a @ P[f"{h}.self_attn.v_proj.weight"].T).view(B, T, NKV, hd).transpose(1, 2)
        q, k = rope(q), rope(k)
        k, v = k.repeat_interleave(NH // NKV, 1), v.repeat_interleave(NH // NKV, 1)
        att = (q @ k.transpose(-2, -1)) / math.sqrt(hd)
        att = att.masked_fill(torch.ones(T, T, dtype=torch.bool).triu(1), float("-inf")).softmax(-1)
        y = (att @ v).transpose(1, 2).reshape(B, T, C)
        x = x + y @ P[f"{h}.self_attn.o_proj.weight"].T
        m = rms(x, P[f"{h}.post_attention_layernorm.weight"])
        x = x + (F.silu(m @ P[f"{h}.mlp.gate_proj.weight"].T) * (m @ P[f"{h}.mlp.up_proj.weight"].T)) @ P[f"{h}.mlp.down_proj.weight"].T
    x = rms(x, P["model.norm.weight"])
    return x @ P["lm_head.weight"].T

logits = forward(tokens)
loss = F.cross_entropy(logits.view(-1, V), targets.view(-1))
loss.backward()
grads = {n: P[n].grad.detach().clone() for n in names}
logits0, loss0 = logits.detach().clone(), loss.item()

decay = [P[n] for n in names if not n.endswith("norm.weight") and "layernorm" not in n]
no_decay = [P[n] for n in names if n.endswith("norm.weight") or "layernorm" in n]
opt = torch.optim.AdamW([{"params": decay, "weight_decay": opt_cfg["weight_decay"]}, {"params": no_decay, "weight_decay": 0.0}],
                        lr=opt_cfg["lr"], betas=(opt_cfg["beta1"], opt_cfg["beta2"]), eps=opt_cfg["eps"], foreach=False)
losses, norms = [], []
for _ in range(opt_cfg["steps"]):
    opt.zero_grad(set_to_none=True)
    l = F.cross_entropy(forward(tokens).view(-1, V), targets.view(-1))
    l.backward()
    norms.append(float(torch.nn.utils.clip_grad_norm_([P[n] for n in names], opt_cfg["clip"])))
    opt.step()
    losses.append(l.item())

tensors, blobs, off = [], [], 0
def put(name, t, dtype):
    global off
    a = t.detach().contiguous()
    b = a.numpy().astype("<f4" if dtype == "F32" else "<i4").tobytes()
    tensors.append(dict(name=name, dtype=dtype, shape=list(a.shape), offset=off)); blobs.append(b); off += len(b)
put("tokens", tokens.int(), "I32"); put("targets", targets.int(), "I32")
for n in names: put("init." + n, init[n], "F32")
put("logits", logits0, "F32")
for n in names: put("grad." + n, grads[n], "F32")
header = json.dumps(dict(config=cfg, optimizer=opt_cfg, loss=loss0, losses=losses, grad_norms=norms, params=names,
                         torch=torch.__version__, tensors=tensors)).encode()
with open(out, "wb") as f:
    f.write(MAGIC + struct.pack("<II", VERSION, len(header)) + header + b"".join(blobs))
print(json.dumps(dict(out=out, loss=loss0, losses=losses[-1])))
