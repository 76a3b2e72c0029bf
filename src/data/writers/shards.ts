// The public shard writer of one rank: `shards/<label>/<rank>.jsonl.zst` per language (label
// `hrv_Latn`, `srp_Cyrl`, `und`), HPLT-compatible records (toRecord), rolled over to
// `<rank>-<k>.jsonl.zst` past `maxBytes`. Refuses restricted documents: they belong in the vault.
// Not the vault writer, not the manifest. Reference: HPLT v2 release layout, datatrove JsonlWriter.
import { join } from 'node:path';
import { toRecord, type Doc } from '../doc.js';
import { findLanguage, label, UND, type Script } from '../../lang/index.js';
import { OellmError } from '../../util/errors.js';
import { JsonlZstWriter, type WrittenFile } from './jsonl.js';

/** Shard-folder label of a document: registry `iso3_Script`, or `und`. */
export function langLabel(doc: Pick<Doc, 'lang' | 'script'>): string {
  if (!doc.lang || doc.lang === UND) return UND;
  const l = findLanguage(doc.lang);
  if (!l) return UND;
  const script = doc.script && (l.scripts as readonly string[]).includes(doc.script) ? (doc.script as Script) : undefined;
  return label(l, script);
}

export function rankName(rank: number): string {
  return String(rank).padStart(5, '0');
}

export interface ShardFile extends WrittenFile {
  /** Path relative to the dataset dir (`shards/hrv_Latn/00000.jsonl.zst`). */
  rel: string;
  lang: string;
}

export class ShardWriter {
  private readonly open = new Map<string, { w: JsonlZstWriter; part: number }>();
  private readonly done: { w: JsonlZstWriter; file: ShardFile }[] = [];

  constructor(
    private readonly outDir: string,
    private readonly rank: number,
    private readonly opts: { level: number; maxBytes: number },
  ) {}

  write(doc: Doc): string {
    if (doc.rights?.class === 'restricted') {
      throw new OellmError(`document ${doc.id} is restricted and cannot go to a public shard`, { code: 'E_RIGHTS', file: doc.source.file, offset: doc.source.offset });
    }
    const lang = langLabel(doc);
    let cur = this.open.get(lang);
    if (cur && this.opts.maxBytes > 0 && cur.w.bytes >= this.opts.maxBytes) {
      this.finish(lang, cur);
      cur = { w: this.newWriter(lang, cur.part + 1), part: cur.part + 1 };
      this.open.set(lang, cur);
    }
    if (!cur) {
      cur = { w: this.newWriter(lang, 0), part: 0 };
      this.open.set(lang, cur);
    }
    cur.w.write(toRecord(doc));
    return lang;
  }

  private newWriter(lang: string, part: number): JsonlZstWriter {
    const name = part === 0 ? `${rankName(this.rank)}.jsonl.zst` : `${rankName(this.rank)}-${String(part).padStart(3, '0')}.jsonl.zst`;
    // 1 MiB frames: up to one open shard per language, so the buffers stay small.
    return new JsonlZstWriter(join(this.outDir, 'shards', lang, name), { level: this.opts.level, batchBytes: 1 << 20 });
  }

  private finish(lang: string, cur: { w: JsonlZstWriter; part: number }): void {
    const f = cur.w.close();
    const rel = f.path
      .slice(this.outDir.length + 1)
      .split('\\')
      .join('/');
    this.done.push({ w: cur.w, file: { ...f, rel, lang } });
  }

  /** Closes every shard (temp files complete); returns them sorted by path. */
  close(): ShardFile[] {
    for (const [lang, cur] of [...this.open].sort(([a], [b]) => (a < b ? -1 : 1))) this.finish(lang, cur);
    this.open.clear();
    return this.done.map((d) => d.file).sort((a, b) => (a.rel < b.rel ? -1 : 1));
  }

  commit(): void {
    for (const d of this.done) d.w.commit();
  }

  abort(): void {
    for (const cur of this.open.values()) cur.w.abort();
    for (const d of this.done) d.w.abort();
  }
}
