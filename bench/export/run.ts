// Export and llama.cpp generation benchmark on a ~55M-parameter random Llama checkpoint (preset
// `base`, vocab 16384): (1) export speed in MB/s of F32 weights for F16, Q8_0 and Q4_0, against
// llama.cpp's own quantizer (`llama_model_quantize` from node-llama-cpp's libllama, one thread,
// run through Python ctypes on our F32 export) in the same run, with the ratio; (2) generation
// tokens/s in llama.cpp (node-llama-cpp, CPU) of our Q8_0 and Q4_0 exports vs the F32 export of
// the same model, same run. Run: `npx tsx bench/export/run.ts [--threads 1] [--tokens 64]
// [--json out.json]`. Not a test: timings are printed, nothing is asserted.
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { checkModelConfig, PRESETS } from '../../src/model/config.js';
import { paramCount } from '../../src/model/params.js';
import { saveCheckpoint, loadCheckpoint } from '../../src/model/checkpoint.js';
import { exportGguf, type ExportType } from '../../src/export/gguf.js';
import { FILE_TYPES } from '../../src/formats/gguf/constants.js';
import { LlamaCppModel } from '../../src/runtime/llamacpp.js';
import { llamaQuantize, llamaQuantizeUnavailable, randomParams, trainTestTokenizer } from '../../tests/gguf-helpers.js';

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const threads = Number(arg('threads', '1'));
const nTokens = Number(arg('tokens', '64'));
const reps = Number(arg('reps', '3'));
const jsonOut = process.argv.includes('--json') ? arg('json', '') : '';

const root = join(tmpdir(), `oellm-bench-export-${process.pid}`);
mkdirSync(root, { recursive: true });
try {
  const tokDir = await trainTestTokenizer(root, 600);
  const config = checkModelConfig({ ...PRESETS.base!, vocabSize: 16384 });
  console.log(`model: preset base, vocab 16384 → ${(paramCount(config) / 1e6).toFixed(1)}M parameters (dim ${config.dim}, ${config.nLayers} layers, ffn ${config.ffnDim}); threads ${threads}`);
  const ckDir = join(root, 'model');
  saveCheckpoint(ckDir, { config, params: randomParams(config, 7, 0.02), tokenizerDir: tokDir, tokens: { bos: 0, eos: 1 } });
  const ck = loadCheckpoint(ckDir, { skipOptimizer: true });

  const best = (xs: number[]): number => Math.min(...xs);
  const results: Record<string, unknown> = { params: paramCount(config), threads };
  const exportRows: string[][] = [];
  const gguf: Partial<Record<ExportType, string>> = {};
  for (const t of ['f32', 'f16', 'q8_0', 'q4_0'] as const) {
    gguf[t] = join(root, `${t}.gguf`);
    const secs: number[] = [];
    let r!: ReturnType<typeof exportGguf>;
    for (let i = 0; i < (t === 'f32' ? 1 : reps); i++) {
      r = exportGguf(ck, { type: t, out: gguf[t]! });
      secs.push(r.seconds);
    }
    const s = best(secs);
    const mbps = r.f32Bytes / 1e6 / s;
    let peer = '';
    let ratio = '';
    const ftype = { f16: FILE_TYPES.MOSTLY_F16, q8_0: FILE_TYPES.MOSTLY_Q8_0, q4_0: FILE_TYPES.MOSTLY_Q4_0 }[t as 'f16'];
    if (t !== 'f32' && !llamaQuantizeUnavailable()) {
      const ps: number[] = [];
      for (let i = 0; i < reps; i++) {
        const t0 = performance.now();
        llamaQuantize(gguf.f32!, join(root, `llama-${t}.gguf`), ftype);
        ps.push((performance.now() - t0) / 1000);
      }
      // Includes Python start-up and model load; both read the same F32 weights.
      const pm = r.f32Bytes / 1e6 / best(ps);
      peer = pm.toFixed(1);
      ratio = (mbps / pm).toFixed(2);
      results[`export_${t}`] = { seconds: s, mbps, fileBytes: statSync(gguf[t]!).size, llamaQuantizeSeconds: best(ps), llamaQuantizeMbps: pm };
    } else results[`export_${t}`] = { seconds: s, mbps, fileBytes: statSync(gguf[t]!).size };
    exportRows.push([t, (statSync(gguf[t]!).size / 1e6).toFixed(1), s.toFixed(2), mbps.toFixed(1), peer || '-', ratio || '-']);
  }
  console.log('\nexport (MB/s of F32 weights; best of runs; peer = llama.cpp llama_model_quantize, 1 thread, from our F32 GGUF)');
  console.log(['type', 'file MB', 'seconds', 'MB/s', 'llama.cpp MB/s', 'ratio'].join('\t'));
  for (const r of exportRows) console.log(r.join('\t'));

  console.log(`\nllama.cpp generation (${nTokens} tokens greedy after a 6-token prompt, best of ${reps}, ${threads} thread(s))`);
  console.log(['type', 'tokens/s', 'vs F32'].join('\t'));
  const tps: Record<string, number> = {};
  for (const t of ['f32', 'q8_0', 'q4_0'] as const) {
    const m = await LlamaCppModel.load(gguf[t]!, { threads });
    try {
      const xs: number[] = [];
      for (let i = 0; i < reps; i++) xs.push((await m.generate('Alle Menschen sind frei', { maxTokens: nTokens, stopAtEos: false })).tokensPerSecond);
      tps[t] = Math.max(...xs);
    } finally {
      await m.dispose();
    }
    console.log([t, tps[t]!.toFixed(1), (tps[t]! / tps.f32!).toFixed(2)].join('\t'));
  }
  results.generation = tps;
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify(results, null, 2) + '\n');
} finally {
  rmSync(root, { recursive: true, force: true });
}
