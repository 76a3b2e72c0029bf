// Dedup stage 1: per rank, the MinHash band keys and the exact-text key of every document,
// sorted per band, in one binary file. Stage 2 (buckets.ts) merges these files band by band
// across ranks. Not the LSH merge nor the clustering. Reference: datatrove
// MinhashDedupSignature (one sorted signature file per bucket and rank).
//
// File layout (little-endian):
//   0  magic "OEMH"  u32 version=1
//   8  u32 rank, u32 docs, u32 bands, u32 rows, u32 ngram, u32 seed, u32 flags (1 exact, 2 minhash)
//  36  u32 count[bands + 1]        entries per section; section `bands` holds the exact keys
//      sections: count[s] × {u32 keyHi, u32 keyLo, u32 docIndex}, sorted by (keyHi, keyLo, docIndex)
//      ids: docs × {u32 byteLength, utf8 bytes}     Doc.id in input order (docIndex)
//      magic "OEND"
import { closeSync, openSync, readSync } from 'node:fs';
import { FormatError } from '../../util/errors.js';
import { DedupConfigSchema, type DedupConfig } from './config.js';
import { fileSize } from './io.js';
import { AtomicFile } from '../../util/fs.js';
import { bandKey, hashFamily, minhash, shingles, words } from './minhash.js';

const SIG_MAGIC = 'OEMH';
const SIG_END = 'OEND';
const SIG_VERSION = 1;
export const ENTRY_BYTES = 12;

export interface SignatureHeader {
  file: string;
  rank: number;
  docs: number;
  bands: number;
  rows: number;
  ngram: number;
  seed: number;
  exact: boolean;
  minhash: boolean;
  /** Entries per section (bands minhash sections, then the exact section). */
  counts: number[];
  /** Byte offset of each section. */
  offsets: number[];
  /** Byte offset of the ids block. */
  idsOffset: number;
}

export interface SignatureStats {
  docs: number;
  /** Documents with no words: no minhash entry (they can still be exact duplicates). */
  empty: number;
  bytes: number;
}

/** Stage 1: reads {id, text} docs of one rank and writes its signature file atomically. */
export async function writeSignatures(docs: AsyncIterable<{ id: string; text: string }> | Iterable<{ id: string; text: string }>, outFile: string, opts: { rank?: number; config?: Partial<DedupConfig> } = {}): Promise<SignatureStats> {
  const w = new SignatureWriter(outFile, opts);
  for await (const d of docs as AsyncIterable<{ id: string; text: string }>) w.add(d);
  return w.finish();
}

/** writeSignatures one document at a time (the pipeline's rank loop): add() each, then finish(). */
export class SignatureWriter {
  private readonly cfg: DedupConfig;
  private readonly rank: number;
  private readonly fam: ReturnType<typeof hashFamily>;
  private readonly sig: Uint32Array;
  private readonly S: number;
  // keys[(doc·S + section)·2 + {0,1}] = [hi, lo]
  private keys: Uint32Array;
  private readonly hasMinhash: number[] = [];
  private readonly ids: string[] = [];
  private empty = 0;

  constructor(
    private readonly outFile: string,
    opts: { rank?: number; config?: Partial<DedupConfig> } = {},
  ) {
    this.cfg = DedupConfigSchema.parse(opts.config ?? {});
    this.rank = opts.rank ?? 0;
    const H = this.cfg.bands * this.cfg.rows;
    this.fam = hashFamily(H, this.cfg.seed);
    this.sig = new Uint32Array(H);
    this.S = this.cfg.bands + 1;
    this.keys = new Uint32Array(1024 * this.S * 2);
  }

  add(d: { id: string; text: string }): void {
    const { cfg, S, ids } = this;
    const { bands, rows, ngram } = cfg;
    if (typeof d.id !== 'string' || typeof d.text !== 'string') throw new FormatError('dedup input record needs string `id` and `text`', { file: this.outFile, offset: ids.length });
    const i = ids.length;
    ids.push(d.id);
    if ((i + 1) * S * 2 > this.keys.length) {
      const g = new Uint32Array(this.keys.length * 2);
      g.set(this.keys);
      this.keys = g;
    }
    const keys = this.keys;
    const w = words(d.text);
    const base = i * S * 2;
    if (cfg.minhash) {
      if (w.count > 0) {
        minhash(shingles(w, ngram), this.fam, this.sig);
        for (let b = 0; b < bands; b++) bandKey(this.sig, b, rows, keys, base + b * 2);
        this.hasMinhash.push(1);
      } else {
        this.empty++;
        this.hasMinhash.push(0);
      }
    }
    if (cfg.exact) {
      const [hi, lo] = w.exact;
      keys[base + bands * 2] = hi;
      keys[base + bands * 2 + 1] = lo;
    }
  }

  /** Sorts the sections and writes the file atomically. */
  finish(): SignatureStats {
    const { cfg, S, ids, keys, hasMinhash, empty, rank, outFile } = this;
    const { bands, rows, ngram } = cfg;
    const n = ids.length;
    // Sort each section's doc indices by (hi, lo, index).
    const sections: Uint32Array[] = [];
    for (let s = 0; s < S; s++) {
      const on = s < bands ? cfg.minhash : cfg.exact;
      if (!on) {
        sections.push(new Uint32Array(0));
        continue;
      }
      const idx: number[] = [];
      for (let i = 0; i < n; i++) if (s === bands || hasMinhash[i]) idx.push(i);
      const order = Uint32Array.from(idx);
      order.sort((x, y) => {
        const bx = (x * S + s) * 2;
        const by = (y * S + s) * 2;
        return keys[bx]! - keys[by]! || keys[bx + 1]! - keys[by + 1]! || x - y;
      });
      sections.push(order);
    }
    const w = new AtomicFile(outFile);
    try {
      const head = Buffer.alloc(36 + 4 * S);
      head.write(SIG_MAGIC, 0, 'latin1');
      const vals = [SIG_VERSION, rank, n, bands, rows, ngram, cfg.seed, (cfg.exact ? 1 : 0) | (cfg.minhash ? 2 : 0)];
      vals.forEach((v, k) => head.writeUInt32LE(v >>> 0, 4 + 4 * k));
      sections.forEach((o, s) => head.writeUInt32LE(o.length, 36 + 4 * s));
      w.write(head);
      for (let s = 0; s < S; s++) {
        const o = sections[s]!;
        const chunk = Buffer.alloc(Math.min(o.length, 65536) * ENTRY_BYTES);
        for (let k = 0; k < o.length; k += 65536) {
          const m = Math.min(65536, o.length - k);
          for (let j = 0; j < m; j++) {
            const i = o[k + j]!;
            const b = (i * S + s) * 2;
            chunk.writeUInt32LE(keys[b]!, j * ENTRY_BYTES);
            chunk.writeUInt32LE(keys[b + 1]!, j * ENTRY_BYTES + 4);
            chunk.writeUInt32LE(i, j * ENTRY_BYTES + 8);
          }
          w.write(chunk.subarray(0, m * ENTRY_BYTES));
        }
      }
      for (const id of ids) {
        const b = Buffer.from(id, 'utf8');
        const len = Buffer.alloc(4);
        len.writeUInt32LE(b.length);
        w.write(len);
        w.write(b);
      }
      w.write(Buffer.from(SIG_END, 'latin1'));
      const bytes = w.size;
      w.commit();
      return { docs: n, empty, bytes };
    } catch (e) {
      w.abort();
      throw e;
    }
  }
}

/** Reads and validates a signature file's header (not its entries). */
export function readSignatureHeader(file: string, fd?: number): SignatureHeader {
  const own = fd === undefined;
  const f = fd ?? openSync(file, 'r');
  try {
    const size = fileSize(f);
    const h = Buffer.alloc(36);
    if (size < 36 || readSync(f, h, 0, 36, 0) !== 36) throw new FormatError('not a dedup signature file (too short)', { file, hint: 'regenerate it with stage 1 (writeSignatures)' });
    const magic = h.toString('latin1', 0, 4);
    if (magic !== SIG_MAGIC) throw new FormatError('not a dedup signature file', { file, expected: SIG_MAGIC, found: JSON.stringify(magic) });
    const version = h.readUInt32LE(4);
    if (version !== SIG_VERSION) throw new FormatError('unsupported signature file version', { file, expected: String(SIG_VERSION), found: String(version) });
    const [rank, docs, bands, rows, ngram, seed, flags] = [8, 12, 16, 20, 24, 28, 32].map((o) => h.readUInt32LE(o)) as [number, number, number, number, number, number, number];
    const S = bands + 1;
    const cb = Buffer.alloc(4 * S);
    readSync(f, cb, 0, 4 * S, 36);
    const counts = Array.from({ length: S }, (_, s) => cb.readUInt32LE(4 * s));
    const offsets: number[] = [];
    let at = 36 + 4 * S;
    for (const c of counts) {
      offsets.push(at);
      at += c * ENTRY_BYTES;
    }
    if (at > size) throw new FormatError('signature file is truncated', { file, offset: size, hint: 'regenerate it with stage 1' });
    return { file, rank, docs, bands, rows, ngram, seed, exact: (flags & 1) !== 0, minhash: (flags & 2) !== 0, counts, offsets, idsOffset: at };
  } finally {
    if (own) closeSync(f);
  }
}

/**
 * The Doc ids of a signature file, in input order; with `each`, streams (index, id) instead of
 * returning them (the ids block is read in chunks, never whole).
 */
export function readSignatureIds(file: string): string[];
export function readSignatureIds(file: string, each: (index: number, id: string) => void): void;
export function readSignatureIds(file: string, each?: (index: number, id: string) => void): string[] | void {
  const fd = openSync(file, 'r');
  try {
    const h = readSignatureHeader(file, fd);
    const size = fileSize(fd);
    const ids: string[] = [];
    const CHUNK = 1 << 20;
    let buf = Buffer.alloc(0);
    let pos = h.idsOffset; // file offset of buf[0]
    let at = 0;
    /** Makes at least `need` bytes available at `at` (fewer only at the end of the file). */
    const fill = (need: number): void => {
      if (at + need <= buf.length) return;
      const keep = buf.subarray(at);
      const want = Math.max(need, CHUNK);
      const next = Buffer.alloc(keep.length + Math.min(want, size - (pos + buf.length)));
      keep.copy(next);
      readSync(fd, next, keep.length, next.length - keep.length, pos + buf.length);
      pos += at;
      buf = next;
      at = 0;
    };
    for (let i = 0; i < h.docs; i++) {
      fill(4);
      if (at + 4 > buf.length) throw new FormatError('signature file is truncated in the ids block', { file, offset: pos + at });
      const len = buf.readUInt32LE(at);
      fill(4 + len);
      if (at + 4 + len > buf.length) throw new FormatError('signature file is truncated in the ids block', { file, offset: pos + at });
      const id = buf.toString('utf8', at + 4, at + 4 + len);
      at += 4 + len;
      if (each) each(i, id);
      else ids.push(id);
    }
    fill(4);
    if (buf.toString('latin1', at, at + 4) !== SIG_END) throw new FormatError('signature file has no end marker', { file, offset: pos + at, hint: 'regenerate it with stage 1' });
    return each ? undefined : ids;
  } finally {
    closeSync(fd);
  }
}
