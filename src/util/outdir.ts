// Checks an output location before any work starts: `checkOutDir` (a folder a command fills)
// and `checkOutFile` (one file it writes). Refused with a clear E_OUT error: a path under a
// special file system (/proc, /sys, /dev: Node's recursive mkdir spins forever on /proc), a
// folder path that is a file, a path below a file, a location this user cannot write, and a
// folder inside an input folder (later runs would read earlier outputs). Not the writer itself.
import { accessSync, constants, realpathSync, statSync, statfsSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { OellmError } from './errors.js';

/** statfs f_type magic numbers of pseudo file systems (linux/magic.h); devtmpfs reports tmpfs. */
const SPECIAL_FS: Record<number, string> = {
  0x9fa0: 'proc',
  0x62656572: 'sysfs',
  0x27e0eb: 'cgroup',
  0x63677270: 'cgroup2',
  0x1cd1: 'devpts',
  0x64626720: 'debugfs',
  0x74726163: 'tracefs',
  0x73636673: 'securityfs',
  0xcafe4a11: 'bpf',
  0x6165676c: 'pstore',
  0x62656570: 'configfs',
  0x19800202: 'mqueue',
};
const SPECIAL_ROOTS = ['/proc', '/sys', '/dev'];

export interface OutCheckOptions {
  /** The flag that named the path, for messages (default `--out`). */
  flag?: string;
  /** Inputs (files, folders, globs) the output must not lie inside. */
  inputs?: readonly string[];
}

const inside = (child: string, parent: string): boolean => child === parent || child.startsWith(parent.endsWith(sep) ? parent : parent + sep);

/** The nearest existing ancestor of `abs` (itself when it exists), resolved through links, plus the rest. */
function existingBase(abs: string): { base: string; rest: string } {
  let base = abs;
  const rest: string[] = [];
  for (;;) {
    try {
      statSync(base);
      return { base: realpathSync(base), rest: rest.reverse().join(sep) };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOTDIR') {
        // Some ancestor is a file: found below.
      } else if (code !== 'ENOENT') throw e;
    }
    const up = dirname(base);
    if (up === base) return { base, rest: rest.reverse().join(sep) };
    rest.push(basename(base));
    base = up;
  }
}

function special(real: string): string | undefined {
  for (const r of SPECIAL_ROOTS) if (inside(real, r)) return r.slice(1);
  try {
    return SPECIAL_FS[statfsSync(real).type];
  } catch {
    return undefined;
  }
}

/** Checks a location to write into; returns its absolute path (as given, not resolved through links). */
function checkLocation(path: string, kind: 'folder' | 'file', opts: OutCheckOptions): { abs: string; real: string } {
  const flag = opts.flag ?? '--out';
  const abs = resolve(path);
  const { base, rest } = existingBase(abs);
  const real = rest ? join(base, rest) : base;
  const fs = special(base);
  if (fs) throw new OellmError(`${flag} is on the ${fs} pseudo file system, which holds no files`, { code: 'E_OUT', file: path, hint: `choose a folder on a real disk, e.g. ${flag} runs/…` });
  const st = statSync(base);
  if (!rest) {
    if (kind === 'folder' && !st.isDirectory()) throw new OellmError(`${flag} is a file, not a folder`, { code: 'E_OUT', file: path, hint: `${flag} names the folder to write into; pick a new or existing folder path` });
    if (kind === 'file' && st.isDirectory()) throw new OellmError(`${flag} is a folder, not a file`, { code: 'E_OUT', file: path, hint: `${flag} names the file to write; add a file name` });
  } else if (!st.isDirectory()) {
    throw new OellmError(`${flag} lies below ${base}, which is a file`, { code: 'E_OUT', file: path, hint: 'pick a path whose parent folders are folders' });
  }
  const writable = !rest && kind === 'file' ? dirname(base) : base;
  try {
    accessSync(writable, constants.W_OK);
  } catch {
    throw new OellmError(`${flag}: ${writable} is not writable`, { code: 'E_OUT', file: path, hint: 'pick a folder you can write to' });
  }
  return { abs, real };
}

const isGlob = (s: string): boolean => /[*?[{]/.test(s);

/** Refuses an output folder inside an input folder, or inside a glob's root that it could match. */
function checkNotInInputs(real: string, path: string, opts: OutCheckOptions): void {
  for (const input of opts.inputs ?? []) {
    let root = resolve(input);
    let crosses = true;
    if (isGlob(input)) {
      const parts = root.split(sep);
      const first = parts.findIndex(isGlob);
      root = parts.slice(0, first).join(sep) || sep;
      const pattern = parts.slice(first).join('/');
      crosses = pattern.includes('/') || pattern.includes('**');
    }
    let rootReal: string;
    try {
      if (!statSync(root).isDirectory()) continue;
      rootReal = realpathSync(root);
    } catch {
      continue; // a missing input is reported by the input expansion
    }
    if (crosses && inside(real, rootReal)) {
      throw new OellmError(`${opts.flag ?? '--out'} is inside the input folder ${input}: a later run would read this run's outputs as input`, {
        code: 'E_OUT',
        file: path,
        hint: `write outside it, e.g. ${opts.flag ?? '--out'} ${join(relative(process.cwd(), dirname(rootReal)) || '.', `${basename(rootReal)}-out`)}`,
      });
    }
  }
}

/** Checks a folder a command will create or fill; returns its absolute path. */
export function checkOutDir(path: string, opts: OutCheckOptions = {}): string {
  const { abs, real } = checkLocation(path, 'folder', opts);
  checkNotInInputs(real, path, opts);
  return abs;
}

/** Checks a file a command will write (its folder is created if missing); returns its absolute path. */
export function checkOutFile(path: string, opts: OutCheckOptions = {}): string {
  const { abs, real } = checkLocation(path, 'file', opts);
  checkNotInInputs(real, path, opts);
  return abs;
}
