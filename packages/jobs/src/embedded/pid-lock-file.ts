import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';

/** Tokens of the lock files this process holds: a file naming our pid but not one of these is a previous life's. */
const heldTokens = new Set<string>();

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

function readHolder(file: string): { pid: number; token: string } {
  try {
    const { pid, token } = JSON.parse(readFileSync(file, 'utf8')) as { pid?: unknown; token?: unknown };
    return { pid: Number(pid), token: String(token) };
  } catch {
    return { pid: -1, token: '' };
  }
}

/** How old a lock file is (ms); Infinity when it is gone. */
function ageOf(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/**
 * Who holds a lock file, and whether the hold is stale: its pid is dead, it names this pid but this process never
 * took it (a restarted container reuses pids), or it stayed unreadable for seconds (pid -1 while being written).
 */
function holderOf(file: string): { pid: number; token: string; stale: boolean } {
  const holder = readHolder(file);
  if (holder.pid === -1) return { ...holder, stale: ageOf(file) >= 5_000 };
  if (holder.pid === process.pid) return { ...holder, stale: !heldTokens.has(holder.token) };
  return { ...holder, stale: !isAlive(holder.pid) };
}

/**
 * Tries once to create `file` exclusively (`O_EXCL`) with this pid and a token. A stale file (its pid is dead, or
 * it names this pid but this process never took it: a restarted container reuses pids) is removed and taken.
 * Returns the release function, or the live holder's pid.
 */
export function tryLockFile(file: string): { release: () => void } | { holder: number } {
  for (let attempt = 0; attempt < 3; attempt++) {
    const token = randomBytes(8).toString('hex');
    try {
      const fd = openSync(file, 'wx');
      try {
        writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), token, at: new Date().toISOString() }));
      } finally {
        closeSync(fd);
      }
      heldTokens.add(token);
      return {
        release: () => {
          heldTokens.delete(token);
          if (readHolder(file).token === token) rmSync(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = holderOf(file);
      if (!holder.stale) return { holder: holder.pid };
      // Stale: remove it, unless another process replaced it meanwhile.
      if (readHolder(file).token === holder.token) rmSync(file, { force: true });
    }
  }
  return { holder: readHolder(file).pid };
}
