// Request bodies of the API as zod schemas: every wrong type, range or missing field becomes one
// OpenAI-style 400 naming the field (errors.ts fromZod). Fields OpenAI defines that change nothing
// here (user, presence/frequency penalties, logit_bias) are accepted and ignored; other unknown
// fields are ignored as OpenAI-compatible servers do. Not the handlers (api.ts).
// Reference: OpenAI API reference (completions, chat completions); llama.cpp server /tokenize.
import { z } from 'zod';

const tokenId = z.number().int().nonnegative();
const stop = z.union([z.string(), z.array(z.string()).max(4)]).nullish();
const common = {
  model: z.string().min(1),
  max_tokens: z.number().int().nonnegative().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().gt(0).max(1).nullish(),
  n: z.number().int().min(1).nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().nullish() }).nullish(),
  stop,
  seed: z.number().int().nullish(),
  user: z.string().nullish(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  logit_bias: z.record(z.string(), z.number()).nullish(),
};

export const CompletionRequest = z.object({
  ...common,
  /** A string, strings, token ids, or arrays of token ids (OpenAI allows all four). */
  prompt: z.union([z.string(), z.array(z.string()).min(1), z.array(tokenId).min(1), z.array(z.array(tokenId).min(1)).min(1)]),
  /** Top alternatives per token, 0..20 (legacy completions). */
  logprobs: z.number().int().min(0).max(20).nullish(),
  echo: z.boolean().nullish(),
  suffix: z.null().optional(),
  best_of: z.literal(1).nullish(),
});
export type CompletionRequest = z.infer<typeof CompletionRequest>;

const textPart = z.object({ type: z.literal('text'), text: z.string() });
export const ChatRequest = z.object({
  ...common,
  messages: z
    .array(
      z.object({
        role: z.enum(['system', 'developer', 'user', 'assistant']),
        content: z.union([z.string(), z.array(textPart)]).nullable(),
        name: z.string().optional(),
      }),
    )
    .min(1),
  max_completion_tokens: z.number().int().nonnegative().nullish(),
  logprobs: z.boolean().nullish(),
  top_logprobs: z.number().int().min(0).max(20).nullish(),
});
export type ChatRequest = z.infer<typeof ChatRequest>;

export const TokenizeRequest = z.object({
  model: z.string().min(1).optional(),
  prompt: z.string(),
  /** Prepend BOS as the model's tokenizer says (llama.cpp's name; default false, as there). */
  add_special: z.boolean().optional(),
  with_pieces: z.boolean().optional(),
});

export const DetokenizeRequest = z.object({
  model: z.string().min(1).optional(),
  tokens: z.array(tokenId),
});
