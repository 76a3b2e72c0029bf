// Reading task data in place: gzip or plain files, their sha256, the evaluation data folder
// (`../shared/eval` unless told), and a tab/comma-separated parser that honours double quotes
// as pandas `to_csv` writes them. Not a task. Reference: RFC 4180; ../shared/eval/README.md.
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { OellmError } from '../../util/errors.js';

export interface ReadFile {
  path: string;
  text: string;
  sha256: string;
}

/** Reads a file (gunzipped when it ends in .gz) and hashes its stored bytes. */
export function readData(path: string): ReadFile {
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch (e) {
    throw new OellmError(`cannot read ${path}: ${(e as Error).message}`, { file: path, code: 'E_IO', hint: 'check the path' });
  }
  const sha256 = createHash('sha256').update(raw).digest('hex');
  let text: string;
  try {
    text = (path.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
  } catch (e) {
    throw new OellmError(`cannot decompress ${path}: ${(e as Error).message}`, { file: path, code: 'E_FORMAT', hint: 'the file is not valid gzip' });
  }
  return { path, text, sha256 };
}

/** sha256 over the files a task read: sorted "path sha256" lines. */
export function combinedSha(files: readonly ReadFile[]): string {
  return createHash('sha256')
    .update(
      files
        .map((f) => `${f.path} ${f.sha256}`)
        .sort()
        .join('\n'),
    )
    .digest('hex');
}

/** The evaluation data folder: explicit, else $OELLM_EVAL_DATA, else ../shared/eval beside the cwd or the package. */
export function evalDataDir(explicit?: string): string {
  if (explicit) return resolve(explicit);
  if (process.env.OELLM_EVAL_DATA) return resolve(process.env.OELLM_EVAL_DATA);
  const pkg = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
  for (const c of [resolve('..', 'shared', 'eval'), join(pkg, '..', 'shared', 'eval'), resolve('shared', 'eval')]) if (existsSync(join(c, 'manifest.json'))) return c;
  return resolve('..', 'shared', 'eval');
}

/** Rows of a delimited file with a header: fields in double quotes may hold delimiters, newlines and "" escapes. */
export function parseDelimited(text: string, delim: string): { header: string[]; rows: { line: number; cells: string[] }[] } {
  const records: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        cell += ch;
      }
      continue;
    }
    if (ch === '"' && cell === '') quoted = true;
    else if (ch === delim) {
      cells.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      cells.push(cell);
      if (cells.length > 1 || cells[0] !== '') records.push({ line: start, cells });
      cells = [];
      cell = '';
      line++;
      start = line;
    } else cell += ch;
  }
  if (cell !== '' || cells.length) {
    cells.push(cell);
    records.push({ line: start, cells });
  }
  const head = records.shift();
  return { header: head?.cells ?? [], rows: records };
}

/** sha256 of a file, streamed (model weights can be large). */
export async function fileSha256(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}
