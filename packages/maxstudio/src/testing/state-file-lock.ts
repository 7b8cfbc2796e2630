import { randomUUID } from 'node:crypto';
import { unlinkSync } from 'node:fs';
import { link, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';

/** Lock files held by sandboxes of this process. */
const held = new Set<string>();

/** Who holds a state file: written whole into `<stateFile>.lock`. */
interface LockOwner {
  sandbox: true;
  pid: number;
  hostname: string;
  startedAt: string;
}

/** A held lock on a state file. */
export interface StateFileLock {
  readonly path: string;
  /** Removes the lock file (idempotent). */
  release(): Promise<void>;
}

async function readOwner(path: string): Promise<LockOwner | undefined> {
  try {
    const owner = JSON.parse(await readFile(path, 'utf8')) as Partial<LockOwner>;
    if (typeof owner.pid !== 'number' || typeof owner.hostname !== 'string') return undefined;
    return owner as LockOwner;
  } catch {
    return undefined;
  }
}

/** Whether the owner may still be running. On another host, or when the lock is unreadable, it is assumed so. */
function isLive(owner: LockOwner | undefined, lockPath: string): boolean {
  if (owner === undefined || owner.hostname !== hostname()) return true;
  // Our own pid: live only if a sandbox of this process holds it (else an earlier process that had our pid).
  if (owner.pid === process.pid) return held.has(lockPath);
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function lockedError(stateFile: string, lockPath: string, owner: LockOwner | undefined): Error {
  const who =
    owner === undefined
      ? 'another sandbox (its lock file is unreadable)'
      : `another live sandbox (pid ${owner.pid} on ${owner.hostname}, since ${owner.startedAt})`;
  return Object.assign(
    new Error(
      `The sandbox state file ${stateFile} is in use by ${who}. Two sandboxes must not share one state file: stop the other one, or give this one another state file. If no sandbox is using it, delete ${lockPath}.`,
    ),
    { code: 'SANDBOX_STATE_LOCKED' },
  );
}

/**
 * Takes `<stateFile>.lock` like a pid lockfile: created whole and atomically (a complete temporary file hard-linked
 * into place), refused while its owner lives, taken over when its owner is gone (a crash or `kill -9` leaves it
 * behind). Released by `release()`, or on process exit.
 */
export async function acquireStateFileLock(stateFile: string): Promise<StateFileLock> {
  const lockPath = `${stateFile}.lock`;
  if (held.has(lockPath)) throw lockedError(stateFile, lockPath, await readOwner(lockPath));
  const owner: LockOwner = {
    sandbox: true,
    pid: process.pid,
    hostname: hostname(),
    startedAt: new Date().toISOString(),
  };
  const temporary = `${lockPath}.${process.pid}.${randomUUID()}.tmp`;
  await writeFile(temporary, `${JSON.stringify(owner)}\n`);
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await link(temporary, lockPath);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const current = await readOwner(lockPath);
      if (attempt > 0 || isLive(current, lockPath)) throw lockedError(stateFile, lockPath, current);
      // Stale: move it aside, and remove it only if it is still the lock judged stale (another process may have
      // taken over in between; then its fresh lock is put back).
      const aside = `${lockPath}.${randomUUID()}.stale`;
      await rename(lockPath, aside).catch(() => undefined);
      const moved = await readOwner(aside);
      if (moved && current && (moved.pid !== current.pid || moved.startedAt !== current.startedAt)) {
        await link(aside, lockPath).catch(() => undefined);
        await rm(aside, { force: true });
        throw lockedError(stateFile, lockPath, moved);
      }
      await rm(aside, { force: true });
    }
  } finally {
    await rm(temporary, { force: true });
  }
  held.add(lockPath);
  const onExit = () => {
    try {
      unlinkSync(lockPath);
    } catch {
      // already gone
    }
  };
  process.once('exit', onExit);
  return {
    path: lockPath,
    async release() {
      if (!held.delete(lockPath)) return;
      process.off('exit', onExit);
      await rm(lockPath, { force: true });
    },
  };
}
