// Wall time of `oellm build`'s eval stage (src/eval/build.ts) on the default series' shapes: core
// (dim 128, 4 layers) and edge (dim 64, 2 layers), vocab 4096, random weights, each exported to
// F16 / Q8_0 / Q4_0, all 39 registry languages, the build's limits — the figure that decides
// whether the default build stays inside 600 s. A second call shows the cached rerun.
// Run: `npx tsx bench/eval/build-stage.ts`. Prints seconds; asserts nothing.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg, tmpdir } from 'node:os';
import { checkModelConfig } from '../../src/model/config.js';
import { saveCheckpoint } from '../../src/model/checkpoint.js';
import { exportGguf } from '../../src/export/gguf.js';
import { loadTokenizer } from '../../src/tokenizer/index.js';
import { LANGUAGE_CODES } from '../../src/lang/index.js';
import { buildEval, formatBuildEval, BUILD_EVAL_LIMITS } from '../../src/eval/build.js';
import { randomParams, trainTestTokenizer } from '../../tests/gguf-helpers.js';

const root = join(tmpdir(), `oellm-bench-build-eval-${process.pid}`);
mkdirSync(root, { recursive: true });
try {
  const tokDir = await trainTestTokenizer(root, 4096);
  const V = loadTokenizer(tokDir).vocabSize;
  const shapes = { core: { dim: 128, nLayers: 4, ffnDim: 352 }, edge: { dim: 64, nLayers: 2, ffnDim: 192 } };
  const variants = [];
  for (const [name, sh] of Object.entries(shapes)) {
    const config = checkModelConfig({ ...sh, nHeads: 4, nKvHeads: 2, maxSeqLen: 128, ropeTheta: 10000, normEps: 1e-5, tiedEmbeddings: true, vocabSize: V });
    const dir = join(root, 'models', name);
    saveCheckpoint(dir, { config, params: randomParams(config, 1, 0.05), tokenizerDir: tokDir, tokens: { bos: 0, eos: 1 } });
    const gguf = (['f16', 'q8_0', 'q4_0'] as const).map((type) => {
      const path = join('models', name, `${name}-${type}.gguf`);
      exportGguf(dir, { type, out: join(root, path) });
      return { type, path };
    });
    variants.push({ name, gguf });
  }
  console.log(`limits ${JSON.stringify(BUILD_EVAL_LIMITS)}, ${LANGUAGE_CODES.length} languages, 2 variants × 3 exports; load average ${loadavg()[0]!.toFixed(1)} on ${(await import('node:os')).availableParallelism()} cores`);
  const t0 = performance.now();
  const s = await buildEval({ runDir: root, variants, languages: [...LANGUAGE_CODES] });
  const first = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  await buildEval({ runDir: root, variants, languages: [...LANGUAGE_CODES] });
  const again = (performance.now() - t1) / 1000;
  console.log(formatBuildEval(s).split('\n').slice(0, 4).join('\n'));
  console.log(`eval stage: ${first.toFixed(1)} s first run, ${again.toFixed(1)} s cached rerun (load average now ${loadavg()[0]!.toFixed(1)})`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
