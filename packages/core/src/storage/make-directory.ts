import { lstat, mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { StorageError } from '../errors/index.js';
import { type FsError, isFsError } from './fs-error.js';

/** Why a folder could not be created, by errno code of the `mkdir` that failed. */
const refusals: Record<string, string> = {
  ENOENT: 'does not accept new folders (a virtual file system such as /proc or /sys, or a link to a missing target)',
  EACCES: 'does not let this user create folders (permission denied)',
  EPERM: 'does not let this user create folders (operation not permitted)',
  EROFS: 'is on a read-only file system',
  ENOSPC: 'is on a full disk',
  EDQUOT: 'is on a disk whose quota is exhausted',
};

function missingOrNotFolder(error: unknown): error is FsError {
  return isFsError(error) && (error.code === 'ENOENT' || error.code === 'ENOTDIR');
}

/**
 * Creates the folder `dir` and its missing parents, one level at a time, and returns its absolute path.
 *
 * Unlike `mkdir(dir, { recursive: true })`, which in Node.js retries for ever when a parent exists but refuses new
 * entries with ENOENT (`/proc/x`, a link to a missing target), this makes at most one `mkdir` per missing level and
 * never loops. Every failure is a {@link StorageError} that names the path and why: a parent that is a file
 * (`ENOTDIR`), a parent that accepts no folders, no permission, a read-only or full disk.
 *
 * @param label - What the folder is, for messages, e.g. `the workspace folder`.
 * @internal
 */
export async function makeDirectory(dir: string, label = 'the folder'): Promise<string> {
  const target = resolve(dir);
  const missing: string[] = [];
  // Walk up to the nearest path that exists: it must be a folder.
  for (let current = target; ; ) {
    let found: Awaited<ReturnType<typeof stat>>;
    try {
      found = await stat(current);
    } catch (error) {
      const parent = dirname(current);
      if (!missingOrNotFolder(error) || parent === current) throw unreachable(label, target, current, error);
      missing.push(current);
      current = parent;
      continue;
    }
    if (!found.isDirectory()) {
      throw new StorageError(
        `Cannot use ${target} as ${label}: ${current} is a file, not a folder. Choose another path, or move that file away.`,
        { operation: 'mkdir', backendCode: 'ENOTDIR' },
      );
    }
    break;
  }
  for (const path of missing.reverse()) {
    try {
      await mkdir(path);
    } catch (error) {
      // Created meanwhile by someone else: fine.
      if (isFsError(error) && error.code === 'EEXIST' && (await stat(path).catch(() => undefined))?.isDirectory()) {
        continue;
      }
      throw await notCreated(label, target, path, error);
    }
  }
  return target;
}

function unreachable(label: string, target: string, current: string, error: unknown): unknown {
  if (!isFsError(error)) return error;
  return new StorageError(
    `Cannot use ${target} as ${label}: ${current} cannot be looked at (${error.code}). Check its permissions, or choose another path.`,
    { operation: 'mkdir', backendCode: error.code, cause: error },
  );
}

async function notCreated(label: string, target: string, path: string, error: unknown): Promise<unknown> {
  if (!isFsError(error)) return error;
  const parent = dirname(path);
  let why = refusals[error.code] ? `its parent ${parent} ${refusals[error.code]}` : `mkdir failed with ${error.code}`;
  if (error.code === 'EEXIST') {
    const link = await lstat(path).catch(() => undefined);
    why = link?.isSymbolicLink() ? `${path} is a link to a missing target` : `${path} exists and is not a folder`;
  }
  const where = path === target ? '' : ` (creating ${path})`;
  return new StorageError(`Cannot create ${label} ${target}${where}: ${why}. Choose a folder on a writable disk.`, {
    operation: 'mkdir',
    backendCode: error.code,
    isRetryable: false,
    cause: error,
  });
}
