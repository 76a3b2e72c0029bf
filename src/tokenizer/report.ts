// Fertility and parity of tokenizers on parallel text: per language tokens per word, tokens
// per byte, and tokens relative to English for the same content (UDHR), plus the spread.
// Not a benchmark of speed (bench/tokenizer). Reference: Petrov et al. 2023, "Language Model
// Tokenizers Introduce Unfairness Between Languages" (tokenization parity).
import type { Tokenizer } from './tokenizer.js';
import { udhrTexts, type UdhrText } from './udhr.js';

export interface LangFigures {
  tokens: number;
  words: number;
  bytes: number;
  tokensPerWord: number;
  tokensPerByte: number;
  /** tokens / tokens of English for the same (parallel) text. */
  parity: number;
}

export interface TokenizerReport {
  tokenizer: string;
  vocabSize: number;
  langs: Record<string, LangFigures>;
  /** Language key → parity (tokens relative to English). */
  parity: Record<string, number>;
  summary: { best: string; worst: string; bestParity: number; worstParity: number; spread: number; withinFactor15: number; languages: number };
}

/** Counts tokens on each text; parity is relative to `reference` (default `en`). */
export function reportTokenizer(name: string, tok: Pick<Tokenizer, 'encode' | 'vocabSize'>, texts: UdhrText[] = udhrTexts(), reference = 'en'): TokenizerReport {
  const langs: Record<string, LangFigures> = {};
  for (const t of texts) {
    let tokens = 0;
    for (const line of t.text.split('\n')) tokens += tok.encode(line).length;
    const words = t.text.split(/\s+/).filter(Boolean).length;
    const bytes = Buffer.byteLength(t.text);
    langs[t.key] = { tokens, words, bytes, tokensPerWord: tokens / words, tokensPerByte: tokens / bytes, parity: 0 };
  }
  const ref = langs[reference];
  if (!ref) throw new Error(`reference language ${reference} missing from the parallel texts`);
  const parity: Record<string, number> = {};
  let best = reference;
  let worst = reference;
  for (const [k, f] of Object.entries(langs)) {
    f.parity = f.tokens / ref.tokens;
    parity[k] = Math.round(f.parity * 1000) / 1000;
    if (f.parity < langs[best]!.parity) best = k;
    if (f.parity > langs[worst]!.parity) worst = k;
  }
  const vals = Object.values(langs);
  return {
    tokenizer: name,
    vocabSize: tok.vocabSize,
    langs,
    parity,
    summary: {
      best,
      worst,
      bestParity: langs[best]!.parity,
      worstParity: langs[worst]!.parity,
      spread: langs[worst]!.parity / langs[best]!.parity,
      withinFactor15: vals.filter((f) => f.parity <= 1.5).length,
      languages: vals.length,
    },
  };
}
