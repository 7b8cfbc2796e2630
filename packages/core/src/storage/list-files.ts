import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { isMissing } from './fs-error.js';
import { compareStorageKeys, storageKeySegmentProblem } from './storage-key.js';

/** True when `path` is strictly inside `root` (both real, absolute paths). @internal */
export function isInside(root: string, path: string): boolean {
  return path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** A file found by {@link listFilesSorted}: its key and its real path. @internal */
export interface ListedFile {
  key: string;
  path: string;
}

interface Entry {
  name: string;
  /** The name as it sorts among keys: a directory sorts as `name/`, since every key below it starts so. */
  sortName: string;
  directory: boolean;
  /** The real path of a symbolic link to a file (others are `dirPath/name`, joined when yielded). */
  linkTarget?: string;
}

/** Classifies a directory entry without I/O, except a symbolic link (see {@link linkEntry}). */
function plainEntry(dirent: Dirent): Entry | 'link' | undefined {
  const { name } = dirent;
  if (dirent.isDirectory()) return { name, sortName: `${name}/`, directory: true };
  if (dirent.isFile()) return { name, sortName: name, directory: false };
  return dirent.isSymbolicLink() ? 'link' : undefined;
}

/** A symbolic link counts only when it leads to a file inside the root. */
async function linkEntry(dirPath: string, name: string, realRoot: string): Promise<Entry | undefined> {
  try {
    const real = await realpath(join(dirPath, name));
    if (!isInside(realRoot, real) || !(await stat(real)).isFile()) return undefined;
    return { name, sortName: name, directory: false, linkTarget: real };
  } catch (error) {
    if (isMissing(error) || (error as { code?: string }).code === 'ELOOP') return undefined;
    throw error;
  }
}

/** How many files {@link listFilesSorted} yields at a time (at most). */
const BATCH = 1000;

/**
 * Walks `dirPath` depth-first and yields the files whose key starts with `prefix`, in key order (code point order),
 * in batches of up to 1,000, reading one directory at a time. Names that cannot be keys (temp files, hidden files,
 * Windows device names) are skipped, and so are symbolic links to directories and links leading outside the root. A
 * directory of 100,000 files costs one small object per file while it is read (no promise per file: the batches go
 * up the folders' generators, not each file; a path is built only as its file is yielded), and only symbolic links are
 * resolved.
 *
 * @param dirKey - The key prefix of `dirPath`: `''` for the root, else ending in `/`.
 * @internal
 */
export async function* listFilesSorted(
  dirPath: string,
  dirKey: string,
  prefix: string,
  realRoot: string,
): AsyncGenerator<ListedFile[]> {
  let dirents: Dirent[];
  try {
    dirents = await readdir(dirPath, { withFileTypes: true });
  } catch (error) {
    if (isMissing(error)) return; // Removed while listing.
    throw error;
  }
  const entries: Entry[] = [];
  const links: string[] = [];
  for (const dirent of dirents) {
    if (storageKeySegmentProblem(dirent.name) !== undefined) continue;
    const entry = plainEntry(dirent);
    if (entry === 'link') links.push(dirent.name);
    else if (entry) entries.push(entry);
  }
  dirents = [];
  for (const entry of await Promise.all(links.map((name) => linkEntry(dirPath, name, realRoot)))) {
    if (entry) entries.push(entry);
  }
  entries.sort((a, b) => compareStorageKeys(a.sortName, b.sortName));
  // Names are single segments (checked above), so a file's path is its folder's path, a separator and its name.
  const folder = dirPath.endsWith(sep) ? dirPath : dirPath + sep;
  let batch: ListedFile[] = [];
  for (const entry of entries) {
    const key = dirKey + entry.sortName;
    if (entry.directory) {
      if (key.startsWith(prefix) || prefix.startsWith(key)) {
        if (batch.length > 0) yield batch;
        batch = [];
        yield* listFilesSorted(folder + entry.name, key, prefix, realRoot);
      }
    } else if (key.startsWith(prefix)) {
      batch.push({ key, path: entry.linkTarget ?? folder + entry.name });
      if (batch.length < BATCH) continue;
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** Maps `items` through `fn` with at most `limit` calls in flight, keeping order. @internal */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
