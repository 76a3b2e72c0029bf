// `oellm export megatron`: a dataset dir (shards/<lang>/*.jsonl.zst, `text` per line) tokenized
// into Megatron-LM's indexed dataset (`<prefix>.bin` + `<prefix>.idx`, MMIDIDX v1), one sequence
// per document with EOS appended, document boundaries in the index, so Megatron-LM / TorchTitan
// pretrain on exactly the data oellm curated. Also the reader, written from the same spec.
// .idx layout (little-endian): magic "MMIDIDX\0\0" (9 B), version u64 = 1, dtype code u8
// (uint16 = 8 when vocab < 65500, else int32 = 4), sequence count u64, document count u64,
// sequence lengths i32[n], sequence pointers i64[n] (byte offsets into .bin), document indices
// i64[d] (0, then the sequence index ending each document). .bin: the token ids, concatenated.
// Reference: Megatron-LM megatron/core/datasets/indexed_dataset.py (_IndexWriter, _IndexReader,
// DType, IndexedDatasetBuilder), tools/preprocess_data.py (--append-eod).
import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { dirname, join, resolve } from 'node:path';
import { codecOf, decompressor } from '../util/compress.js';
import { FormatError, OellmError } from '../util/errors.js';
import { AtomicFile } from '../util/fs.js';
import { loadTokenizer } from '../tokenizer/index.js';

export const MMIDIDX_MAGIC = Buffer.from('MMIDIDX\x00\x00', 'latin1');
/** Megatron DType codes (indexed_dataset.py `DType`): code and item size. */
export const MEGATRON_DTYPES = {
  uint8: { code: 1, size: 1 },
  int8: { code: 2, size: 1 },
  int16: { code: 3, size: 2 },
  int32: { code: 4, size: 4 },
  int64: { code: 5, size: 8 },
  float64: { code: 6, size: 8 },
  float32: { code: 7, size: 4 },
  uint16: { code: 8, size: 2 },
} as const;
export type MegatronDtype = keyof typeof MEGATRON_DTYPES;

/** DType.optimal_dtype: uint16 when the vocabulary has fewer than 65500 ids, else int32. */
export const optimalDtype = (vocabSize: number): 'uint16' | 'int32' => (vocabSize < 65500 ? 'uint16' : 'int32');

/** Streaming writer: add documents (token arrays), then finish() writes the index and renames both files into place. */
export class MegatronWriter {
  private readonly bin: AtomicFile;
  private readonly lengths: number[] = [];
  private readonly itemSize: number;
  private bytes = 0;
  private done = false;
  constructor(
    readonly prefix: string,
    readonly dtype: 'uint16' | 'int32',
  ) {
    mkdirSync(dirname(resolve(prefix)), { recursive: true });
    this.itemSize = MEGATRON_DTYPES[dtype].size;
    this.bin = new AtomicFile(`${prefix}.bin`);
  }
  /** One document = one sequence (Megatron's add_item + end_document). */
  addDocument(ids: readonly number[]): void {
    if (this.done) throw new OellmError('MegatronWriter: addDocument after finish', { code: 'E_STATE' });
    const max = this.dtype === 'uint16' ? 0xffff : 0x7fffffff;
    const buf = Buffer.alloc(ids.length * this.itemSize);
    for (let i = 0; i < ids.length; i++) {
      const v = ids[i]!;
      if (!Number.isInteger(v) || v < 0 || v > max) throw new OellmError(`token id ${v} does not fit ${this.dtype}`, { code: 'E_RANGE' });
      if (this.itemSize === 2) buf.writeUInt16LE(v, 2 * i);
      else buf.writeInt32LE(v, 4 * i);
    }
    this.bin.write(buf);
    this.lengths.push(ids.length);
    this.bytes += buf.length;
  }
  finish(): { bin: string; idx: string; sequences: number; tokens: number; bytes: number } {
    this.done = true;
    this.bin.close();
    const n = this.lengths.length;
    const idx = Buffer.alloc(9 + 8 + 1 + 8 + 8 + 4 * n + 8 * n + 8 * (n + 1));
    let p = 0;
    MMIDIDX_MAGIC.copy(idx, p);
    p += 9;
    idx.writeBigUInt64LE(1n, p);
    p += 8;
    idx.writeUInt8(MEGATRON_DTYPES[this.dtype].code, p);
    p += 1;
    idx.writeBigUInt64LE(BigInt(n), p);
    p += 8;
    idx.writeBigUInt64LE(BigInt(n + 1), p); // document indices: [0, 1, …, n]
    p += 8;
    for (const l of this.lengths) p = idx.writeInt32LE(l, p);
    let ptr = 0;
    for (const l of this.lengths) {
      idx.writeBigInt64LE(BigInt(ptr), p);
      p += 8;
      ptr += l * this.itemSize;
    }
    for (let d = 0; d <= n; d++) p = idx.writeBigInt64LE(BigInt(d), p);
    const idxFile = new AtomicFile(`${this.prefix}.idx`, { buffer: false });
    idxFile.write(idx);
    idxFile.close();
    this.bin.commit();
    idxFile.commit();
    return { bin: `${this.prefix}.bin`, idx: `${this.prefix}.idx`, sequences: n, tokens: this.bytes / this.itemSize, bytes: this.bytes };
  }
  abort(): void {
    this.bin.abort();
  }
}

export interface MegatronIndex {
  dtype: MegatronDtype;
  sequenceLengths: Int32Array;
  /** Byte offsets into .bin (as numbers; < 2^53). */
  sequencePointers: number[];
  documentIndices: number[];
  /** Tokens of sequence i. */
  sequence(i: number): number[];
}

/** Reads `<prefix>.idx` + `<prefix>.bin` following _IndexReader; every check names the file and offset. */
export function readMegatron(prefix: string): MegatronIndex {
  const idxPath = `${prefix}.idx`;
  const binPath = `${prefix}.bin`;
  if (!existsSync(idxPath)) throw new FormatError('index file not found', { file: idxPath });
  const b = readFileSync(idxPath);
  const need = (off: number, n: number, what: string) => {
    if (off + n > b.length) throw new FormatError(`truncated Megatron index: ${what}`, { file: idxPath, offset: off, expected: `${n} bytes`, found: `${Math.max(0, b.length - off)}` });
  };
  need(0, 34, 'header');
  if (!b.subarray(0, 9).equals(MMIDIDX_MAGIC)) throw new FormatError('bad Megatron index header', { file: idxPath, offset: 0, expected: JSON.stringify(MMIDIDX_MAGIC.toString('latin1')), found: JSON.stringify(b.subarray(0, 9).toString('latin1')) });
  const version = b.readBigUInt64LE(9);
  if (version !== 1n) throw new FormatError('bad Megatron index version', { file: idxPath, offset: 9, expected: '1', found: version.toString() });
  const code = b.readUInt8(17);
  const dtype = (Object.keys(MEGATRON_DTYPES) as MegatronDtype[]).find((k) => MEGATRON_DTYPES[k].code === code);
  if (!dtype) throw new FormatError('unknown Megatron dtype code', { file: idxPath, offset: 17, expected: '1..8', found: String(code) });
  const n = Number(b.readBigUInt64LE(18));
  const d = Number(b.readBigUInt64LE(26));
  let p = 34;
  need(p, 4 * n + 8 * n + 8 * d, `${n} sequences and ${d} document indices`);
  const sequenceLengths = new Int32Array(n);
  for (let i = 0; i < n; i++, p += 4) sequenceLengths[i] = b.readInt32LE(p);
  const sequencePointers: number[] = [];
  for (let i = 0; i < n; i++, p += 8) sequencePointers.push(Number(b.readBigInt64LE(p)));
  const documentIndices: number[] = [];
  for (let i = 0; i < d; i++, p += 8) documentIndices.push(Number(b.readBigInt64LE(p)));
  const size = MEGATRON_DTYPES[dtype].size;
  const binSize = existsSync(binPath) ? statSync(binPath).size : -1;
  if (binSize < 0) throw new FormatError('data file not found', { file: binPath });
  const last = n ? sequencePointers[n - 1]! + sequenceLengths[n - 1]! * size : 0;
  if (last > binSize) throw new FormatError('truncated Megatron data file', { file: binPath, offset: binSize, expected: `${last} bytes`, found: String(binSize) });
  let bin: Buffer | undefined;
  return {
    dtype,
    sequenceLengths,
    sequencePointers,
    documentIndices,
    sequence(i: number): number[] {
      bin ??= readFileSync(binPath);
      const out: number[] = [];
      for (let j = 0, q = sequencePointers[i]!; j < sequenceLengths[i]!; j++, q += size) {
        out.push(size === 2 ? bin.readUInt16LE(q) : size === 4 ? bin.readInt32LE(q) : size === 1 ? bin.readUInt8(q) : Number(bin.readBigInt64LE(q)));
      }
      return out;
    },
  };
}

export interface MegatronReport {
  bin: string;
  idx: string;
  dtype: 'uint16' | 'int32';
  documents: number;
  tokens: number;
  perLang: Record<string, { documents: number; tokens: number }>;
  skipped: number;
  seconds: number;
}

/** Lists shard files: shards/<lang>/*.jsonl(.zst|.gz), languages and files in sorted order. */
export function listShards(datasetDir: string): { lang: string; file: string }[] {
  const root = join(datasetDir, 'shards');
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new OellmError(`no shards/ directory in ${datasetDir}`, { file: datasetDir, code: 'E_INPUT', hint: 'pass a dataset dir written by `oellm data run` (shards/<lang>/*.jsonl.zst)' });
  const out: { lang: string; file: string }[] = [];
  for (const lang of readdirSync(root).sort()) {
    const d = join(root, lang);
    if (!statSync(d).isDirectory()) continue;
    for (const f of readdirSync(d).sort()) if (/\.jsonl(\.zst|\.gz)?$/.test(f)) out.push({ lang, file: join(d, f) });
  }
  if (!out.length) throw new OellmError(`no *.jsonl.zst shards under ${root}`, { file: root, code: 'E_INPUT' });
  return out;
}

/** Tokenizes every document of a dataset dir into `<prefix>.bin/.idx`. */
export async function exportMegatron(datasetDir: string, o: { tokenizer: string; out: string; appendEos?: boolean; onProgress?: (docs: number) => void }): Promise<MegatronReport> {
  const t0 = performance.now();
  const tok = loadTokenizer(o.tokenizer);
  const eos = tok.eosId;
  const appendEos = o.appendEos ?? true;
  if (appendEos && eos === undefined) throw new OellmError('the tokenizer has no EOS token to mark document ends', { file: o.tokenizer, code: 'E_INPUT', hint: 'set eos_token in tokenizer_config.json, or pass --no-eos' });
  const dtype = optimalDtype(tok.vocabSize);
  const shards = listShards(datasetDir);
  const w = new MegatronWriter(o.out, dtype);
  const perLang: Record<string, { documents: number; tokens: number }> = {};
  let docs = 0;
  let skipped = 0;
  try {
    for (const { lang, file } of shards) {
      const stats = (perLang[lang] ??= { documents: 0, tokens: 0 });
      const stream = createReadStream(file).pipe(decompressor(codecOf(file)));
      let line = 0;
      for await (const raw of createInterface({ input: stream, crlfDelay: Infinity })) {
        line++;
        if (!raw.trim()) continue;
        let rec: { text?: unknown };
        try {
          rec = JSON.parse(raw) as { text?: unknown };
        } catch (e) {
          throw new FormatError(`line ${line} is not JSON: ${(e as Error).message}`, { file, offset: line, hint: 'the shard is corrupt; re-run `oellm data run`' });
        }
        if (typeof rec.text !== 'string') throw new FormatError(`line ${line} has no string "text" field`, { file, offset: line });
        if (!rec.text) {
          skipped++;
          continue;
        }
        const ids = tok.encode(rec.text);
        if (appendEos) ids.push(eos!);
        w.addDocument(ids);
        stats.documents++;
        stats.tokens += ids.length;
        if (++docs % 1000 === 0) o.onProgress?.(docs);
      }
    }
    const r = w.finish();
    return { bin: r.bin, idx: r.idx, dtype, documents: r.sequences, tokens: r.tokens, perLang, skipped, seconds: (performance.now() - t0) / 1000 };
  } catch (e) {
    w.abort();
    throw e;
  }
}
