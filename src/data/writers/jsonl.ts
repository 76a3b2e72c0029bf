// JSON Lines in zstd, written in independent frames of ~`batchBytes` each (a valid multi-frame
// .zst that `zstd -d` and every streaming reader accept): the bytes depend only on the records,
// never on timing, which the kill/resume guarantee needs; memory stays at one batch. Writers go
// to a temp file (util/fs.ts AtomicFile) and are committed by a rename (RankOutputs) so a
// SIGKILL never leaves a torn file under its final name. Also the matching streaming reader. Not a shard layout (shards.ts).
import { createReadStream } from 'node:fs';
import { createHash, type Hash } from 'node:crypto';
import { createInterface } from 'node:readline';
import { decompressor, zstd } from '../../util/compress.js';
import { FormatError, OellmError } from '../../util/errors.js';
import { AtomicFile } from '../../util/fs.js';

export interface WrittenFile {
  /** Final path (after commit). */
  path: string;
  docs: number;
  /** Uncompressed bytes of the JSON lines. */
  bytes: number;
  /** Bytes on disk. */
  compressedBytes: number;
  sha256: string;
}

/** States: open → closed (temp complete, not yet visible) → committed. Out-of-order calls throw. */
export class JsonlZstWriter {
  private readonly file: AtomicFile;
  private parts: string[] = [];
  private partBytes = 0;
  private state: 'open' | 'closed' | 'committed' = 'open';
  private readonly hash: Hash = createHash('sha256');
  readonly tmp: string;
  docs = 0;
  bytes = 0;
  compressedBytes = 0;

  constructor(
    readonly path: string,
    private readonly opts: { level?: number; batchBytes?: number; compress?: boolean } = {},
  ) {
    this.file = new AtomicFile(path, { buffer: false });
    this.tmp = this.file.tmp;
  }

  write(record: unknown): void {
    this.writeLine(JSON.stringify(record));
  }

  writeLine(line: string): void {
    if (this.state !== 'open') throw new OellmError(`write to ${this.path} after close`, { code: 'E_STATE' });
    this.parts.push(line, '\n');
    const n = Buffer.byteLength(line) + 1;
    this.partBytes += n;
    this.bytes += n;
    this.docs++;
    if (this.partBytes >= (this.opts.batchBytes ?? 4 << 20)) this.flush();
  }

  private flush(): void {
    if (this.partBytes === 0) return;
    const raw = Buffer.from(this.parts.join(''));
    const out = this.opts.compress === false ? raw : zstd(raw, this.opts.level ?? 3);
    this.file.write(out);
    this.hash.update(out);
    this.compressedBytes += out.length;
    this.parts = [];
    this.partBytes = 0;
  }

  /** Flushes and fsyncs the temp file; the data is not visible under `path` until commit(). */
  close(): WrittenFile {
    if (this.state !== 'open') throw new OellmError(`close of ${this.path} twice`, { code: 'E_STATE' });
    this.flush();
    this.file.close();
    this.state = 'closed';
    return { path: this.path, docs: this.docs, bytes: this.bytes, compressedBytes: this.compressedBytes, sha256: this.hash.digest('hex') };
  }

  commit(): void {
    if (this.state !== 'closed') throw new OellmError(`commit of ${this.path} before close`, { code: 'E_STATE' });
    this.file.commit();
    this.state = 'committed';
  }

  /** Drops the temp file (error paths). */
  abort(): void {
    this.file.abort();
    this.state = 'committed';
  }
}

/** Streams the JSON objects of a .jsonl / .jsonl.zst / .jsonl.gz file; a bad line is a FormatError naming file and line. */
export async function* readJsonl<T = unknown>(file: string): AsyncIterable<T> {
  const codec = /\.zst$/.test(file) ? 'zst' : /\.gz$/.test(file) ? 'gz' : 'none';
  const input = createReadStream(file).pipe(decompressor(codec));
  const rl = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  for await (const text of rl) {
    line++;
    if (text.length === 0) continue;
    try {
      yield JSON.parse(text) as T;
    } catch (e) {
      throw new FormatError(`line ${line} is not JSON: ${(e as Error).message}`, { file, offset: line, hint: 'the intermediate file is corrupt; delete the work/ folder of this run and start again' });
    }
  }
}
