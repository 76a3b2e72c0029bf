// File-system helpers with the guarantees the pipeline relies on: the one atomic writer
// (`AtomicFile`: temp file + fsync + rename, so a SIGKILL leaves either the old file or the new
// one, never a torn one) with the one temp-name scheme every cleanup knows, sha256 of files, and
// JSON read with errors that name the file. Every writer of a deliverable (JSONL shards, vault,
// GGUF, dedup stage files, Megatron export) builds on AtomicFile. Not a virtual file system.
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { OellmError } from './errors.js';

/** The one temp-name scheme: `.<name>.tmp-<pid>-<random>` beside the target, hidden, unique per writer. */
export function tempPathOf(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`);
}

/** Names of temp files a killed writer left behind (`tempPathOf`; `.<name>.tmp` of older versions too). */
export const TEMP_NAME_RE = /^\..+\.tmp(-\d+-[a-z0-9]+)?$/;

/** Removes the temp leftovers of one target path (any writer's, any pid); returns how many. */
export function removeTempsOf(path: string): number {
  const dir = dirname(path);
  if (!existsSync(dir)) return 0;
  const prefix = `.${basename(path)}.tmp`;
  let n = 0;
  for (const name of readdirSync(dir)) {
    if (name.startsWith(prefix) && TEMP_NAME_RE.test(name) && (name === prefix || name[prefix.length] === '-')) {
      rmSync(join(dir, name), { force: true });
      n++;
    }
  }
  return n;
}

function fsyncDir(dir: string): void {
  try {
    const dfd = openSync(dir, 'r');
    fsyncSync(dfd);
    closeSync(dfd);
  } catch {
    /* directory fsync is best-effort (not supported everywhere) */
  }
}

/**
 * A file written under a temp name and made visible by rename: open → write* → close() (fsync;
 * complete but not visible) → commit() (rename) | abort() (temp removed). Out-of-order calls
 * throw. Small writes are buffered (1 MiB); `patch` rewrites bytes already written (headers).
 */
export class AtomicFile {
  readonly tmp: string;
  private fd: number;
  private state: 'open' | 'closed' | 'committed' | 'aborted' = 'open';
  private buf: Buffer | undefined;
  private used = 0;
  private pos = 0;

  constructor(
    readonly path: string,
    opts: { mode?: number; buffer?: boolean } = {},
  ) {
    mkdirSync(dirname(path), { recursive: true });
    this.tmp = tempPathOf(path);
    this.fd = openSync(this.tmp, 'w', opts.mode ?? 0o666);
    if (opts.buffer !== false) this.buf = Buffer.alloc(1 << 20);
  }

  private expect(state: 'open' | 'closed', what: string): void {
    if (this.state !== state) throw new OellmError(`${what} of ${this.path} in state "${this.state}" (order: write* → close → commit)`, { code: 'E_STATE' });
  }

  /** Bytes written so far. */
  get size(): number {
    return this.pos + this.used;
  }

  private put(data: Uint8Array, at: number): void {
    let off = 0;
    while (off < data.length) off += writeSync(this.fd, data, off, data.length - off, at + off);
  }

  write(data: Uint8Array | string): void {
    this.expect('open', 'write');
    const b = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    const buf = this.buf;
    if (!buf || b.length > buf.length - this.used) this.flush();
    if (!buf || b.length > buf.length) {
      this.put(b, this.pos);
      this.pos += b.length;
      return;
    }
    buf.set(b, this.used);
    this.used += b.length;
  }

  /** Overwrites bytes at an absolute offset already written (header back-patching). */
  patch(offset: number, data: Uint8Array): void {
    this.expect('open', 'patch');
    this.flush();
    this.put(data, offset);
  }

  private flush(): void {
    if (this.used && this.buf) {
      this.put(this.buf.subarray(0, this.used), this.pos);
      this.pos += this.used;
      this.used = 0;
    }
  }

  /** Flushes and fsyncs the temp file; the data is not visible under `path` until commit(). */
  close(): void {
    this.expect('open', 'close');
    this.flush();
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.state = 'closed';
  }

  /** Renames the temp file into place (closing it first if still open) and syncs the folder. */
  commit(): void {
    if (this.state === 'open') this.close();
    this.expect('closed', 'commit');
    renameSync(this.tmp, this.path);
    this.state = 'committed';
    fsyncDir(dirname(this.path));
  }

  /** Drops the temp file (error paths); a no-op after commit. */
  abort(): void {
    if (this.state === 'open') {
      try {
        closeSync(this.fd);
      } catch {
        /* already closed */
      }
    }
    if (this.state !== 'committed') rmSync(this.tmp, { force: true });
    if (this.state !== 'committed') this.state = 'aborted';
  }
}

/** Writes `data` to `path` atomically: no reader ever sees a partial file. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const f = new AtomicFile(path, { buffer: false });
  try {
    f.write(data);
    f.commit();
  } catch (e) {
    f.abort();
    throw e;
  }
}

export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');
}

export function readJson<T = unknown>(path: string): T {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new OellmError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file: path, code: 'E_IO' });
  }
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new OellmError(`not valid JSON: ${(e as Error).message}`, { file: path, code: 'E_FORMAT', hint: 'the file is corrupt or truncated; regenerate it' });
  }
}

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}
