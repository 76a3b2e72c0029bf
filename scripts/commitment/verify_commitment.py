#!/usr/bin/env python3
# An independent verifier of oellm's data commitment, written from docs/COMMITMENT.md alone
# (Python standard library + the `zstd` command): recomputes every public shard root and the
# top root of a data-commitment.json, and checks inclusion proofs. Not used by oellm itself;
# it is the benchmark peer of bench/release and the proof that the spec can be reimplemented.
# Usage: verify_commitment.py <data-commitment.json> [--data <dataset dir>] [--proof <file>]...
import argparse, hashlib, json, re, subprocess, sys, time

H = lambda *parts: hashlib.sha256(b"".join(parts)).digest()
HEX = re.compile(r"^[0-9a-f]{64}$")


def leaf(doc_id: str, text_sha: bytes, salt: bytes = b"") -> bytes:
    i = doc_id.encode("utf-8")
    return H(b"\x00", b"oellm-commitment/1", bytes([len(salt)]), salt, len(i).to_bytes(4, "big"), i, text_sha)


def mth(d):
    if not d:
        return H(b"")
    if len(d) == 1:
        return d[0]
    k = 1
    while k * 2 < len(d):
        k *= 2
    return H(b"\x01", mth(d[:k]), mth(d[k:]))


def entry(path: str, docs: int, root: bytes) -> bytes:
    p = path.encode("utf-8")
    return H(b"\x02", len(p).to_bytes(4, "big"), p, docs.to_bytes(8, "big"), root)


def root_from_path(h: bytes, index: int, size: int, path):
    # RFC 9162 2.1.3.2
    if index >= size:
        return None
    fn, sn, r = index, size - 1, h
    for p in path:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = H(b"\x01", p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = H(b"\x01", r, p)
        fn >>= 1
        sn >>= 1
    return r if sn == 0 else None


def shard_docs(file: str):
    raw = subprocess.run(["zstd", "-dc", file], check=True, capture_output=True).stdout
    for line in raw.decode("utf-8").split("\n"):
        if line:
            o = json.loads(line)
            yield o["id"], o["text"]


def check_proof(p, published: str):
    keys = {"format", "id", "class", "text_sha256", "salt", "leaf", "shard", "top", "root"}
    if set(p) != keys or p["format"] != "oellm-inclusion-proof/1":
        return "fields"
    hexes = [p["text_sha256"], p["leaf"], p["root"], p["shard"]["root"], *p["shard"]["path_hashes"], *p["top"]["path_hashes"]]
    if not all(isinstance(x, str) and HEX.match(x) for x in hexes) or not (p["salt"] == "" or HEX.match(p["salt"])):
        return "hex"
    if (p["class"] == "restricted") != (p["salt"] != ""):
        return "salt"
    lf = leaf(p["id"], bytes.fromhex(p["text_sha256"]), bytes.fromhex(p["salt"]))
    if lf.hex() != p["leaf"]:
        return "leaf"
    s = p["shard"]
    r = root_from_path(lf, s["index"], s["docs"], [bytes.fromhex(x) for x in s["path_hashes"]])
    if r is None or r.hex() != s["root"]:
        return "shard path"
    t = p["top"]
    r = root_from_path(entry(s["path"], s["docs"], bytes.fromhex(s["root"])), t["index"], t["shards"], [bytes.fromhex(x) for x in t["path_hashes"]])
    if r is None or r.hex() != p["root"] or p["root"] != published:
        return "top path / root"
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("commitment")
    ap.add_argument("--data")
    ap.add_argument("--proof", action="append", default=[])
    a = ap.parse_args()
    c = json.load(open(a.commitment))
    problems = []
    top = mth([entry(s["path"], s["docs"], bytes.fromhex(s["root"])) for s in c["shards"]])
    if top.hex() != c["root"]:
        problems.append(f"top root {top.hex()} != {c['root']}")
    t0, ndocs = time.perf_counter(), 0
    if a.data:
        for s in c["shards"]:
            f = f"{a.data}/{s['path']}"
            if hashlib.sha256(open(f, "rb").read()).hexdigest() != s["sha256"]:
                problems.append(f"{s['path']}: file sha256 differs")
                continue
            if s["class"] != "public":
                continue  # needs the vault key and AES-GCM
            leaves = [leaf(i, hashlib.sha256(t.encode("utf-8")).digest()) for i, t in shard_docs(f)]
            ndocs += len(leaves)
            if mth(leaves).hex() != s["root"] or len(leaves) != s["docs"]:
                problems.append(f"{s['path']}: root differs")
    secs = time.perf_counter() - t0
    for pf in a.proof:
        why = check_proof(json.load(open(pf)), c["root"])
        if why:
            problems.append(f"{pf}: {why}")
    print(json.dumps({"ok": not problems, "root": top.hex(), "public_docs": ndocs, "seconds": secs, "problems": problems}))
    sys.exit(0 if not problems else 1)


if __name__ == "__main__":
    main()
