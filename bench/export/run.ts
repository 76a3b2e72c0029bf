// Export and llama.cpp generation benchmark on a ~55M-parameter random Llama checkpoint (preset
// `base`, vocab 16384): (1) export speed in MB/s of F32 weights for F16, Q8_0, Q4_0, Q6_K and
// Q4_K_M (native quantizers when built; OELLM_QUANT=ts for the TypeScript reference), against
// llama.cpp's own quantizer (`llama_model_quantize` from node-llama-cpp's libllama, one thread,
// run through Python ctypes on our F32 export) in the same run, with the ratio; (2) generation
// tokens/s in llama.cpp (node-llama-cpp, CPU) of our Q8_0 and Q4_0 exports vs the F32 export of
// the same model, same run. Both per wall second and per CPU-second (the build machine is
// shared; CPU time is the steadier figure). Run: `npx tsx bench/export/run.ts [--threads 1] [--tokens 64] [--no-generation] [--kquant]
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
const noGen = process.argv.includes('--no-generation');

const root = join(tmpdir(), `oellm-bench-export-${process.pid}`);
mkdirSync(root, { recursive: true });
try {
  const tokDir = await trainTestTokenizer(root, 600);
  // --kquant: dims that divide into 256 (dim 768, ffn 2048), so Q4_K/Q6_K are not replaced by fallbacks.
  const kq = process.argv.includes('--kquant');
  const config = checkModelConfig({ ...PRESETS.base!, vocabSize: 16384, ...(kq ? { dim: 768, nHeads: 12, nKvHeads: 4, ffnDim: 2048 } : {}) });
  console.log(`model: preset base${kq ? ' with dim 768, ffn 2048 (--kquant)' : ''}, vocab 16384 → ${(paramCount(config) / 1e6).toFixed(1)}M parameters (dim ${config.dim}, ${config.nLayers} layers, ffn ${config.ffnDim}); threads ${threads}`);
  const ckDir = join(root, 'model');
  saveCheckpoint(ckDir, { config, params: randomParams(config, 7, 0.02), tokenizerDir: tokDir, tokens: { bos: 0, eos: 1 } });
  const ck = loadCheckpoint(ckDir, { skipOptimizer: true });

  const best = (xs: number[]): number => Math.min(...xs);
  const cpuNow = (): number => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  const results: Record<string, unknown> = { params: paramCount(config), threads };
  const exportRows: string[][] = [];
  const gguf: Partial<Record<ExportType, string>> = {};
  for (const t of ['f32', 'f16', 'q8_0', 'q4_0', 'q6_k', 'q4_k_m'] as const) {
    gguf[t] = join(root, `${t}.gguf`);
    const wall: number[] = [];
    const nosync: number[] = [];
    const cpu: number[] = [];
    let r!: ReturnType<typeof exportGguf>;
    for (let i = 0; i < (t === 'f32' ? 1 : reps); i++) {
      const c0 = cpuNow();
      r = exportGguf(ck, { type: t, out: gguf[t]! });
      cpu.push(cpuNow() - c0);
      wall.push(r.seconds);
      nosync.push(r.seconds - r.syncSeconds);
    }
    const mb = r.f32Bytes / 1e6;
    const row: Record<string, number> = { seconds: best(wall), cpuSeconds: best(cpu), mbps: mb / best(wall), mbpsNoSync: mb / best(nosync), mbPerCpuSecond: mb / best(cpu), fileBytes: statSync(gguf[t]!).size };
    const ftype = { f16: FILE_TYPES.MOSTLY_F16, q8_0: FILE_TYPES.MOSTLY_Q8_0, q4_0: FILE_TYPES.MOSTLY_Q4_0, q6_k: FILE_TYPES.MOSTLY_Q6_K, q4_k_m: FILE_TYPES.MOSTLY_Q4_K_M }[t as 'f16'];
    if (t !== 'f32' && !llamaQuantizeUnavailable()) {
      const ps = Array.from({ length: reps }, () => llamaQuantize(gguf.f32!, join(root, `llama-${t}.gguf`), ftype));
      row.llamaMbps = mb / best(ps.map((p) => p.wall));
      row.llamaMbPerCpuSecond = mb / best(ps.map((p) => p.cpu));
    }
    results[`export_${t}`] = row;
    const f = (v: number | undefined) => (v === undefined ? '-' : v.toFixed(1));
    exportRows.push([
      t,
      (row.fileBytes! / 1e6).toFixed(1),
      f(row.mbps),
      f(row.llamaMbps),
      row.llamaMbps ? (row.mbps! / row.llamaMbps).toFixed(2) : '-',
      f(row.mbpsNoSync),
      row.llamaMbps ? (row.mbpsNoSync! / row.llamaMbps).toFixed(2) : '-',
      f(row.mbPerCpuSecond),
      f(row.llamaMbPerCpuSecond),
      row.llamaMbPerCpuSecond ? (row.mbPerCpuSecond! / row.llamaMbPerCpuSecond).toFixed(2) : '-',
    ]);
  }
  console.log('\nexport: MB of F32 weights per second (wall) and per CPU-second; best of runs; peer = llama.cpp llama_model_quantize, 1 thread, from our F32 GGUF (model load included)');
  console.log('(MB/s w/o fsync: our wall time less the final fsync + rename, which llama.cpp does not do)');
  console.log(['type', 'file MB', 'MB/s', 'llama.cpp', 'ratio', 'w/o fsync', 'ratio', 'MB/cpu-s', 'llama.cpp', 'ratio'].join('\t'));
  for (const r of exportRows) console.log(r.join('\t'));

  if (noGen) {
    if (jsonOut) writeFileSync(jsonOut, JSON.stringify(results, null, 2) + '\n');
    rmSync(root, { recursive: true, force: true });
    process.exit(0);
  }
  console.log(`\nllama.cpp generation (${nTokens} tokens greedy after a short prompt, best of ${reps}, ${threads} thread(s)); tokens per wall second and per CPU-second of the process`);
  console.log(['type', 'tokens/s', 'vs F32', 'tokens/cpu-s', 'vs F32'].join('\t'));
  const tps: Record<string, { wall: number; cpu: number }> = {};
  for (const t of ['f32', 'q8_0', 'q4_0'] as const) {
    const m = await LlamaCppModel.load(gguf[t]!, { threads });
    try {
      const w: number[] = [];
      const c: number[] = [];
      for (let i = 0; i < reps; i++) {
        const c0 = cpuNow();
        const g = await m.generate('Alle Menschen sind frei', { maxTokens: nTokens, stopAtEos: false });
        // CPU of the whole generate call (prompt + decode) vs its decoded tokens: an upper bound on cost.
        c.push(g.tokens.length / (cpuNow() - c0));
        w.push(g.tokensPerSecond);
      }
      tps[t] = { wall: Math.max(...w), cpu: Math.max(...c) };
    } finally {
      await m.dispose();
    }
    console.log([t, tps[t]!.wall.toFixed(1), (tps[t]!.wall / tps.f32!.wall).toFixed(2), tps[t]!.cpu.toFixed(1), (tps[t]!.cpu / tps.f32!.cpu).toFixed(2)].join('\t'));
  }
  results.generation = tps;
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify(results, null, 2) + '\n');
} finally {
  rmSync(root, { recursive: true, force: true });
}
