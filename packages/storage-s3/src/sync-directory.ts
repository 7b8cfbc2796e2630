import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertStorageKey, type Storage, StorageError, ValidationError } from '@model-studio/core';
import type { S3ObjectInfo } from './s3-storage.js';

/** User-metadata name under which {@link syncDirectory} stores each uploaded file's MD5 (hex). */
export const SYNC_MD5_METADATA = 'model-studio-md5';

/** One file handled by {@link syncDirectory}. */
export interface SyncProgressEvent {
  /** What happened to the file. */
  action: 'upload' | 'download' | 'skip' | 'delete';
  /** The storage key (including the sync `prefix`). */
  key: string;
  /** Size of the file in bytes (0 for deletes). */
  bytes: number;
  /** Files handled so far, this one included. */
  filesDone: number;
  /** Files to handle in this sync. */
  filesTotal: number;
  /** Bytes uploaded or downloaded so far. */
  bytesTransferred: number;
}

/** Options for {@link syncDirectory}. */
export interface SyncDirectoryOptions {
  /** `upload` mirrors `localDir` to the storage prefix; `download` mirrors the prefix to `localDir`. */
  direction: 'upload' | 'download';
  /** The local folder, e.g. a studio workspace. Created on download when missing. */
  localDir: string;
  /** Where to mirror to or from: usually an {@link S3Storage}; any core `Storage` works (without the skip by hash). */
  storage: Storage;
  /**
   * Key prefix inside the storage, e.g. `workspaces/andie` (a trailing `/` is added).
   * @default '' (the storage root)
   */
  prefix?: string;
  /**
   * Also delete what the source lacks: remote keys under the prefix on upload, local files on download.
   * @default false
   */
  deleteExtraneous?: boolean;
  /**
   * Files transferred in parallel (each large file also uploads its parts in parallel).
   * @default 4
   */
  concurrency?: number;
  /** Called after each file is uploaded, downloaded, skipped or deleted. */
  onProgress?: (event: SyncProgressEvent) => void;
  /** Stops the sync; files already transferred stay, a file in flight is not left half-written. */
  signal?: AbortSignal;
}

/** What {@link syncDirectory} did. */
export interface SyncResult {
  uploaded: number;
  downloaded: number;
  /** Files already identical on both sides. */
  skipped: number;
  /** Extraneous files deleted (only with `deleteExtraneous`). */
  deleted: number;
  /** Bytes uploaded or downloaded. */
  bytesTransferred: number;
  /** Local paths (relative, `/`-separated) not synced because they are not valid storage keys (e.g. hidden files). */
  ignored: string[];
}

interface LocalFile {
  /** Key relative to the sync prefix. */
  name: string;
  path: string;
  size: number;
}

function normalizeSyncPrefix(prefix: string | undefined): string {
  if (prefix === undefined || prefix === '') return '';
  const trimmed = prefix.replace(/\/+$/, '');
  assertStorageKey(trimmed, 'prefix');
  return `${trimmed}/`;
}

async function walk(root: string, ignored: string[]): Promise<LocalFile[]> {
  const files: LocalFile[] = [];
  const visit = async (dir: string) => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && dir === root) {
        throw new ValidationError(`syncDirectory: local folder "${root}" does not exist.`, {
          field: 'localDir',
          cause: error,
        });
      }
      throw error;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      const name = relative(root, path).split(sep).join('/');
      try {
        assertStorageKey(name);
      } catch {
        ignored.push(entry.isDirectory() ? `${name}/` : name);
        continue;
      }
      if (entry.isDirectory()) await visit(path);
      else if (entry.isFile()) files.push({ name, path, size: (await stat(path)).size });
      else ignored.push(name);
    }
  };
  await visit(root);
  return files;
}

async function md5OfFile(path: string, signal: AbortSignal | undefined): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(path, { signal, highWaterMark: 1024 * 1024 }))
    hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** True when the remote object has the local file's content: size, then the single-part ETag or the stored MD5. */
async function sameContent(
  storage: Storage,
  remote: S3ObjectInfo,
  md5: () => Promise<string>,
  signal: AbortSignal | undefined,
): Promise<boolean> {
  if (remote.etag !== undefined && /^[0-9a-f]{32}$/i.test(remote.etag))
    return remote.etag.toLowerCase() === (await md5());
  // A multipart ETag (`<md5 of part md5s>-<parts>`) depends on the part size: compare the MD5 stored at upload.
  const head = (await storage.head(remote.key, { signal })) as S3ObjectInfo | undefined;
  const stored = head?.metadata?.[SYNC_MD5_METADATA];
  return stored !== undefined && stored === (await md5());
}

async function forEachConcurrent<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

async function listRemote(
  storage: Storage,
  prefix: string,
  signal: AbortSignal | undefined,
): Promise<Map<string, S3ObjectInfo>> {
  const remote = new Map<string, S3ObjectInfo>();
  for await (const info of storage.list({ prefix, ...(signal ? { signal } : {}) })) {
    remote.set(info.key.slice(prefix.length), info);
  }
  return remote;
}

/** Downloads `key` to `path` through a temporary file renamed into place, checking a single-part ETag on the way. */
async function download(
  storage: Storage,
  remote: S3ObjectInfo,
  path: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = join(dirname(path), `.${randomBytes(6).toString('hex')}.sync-part`);
  const hash = createHash('md5');
  try {
    const body = await storage.get(remote.key, signal ? { signal } : {});
    await pipeline(
      Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>),
      new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          hash.update(chunk);
          callback(null, chunk);
        },
      }),
      createWriteStream(temporary),
      signal ? { signal } : {},
    );
    const etag = remote.etag?.toLowerCase();
    const md5 = hash.digest('hex');
    if (etag !== undefined && /^[0-9a-f]{32}$/.test(etag) && etag !== md5) {
      throw new StorageError(
        `Downloaded "${remote.key}" does not match its ETag (MD5 ${md5}, expected ${etag}); the object changed during the sync or the transfer was corrupted. Run the sync again.`,
        { operation: 'get', key: remote.key, backendCode: 'BadDigest', isRetryable: true },
      );
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw signal?.aborted ? signal.reason : error;
  }
}

/**
 * Mirrors a local folder (such as a studio workspace) to a storage prefix, or the prefix back to the folder,
 * transferring only files whose content differs, so a repeated sync transfers nothing.
 *
 * Files are compared by size, then by MD5: against the ETag of single-part objects, and for multipart objects
 * (whose ETag depends on the part size) against the MD5 that the upload stored as user metadata
 * (`x-amz-meta-model-studio-md5`). Downloads go through a temporary file renamed into place and are checked
 * against single-part ETags. Extraneous files are deleted only with `deleteExtraneous: true`. Hidden files and
 * other names that are not valid storage keys are not synced and are listed in `ignored`.
 *
 * @example
 * ```ts no-run
 * import { S3Storage, syncDirectory } from '@model-studio/storage-s3';
 *
 * const storage = new S3Storage({ bucket: 'my-studio', region: 'eu-west-2' });
 * const result = await syncDirectory({
 *   direction: 'upload',
 *   localDir: './studio-workspace/models/andie/results',
 *   storage,
 *   prefix: 'andie/results',
 *   onProgress: (event) => console.log(`${event.filesDone}/${event.filesTotal} ${event.action} ${event.key}`),
 * });
 * console.log(`uploaded ${result.uploaded}, unchanged ${result.skipped}`);
 * ```
 */
export async function syncDirectory(options: SyncDirectoryOptions): Promise<SyncResult> {
  const { direction, localDir, storage, signal, onProgress } = options;
  if (direction !== 'upload' && direction !== 'download') {
    throw new ValidationError(
      `syncDirectory direction must be "upload" or "download", got ${JSON.stringify(direction)}.`,
      {
        field: 'direction',
        value: direction,
      },
    );
  }
  const concurrency = options.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new ValidationError(`syncDirectory concurrency must be a whole number >= 1, got ${concurrency}.`, {
      field: 'concurrency',
      value: concurrency,
    });
  }
  const prefix = normalizeSyncPrefix(options.prefix);
  signal?.throwIfAborted();
  const result: SyncResult = { uploaded: 0, downloaded: 0, skipped: 0, deleted: 0, bytesTransferred: 0, ignored: [] };
  const callOptions = signal ? { signal } : {};
  if (direction === 'download') await mkdir(localDir, { recursive: true });
  const [local, remote] = await Promise.all([walk(localDir, result.ignored), listRemote(storage, prefix, signal)]);
  const localByName = new Map(local.map((file) => [file.name, file]));
  const extraneous = options.deleteExtraneous
    ? direction === 'upload'
      ? [...remote.keys()].filter((name) => !localByName.has(name))
      : local.filter((file) => !remote.has(file.name)).map((file) => file.name)
    : [];
  const sources = direction === 'upload' ? local.length : remote.size;
  const filesTotal = sources + extraneous.length;
  let filesDone = 0;
  const report = (action: SyncProgressEvent['action'], key: string, bytes: number) => {
    filesDone += 1;
    onProgress?.({ action, key, bytes, filesDone, filesTotal, bytesTransferred: result.bytesTransferred });
  };

  if (direction === 'upload') {
    await forEachConcurrent(local, concurrency, async (file) => {
      signal?.throwIfAborted();
      const key = prefix + file.name;
      const partSize = (storage as { partSize?: number }).partSize ?? 8 * 1024 * 1024;
      // Small files are read once (hash and upload); large ones are hashed, then streamed.
      const bytes = file.size <= partSize ? await readFile(file.path, callOptions) : undefined;
      let md5: string | undefined;
      const md5Once = async () => {
        md5 ??= bytes ? createHash('md5').update(bytes).digest('hex') : await md5OfFile(file.path, signal);
        return md5;
      };
      const existing = remote.get(file.name);
      if (existing && existing.size === file.size && (await sameContent(storage, existing, md5Once, signal))) {
        result.skipped += 1;
        report('skip', key, file.size);
        return;
      }
      const putOptions = {
        ...callOptions,
        providerOptions: { s3: { metadata: { [SYNC_MD5_METADATA]: await md5Once() } } },
      };
      if (bytes) {
        await storage.put(key, bytes, putOptions);
      } else {
        // A byte stream: S3Storage reads it with a BYOB reader into reused buffers (no garbage per chunk).
        const handle = await open(file.path);
        try {
          const stream = handle.readableWebStream({ type: 'bytes' }) as unknown as ReadableStream<Uint8Array>;
          await storage.put(key, stream, putOptions);
        } finally {
          await handle.close();
        }
      }
      result.uploaded += 1;
      result.bytesTransferred += file.size;
      report('upload', key, file.size);
    });
    for (let start = 0; start < extraneous.length; start += 1000) {
      const batch = extraneous.slice(start, start + 1000).map((name) => prefix + name);
      await storage.delete(batch, callOptions);
      for (const key of batch) {
        result.deleted += 1;
        report('delete', key, 0);
      }
    }
    return result;
  }

  await forEachConcurrent([...remote.entries()], concurrency, async ([name, info]) => {
    signal?.throwIfAborted();
    const file = localByName.get(name);
    const path = join(localDir, ...name.split('/'));
    if (file && file.size === info.size && (await sameContent(storage, info, () => md5OfFile(path, signal), signal))) {
      result.skipped += 1;
      report('skip', info.key, info.size);
      return;
    }
    await download(storage, info, path, signal);
    result.downloaded += 1;
    result.bytesTransferred += info.size;
    report('download', info.key, info.size);
  });
  for (const name of extraneous) {
    signal?.throwIfAborted();
    await unlink(join(localDir, ...name.split('/')));
    result.deleted += 1;
    report('delete', prefix + name, 0);
  }
  return result;
}
