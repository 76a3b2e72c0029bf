// One writer per output directory: `lockDir(dir)` creates `<dir>/.oellm.lock` holding this
// process's pid and command (created whole through a hard link, so no reader sees it half
// written), and returns the function that removes it. A lock whose process is gone, or is a
// zombie (killed, not yet reaped: /proc/<pid>/stat state Z), is taken over; a live one is an
// E_LOCKED error naming the pid. Not a distributed lock: one machine, one file system.
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { OellmError } from './errors.js';

export const LOCK_FILE = '.oellm.lock';

/** Lock file beside `dir` (`.<name>.oellm.lock`), for folders replaced whole (checkpoints). */
export const siblingLockFile = (dir: string): string => join(dirname(resolve(dir)), `.${basename(resolve(dir))}.oellm.lock`);

/** True when `pid` is a running process (zombies and dead pids are not). */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    // "pid (comm) S ...": the state follows the last ')' (comm may contain spaces and parens).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return true; // no /proc (not Linux): kill(0) said it exists
  }
}

export interface LockOptions {
  /** Lock file path (default `<dir>/.oellm.lock`). */
  file?: string;
  /** What holds it, for the error message (e.g. `oellm train`). */
  what?: string;
}

/** Locks `dir` (created if missing) for this process; returns the unlock function. */
export function lockDir(dir: string, opts: LockOptions = {}): () => void {
  const lock = opts.file ?? join(dir, LOCK_FILE);
  const what = opts.what ?? 'oellm';
  mkdirSync(join(lock, '..'), { recursive: true });
  const tmp = `${lock}.${process.pid}.tmp`;
  writeFileSync(tmp, `${process.pid}\n${what}\n`);
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        linkSync(tmp, lock);
        let released = false;
        const unlock = (): void => {
          if (released) return;
          released = true;
          process.off('exit', unlock);
          try {
            if (readFileSync(lock, 'utf8').split('\n')[0] === String(process.pid)) rmSync(lock, { force: true });
          } catch {
            /* already gone */
          }
        };
        process.on('exit', unlock);
        return unlock;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      let holder = '';
      try {
        holder = readFileSync(lock, 'utf8');
      } catch {
        continue; // released between our link and our read
      }
      const [pidText, by] = holder.split('\n');
      const pid = Number(pidText);
      if (pid === process.pid) throw new OellmError(`${dir} is already locked by this process`, { code: 'E_LOCKED', file: lock });
      if (processAlive(pid)) {
        throw new OellmError(`another ${by || what} (pid ${pid}) is writing ${dir}`, { code: 'E_LOCKED', file: lock, hint: 'wait for it to finish or stop it; if that process is not oellm, delete the lock file' });
      }
      rmSync(lock, { force: true }); // its process is gone: a killed run, resumable
    }
    throw new OellmError(`cannot lock ${dir}`, { code: 'E_LOCKED', file: lock });
  } finally {
    rmSync(tmp, { force: true });
  }
}
