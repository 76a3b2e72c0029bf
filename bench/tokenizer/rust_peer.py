#!/usr/bin/env python3
"""Encode peer for bench/tokenizer/rust.ts: the Rust `tokenizers` library (HF, through its Python
binding) on the same tokenizer.json and the same lines, one encode call per line, one thread.
Writes every id as int32 little-endian to OUT_IDS (for the identity check) and prints one JSON
line: {"version", "cpu_s", "wall_s", "tokens", "bytes"} timed around the encode loop only.
Usage: rust_peer.py TOKENIZER_JSON LINES_FILE OUT_IDS"""
import json, os, sys, time
os.environ.setdefault("RAYON_NUM_THREADS", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
import tokenizers
from array import array

tok = tokenizers.Tokenizer.from_file(sys.argv[1])
with open(sys.argv[2], encoding="utf-8") as f:
    lines = f.read().split("\n")
lines = [l for l in lines if l]
ids = array("i")
c0, w0 = time.process_time(), time.perf_counter()
enc = tok.encode
out = [enc(l, add_special_tokens=False).ids for l in lines]
c1, w1 = time.process_time(), time.perf_counter()
for x in out:
    ids.extend(x)
with open(sys.argv[3], "wb") as f:
    ids.tofile(f)
print(json.dumps({"version": tokenizers.__version__, "cpu_s": c1 - c0, "wall_s": w1 - w0, "tokens": len(ids), "bytes": sum(len(l.encode("utf-8")) for l in lines)}))
