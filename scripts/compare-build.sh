#!/usr/bin/env bash
# Before/after check of `oellm build` outputs: builds the reduced config of tests/build.test.ts
# (plus a 256-wide variant for real k-quant blocks) from two checkouts into the same run path and
# compares the sha256 of every file, ignoring those that carry wall times. Not a test (minutes).
# Usage: scripts/compare-build.sh <checkout-before> <checkout-after>   (each with node_modules and build/Release)
set -euo pipefail
A=$(cd "$1" && pwd); B=$(cd "$2" && pwd)
W=$(mktemp -d /tmp/oellm-compare-XXXXXX)
cat > "$W/cfg.yaml" <<'YAML'
name: t
languages: [hr, en, sr]
tokenizer: { vocabSize: 600 }
series:
  - { name: core, preset: micro, dim: 64, nLayers: 2, maxSteps: 6, seqLen: 32, batchSize: 2, evalEvery: 3, export: [f16, q8_0, q4_0, q4_k, q6_k] }
  - { name: edge, preset: micro, dim: 32, nLayers: 1, nHeads: 2, nKvHeads: 1, ffnDim: 64, maxSteps: 4, seqLen: 32, batchSize: 2, evalEvery: 2, export: [f16, q4_0] }
  - { name: kq, preset: micro, dim: 256, nLayers: 2, nHeads: 4, nKvHeads: 2, ffnDim: 512, maxSteps: 3, seqLen: 32, batchSize: 2, evalEvery: 3, export: [q4_k, q6_k] }
YAML
for side in A B; do
  src=${!side}
  rm -rf "$W/run"
  (cd "$src" && OELLM_FROM_SOURCE=1 timeout 900 node bin/oellm.js build "$W/cfg.yaml" --out "$W/run" > "$W/$side.log" 2>&1)
  (cd "$W/run" && find . -type f | sort | xargs sha256sum) > "$W/$side.sha256"
done
# Files with wall times or timing-dependent hashes in them differ run to run.
TIMED='/\.oellm/stages/|build_summary\.json|timings\.json|\.gguf\.json|oellm\.json|train_log\.jsonl|train_result\.json|trainer_state\.json'
diff <(grep -Ev "$TIMED" "$W/A.sha256") <(grep -Ev "$TIMED" "$W/B.sha256") && echo "identical: $(grep -Evc "$TIMED" "$W/A.sha256") files (shards, tokenizer, checkpoints, GGUF); work dir $W"
