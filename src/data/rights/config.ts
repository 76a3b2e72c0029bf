// The rights step's configuration (zod, strict, defaults): where robots.txt / TDMRep data come
// from, the pinned AI user agents checked against robots.txt, the domain blocklist, what a
// reservation does to a document, and the vault key file. Not the logic (rights/step.ts).
// References: RFC 9309 (robots.txt), W3C TDMRep (2024 final report), CDSM directive art. 4(3).
import { z } from 'zod';

/** AI crawler user agents whose robots.txt groups count as a TDM reservation (pinned, 2026-11). */
export const AI_USER_AGENTS = [
  'GPTBot',
  'ChatGPT-User',
  'OAI-SearchBot',
  'CCBot',
  'ClaudeBot',
  'Claude-Web',
  'anthropic-ai',
  'Google-Extended',
  'Applebot-Extended',
  'Bytespider',
  'PerplexityBot',
  'meta-externalagent',
  'FacebookBot',
  'cohere-ai',
  'cohere-training-data-crawler',
  'Amazonbot',
  'Diffbot',
  'omgili',
  'Timpibot',
  'YouBot',
] as const;

/** The sources of a reservation; each is also the `reason` written to `doc.rights`. */
export const RESERVATION_REASONS = ['tdm-header', 'tdm-meta', 'tdmrep', 'robots'] as const;
export type ReservationReason = (typeof RESERVATION_REASONS)[number];

export const RightsConfigSchema = z
  .object({
    robotsDir: z.string().optional().describe('folder of `<host>.robots.txt` files (host lower-case, port dropped); hosts without a file are allowed (RFC 9309 §2.3.1.3: unavailable → allow)'),
    robotsJsonl: z.string().optional().describe('JSONL of `{"host": "...", "robots": "<robots.txt text>"}`, one line per host (alternative or addition to robotsDir; .gz/.zst allowed)'),
    userAgents: z
      .array(z.string().min(1))
      .min(1)
      .default([...AI_USER_AGENTS])
      .describe('AI user agents checked against robots.txt: disallowed for any of them = reserved'),
    tdmrepDir: z.string().optional().describe('folder of `<host>.tdmrep.json` files (the contents of https://<host>/.well-known/tdmrep.json)'),
    blocklist: z.array(z.string().min(1)).default([]).describe('domains whose documents are dropped (suffix match: `example.com` also blocks `www.example.com`)'),
    blocklistFile: z.string().optional().describe('file with one blocklisted domain per line (`#` comments allowed), added to `blocklist`'),
    honour: z
      .array(z.enum(RESERVATION_REASONS))
      .default([...RESERVATION_REASONS])
      .describe('which reservation sources are honoured: tdm-header, tdm-meta, tdmrep, robots'),
    onReserved: z.enum(['restrict', 'drop']).default('restrict').describe('a reserved document is kept as class `restricted` (vault only) or dropped (`rights.reserved`)'),
    vaultKeyFile: z.string().optional().describe('key file for the vault (32 raw bytes or 64 hex chars; `oellm vault keygen`); without it restricted documents cannot be stored'),
  })
  .strict();

export type RightsConfig = z.output<typeof RightsConfigSchema>;
export type RightsConfigInput = z.input<typeof RightsConfigSchema>;
