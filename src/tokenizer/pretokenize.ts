// Pre-tokenization: the regex that cuts text into words before BPE, and the translation of the
// Oniguruma patterns found in HF `tokenizer.json` files into JavaScript RegExps.
// Not a general Oniguruma engine: it handles what byte-level BPE tokenizers use (inline (?i:)
// groups of ASCII literals, \s/\S, \p{..}); anything JS rejects is an error naming the pattern.
// Reference: Llama 3 tokenizer.json (Split pre-tokenizer); llama.cpp llama-vocab.cpp, pre-type
// "llama-bpe" (LLAMA_VOCAB_PRE_TYPE_LLAMA3) uses the same expression, digits in groups of 1–3.
import { FormatError } from '../util/errors.js';

/** Our pre-tokenizer, written as in Llama 3's tokenizer.json (Oniguruma syntax). */
export const LLAMA3_PATTERN = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

/** GPT-2's pattern, used by a ByteLevel pre-tokenizer with `use_regex: true`. */
export const GPT2_PATTERN = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

/** llama.cpp's name for a pre-tokenizer regex (GGUF `tokenizer.ggml.pre`). */
export const LLAMA_CPP_PRE = 'llama-bpe';

const cache = new Map<string, RegExp>();

/**
 * Oniguruma (as used by HF tokenizers) → JS RegExp with flags `gu`.
 * `\s` becomes `\p{White_Space}` (Oniguruma's definition; JS's `\s` adds U+FEFF, misses U+0085).
 */
export function compilePattern(pattern: string, where = 'pre_tokenizer.pattern'): RegExp {
  const hit = cache.get(pattern);
  if (hit) return new RegExp(hit.source, hit.flags);
  let src = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\') {
      const nx = pattern[i + 1];
      if (nx === 's') src += '\\p{White_Space}';
      else if (nx === 'S') src += '\\P{White_Space}';
      else src += ch + (nx ?? '');
      i++;
    } else if (pattern.startsWith('(?i:', i)) {
      // ASCII case-insensitive group: expand letters to [xX] (Node 20 has no inline modifiers).
      let depth = 1;
      let j = i + 4;
      let body = '';
      for (; j < pattern.length && depth > 0; j++) {
        const c = pattern[j]!;
        if (c === '\\') {
          body += c + pattern[j + 1];
          j++;
          continue;
        }
        if (c === '(') depth++;
        if (c === ')') depth--;
        if (depth > 0) body += c;
      }
      if (/[[\]\\]/.test(body)) {
        throw new FormatError(`unsupported regex construct in ${where}: (?i:…) with classes or escapes`, {
          hint: 'only (?i:…) groups of literal alternatives are supported',
          found: pattern,
        });
      }
      src += '(?:' + body.replace(/[a-zA-Z]/g, (c) => `[${c.toLowerCase()}${c.toUpperCase()}]`) + ')';
      i = j - 1;
    } else src += ch;
  }
  let re: RegExp;
  try {
    re = new RegExp(src, 'gu');
  } catch (e) {
    throw new FormatError(`unsupported regex in ${where}: ${(e as Error).message}`, {
      hint: 'the pattern uses Oniguruma syntax that JavaScript cannot express',
      found: pattern,
    });
  }
  cache.set(pattern, re);
  return new RegExp(re.source, re.flags);
}

/**
 * Splits `text` by `re` with HF's `Isolated` behaviour: every match is a piece and so is every
 * gap between matches (the Llama-3 pattern matches every character, so gaps do not occur).
 */
export function splitIsolated(text: string, re: RegExp, out: string[]): void {
  re.lastIndex = 0;
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    const s = m[0];
    if (s.length === 0) {
      re.lastIndex++;
      continue;
    }
    if (m.index > last) out.push(text.slice(last, m.index));
    out.push(s);
    last = m.index + s.length;
  }
  if (last < text.length) out.push(text.slice(last));
}
