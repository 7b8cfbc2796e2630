import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { QueueLockedError } from '../errors/queue-locked-error.js';

/** True when a process with this pid is alive (EPERM: alive but not ours). */
function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readPid(file: string): number {
  try {
    return Number((JSON.parse(readFileSync(file, 'utf8')) as { pid?: unknown }).pid);
  } catch {
    return -1;
  }
}

/**
 * Takes the folder's exclusive lock file (`O_EXCL`, holding this pid). A lock whose pid is dead (or unreadable) is
 * taken over; a live holder, this process included, makes it throw a {@link QueueLockedError} naming the pid.
 * Returns the function that releases it.
 */
export function acquireFolderLock(dir: string, file: string): () => void {
  mkdirSync(dir, { recursive: true });
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      try {
        writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), at: new Date().toISOString() }));
      } finally {
        closeSync(fd);
      }
      return () => {
        if (readPid(file) === process.pid) rmSync(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = readPid(file);
      if (isAlive(pid)) throw new QueueLockedError(dir, pid);
      // A dead holder (kill -9) or a half-written file: take it over.
      rmSync(file, { force: true });
    }
  }
  throw new QueueLockedError(dir, readPid(file));
}
