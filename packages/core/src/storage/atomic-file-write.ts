import { randomBytes } from 'node:crypto';
import { type BigIntStats, constants, type Dirent, renameSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChunkSource } from './chunk-source.js';
import { isFsError } from './fs-error.js';
import { OpenFile } from './open-file.js';
import { subscribeAbort } from './subscribe-abort.js';

/**
 * Prefix of the temporary files a write creates beside its target. It starts with `.`, which no storage key segment
 * may, so temp files can never collide with a key and `list` never shows them.
 *
 * @internal
 */
export const tempFilePrefix = '.ms-tmp-';

/**
 * Temporary file names: `.ms-tmp-<pid>-<12 random hex digits>-<counter>`. Unique across processes (O_EXCL would
 * refuse a clash anyway, and the name is then retried) without asking the random generator on every write; the pid
 * tells a later process whether the writer is still alive (see `removeDeadTempFiles`).
 */
const tempNameStem = `${tempFilePrefix}${process.pid}-${randomBytes(6).toString('hex')}-`;
let tempNameCounter = 0;

/** Small chunks are gathered into a buffer this large before writing, to keep system calls few. */
const coalesceBytes = 256 * 1024;
const smallChunkBytes = 64 * 1024;

/**
 * Bodies of a known size up to this are written to a temporary file opened with `O_SYNC`: each write returns once on
 * disk (as write + fsync), so the separate fsync is saved. Larger and streamed bodies are written unsynced and fsynced
 * once at the end, which is faster for many writes.
 */
const syncedWriteMaxBytes = 1024 * 1024;
const createFlags = constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY;
/** `O_SYNC` where the platform has it (not Windows). */
const syncFlag: number | undefined = constants.O_SYNC;

/** Options for {@link writeFileAtomic}. @internal */
export interface AtomicWriteOptions {
  signal?: AbortSignal;
  onProgress?: (progress: { loaded: number; total?: number }) => void;
  /** The total size, when known, for progress reports. */
  total?: number;
}

/** Where {@link writeFileAtomic} writes. @internal */
export interface AtomicWriteTarget {
  /**
   * Creates (if needed) and returns the real directory to write in. `attempt` 1 may answer from a cache; later
   * attempts, made when creating the temporary file there failed, must check the file system again.
   */
  resolveDir(attempt: number): Promise<string>;
  /** Makes the rename into `dir` durable (fsyncs the directory). */
  syncDir(dir: string): Promise<void>;
}

async function writeAll(file: OpenFile, bytes: Uint8Array, position: number): Promise<void> {
  let offset = 0;
  while (offset < bytes.byteLength) {
    offset += await file.write(bytes, offset, bytes.byteLength - offset, position + offset);
  }
}

/** Creates a new temporary file in the directory `resolveDir` returns, retrying if the directory vanished meanwhile. */
async function openTempFile(
  resolveDir: AtomicWriteTarget['resolveDir'],
  flags: number,
): Promise<{ dir: string; path: string; file: OpenFile }> {
  for (let attempt = 1; ; attempt++) {
    const dir = await resolveDir(attempt);
    const path = join(dir, tempNameStem + (tempNameCounter++).toString(36));
    try {
      return { dir, path, file: OpenFile.open(path, flags) };
    } catch (error) {
      if (attempt >= 5 || !isFsError(error)) throw error;
      if (error.code === 'EEXIST') continue; // a name left by an earlier process with the same stem: take the next
      // A concurrent delete may prune the (empty) directory between creating it and opening the file in it; and a
      // directory remembered from an earlier call may have changed since (checked again on the next attempt).
      if (error.code !== 'ENOENT' && (attempt > 1 || (error.code !== 'ENOTDIR' && error.code !== 'ELOOP'))) {
        throw error;
      }
    }
  }
}

/**
 * Writes `source` to `name` inside a directory, atomically: the bytes go to a new temporary file in the same
 * directory, which is made durable (opened with `O_SYNC` for a small body of known size, else fsynced), renamed over
 * the target, and the directory fsynced. Readers see the old content or the new, never a mix. On any failure or abort
 * the temporary file is removed, the source cancelled and the old content kept; an abort rejects with the signal's
 * reason.
 *
 * @param target - Resolves the real directory to write in, and fsyncs it.
 * @returns The path the content now lives at, and the file's stats after the rename.
 * @internal
 */
export async function writeFileAtomic(
  target: AtomicWriteTarget,
  name: string,
  source: ChunkSource,
  options: AtomicWriteOptions = {},
): Promise<{ path: string; stats: BigIntStats }> {
  const { signal, onProgress, total } = options;
  let stage: 'preparing' | 'writing' | 'done' = 'preparing';
  let temp: { dir: string; path: string; file: OpenFile } | undefined;
  let handleOpen = false;
  let unsubscribe: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    // One shared listener per signal however many writes use it (see subscribeAbort).
    if (signal) unsubscribe = subscribeAbort(signal, () => reject(signal.reason));
  });
  aborted.catch(() => {}); // The rejection is observed through Promise.race; never unhandled.
  try {
    signal?.throwIfAborted();
    const syncedWrites = syncFlag !== undefined && total !== undefined && total > 0 && total <= syncedWriteMaxBytes;
    temp = await openTempFile(target.resolveDir, syncedWrites ? createFlags | syncFlag : createFlags);
    handleOpen = true;
    stage = 'writing';
    // Allocated on the first small chunk, no larger than the body when its size is known.
    let pending: Uint8Array | undefined;
    let pendingBytes = 0;
    let position = 0;
    let loaded = 0;
    const flush = async () => {
      if (pendingBytes === 0) return;
      await writeAll(temp!.file, pending!.subarray(0, pendingBytes), position);
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
        await writeAll(temp.file, chunk, position);
        position += chunk.byteLength;
      }
      loaded += chunk.byteLength;
      signal?.throwIfAborted();
      onProgress?.(total === undefined ? { loaded } : { loaded, total });
    }
    await flush();
    // With O_SYNC every write above returned once on disk; a body that turned out empty wrote nothing, so sync.
    if (!syncedWrites || position === 0) await temp.file.sync();
    signal?.throwIfAborted();
    const path = join(temp.dir, name);
    renameSync(temp.path, path);
    stage = 'done';
    // The file stays open across the rename (libuv opens files shareable for delete, so Windows allows it): its
    // stats as renamed then need no further path lookup.
    handleOpen = false;
    let stats: BigIntStats;
    try {
      stats = temp.file.stat();
    } finally {
      temp.file.close();
    }
    await target.syncDir(temp.dir);
    return { path, stats };
  } catch (error) {
    if (stage !== 'done') {
      source.cancel(error);
      if (handleOpen) temp?.file.close();
      if (temp) await rm(temp.path, { force: true }).catch(() => {});
    }
    throw error;
  } finally {
    unsubscribe?.();
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
