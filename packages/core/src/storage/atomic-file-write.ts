import { randomBytes } from 'node:crypto';
import type { BigIntStats, Dirent } from 'node:fs';
import { type FileHandle, open, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChunkSource } from './chunk-source.js';
import { isFsError } from './fs-error.js';

/**
 * Prefix of the temporary files a write creates beside its target. It starts with `.`, which no storage key segment
 * may, so temp files can never collide with a key and `list` never shows them.
 *
 * @internal
 */
export const tempFilePrefix = '.ms-tmp-';

/** Small chunks are gathered into a buffer this large before writing, to keep system calls few. */
const coalesceBytes = 256 * 1024;
const smallChunkBytes = 64 * 1024;

/** Options for {@link writeFileAtomic}. @internal */
export interface AtomicWriteOptions {
  signal?: AbortSignal;
  onProgress?: (progress: { loaded: number; total?: number }) => void;
  /** The total size, when known, for progress reports. */
  total?: number;
}

async function writeAll(handle: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  let offset = 0;
  while (offset < bytes.byteLength) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.byteLength - offset, position + offset);
    offset += bytesWritten;
  }
}

/**
 * Flushes a directory entry change (a create or rename) to disk. Platforms that cannot fsync a directory (Windows)
 * skip it.
 *
 * @internal
 */
export async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    if (!isFsError(error) || !['EISDIR', 'EPERM', 'EINVAL', 'EBADF', 'EACCES'].includes(error.code)) throw error;
  } finally {
    await handle?.close();
  }
}

/** Creates a new temporary file in the directory `resolveDir` returns, retrying if the directory vanished meanwhile. */
async function openTempFile(
  resolveDir: () => Promise<string>,
): Promise<{ dir: string; path: string; handle: FileHandle }> {
  for (let attempt = 1; ; attempt++) {
    const dir = await resolveDir();
    const path = join(dir, tempFilePrefix + randomBytes(8).toString('hex'));
    try {
      return { dir, path, handle: await open(path, 'wx') };
    } catch (error) {
      // A concurrent delete may prune the (empty) directory between creating it and opening the file in it.
      if (attempt >= 5 || !isFsError(error) || error.code !== 'ENOENT') throw error;
    }
  }
}

/**
 * Writes `source` to `name` inside a directory, atomically: the bytes go to a new temporary file in the same
 * directory, which is fsynced, renamed over the target, and the directory fsynced. Readers see the old content or the
 * new, never a mix. On any failure or abort the temporary file is removed, the source cancelled and the old content
 * kept; an abort rejects with the signal's reason.
 *
 * @param resolveDir - Creates (if needed) and returns the real directory to write in.
 * @returns The path the content now lives at, and the file's stats after the rename.
 * @internal
 */
export async function writeFileAtomic(
  resolveDir: () => Promise<string>,
  name: string,
  source: ChunkSource,
  options: AtomicWriteOptions = {},
): Promise<{ path: string; stats: BigIntStats }> {
  const { signal, onProgress, total } = options;
  let stage: 'preparing' | 'writing' | 'done' = 'preparing';
  let temp: { dir: string; path: string; handle: FileHandle } | undefined;
  let handleOpen = false;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => {}); // The rejection is observed through Promise.race; never unhandled.
  try {
    signal?.throwIfAborted();
    temp = await openTempFile(resolveDir);
    handleOpen = true;
    stage = 'writing';
    // Allocated on the first small chunk, no larger than the body when its size is known.
    let pending: Uint8Array | undefined;
    let pendingBytes = 0;
    let position = 0;
    let loaded = 0;
    const flush = async () => {
      if (pendingBytes === 0) return;
      await writeAll(temp!.handle, pending!.subarray(0, pendingBytes), position);
      position += pendingBytes;
      pendingBytes = 0;
    };
    for (;;) {
      const chunk = signal ? await Promise.race([source.next(), aborted]) : await source.next();
      if (chunk === undefined) break;
      if (chunk.byteLength < smallChunkBytes) {
        pending ??= new Uint8Array(Math.max(chunk.byteLength, Math.min(coalesceBytes, total ?? coalesceBytes)));
        if (pendingBytes + chunk.byteLength > pending.byteLength) await flush();
        pending.set(chunk, pendingBytes);
        pendingBytes += chunk.byteLength;
      } else {
        await flush();
        await writeAll(temp.handle, chunk, position);
        position += chunk.byteLength;
      }
      loaded += chunk.byteLength;
      signal?.throwIfAborted();
      onProgress?.(total === undefined ? { loaded } : { loaded, total });
    }
    await flush();
    await temp.handle.sync();
    signal?.throwIfAborted();
    const target = join(temp.dir, name);
    await rename(temp.path, target);
    stage = 'done';
    // The file stays open across the rename (libuv opens files shareable for delete, so Windows allows it): its
    // stats as renamed and the directory's fsync then need no further path lookups, and run side by side.
    const file = temp.handle;
    handleOpen = false;
    const statted = file.stat({ bigint: true }).finally(() => file.close().catch(() => {}));
    const [stats] = await Promise.all([statted, syncDirectory(temp.dir)]);
    return { path: target, stats };
  } catch (error) {
    if (stage !== 'done') {
      source.cancel(error);
      if (handleOpen) await temp?.handle.close().catch(() => {});
      if (temp) await rm(temp.path, { force: true }).catch(() => {});
    }
    throw error;
  } finally {
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * Finds the temporary files of interrupted writes below `dir`, without following symbolic links.
 *
 * @internal
 */
export async function* findTempFiles(dir: string): AsyncGenerator<string> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (isFsError(error) && (error.code === 'ENOENT' || error.code === 'ENOTDIR')) return;
    throw error;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* findTempFiles(path);
    else if (entry.isFile() && entry.name.startsWith(tempFilePrefix)) yield path;
  }
}
