// Which models a server offers: every `models/<variant>/<variant>-<quant>.gguf` of a run dir
// (ids `<variant>-<quant>`), or the .gguf files given (ids: file names without `.gguf`).
// Checks each file's GGUF structure (our reader) before llama.cpp sees it, so a bad start names the file.
// Not loading (engine.ts). Reference: the run dir layout (DESIGN.md), GGUF v3 header.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { OellmError } from '../util/errors.js';
import { readGguf } from '../formats/gguf/reader.js';

export interface ModelEntry {
  /** API id: `core-q4_0`. */
  id: string;
  path: string;
  bytes: number;
  /** Variant name (run dir) or the file name. */
  variant: string;
  /** Quantization from the file name (`f16`, `q8_0`, ...), when it follows `<variant>-<quant>.gguf`. */
  quant: string | null;
}

export interface ModelSet {
  /** The run dir when serving one, else null. */
  runDir: string | null;
  models: ModelEntry[];
}

const QUANT = /^(.*)-(f32|f16|bf16|q\d+_[0-9a-z_]+)$/i;

/** Throws an OellmError naming the file when it is missing or not a well-formed GGUF (header, metadata, tensor table). */
export function checkGguf(path: string): number {
  if (!existsSync(path)) throw new OellmError(`GGUF file not found: ${path}`, { file: path, code: 'E_IO', hint: 'check the path; `oellm build` writes models/<variant>/<variant>-<quant>.gguf' });
  const st = statSync(path);
  if (!st.isFile()) throw new OellmError(`not a file: ${path}`, { file: path, code: 'E_IO' });
  try {
    readGguf(path);
  } catch (e) {
    const f = e as OellmError;
    throw new OellmError(`not a usable GGUF model: ${f.message}`, {
      file: path,
      code: 'E_FORMAT',
      ...(f.offset !== undefined ? { offset: f.offset } : {}),
      hint: 'the file is corrupt or truncated; re-export it with `oellm export gguf` or re-run `oellm build`',
    });
  }
  return st.size;
}

function entry(path: string, variantHint?: string): ModelEntry {
  const bytes = checkGguf(path);
  const stem = basename(path).replace(/\.gguf$/i, '');
  const m = QUANT.exec(stem);
  return { id: stem, path, bytes, variant: variantHint ?? m?.[1] ?? stem, quant: m ? m[2]!.toLowerCase() : null };
}

/** The models of a run dir, or of the given files; throws with what to do when there are none. */
export function discoverModels(targets: readonly string[]): ModelSet {
  if (targets.length === 0) throw new OellmError('nothing to serve', { code: 'E_INPUT', hint: 'pass a run dir (`oellm build` output) or one or more .gguf files' });
  if (targets.length === 1 && existsSync(targets[0]!) && statSync(targets[0]!).isDirectory()) {
    const runDir = resolve(targets[0]!);
    const dir = join(runDir, 'models');
    const variants = existsSync(dir)
      ? readdirSync(dir, { withFileTypes: true })
          .filter((d) => d.isDirectory())
          .map((d) => d.name)
          .sort()
      : [];
    const models: ModelEntry[] = [];
    for (const v of variants) {
      for (const f of readdirSync(join(dir, v))
        .filter((f) => f.endsWith('.gguf'))
        .sort())
        models.push(entry(join(dir, v, f), v));
    }
    if (models.length === 0) {
      throw new OellmError(`no GGUF models in run dir ${runDir} (looked for models/<variant>/<variant>-<quant>.gguf)`, {
        file: runDir,
        code: 'E_INPUT',
        hint: `build them first: \`oellm build --out ${targets[0]}\` (its export stage writes the GGUF files), or pass .gguf files directly`,
      });
    }
    return { runDir, models };
  }
  const models = targets.map((t) => {
    if (existsSync(t) && statSync(t).isDirectory()) throw new OellmError(`a directory among several targets: ${t}`, { file: t, code: 'E_INPUT', hint: 'serve one run dir, or a list of .gguf files' });
    return entry(resolve(t));
  });
  const seen = new Set<string>();
  for (const m of models) {
    if (seen.has(m.id)) throw new OellmError(`two models would share the id "${m.id}"`, { file: m.path, code: 'E_INPUT', hint: 'rename one of the files' });
    seen.add(m.id);
  }
  return { runDir: null, models };
}
