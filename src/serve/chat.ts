// The chat template `oellm serve` applies: oellm's models are base models with a byte-level BPE
// vocabulary and no chat tokens, so a conversation becomes plain text, one `Role: content` turn
// per line, ending with `Assistant:` for the model to continue; generation stops at the next
// turn (`\nUser:`, `\nSystem:`). Not a tokenizer chat template (a GGUF's tokenizer.chat_template
// is not used). Reference: OpenAI chat messages; the "plain text dialogue" prompt of base-model papers.

export interface ChatMessage {
  role: 'system' | 'developer' | 'user' | 'assistant';
  content: string;
}

const LABEL: Record<ChatMessage['role'], string> = { system: 'System', developer: 'System', user: 'User', assistant: 'Assistant' };

/** The prompt text for `messages` (BOS is added by tokenization, as for any text prompt). */
export function chatPrompt(messages: readonly ChatMessage[]): string {
  return messages.map((m) => `${LABEL[m.role]}: ${m.content.trim()}\n`).join('') + 'Assistant:';
}

/** Stop strings every chat generation gets besides the request's own. */
export const CHAT_STOPS = ['\nUser:', '\nSystem:'];
