// Prompt assembly as lm-evaluation-harness does it: `{{field}}` templates, the few-shot context
// (description + examples joined by the few-shot delimiter, each "prompt + target delimiter +
// answer", then the delimiter and the question), and the split of (context, continuation) into
// tokens with trailing context spaces moved into the continuation. Not the scorer (score.ts).
// Reference: lm-eval api/task.py (fewshot_context, construct_requests), api/samplers.py
// (ContextSampler.get_context), models/huggingface.py (_encode_pair).
import type { McItem, Template } from './types.js';

export const DEFAULT_TEMPLATE: Omit<Template, 'id' | 'prompt'> = { targetDelimiter: ' ', fewshotDelimiter: '\n\n', description: '' };

/** Placeholders of a template, in order of first use. */
export function placeholders(prompt: string): string[] {
  const out: string[] = [];
  for (const m of prompt.matchAll(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g)) if (!out.includes(m[1]!)) out.push(m[1]!);
  return out;
}

/** Fills `{{field}}`; a missing field is an error naming it. */
export function fill(prompt: string, fields: Record<string, string>): string {
  return prompt.replace(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (_, k: string) => {
    const v = fields[k];
    if (v === undefined) throw new Error(`template field {{${k}}} missing from the item`);
    return v;
  });
}

/**
 * The context string of a multiple-choice item with `shots` examples (lm-eval fewshot_context):
 * description + [doc_to_text(ex) + target_delimiter + doc_to_target(ex)] joined by the few-shot
 * delimiter + few-shot delimiter + doc_to_text(item). 0 shots: description + doc_to_text(item).
 */
export function fewshotContext(t: Template, item: McItem, examples: readonly McItem[]): string {
  const labeled = examples.length ? examples.map((ex) => fill(t.prompt, ex.fields) + t.targetDelimiter + ex.choices[ex.gold]!).join(t.fewshotDelimiter) + t.fewshotDelimiter : '';
  return t.description + labeled + fill(t.prompt, item.fields);
}

/** The continuation scored for a choice: target delimiter + choice (lm-eval construct_requests). */
export const continuation = (t: Template, choice: string): string => t.targetDelimiter + choice;

/**
 * `k` few-shot examples for item number `index`, drawn without replacement from `pool` by a
 * seeded generator (lm-eval samples with random.Random(1234); ours is mulberry32, so the draw is
 * reproducible but not the same examples), never the item itself.
 */
export function sampleFewshot(pool: readonly McItem[], k: number, index: number, itemId: string, rand: (seed: number) => () => number): McItem[] {
  if (k <= 0) return [];
  const r = rand(1234 + index);
  const idx = pool.map((_, i) => i);
  const out: McItem[] = [];
  for (let i = 0; i < idx.length && out.length < k; i++) {
    const j = i + Math.floor(r() * (idx.length - i));
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
    const ex = pool[idx[i]!]!;
    if (ex.id !== itemId) out.push(ex);
  }
  return out;
}

export interface Encoder {
  tokenize(text: string): Promise<number[]>;
  readonly prefix: number | null;
  readonly contextLength: number;
}

/**
 * Tokens of (context, continuation) and the first continuation position, as lm-eval's
 * _encode_pair: trailing spaces of the context move to the continuation; the continuation's
 * tokens are those of tokenize(context + continuation) past len(tokenize(context)); an empty
 * context is the prefix token alone. The result is cut from the left to contextLength + 1 tokens.
 */
export async function encodePair(enc: Encoder, context: string, cont: string): Promise<{ tokens: number[]; from: number }> {
  const n = context.length - context.trimEnd().length;
  if (n > 0) {
    cont = context.slice(context.length - n) + cont;
    context = context.slice(0, context.length - n);
  }
  const whole = await enc.tokenize(context + cont);
  const ctx = context ? await enc.tokenize(context) : [];
  let contEnc = whole.slice(ctx.length);
  const pre = enc.prefix !== null ? [enc.prefix] : [];
  let tokens = [...pre, ...ctx, ...contEnc];
  if (tokens.length === contEnc.length) {
    // No prefix token and no context: the first continuation token has nothing to condition on.
    contEnc = contEnc.slice(1);
  }
  const max = enc.contextLength + 1;
  if (tokens.length > max) tokens = tokens.slice(tokens.length - max);
  return { tokens, from: tokens.length - Math.min(contEnc.length, tokens.length - 1) };
}
