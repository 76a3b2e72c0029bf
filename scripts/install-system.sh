#!/usr/bin/env bash
# Installs the Debian packages oellm's tests and benchmarks use as real peers:
# Slurm + munge (executor tests), PyTorch with OpenBLAS (training reference), SentencePiece,
# Chromium (headless dashboard tests through playwright-core).
# Idempotent; skips what is present. Needs root (as on CI and the dev machines).
set -euo pipefail
want=(slurm-wlm munge python3-torch libopenblas0-pthread python3-numpy sentencepiece zstd openssl chromium)
missing=()
for p in "${want[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
