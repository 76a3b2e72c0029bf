// Rolling windows for scoring a document longer than the model's context without dropping a
// token: the document (prefix token + its tokens) is cut into windows of at most `size` tokens;
// the first window scores every token after the prefix; each later window starts `overlap`
// tokens before its first scored token, so those tokens are context only. Every token is scored
// exactly once, always with at least min(overlap, its position) tokens of context.
// Not the scorer. Reference: lm-evaluation-harness utils.get_rolling_token_windows (context_len = 1
// is its default; we default to half a window, as llama-perplexity keeps half its context).

export interface Window {
  /** tokens[start .. end) is fed to the model. */
  start: number;
  end: number;
  /** First scored position (start < from ≤ end); positions from .. end-1 are scored. */
  from: number;
}

/** Windows over a sequence of `n` tokens (n ≥ 2, position 0 being the prefix token). */
export function rollingWindows(n: number, size: number, overlap = Math.floor(size / 2)): Window[] {
  if (size < 2) throw new Error(`rollingWindows: window of ${size} tokens cannot score anything`);
  const ov = Math.max(1, Math.min(overlap, size - 1));
  const out: Window[] = [];
  if (n < 2) return out;
  let from = 1;
  while (from < n) {
    const start = Math.max(0, from - ov);
    const end = Math.min(n, start + size);
    out.push({ start, end, from });
    from = end;
  }
  return out;
}
