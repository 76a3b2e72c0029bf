// The eval stage's shared types: what a backend answers (log-probabilities of token positions),
// the normalised items a task yields (multiple choice, minimal pair, text), and the rows of a
// report. Not any implementation: backends/, tasks/, score.ts and report.ts fill these in.
// Reference: lm-evaluation-harness api/model.py (loglikelihood, loglikelihood_rolling), DESIGN.md.

/** Score tokens[from..] given everything before each one (from ≥ 1: the first token is context only). */
export interface ScoreRequest {
  tokens: readonly number[];
  from: number;
}

export interface Scored {
  /** ln P(tokens[t] | tokens[<t]) for t = from .. tokens.length-1. */
  logprobs: number[];
  /** Every scored token was the argmax (lm-eval's is_greedy). */
  greedy: boolean;
}

export type ModelKind = 'checkpoint' | 'gguf' | 'endpoint';

export interface Backend {
  /** Short id used in report rows (file or dir name, or host). */
  readonly id: string;
  readonly kind: ModelKind;
  /** Path or URL as given. */
  readonly path: string;
  /** sha256 of the weights (GGUF file, model.safetensors), or of the URL + served model name. */
  readonly sha256: string;
  readonly quant?: string;
  /** Most tokens one request may hold (the model's context length). */
  readonly contextLength: number;
  /** Prefix token of every request (BOS, else EOS), or null when the model has neither. */
  readonly prefix: number | null;
  /** Vocabulary size (full-distribution rows have this length). */
  readonly vocabSize: number;
  tokenize(text: string): Promise<number[]>;
  score(reqs: readonly ScoreRequest[]): Promise<Scored[]>;
  /** Log-softmax rows for positions from .. tokens.length-1 (row r predicts tokens[from + r]). */
  distributions?(req: ScoreRequest): Promise<Float32Array[]>;
  close(): Promise<void>;
}

/** Prompt template of a task for one language (lm-eval's doc_to_text / delimiters). */
export interface Template {
  /** Template id recorded in every row. */
  id: string;
  /** `{{field}}` placeholders filled from the item's fields. */
  prompt: string;
  /** Between the prompt and the answer (lm-eval target_delimiter, default " "). */
  targetDelimiter: string;
  /** Between few-shot examples (lm-eval fewshot_delimiter, default "\n\n"). */
  fewshotDelimiter: string;
  /** Text before the examples (lm-eval description), default "". */
  description: string;
}

export interface McItem {
  kind: 'multiple_choice';
  id: string;
  fields: Record<string, string>;
  choices: string[];
  gold: number;
}
export interface PairItem {
  kind: 'minimal_pair';
  id: string;
  good: string;
  bad: string;
}
export interface TextItem {
  kind: 'text';
  id: string;
  text: string;
}
export type Item = McItem | PairItem | TextItem;

/** What a task yields for one language and split. */
export interface TaskData {
  items: Item[];
  /** Few-shot pool (multiple choice only). */
  fewshot?: McItem[];
  template?: Template;
  /** sha256 over the data files read (sorted path:sha256 lines). */
  dataSha256: string;
  /** Items left out, by reason (e.g. no_valid_answer_key), counted and reported. */
  skipped: Record<string, number>;
}

export type RowStatus = 'ok' | 'no_data' | 'failed';

export interface ResultRow {
  model: string;
  task: string;
  lang: string;
  metric: string;
  value: number | null;
  stderr: number | null;
  n: number;
  shots: number;
  template: string;
  status: RowStatus;
  error?: string;
  split?: string;
  skipped?: Record<string, number>;
}
