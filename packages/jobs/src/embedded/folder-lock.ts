import { mkdirSync } from 'node:fs';
import { QueueLockedError } from '../errors/queue-locked-error.js';
import { tryLockFile } from './pid-lock-file.js';

/**
 * Takes the folder's exclusive lock file (`O_EXCL`, holding this pid). A stale lock (a dead pid, or this pid from a
 * previous life) is taken over; a live holder, this process included, makes it throw a {@link QueueLockedError}
 * naming the pid. Returns the function that releases it.
 */
export function acquireFolderLock(dir: string, file: string): () => void {
  mkdirSync(dir, { recursive: true });
  const lock = tryLockFile(file);
  if ('holder' in lock) throw new QueueLockedError(dir, lock.holder);
  return lock.release;
}
