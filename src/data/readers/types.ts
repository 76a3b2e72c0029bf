// Types shared by the readers: what a reader yields (a document or a quarantined record) and
// the options every reader takes. Not the Doc itself (data/doc.ts).
import { createHash } from 'node:crypto';
import { isAbsolute, relative, sep } from 'node:path';
import type { Doc } from '../doc.js';

/** A quarantined input record: the file, the byte offset (or line number) and why. */
export interface Quarantine {
  file: string;
  offset: number;
  reason: string;
}

export type ReadItem = { doc: Doc } | { quarantine: Quarantine };

export interface ReadOptions {
  /** Largest document (decoded payload / JSONL line / text file) kept; bigger ones are quarantined. Default 8 MiB. */
  maxDocBytes?: number;
  /** Quarantine a document when more than this fraction of its characters are invalid UTF-8. Default 0.01. */
  maxInvalidRatio?: number;
  /** Doc ids hash the file path relative to this folder (default: the current directory). */
  idBase?: string;
}

export const DEFAULT_MAX_DOC_BYTES = 8 << 20;

export interface ResolvedReadOptions {
  maxDocBytes: number;
  maxInvalidRatio: number;
  idBase: string;
}

export function resolveReadOptions(o: ReadOptions = {}): ResolvedReadOptions {
  return { maxDocBytes: o.maxDocBytes ?? DEFAULT_MAX_DOC_BYTES, maxInvalidRatio: o.maxInvalidRatio ?? 0.01, idBase: o.idBase ?? process.cwd() };
}

/** Deterministic document id: first 32 hex chars of sha256("<path relative to idBase>:<offset>"). */
export function docId(file: string, offset: number, idBase: string): string {
  // one relative path per file, not per document (path.relative is not cheap); relative paths
  // depend on the working directory, so only absolute ones are remembered
  let rel: string;
  if (file === relCache.file && idBase === relCache.base) rel = relCache.rel;
  else {
    rel = relative(idBase, file).split(sep).join('/');
    if (isAbsolute(file) && isAbsolute(idBase)) relCache = { file, base: idBase, rel };
  }
  return createHash('sha256').update(`${rel}:${offset}`).digest('hex').slice(0, 32);
}
let relCache = { file: '', base: '', rel: '' };

/** Quarantine reason for a stream that ended by an error: a cut file or damaged compressed data. */
export function streamFailure(codecName: string, err: Error): string {
  return /unexpected end of file|ended in middle/i.test(err.message) ? `truncated ${codecName} stream (${err.message})` : `corrupt ${codecName} stream (${err.message})`;
}
