// The one document type that flows through the corpus pipeline, and the record written to
// shards (HPLT-compatible where HPLT has a field; DESIGN.md "The document record").
// Not a parser: readers (readers/) make Docs, steps transform them, writers serialise them.

interface SourceRef {
  /** Input file the document came from (as given on the command line, resolved). */
  file: string;
  /** Byte offset of the record in the (decompressed) file, or line number for JSONL/text. */
  offset: number;
  /** Collection / crawl name (e.g. `CC-MAIN-2024-10`), when known. */
  collection?: string;
  /** Reader-specific record kind: `warc-response`, `wet-conversion`, `jsonl`, `text`. */
  kind?: string;
}

export interface PiiSpan {
  type: string;
  start: number;
  end: number;
}

type RightsClass = 'open' | 'restricted';

export interface Rights {
  /** `allow` or the reason the document is reserved / blocked. */
  decision: 'allow' | 'reserved' | 'blocked';
  reason: string;
  class: RightsClass;
}

export interface Doc {
  /** Stable id: sha256-based, derived from source file + offset (deterministic across runs). */
  id: string;
  text: string;
  /** Registry code (`hr`, `sr`…) or `und`. */
  lang?: string;
  /** ISO 15924 script of the text (`Latn`, `Cyrl`…). */
  script?: string;
  lang_score?: number;
  url?: string;
  /** Fetch time, ISO 8601. */
  ts?: string;
  title?: string;
  source: SourceRef;
  pii?: { spans?: PiiSpan[]; counts: Record<string, number> };
  rights?: Rights;
  quality?: Record<string, number>;
  dedup?: { cluster: string; size: number };
  /** Transport-only fields, never written to public shards: raw HTTP headers, HTML, charset… */
  meta?: DocMeta;
}

interface DocMeta {
  httpHeaders?: Record<string, string>;
  contentType?: string;
  charset?: string;
  html?: string;
  [k: string]: unknown;
}

/** What happens to a document in a step: keep (possibly modified), drop with a reason, or quarantine. */
export type Verdict = { keep: true } | { drop: string } | { quarantine: string };

/** A dropped/quarantined document as exclusion writers and stats see it. */

/** The public record: the Doc without transport fields, keys in a fixed order (byte-stable output). */
export function toRecord(doc: Doc): Record<string, unknown> {
  const { meta: _meta, ...rest } = doc;
  const order = ['id', 'text', 'lang', 'script', 'lang_score', 'url', 'ts', 'title', 'source', 'pii', 'rights', 'quality', 'dedup'] as const;
  const out: Record<string, unknown> = {};
  for (const k of order) if ((rest as Record<string, unknown>)[k] !== undefined) out[k] = (rest as Record<string, unknown>)[k];
  return out;
}
