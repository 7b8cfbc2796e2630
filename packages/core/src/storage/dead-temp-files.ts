import { lstat, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { tempFilePrefix } from './atomic-file-write.js';

/**
 * The names LocalStorage gives its temporary files: `.ms-tmp-<pid>-<12 hex digits>-<counter>`, and, from releases
 * before the pid was part of the name, `.ms-tmp-<12 hex digits>-<counter>`. Nothing else is ever touched.
 */
const tempNamePattern = /^\.ms-tmp-(?:(\d{1,10})-)?[0-9a-f]{12}-[0-9a-z]{1,13}$/;

/** A temporary file untouched this long is stale whoever wrote it (its writer's pid may have been reused). */
const staleAfterMs = 3_600_000;

/**
 * Reads a LocalStorage temporary file name: `{ pid }` for a name that carries the writer's process id, `{}` for the
 * older names without one, `undefined` for any other name.
 *
 * @internal
 */
export function parseTempFileName(name: string): { pid?: number } | undefined {
  if (!name.startsWith(tempFilePrefix)) return undefined;
  const match = tempNamePattern.exec(name);
  if (match === null) return undefined;
  return match[1] === undefined ? {} : { pid: Number(match[1]) };
}

/** Whether a process with this id exists (one of another user counts: signalling it is merely not permitted). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: unknown }).code === 'EPERM';
  }
}

/** Options for {@link removeDeadTempFiles}. @internal */
export interface RemoveDeadTempFilesOptions {
  /** Whether a process is alive. @default `process.kill(pid, 0)` succeeds or says EPERM */
  isAlive?: (pid: number) => boolean;
  /** The current time in ms. @default Date.now() */
  now?: number;
}

/**
 * Removes, from the folder `dir` only (not below it), the temporary files that writes killed mid-way left behind:
 * files named by LocalStorage (see {@link parseTempFileName}) whose writing process is no longer alive, and those
 * untouched for an hour (older names without a pid, or a pid since reused). Files of this process and of live
 * processes written to within the hour are left alone: they may be writes in progress. Never throws; returns how many
 * files were removed.
 *
 * @internal
 */
export async function removeDeadTempFiles(dir: string, options: RemoveDeadTempFilesOptions = {}): Promise<number> {
  const alive = options.isAlive ?? isAlive;
  const now = options.now ?? Date.now();
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const parsed = parseTempFileName(name);
    if (parsed === undefined || parsed.pid === process.pid) continue;
    const path = join(dir, name);
    const stats = await lstat(path).catch(() => undefined);
    if (stats === undefined || !stats.isFile()) continue;
    const dead = parsed.pid !== undefined && !alive(parsed.pid);
    if (!dead && now - stats.mtimeMs < staleAfterMs) continue;
    try {
      await unlink(path);
      removed++;
    } catch {
      // Gone meanwhile, or not ours to remove: leave it.
    }
  }
  return removed;
}
