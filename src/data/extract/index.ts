// Extraction module: HTML → main text (html.ts) and the `extract` pipeline step (step.ts).
// Not charset handling (readers/decode.ts) and not language ID (lid/).
export { extractHtml, type Extracted } from './html.js';
export { ExtractStep, type ExtractOptions } from './step.js';
