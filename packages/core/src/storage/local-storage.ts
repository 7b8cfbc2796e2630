import { randomBytes } from 'node:crypto';
import { type BigIntStats, constants, lstatSync } from 'node:fs';
import { lstat, mkdir, realpath, rm, rmdir, stat, unlink } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { StorageError, ValidationError } from '../errors/index.js';
import type {
  BinaryInput,
  CallOptions,
  SignedUrlOptions,
  Storage,
  StorageListOptions,
  StorageObjectInfo,
  StoragePutOptions,
} from '../interfaces/index.js';
import { findTempFiles, writeFileAtomic } from './atomic-file-write.js';
import { bytesSource, type ChunkSource, webStreamSource } from './chunk-source.js';
import { contentTypeOf } from './content-type.js';
import { removeDeadTempFiles } from './dead-temp-files.js';
import { fileReadStream } from './file-read-stream.js';
import { type FsError, isFsError, isMissing, keyNotFound, outsideRoot, toStorageError } from './fs-error.js';
import { isInside, type ListedFile, listFilesSorted, mapConcurrent } from './list-files.js';
import type { LocalStorageOptions, LocalStorageSignedUrlOptions } from './local-storage-options.js';
import { makeDirectory } from './make-directory.js';
import { OpenFile } from './open-file.js';
import { SignedUrlServer, type SignedUrlSettings } from './signed-url-server.js';
import { assertStorageKey } from './storage-key.js';
import { VerifiedDirectories } from './verified-directories.js';

const defaultPageSize = 1000;
const maxPageSize = 100_000;
const statConcurrency = 32;
const deleteConcurrency = 16;
/** `O_NOFOLLOW` refuses a final symbolic link (undefined where unsupported: Windows). */
const noFollow: number | undefined = constants.O_NOFOLLOW;
/**
 * Reads open without following a final link, and non-blocking: files are opened on the calling thread, and opening a
 * FIFO someone placed under the root would otherwise wait for a writer (it is then refused as not a regular file).
 * `O_NONBLOCK` changes nothing for regular files.
 */
const readFlags = constants.O_RDONLY | (noFollow ?? 0) | (constants.O_NONBLOCK ?? 0);

/** The key of the directory holding `key`: `models/andie` for `models/andie/x.jpg`, `''` for a top-level key. */
function dirKeyOf(key: string): string {
  return key.slice(0, Math.max(0, key.lastIndexOf('/')));
}

function nameOf(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}

/** `O_NOFOLLOW` met a symbolic link as the last path component (Linux and macOS say ELOOP, FreeBSD EMLINK). */
function isFinalLink(error: unknown): error is FsError {
  return isFsError(error) && (error.code === 'ELOOP' || error.code === 'EMLINK');
}

function positiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

function resolveSignedUrlSettings(options: LocalStorageSignedUrlOptions): SignedUrlSettings {
  const { host = '127.0.0.1', port = 0, defaultExpiresIn = 3600, maxExpiresIn = 7 * 24 * 3600 } = options;
  if (typeof host !== 'string' || host === '') {
    throw new ValidationError('signedUrls.host must be a host name or IP address, such as "127.0.0.1".', {
      field: 'signedUrls.host',
    });
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ValidationError('signedUrls.port must be an integer from 0 to 65535 (0 picks a free port).', {
      field: 'signedUrls.port',
      value: port,
    });
  }
  if (!positiveInteger(maxExpiresIn)) {
    throw new ValidationError('signedUrls.maxExpiresIn must be a positive whole number of seconds.', {
      field: 'signedUrls.maxExpiresIn',
      value: maxExpiresIn,
    });
  }
  if (!positiveInteger(defaultExpiresIn) || defaultExpiresIn > maxExpiresIn) {
    throw new ValidationError(
      `signedUrls.defaultExpiresIn must be a positive whole number of seconds, at most maxExpiresIn (${maxExpiresIn}).`,
      { field: 'signedUrls.defaultExpiresIn', value: defaultExpiresIn },
    );
  }
  const secret =
    options.secret === undefined
      ? new Uint8Array(randomBytes(32))
      : typeof options.secret === 'string'
        ? new Uint8Array(Buffer.from(options.secret, 'utf8'))
        : options.secret;
  if (!(secret instanceof Uint8Array) || secret.byteLength < 16) {
    // Never echo the secret itself.
    throw new ValidationError(
      'signedUrls.secret must be a string or bytes of at least 16 bytes (e.g. 64 hex digits).',
      {
        field: 'signedUrls.secret',
      },
    );
  }
  return { host, port, secret, defaultExpiresIn, maxExpiresIn };
}

function objectInfo(key: string, stats: BigIntStats): StorageObjectInfo {
  return {
    key,
    size: Number(stats.size),
    lastModified: new Date(Number(stats.mtimeMs)),
    // Every put writes a new file (new inode) and renames it into place (new ctime): cheap, and changes with content.
    etag: [stats.ino, stats.size, stats.mtimeNs, stats.ctimeNs].map((value) => value.toString(16)).join('-'),
    contentType: contentTypeOf(key),
  };
}

/**
 * {@link Storage} on the local file system: the embedded default. Keys map to files under {@link LocalStorage.root}
 * (`models/andie/config.json` → `<root>/models/andie/config.json`), so a workspace can be browsed, backed up and
 * synced like any folder.
 *
 * - Keys are checked with {@link assertStorageKey}, and no key can reach outside the root, through `..` or through
 *   symbolic links (reads and writes that would follow a link outside the root fail with a {@link StorageError}).
 * - Writes are atomic: a temporary file beside the target (a hidden `.ms-tmp-<pid>-*` name `list` never shows) is
 *   made durable, renamed over it, and the directory fsynced before `put` resolves. A crash, error or abort leaves the
 *   old content intact. The first write of a LocalStorage into a folder removes the temporary files there whose
 *   writing process is dead (killed mid-write) or that are untouched for an hour; see also
 *   {@link LocalStorage.removeStaleTempFiles} for a whole tree.
 * - File-system calls are kept few and cheap: directories checked to lie inside the root are remembered for one
 *   second (forgotten at once when LocalStorage removes directories), so reads skip `realpath` and open the file
 *   with `O_NOFOLLOW`; a handle per recently written directory (at most 32) is kept open for its fsyncs, shared by
 *   concurrent writers (idle handles close after a second; {@link LocalStorage.close} closes them at once); and the
 *   quick metadata calls of a read, head or put (`open`, `fstat`, `lstat`, `rename`, `close`) run on the calling
 *   thread, as on a local disk they take microseconds while a trip through libuv's thread pool costs about ten
 *   times that in CPU. Only reads, writes and fsyncs, which can wait for the disk, go through the pool. (So keep
 *   the root on a local disk: on a network file system a stalled server would also stall the event loop.)
 * - Bodies are streamed in and out chunk by chunk; a large body is never held in memory whole.
 * - Content types come from the file extension (LocalStorage stores no metadata); ETags from the file's identity,
 *   size and times.
 * - Deleting a key also removes directories it leaves empty.
 * - With `signedUrls` set, {@link LocalStorage.signedUrl} returns HMAC-signed GET/PUT URLs served by a loopback
 *   HTTP server started on first use, so a local emulator can fetch files by URL. `publicUrls` is `false`: the
 *   orchestrator refuses to hand these URLs to a real cloud API. Call {@link LocalStorage.close} to stop the server
 *   (and close the directory handles) when done.
 *
 * @example
 * ```ts
 * import { LocalStorage } from '@model-studio/core';
 *
 * const storage = new LocalStorage({ root: './workspace', signedUrls: {} });
 * await storage.put('models/andie/notes.txt', new TextEncoder().encode('hello'));
 * const text = await new Response(await storage.get('models/andie/notes.txt')).text();
 * const url = await storage.signedUrl!('models/andie/notes.txt', { method: 'GET', expiresIn: 600 });
 * await storage.close();
 * ```
 */
export class LocalStorage implements Storage {
  /** Interface version. */
  readonly specificationVersion = 'v1' as const;
  /** Provider id for logs: `local`. */
  readonly provider = 'local';
  /** Always `false`: signed URLs point at a loopback server that the internet cannot reach. */
  readonly publicUrls = false;
  /** Absolute path of the storage root. */
  readonly root: string;
  /**
   * A URL that grants `GET` (download) or `PUT` (upload) on `key` until it expires, served by the loopback server
   * (started on the first call). Present only when the storage was created with `signedUrls`.
   *
   * URL format: `http://127.0.0.1:<port>/<key>?method=GET&expires=<unix seconds>&sig=<hmac-sha256 hex>`; a PUT URL
   * made with `contentType` also carries `&type=<content type>` and accepts only that `Content-Type`. A wrong,
   * tampered or expired URL gets 403; a missing key 404.
   *
   * @param options.expiresIn - Seconds the URL stays valid: a positive whole number up to `signedUrls.maxExpiresIn`.
   * @default options.expiresIn `signedUrls.defaultExpiresIn` (3600)
   * @throws {ValidationError} For a bad key, method or expiry.
   * @throws {StorageError} When the server cannot listen (e.g. the configured port is taken).
   */
  readonly signedUrl?: (key: string, options: SignedUrlOptions) => Promise<string>;

  readonly #server: SignedUrlServer | undefined;
  readonly #settings: SignedUrlSettings | undefined;
  #realRoot: Promise<string> | undefined;
  readonly #dirs = new VerifiedDirectories();
  /** Folders this storage already cleaned of dead writers' temporary files. */
  readonly #swept = new Set<string>();

  /**
   * @param options - The root directory (created on first use if missing) and optional signed URL settings.
   * @throws {ValidationError} For a missing root or bad signed URL settings.
   */
  constructor(options: LocalStorageOptions) {
    if (typeof options?.root !== 'string' || options.root === '') {
      throw new ValidationError(
        'LocalStorage needs a root directory, e.g. new LocalStorage({ root: "./workspace" }).',
        {
          field: 'root',
        },
      );
    }
    this.root = resolve(options.root);
    if (options.signedUrls) {
      this.#settings = resolveSignedUrlSettings(options.signedUrls);
      this.#server = new SignedUrlServer(this.#settings, {
        open: (key) => this.#openForRead(key, 'get'),
        write: (key, source) => this.#write(key, source, {}),
      });
      this.signedUrl = (key, urlOptions) => this.#signedUrl(key, urlOptions);
    }
  }

  /**
   * The absolute file path of `key`, for callers that need a local file (e.g. to hand to a child process).
   * Checks the key, but not symbolic links on disk: prefer {@link LocalStorage.get} and {@link LocalStorage.put}.
   *
   * @throws {ValidationError} When `key` is not a safe storage key.
   */
  pathOf(key: string): string {
    assertStorageKey(key);
    const path = join(this.root, ...key.split('/'));
    const fromRoot = relative(this.root, path);
    if (fromRoot === '' || fromRoot.startsWith('..') || resolve(this.root, fromRoot) !== path) {
      throw new ValidationError(`Storage key "${key}" resolves outside the storage root; use a relative key.`, {
        field: 'key',
        value: key,
      });
    }
    return path;
  }

  /**
   * Writes `body` (bytes or a web stream) to `key` atomically, replacing any old content, and returns the new
   * object's metadata. Streams are written as they arrive. On error or abort the old content stays and no temporary
   * file remains; an abort rejects with the signal's reason. `contentType` is accepted but not stored: LocalStorage
   * reports the type of the key's extension.
   *
   * @throws {ValidationError} For an unsafe key or a body that is not a Uint8Array or ReadableStream of them.
   * @throws {StorageError} When the file system refuses (`backendCode` holds the errno code, e.g. `ENOSPC`).
   */
  async put(key: string, body: BinaryInput, options: StoragePutOptions = {}): Promise<StorageObjectInfo> {
    let source: ChunkSource;
    try {
      assertStorageKey(key);
      if (body instanceof Uint8Array) source = bytesSource(body);
      else if (body instanceof ReadableStream) source = webStreamSource(body);
      else {
        throw new ValidationError('A storage body must be a Uint8Array or a ReadableStream of Uint8Array chunks.', {
          field: 'body',
        });
      }
    } catch (error) {
      if (body instanceof ReadableStream && !body.locked) body.cancel(error).catch(() => {});
      throw error;
    }
    const total = body instanceof Uint8Array ? body.byteLength : undefined;
    return this.#write(key, source, { signal: options.signal, onProgress: options.onProgress, total });
  }

  /**
   * Reads `key` as a web stream, chunk by chunk as it is consumed. Aborting `signal` errors the stream (or rejects
   * the call) with the signal's reason and closes the file.
   *
   * @throws {NotFoundError} When `key` does not exist (`kind: 'key'`).
   * @throws {StorageError} When the file cannot be read, or is a link leading outside the root.
   */
  async get(key: string, options: CallOptions = {}): Promise<ReadableStream<Uint8Array>> {
    assertStorageKey(key);
    const { signal } = options;
    signal?.throwIfAborted();
    const opened = await this.#openForRead(key, 'get');
    if (!opened) throw keyNotFound(key, this.root);
    if (signal?.aborted) {
      opened.file.close();
      signal.throwIfAborted();
    }
    return fileReadStream(opened.file, opened.info.size, signal, (error) =>
      toStorageError(error, 'get', key, this.root),
    );
  }

  /**
   * Metadata of `key` (size, last modification, ETag, content type from the extension), or `undefined` when missing.
   *
   * @throws {StorageError} When the file cannot be inspected, or is a link leading outside the root.
   */
  async head(key: string, options: CallOptions = {}): Promise<StorageObjectInfo | undefined> {
    assertStorageKey(key);
    options.signal?.throwIfAborted();
    try {
      // Fast path: one lstat in the checked directory. A link as the last component takes the path below.
      const dirKey = dirKeyOf(key);
      const dir = await this.#readableDir(dirKey);
      if (dir === undefined) return undefined;
      if (dir !== 'check') {
        try {
          // Synchronous: a metadata call of microseconds (see the class notes).
          const stats = lstatSync(join(dir.real, nameOf(key)), { bigint: true, throwIfNoEntry: false });
          if (stats === undefined) {
            this.#missedIn(dirKey, dir, 'ENOENT');
            return undefined;
          }
          if (!stats.isSymbolicLink()) {
            if (!dir.cached) this.#dirs.set(dirKey, dir.real);
            return stats.isFile() ? objectInfo(key, stats) : undefined;
          }
        } catch (error) {
          if (!isMissing(error)) throw error;
          this.#missedIn(dirKey, dir, error.code);
          return undefined;
        }
      }
      const real = await this.#resolveExisting(key, 'head');
      if (real === undefined) return undefined;
      const stats = await stat(real, { bigint: true });
      return stats.isFile() ? objectInfo(key, stats) : undefined;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw toStorageError(error, 'head', key, this.root);
    }
  }

  /**
   * Every object whose key starts with `prefix` (a plain string prefix, as in S3: `a/b` matches `a/b-c` and
   * `a/bc/d`), sorted by key in code point order, each exactly once. Directories are read one at a time and files
   * inspected `pageSize` at a time, so huge trees stream. Temporary and hidden files, names that are not valid keys,
   * and symbolic links to directories are not listed.
   *
   * @default options.pageSize 1000
   * @throws {ValidationError} For a prefix whose directory part is not a valid key, or a bad `pageSize`.
   */
  async *list(options: StorageListOptions = {}): AsyncGenerator<StorageObjectInfo> {
    const { pageSize = defaultPageSize, signal } = options;
    if (!positiveInteger(pageSize) || pageSize > maxPageSize) {
      throw new ValidationError(`pageSize must be a whole number from 1 to ${maxPageSize}.`, {
        field: 'pageSize',
        value: pageSize,
      });
    }
    const batches = this.#walk(options);
    // The batch being paged through (see listFilesSorted), and where in it the next page starts.
    let batch: ListedFile[] = [];
    let at = 0;
    let ended = false;
    for (;;) {
      const page: ListedFile[] = [];
      while (page.length < pageSize) {
        if (at < batch.length) {
          page.push(batch[at++]!);
          continue;
        }
        const next = ended ? undefined : await batches.next();
        if (!next || next.done) {
          ended = true;
          break;
        }
        batch = next.value;
        at = 0;
      }
      if (page.length === 0) break;
      const infos = await mapConcurrent(page, statConcurrency, async ({ key, path }) => {
        try {
          const stats = await stat(path, { bigint: true });
          return stats.isFile() ? objectInfo(key, stats) : undefined;
        } catch (error) {
          if (isMissing(error)) return undefined; // Deleted while listing.
          throw toStorageError(error, 'list', options.prefix || undefined, this.root);
        }
      });
      signal?.throwIfAborted();
      for (const info of infos) if (info) yield info;
    }
  }

  /**
   * The keys {@link LocalStorage.list} lists, in the same order, from the directory listings alone (no `stat` per
   * file): what a caller that needs only names, such as the workspace's photo numbers, should use. A file deleted
   * while the keys are read may still be listed.
   *
   * @throws {ValidationError} For a prefix whose directory part is not a valid key.
   */
  async *listKeys(options: StorageListOptions = {}): AsyncGenerator<string> {
    for await (const batch of this.#walk(options)) {
      options.signal?.throwIfAborted();
      for (const { key } of batch) yield key;
    }
    options.signal?.throwIfAborted();
  }

  /** The files under `options.prefix`, in key order, with their paths, in batches (see {@link listFilesSorted}). */
  async *#walk(options: StorageListOptions): AsyncGenerator<ListedFile[]> {
    const { prefix = '', signal } = options;
    if (typeof prefix !== 'string') {
      throw new ValidationError('The list prefix must be a string, such as "models/andie/".', { field: 'prefix' });
    }
    const dirKey = prefix.slice(0, prefix.lastIndexOf('/') + 1);
    if (dirKey !== '') assertStorageKey(dirKey.slice(0, -1), 'prefix');
    signal?.throwIfAborted();
    try {
      const realRoot = await this.#getRealRoot();
      const start = join(realRoot, ...dirKey.split('/'));
      // Start only where the path has no symbolic links, as the walk below never follows links to directories.
      const realStart = await realpath(start).catch((error: unknown) => {
        if (isMissing(error)) return undefined;
        throw error;
      });
      if (realStart !== start) return;
      yield* listFilesSorted(start, dirKey, prefix, realRoot);
    } catch (error) {
      throw toStorageError(error, 'list', prefix || undefined, this.root);
    }
  }

  /**
   * Deletes one key or several; missing keys are ignored, and directories left empty are removed. All keys are
   * checked before anything is deleted.
   *
   * @throws {ValidationError} When any key is unsafe (nothing is deleted then).
   * @throws {StorageError} When a file cannot be deleted.
   */
  async delete(keys: string | readonly string[], options: CallOptions = {}): Promise<void> {
    const all = typeof keys === 'string' ? [keys] : [...keys];
    for (const key of all) assertStorageKey(key);
    options.signal?.throwIfAborted();
    await mapConcurrent(all, deleteConcurrency, async (key) => {
      options.signal?.throwIfAborted();
      try {
        await this.#deleteOne(key);
      } catch (error) {
        throw toStorageError(error, 'delete', key, this.root);
      }
    });
  }

  /**
   * Removes the temporary files that writes interrupted by a crash or a killed process left behind (a put that fails
   * or is aborted removes its own), and the directories that leaves empty. Such files never show in `list` and
   * never hide a key's content, but they take space: call this at start-up or from a maintenance task. Only files
   * untouched for `olderThanMs` are removed, so writes still in progress are left alone.
   *
   * @param options.olderThanMs - Minimum age, by modification time, of a temporary file to remove.
   * @default options.olderThanMs 3600000 (1 hour)
   * @returns How many temporary files were removed.
   * @throws {StorageError} When the root cannot be read.
   */
  async removeStaleTempFiles(options: { olderThanMs?: number; signal?: AbortSignal } = {}): Promise<number> {
    const { olderThanMs = 3_600_000, signal } = options;
    if (typeof olderThanMs !== 'number' || !(olderThanMs >= 0)) {
      throw new ValidationError('olderThanMs must be a number of milliseconds, 0 or more.', { field: 'olderThanMs' });
    }
    signal?.throwIfAborted();
    const cutoff = Date.now() - olderThanMs;
    let removed = 0;
    try {
      const realRoot = await this.#getRealRoot();
      for await (const path of findTempFiles(realRoot)) {
        signal?.throwIfAborted();
        const stats = await stat(path).catch(() => undefined);
        if (!stats || stats.mtimeMs > cutoff) continue;
        await rm(path, { force: true });
        removed++;
        await this.#pruneEmptyDirectories(dirname(path), realRoot);
      }
    } catch (error) {
      throw toStorageError(error, 'removeStaleTempFiles', undefined, this.root);
    }
    return removed;
  }

  /**
   * Stops the signed URL server if it was started, closing its connections and freeing its port, and closes the
   * directory handles kept open for fsyncs (which otherwise close after a second idle). The storage stays usable; a
   * later `signedUrl` call starts the server again (on a new port unless `signedUrls.port` is fixed).
   */
  async close(): Promise<void> {
    await Promise.all([this.#server?.close(), this.#dirs.close()]);
  }

  async #signedUrl(key: string, options: SignedUrlOptions): Promise<string> {
    const settings = this.#settings!;
    assertStorageKey(key);
    const { method, expiresIn = settings.defaultExpiresIn, contentType, signal } = options ?? {};
    if (method !== 'GET' && method !== 'PUT') {
      throw new ValidationError('Signed URL method must be "GET" or "PUT".', { field: 'method', value: method });
    }
    if (!positiveInteger(expiresIn) || expiresIn > settings.maxExpiresIn) {
      throw new ValidationError(
        `expiresIn must be a positive whole number of seconds, at most ${settings.maxExpiresIn}; got ${String(expiresIn)}.`,
        { field: 'expiresIn', value: expiresIn },
      );
    }
    if (contentType !== undefined && (typeof contentType !== 'string' || !/^[\x20-\x7e]{1,200}$/.test(contentType))) {
      throw new ValidationError('contentType must be a printable ASCII media type such as "image/jpeg".', {
        field: 'contentType',
      });
    }
    signal?.throwIfAborted();
    return this.#server!.sign(method, key, expiresIn, method === 'PUT' ? (contentType ?? '') : '');
  }

  /** The real path of the root, creating the root on first use. */
  #getRealRoot(): Promise<string> {
    this.#realRoot ??= makeDirectory(this.root, 'the LocalStorage root')
      .then(() => realpath(this.root))
      .catch((error: unknown) => {
        this.#realRoot = undefined;
        throw error;
      });
    return this.#realRoot;
  }

  /** The real path of an existing key, `undefined` when missing; refuses links leading outside the root. */
  async #resolveExisting(key: string, operation: string): Promise<string | undefined> {
    const realRoot = await this.#getRealRoot();
    let real: string;
    try {
      real = await realpath(this.pathOf(key));
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
    if (!isInside(realRoot, real)) throw outsideRoot(operation, key, this.root);
    return real;
  }

  /**
   * The checked real directory of `dirKey` for a read: remembered, or resolved now (then `cached: false`; the caller
   * remembers it once an operation in it went through). `undefined` when it does not exist; `'check'` when a link
   * leads outside the root, for the caller's full check to decide (a missing key there is still just missing).
   */
  async #readableDir(dirKey: string): Promise<{ real: string; cached: boolean } | 'check' | undefined> {
    const remembered = this.#dirs.get(dirKey);
    if (remembered !== undefined) return { real: remembered.real, cached: true };
    const realRoot = await this.#getRealRoot();
    if (dirKey === '') return { real: realRoot, cached: false };
    let real: string;
    try {
      real = await realpath(join(realRoot, ...dirKey.split('/')));
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
    return real === realRoot || isInside(realRoot, real) ? { real, cached: false } : 'check';
  }

  /** After a read found nothing in a directory: remember it if it exists, forget it if it is not one any more. */
  #missedIn(dirKey: string, dir: { real: string; cached: boolean }, code: string): void {
    if (code === 'ENOENT' && !dir.cached) this.#dirs.set(dirKey, dir.real);
    else if (code === 'ENOTDIR' && dir.cached) this.#dirs.delete(dirKey);
  }

  async #openForRead(key: string, operation: string) {
    try {
      // Fast path: open in the checked directory without following a final link (which takes the path below).
      const dirKey = dirKeyOf(key);
      const dir = noFollow === undefined ? 'check' : await this.#readableDir(dirKey);
      if (dir === undefined) return undefined;
      if (dir !== 'check') {
        let file: OpenFile | undefined;
        try {
          file = OpenFile.open(join(dir.real, nameOf(key)), readFlags);
        } catch (error) {
          if (isMissing(error)) {
            this.#missedIn(dirKey, dir, error.code);
            return undefined;
          }
          if (!isFinalLink(error)) throw error;
        }
        if (file !== undefined) {
          if (!dir.cached) this.#dirs.set(dirKey, dir.real);
          return this.#opened(key, file);
        }
      }
      const real = await this.#resolveExisting(key, operation);
      if (real === undefined) return undefined;
      return this.#opened(key, OpenFile.open(real, readFlags));
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw toStorageError(error, operation, key, this.root);
    }
  }

  /** The open file and its info, or `undefined` (file closed) when it is not a regular file. */
  #opened(key: string, file: OpenFile): { file: OpenFile; info: StorageObjectInfo } | undefined {
    let stats: BigIntStats;
    try {
      stats = file.stat();
    } catch (error) {
      file.close();
      throw error;
    }
    if (!stats.isFile()) {
      file.close();
      return undefined;
    }
    return { file, info: objectInfo(key, stats) };
  }

  /**
   * The real directory to write `key` in: remembered on a first attempt, else checked and created one level at a
   * time, never following a link outside the root.
   */
  async #ensureParent(key: string, attempt: number): Promise<string> {
    const dirKey = dirKeyOf(key);
    if (attempt === 1) {
      const remembered = this.#dirs.get(dirKey);
      if (remembered !== undefined) return remembered.real;
    } else {
      this.#dirs.delete(dirKey);
    }
    const dir = await this.#checkParent(key);
    this.#dirs.set(dirKey, dir);
    await this.#sweepOnce(dir);
    return dir;
  }

  /**
   * The first time this storage writes in a folder, removes the temporary files that killed writers left there
   * (see {@link removeDeadTempFiles}): only LocalStorage's own temp names, of dead processes or untouched for an hour.
   */
  async #sweepOnce(dir: string): Promise<void> {
    if (this.#swept.has(dir)) return;
    if (this.#swept.size >= 4096) this.#swept.clear();
    this.#swept.add(dir);
    await removeDeadTempFiles(dir);
  }

  async #checkParent(key: string): Promise<string> {
    const realRoot = await this.#getRealRoot();
    const segments = key.split('/').slice(0, -1);
    const target = join(realRoot, ...segments);
    const existing = await realpath(target).catch(() => undefined);
    if (existing !== undefined && (existing === realRoot || isInside(realRoot, existing))) {
      if ((await stat(existing)).isDirectory()) return existing;
    }
    let dir = realRoot;
    for (const segment of segments) {
      const next = join(dir, segment);
      try {
        await mkdir(next);
        dir = next;
        continue;
      } catch (error) {
        if (!isFsError(error) || error.code !== 'EEXIST') throw error;
      }
      const real = await realpath(next);
      if (!isInside(realRoot, real)) throw outsideRoot('put', key, this.root);
      if (!(await stat(real)).isDirectory()) {
        const taken = relative(realRoot, next).split(sep).join('/');
        throw new StorageError(
          `LocalStorage cannot put "${key}": the key "${taken}" is a file, so it cannot hold other keys. Delete it first or use another key.`,
          { operation: 'put', key, backendCode: 'ENOTDIR' },
        );
      }
      dir = real;
    }
    return dir;
  }

  async #write(
    key: string,
    source: ChunkSource,
    options: Pick<StoragePutOptions, 'signal' | 'onProgress'> & { total?: number },
  ): Promise<StorageObjectInfo> {
    try {
      const dirKey = dirKeyOf(key);
      const target = {
        resolveDir: (attempt: number) => this.#ensureParent(key, attempt),
        syncDir: (dir: string) => this.#dirs.sync(dirKey, dir),
      };
      const { stats } = await writeFileAtomic(target, nameOf(key), source, options);
      return objectInfo(key, stats);
    } catch (error) {
      throw toStorageError(error, 'put', key, this.root);
    }
  }

  async #deleteOne(key: string): Promise<void> {
    const realRoot = await this.#getRealRoot();
    const parentKey = dirKeyOf(key);
    let parent: string;
    try {
      parent = await realpath(parentKey === '' ? realRoot : this.pathOf(parentKey));
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    if (parent !== realRoot && !isInside(realRoot, parent)) throw outsideRoot('delete', key, this.root);
    const file = join(parent, nameOf(key));
    try {
      await unlink(file);
    } catch (error) {
      if (isMissing(error)) return;
      // A directory is not a key: nothing to delete.
      if (
        isFsError(error) &&
        (error.code === 'EISDIR' || error.code === 'EPERM') &&
        (await lstat(file)).isDirectory()
      ) {
        return;
      }
      throw error;
    }
    await this.#pruneEmptyDirectories(parent, realRoot);
  }

  /** Removes `dir` and its parents while they are empty, stopping below the root; forgets remembered directories. */
  async #pruneEmptyDirectories(dir: string, realRoot: string): Promise<void> {
    for (let current = dir; isInside(realRoot, current); current = dirname(current)) {
      try {
        await rmdir(current);
      } catch {
        return; // Not empty (or gone): stop pruning.
      }
      this.#dirs.clear();
    }
  }
}
