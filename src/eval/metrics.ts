// Metrics as small pure functions, each with the definition it follows: multiple-choice accuracy
// (acc: argmax log-likelihood; acc_norm: log-likelihood per character of the continuation;
// acc_bytes: per UTF-8 byte), bits per byte, and standard errors as lm-evaluation-harness computes
// them. Not the scoring loop (score.ts). Reference: lm-evaluation-harness api/metrics.py
// (mean, sample_stddev, mean_stderr, bits_per_byte) and api/task.py process_results (multiple_choice).

/** Index of the largest value; ties go to the first, like numpy.argmax. */
export function argmax(xs: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i]! > xs[best]!) best = i;
  return best;
}

export const utf8Bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

/** lm-eval multiple_choice: acc, acc_norm (÷ len(choice) in characters) and acc_bytes (÷ UTF-8 bytes). */
export function multipleChoice(lls: readonly number[], choices: readonly string[], gold: number): { acc: number; acc_norm: number; acc_bytes: number } {
  if (lls.length !== choices.length) throw new Error(`multipleChoice: ${lls.length} log-likelihoods for ${choices.length} choices`);
  // lm-eval: completion_len = np.array([float(len(i)) for i in choices]); Python len() counts code points.
  const chars = choices.map((c) => [...c].length || 1);
  const bytes = choices.map((c) => utf8Bytes(c) || 1);
  return {
    acc: argmax(lls) === gold ? 1 : 0,
    acc_norm: argmax(lls.map((l, i) => l / chars[i]!)) === gold ? 1 : 0,
    acc_bytes: argmax(lls.map((l, i) => l / bytes[i]!)) === gold ? 1 : 0,
  };
}

export function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** lm-eval sample_stddev: √(Σ(x − μ)² / (n − 1)). */
export function sampleStddev(xs: readonly number[]): number {
  const mu = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - mu) * (x - mu);
  return Math.sqrt(s / (xs.length - 1));
}

/** lm-eval mean_stderr: sample_stddev / √n (null below two items, where lm-eval gives NaN). */
export function meanStderr(xs: readonly number[]): number | null {
  if (xs.length < 2) return null;
  return sampleStddev(xs) / Math.sqrt(xs.length);
}

/** Bits per byte over documents: −Σ ln P / Σ UTF-8 bytes / ln 2 (lm-eval bits_per_byte aggregation). */
export function bitsPerByte(docs: readonly { ll: number; bytes: number }[]): number {
  let ll = 0;
  let bytes = 0;
  for (const d of docs) {
    ll += d.ll;
    bytes += d.bytes;
  }
  return -ll / bytes / Math.LN2;
}

/**
 * Standard error of bits per byte. lm-eval reports none for this ratio of sums; we give the
 * ratio estimator's (delta method) over documents: r = ΣL/ΣB, var(r) ≈ n/(n−1) · Σ(Lᵢ − r·Bᵢ)² / (ΣB)²,
 * with L = −ln P / ln 2 the bits of a document and B its bytes.
 */
export function bitsPerByteStderr(docs: readonly { ll: number; bytes: number }[]): number | null {
  const n = docs.length;
  if (n < 2) return null;
  const r = bitsPerByte(docs);
  let B = 0;
  let s = 0;
  for (const d of docs) {
    B += d.bytes;
    const e = -d.ll / Math.LN2 - r * d.bytes;
    s += e * e;
  }
  return Math.sqrt((n / (n - 1)) * s) / B;
}

/** ln Σ exp(x) over a row, stable. */
export function logSumExp(row: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < row.length; i++) if (row[i]! > m) m = row[i]!;
  let s = 0;
  for (let i = 0; i < row.length; i++) s += Math.exp(row[i]! - m);
  return m + Math.log(s);
}
