// The small two-series build config the end-to-end build tests share (a 64-wide core with f16,
// Q8_0 and Q4_0 exports and a 32-wide edge variant, UDHR en/hr/sr): seconds to run, every stage
// exercised. Not a fixture of the release tests (tests/helpers/release-run.ts has its own corpus).
export function smallBuildYaml(extra = ''): string {
  return `name: t
languages: [en, hr, sr]
tokenizer: { vocabSize: 600 }
series:
  - { name: core, preset: micro, dim: 64, nLayers: 2, maxSteps: 6, seqLen: 32, batchSize: 2, evalEvery: 3, export: [f16, q8_0, q4_0] }
  - { name: edge, preset: micro, dim: 32, nLayers: 1, nHeads: 2, nKvHeads: 1, ffnDim: 64, maxSteps: 4, seqLen: 32, batchSize: 2, evalEvery: 2, export: [f16, q4_0] }
${extra}`;
}
