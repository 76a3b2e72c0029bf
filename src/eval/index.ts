// The evaluation stage's public surface: run an evaluation, write and print its report, the
// task registry, the backends and the pure metric functions. See docs/EVAL.md.
export { runEval, planEval, runUnits, collect, type EvalOptions, type EvalPlan } from './runner.js';
export { writeReport, formatTable, markdown, buildReport, REPORT_SCHEMA, type Report, type QuantRow } from './report.js';
export { TASKS, resolveTask, QUANT_TASK, type TaskDef, type TaskOptions } from './tasks/registry.js';
export { openBackend } from './backends/index.js';
export * from './metrics.js';
export { rollingWindows } from './windows.js';
export { tokenStats, summarize, compareOnTexts } from './quant.js';
export type * from './types.js';
