// lockDir: one live holder per directory (a second lock names the holder's pid and command), a
// dead holder's lock is taken over, and so is a zombie's (killed, not yet reaped by its parent:
// a resume right after `kill -9` used to be refused while the pid still existed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOCK_FILE, lockDir, processAlive } from './lock.js';
import { tmpDir } from '../../tests/helpers/step.js';

const root = tmpDir('oellm-lock-');

test('one holder at a time; released on unlock; a dead holder is taken over', () => {
  const dir = join(root, 'a');
  const unlock = lockDir(dir, { what: 'oellm train' });
  assert.equal(readFileSync(join(dir, LOCK_FILE), 'utf8'), `${process.pid}\noellm train\n`);
  assert.throws(() => lockDir(dir), /already locked by this process/);
  unlock();
  assert.ok(!existsSync(join(dir, LOCK_FILE)));
  // Held by a live process (our parent): refused with its pid and command.
  writeFileSync(join(dir, LOCK_FILE), `${process.ppid}\noellm build\n`);
  assert.throws(
    () => lockDir(dir),
    (e: Error & { code?: string }) => e.code === 'E_LOCKED' && e.message.includes(`another oellm build (pid ${process.ppid}) is writing ${dir}`),
  );
  // Held by a pid that does not exist: taken over.
  writeFileSync(join(dir, LOCK_FILE), '999999999\noellm build\n');
  lockDir(dir)();
});

test('a zombie holder (killed, not yet reaped) does not hold the lock', async () => {
  // `sleep 0 &` exits at once; its parent then execs into `sleep 60`, which never reaps it.
  const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 60'], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const pid = await new Promise<number>((res) => parent.stdout.once('data', (d: Buffer) => res(Number(String(d).trim()))));
    const stateOf = (): string => {
      try {
        const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return s.slice(s.lastIndexOf(')') + 2, s.lastIndexOf(')') + 3);
      } catch {
        return '?';
      }
    };
    while (stateOf() !== 'Z') await new Promise((r) => setTimeout(r, 20));
    assert.doesNotThrow(() => process.kill(pid, 0), 'the zombie still has its pid');
    assert.equal(processAlive(pid), false);
    const dir = join(root, 'z');
    const unlock0 = lockDir(dir);
    unlock0();
    writeFileSync(join(dir, LOCK_FILE), `${pid}\noellm train\n`);
    const unlock = lockDir(dir);
    assert.equal(readFileSync(join(dir, LOCK_FILE), 'utf8').split('\n')[0], String(process.pid));
    unlock();
  } finally {
    parent.kill('SIGKILL');
  }
});
