#!/usr/bin/env python3
# The peer for bench/import: transformers loads the same sharded bf16 checkpoint (bf16, CPU)
# and touches every weight; prints wall seconds and peak RSS. Run by bench/import/run.ts.
import json, resource, sys, time
t0 = time.time()
import torch
from transformers import LlamaForCausalLM
m = LlamaForCausalLM.from_pretrained(sys.argv[1], dtype=torch.bfloat16)
s = sum(float(p.float().abs().sum()) for p in m.parameters())  # touch every weight
print(json.dumps({'seconds': time.time() - t0, 'maxrss_kb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, 'params': sum(p.numel() for p in m.parameters())}))
