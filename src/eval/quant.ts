// Quantization cost per language: a base model and a quantized one score the same token windows;
// per token we take llama.cpp `llama-perplexity --kl-divergence`'s definitions
// (tools/perplexity/perplexity.cpp, log_softmax(..., kl_divergence_result &) and kl_divergence()):
//   KLD    = Σ_v p_base(v) · (ln p_base(v) − ln p_q(v)), over v with ln p_base(v) > −16
//   top-1  = argmax of the quantized logits equals argmax of the base
//   Δp     = p_q(token) − p_base(token);  RMS Δp = √(Σ Δp² / N)
//   PPL(Q)/PPL(base) = exp(mean nll_q − mean nll_base)
//   median = the middle of the sorted KLD values (mean of the two middle ones for even N);
//   p99    = linear interpolation at 0.99 · (N − 1) in the sorted values.
// Differences from the tool: float64 throughout and base log-probabilities kept exactly (the tool
// stores them as uint16), and every token of our windows is scored (it scores the second half of
// each chunk). Not the model runner (score.ts) or the report.
import { rollingWindows } from './windows.js';
import type { Backend, ScoreRequest } from './types.js';

export interface TokenStats {
  kld: number;
  sameTop: boolean;
  dp: number;
  nll: number;
  nllBase: number;
}

/** One position: `base` and `q` are log-softmax rows, `tok` the actual next token. */
export function tokenStats(base: ArrayLike<number>, q: ArrayLike<number>, tok: number): TokenStats {
  let kld = 0;
  let ib = 0;
  let iq = 0;
  for (let v = 0; v < base.length; v++) {
    const lb = base[v]!;
    if (lb > base[ib]!) ib = v;
    if (q[v]! > q[iq]!) iq = v;
    if (lb > -16) kld += Math.exp(lb) * (lb - q[v]!);
  }
  return { kld, sameTop: ib === iq, dp: Math.exp(q[tok]!) - Math.exp(base[tok]!), nll: -q[tok]!, nllBase: -base[tok]! };
}

export interface QuantSummary {
  kld_mean: number;
  kld_median: number;
  kld_p99: number;
  top1: number;
  rms_dp: number;
  ppl_ratio: number;
  n_tokens: number;
}

/** llama-perplexity's summary statistics over per-token stats. */
export function summarize(ts: readonly TokenStats[]): QuantSummary {
  const n = ts.length;
  const k = ts.map((t) => t.kld).sort((a, b) => a - b);
  const median = n % 2 === 0 ? 0.5 * (k[n / 2]! + k[n / 2 - 1]!) : k[(n - 1) / 2]!;
  const pct = (f: number): number => {
    let p = f * (n - 1);
    const ip = Math.floor(p);
    p -= ip;
    return (1 - p) * k[ip]! + p * k[Math.min(ip + 1, n - 1)]!;
  };
  let kld = 0;
  let same = 0;
  let dp2 = 0;
  let nll = 0;
  let nllb = 0;
  for (const t of ts) {
    kld += t.kld;
    same += t.sameTop ? 1 : 0;
    dp2 += t.dp * t.dp;
    nll += t.nll;
    nllb += t.nllBase;
  }
  return { kld_mean: kld / n, kld_median: median, kld_p99: pct(0.99), top1: same / n, rms_dp: Math.sqrt(dp2 / n), ppl_ratio: Math.exp((nll - nllb) / n), n_tokens: n };
}

/** Base-model rows of one request, kept so several quantized models compare against one base pass. */
export type BaseRowCache = Map<string, Float32Array[]>;

/** Per-token stats of `q` against `base` over texts, in the same rolling windows for both. */
export async function compareOnTexts(base: Backend, q: Backend, texts: readonly string[], cache?: BaseRowCache): Promise<TokenStats[]> {
  if (!base.distributions || !q.distributions) throw new Error('quant: both models need full distributions (checkpoint or GGUF, not an endpoint)');
  if (base.vocabSize && q.vocabSize && base.vocabSize !== q.vocabSize) throw new Error(`quant: vocabulary sizes differ (${base.vocabSize} vs ${q.vocabSize}): not the same model family`);
  const size = Math.min(base.contextLength, q.contextLength) + 1;
  const out: TokenStats[] = [];
  for (const text of texts) {
    const ids = await base.tokenize(text);
    const qi = await q.tokenize(text);
    if (ids.length !== qi.length || ids.some((v, i) => v !== qi[i])) throw new Error('quant: the two models tokenize the text differently (tokenizer/model mismatch)');
    const seq = base.prefix !== null ? [base.prefix, ...ids] : ids;
    const reqs: ScoreRequest[] = rollingWindows(seq.length, size).map((w) => ({ tokens: seq.slice(w.start, w.end), from: w.from - w.start }));
    for (const r of reqs) {
      const key = `${r.from}:${r.tokens.join(',')}`;
      let rb = cache?.get(key);
      if (!rb) {
        rb = await base.distributions(r);
        cache?.set(key, rb);
      }
      const rq = await q.distributions(r);
      for (let i = 0; i < rb.length; i++) out.push(tokenStats(rb[i]!, rq[i]!, r.tokens[r.from + i]!));
    }
  }
  return out;
}
