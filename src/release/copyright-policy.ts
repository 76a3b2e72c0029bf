// The copyright policy of the release: which rights-reservation protocols were honoured (TDM
// header, HTML meta, TDMRep, robots.txt for named AI agents), how they are checked, which wins
// when they disagree, the blocklist and what happened to reserved documents, with the counts.
// Projected from the manifest's rights config and decisions. Reference: CDSM directive art. 4(3),
// W3C TDMRep final report, RFC 9309; GPAI Code of Practice, copyright chapter.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AI_USER_AGENTS, RESERVATION_REASONS } from '../data/rights/config.js';
import { toMarkdown, type ReleaseContext } from './context.js';

const text = z.string().min(1);

const PROTOCOLS: Record<string, string> = {
  'tdm-header': 'HTTP response header `tdm-reservation: 1` (W3C TDMRep, HTTP binding) on the archived response',
  'tdm-meta': 'HTML `<meta name="tdm-reservation" content="1">` in the archived page (W3C TDMRep, HTML binding)',
  tdmrep: "the host's `/.well-known/tdmrep.json` (W3C TDMRep, file binding), matched by path pattern",
  robots: 'robots.txt (RFC 9309): a Disallow for any of the checked AI user agents covering the URL',
};

export const CopyrightPolicySchema = z
  .object({
    schema: z.literal('oellm.copyright-policy/1'),
    legal_basis: text,
    protocols: z.array(z.object({ id: z.enum(RESERVATION_REASONS), honoured: z.enum(['Yes', 'No']), how: text }).strict()).length(RESERVATION_REASONS.length),
    precedence: text,
    user_agents: z.array(text).min(1),
    user_agents_pinned: text,
    blocklist: z.object({ domains: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/), version: text }).strict(),
    on_reservation: text,
    restricted_documents: z.object({ kept_in_vault: z.number().int().nonnegative(), dropped: z.number().int().nonnegative(), used_for_training: z.literal(0) }).strict(),
    decisions: z.array(z.object({ decision: text, documents: z.number().int().nonnegative() }).strict()),
    complaints_contact: text,
  })
  .strict();
export type CopyrightPolicy = z.output<typeof CopyrightPolicySchema>;

export function copyrightPolicy(ctx: ReleaseContext): { doc: CopyrightPolicy; files: Record<string, string> } {
  const m = ctx.rec.manifest;
  const rights = (m.config as { rights?: { honour?: string[]; userAgents?: string[]; onReserved?: string; blocklist?: string[] } }).rights ?? {};
  const honour = new Set(rights.honour ?? RESERVATION_REASONS);
  const blocklist = [...(rights.blocklist ?? [])].sort();
  const agents = rights.userAgents ?? [...AI_USER_AGENTS];
  const doc: CopyrightPolicy = {
    schema: 'oellm.copyright-policy/1',
    legal_basis: 'Text and data mining under art. 4 of Directive (EU) 2019/790 (CDSM), honouring reservations expressed in machine-readable form (art. 4(3)); AI Act art. 53(1)(c)',
    protocols: RESERVATION_REASONS.map((id) => ({ id, honoured: honour.has(id) ? 'Yes' : 'No', how: PROTOCOLS[id]! })),
    precedence:
      'A reservation from any honoured protocol reserves the document (the most restrictive signal wins); the blocklist is checked first and drops the document outright; a host without robots.txt or tdmrep.json is not reserved (RFC 9309 §2.3.1.3)',
    user_agents: agents,
    user_agents_pinned: `list pinned in oellm ${String(m.tools?.oellm ?? ctx.nr('copyright policy', 'tool version', 'manifest.tools.oellm'))} (src/data/rights/config.ts)`,
    blocklist: { domains: blocklist.length, sha256: createHash('sha256').update(blocklist.join('\n')).digest('hex'), version: `sha256 of the sorted domain list (one per line); ${blocklist.length} domains` },
    on_reservation: rights.onReserved === 'drop' ? 'dropped (rights.reserved)' : 'kept as class "restricted": encrypted in the auditor vault, committed to by a salted Merkle leaf, never published and not used for training',
    restricted_documents: { kept_in_vault: m.counts.kept_restricted, dropped: m.dropped['rights.reserved'] ?? 0, used_for_training: 0 },
    decisions: Object.entries(m.rights).map(([decision, documents]) => ({ decision, documents })),
    complaints_contact: ctx.rec.release.contact ?? ctx.nr('copyright policy', 'complaints contact', 'release.contact'),
  };
  return { doc, files: { 'copyright-policy.json': JSON.stringify(doc, null, 2) + '\n', 'copyright-policy.md': toMarkdown('Copyright policy', doc as unknown as Record<string, unknown>, `Run \`${ctx.rec.name}\`; source: copyright-policy.json.`) } };
}
