import { type FileHandle, open } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { isFsError } from './fs-error.js';

/**
 * How long a directory path checked to lie inside the root (no link leading out) is trusted without checking again.
 * Changes LocalStorage makes itself (pruning emptied directories) drop the entries at once; this bounds how long a
 * directory that another program replaces by a link can go unnoticed.
 */
const trustMs = 1000;
/** Directories remembered at most; the oldest is dropped beyond this. */
const maxEntries = 4096;
/** Directory handles held open for fsyncs at most (each is a file descriptor). */
const maxHandles = 32;

/** Codes of platforms that cannot open or fsync a directory (Windows): the fsync is skipped there. */
const unsyncable = new Set(['EISDIR', 'EPERM', 'EINVAL', 'EBADF', 'EACCES']);

/** A remembered directory. @internal */
export interface VerifiedDirectory {
  readonly dirKey: string;
  /** Its real path: no symbolic links, inside the storage root. */
  readonly real: string;
  readonly expires: number;
  /** Open read-only handle for fsyncs, opened on the first sync. */
  handle?: Promise<FileHandle>;
  /** The fsync in progress, and the one queued behind it for writers who renamed after it started. */
  running?: Promise<void>;
  next?: Promise<void>;
  retired: boolean;
}

/**
 * Flushes a directory entry change (a create or rename) to disk by path: open, fsync, close. Platforms that cannot
 * fsync a directory (Windows) skip it.
 *
 * @internal
 */
export async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    if (!isFsError(error) || !unsyncable.has(error.code)) throw error;
  } finally {
    await handle?.close();
  }
}

/**
 * The directories of keys that LocalStorage recently resolved and checked (real path inside the root), by key of
 * the directory (`models/andie` for `models/andie/x.jpg`, `''` for the root), so that reads and writes of their keys
 * skip the `realpath`. Each entry is trusted for one second, and dropped earlier on any change LocalStorage makes to
 * directories and when an operation through it fails in a way that suggests it changed.
 *
 * Writers' directory fsyncs go through a handle kept open per directory (at most 32, closed when the entry expires
 * or by {@link VerifiedDirectories.close}), and concurrent writers share them: a writer whose rename finished waits
 * for the next fsync that starts after it, so several renames become durable with one fsync.
 *
 * @internal
 */
export class VerifiedDirectories {
  readonly #entries = new Map<string, VerifiedDirectory>();
  #handles = 0;
  /** Handles being closed, for {@link VerifiedDirectories.close} to wait on. */
  readonly #closing = new Set<Promise<void>>();
  #sweep: NodeJS.Timeout | undefined;

  /** The trusted entry for the directory key, if any and not expired. */
  get(dirKey: string): VerifiedDirectory | undefined {
    const entry = this.#entries.get(dirKey);
    if (entry === undefined) return undefined;
    if (entry.expires > performance.now()) return entry;
    this.#remove(dirKey, entry);
    return undefined;
  }

  /** Remembers that the directory of `dirKey` is the checked real path `real`. */
  set(dirKey: string, real: string): void {
    const old = this.#entries.get(dirKey);
    if (old !== undefined) this.#remove(dirKey, old);
    else if (this.#entries.size >= maxEntries) {
      const [oldestKey, oldest] = this.#entries.entries().next().value!;
      this.#remove(oldestKey, oldest);
    }
    this.#entries.set(dirKey, { dirKey, real, expires: performance.now() + trustMs, retired: false });
  }

  /** Forgets the directory of `dirKey` (after an operation through it failed). */
  delete(dirKey: string): void {
    const entry = this.#entries.get(dirKey);
    if (entry !== undefined) this.#remove(dirKey, entry);
  }

  /** Forgets every directory (after LocalStorage removed some). */
  clear(): void {
    for (const [dirKey, entry] of this.#entries) this.#remove(dirKey, entry);
  }

  /**
   * Makes a rename into `dir` (the real directory of `dirKey`) durable: through the shared handle when the entry is
   * still current, else by path.
   */
  sync(dirKey: string, dir: string): Promise<void> {
    const entry = this.get(dirKey);
    if (entry === undefined || entry.real !== dir) return syncDirectory(dir);
    if (entry.handle === undefined) {
      if (this.#handles >= maxHandles) return syncDirectory(dir);
      this.#handles++;
      entry.handle = open(dir, 'r');
      entry.handle.catch(() => {}); // Reported to the syncs that use it.
      this.#scheduleSweep();
    }
    // A running fsync may have started before this writer's rename: wait for the next one.
    if (entry.running !== undefined) {
      entry.next ??= entry.running.then(
        () => this.#startSync(entry),
        () => this.#startSync(entry),
      );
      return entry.next;
    }
    return this.#startSync(entry);
  }

  /** Closes every held directory handle. The cache stays usable. */
  async close(): Promise<void> {
    this.clear();
    if (this.#sweep !== undefined) clearTimeout(this.#sweep);
    this.#sweep = undefined;
    await Promise.all(this.#closing);
  }

  #startSync(entry: VerifiedDirectory): Promise<void> {
    entry.next = undefined;
    const sync = (async () => {
      try {
        await (await entry.handle!).sync();
      } catch (error) {
        if (isFsError(error) && unsyncable.has(error.code)) return;
        // Whatever broke the handle, the next writer checks the directory again and opens a new one.
        if (this.#entries.get(entry.dirKey) === entry) this.#remove(entry.dirKey, entry);
        throw error;
      }
    })();
    entry.running = sync;
    const settle = () => {
      if (entry.running === sync) entry.running = undefined;
    };
    sync.then(settle, settle);
    return sync;
  }

  #remove(dirKey: string, entry: VerifiedDirectory): void {
    this.#entries.delete(dirKey);
    if (entry.retired) return;
    entry.retired = true;
    if (entry.handle === undefined) return;
    const closing = this.#retire(entry.handle, entry);
    this.#closing.add(closing);
    void closing.finally(() => this.#closing.delete(closing));
  }

  /** Closes a removed entry's handle once the fsyncs using it are done. Never rejects. */
  async #retire(handle: Promise<FileHandle>, entry: VerifiedDirectory): Promise<void> {
    // A queued sync runs after the running one, and is the last user of the handle.
    await (entry.next ?? entry.running)?.catch(() => {});
    this.#handles--;
    await handle.then(
      (opened) => opened.close().catch(() => {}),
      () => {},
    );
  }

  /** Closes the handles of expired entries even when no call comes to notice, so idle storages hold no descriptors. */
  #scheduleSweep(): void {
    if (this.#sweep !== undefined) return;
    this.#sweep = setTimeout(() => {
      this.#sweep = undefined;
      const now = performance.now();
      for (const [dirKey, entry] of this.#entries) if (entry.expires <= now) this.#remove(dirKey, entry);
      if (this.#handles > 0) this.#scheduleSweep();
    }, trustMs);
    this.#sweep.unref();
  }
}
