import { isAscii } from 'node:buffer';
import { constants } from 'node:fs';
import { type FileHandle, lstat, mkdir, open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { StorageError } from '../errors/storage-error.js';
import { ValidationError } from '../errors/validation-error.js';

/** A line that could not be read as a record, reported to `onCorruptLine`. */
export interface CorruptLine {
  /** The file it is in. */
  path: string;
  /** 1-based line number. */
  line: number;
  /** The line's text (first 200 characters). */
  text: string;
  /** Why it was refused. */
  reason: string;
}

/** What loading found at the end of the file (a crash while writing leaves a torn last line). */
export type TailRepair = 'none' | 'truncated' | 'terminated';

/** Options of an append to a journal or ledger. */
export interface AppendOptions {
  /**
   * `immediate`: the promise resolves once the record is written and fsynced.
   * `deferred`: the promise resolves at once; the record is written (and fsynced) together with the next immediate
   * record of the same file, before a compaction or close, or after {@link deferredWriteMs} at the latest, in order.
   * A crash before then loses it (and only it and later deferred records: the file always holds a prefix of what
   * was appended). Use it only for records that can be rebuilt, e.g. a completed job that a resume re-reads by its
   * recorded job id; it saves a write and an fsync each.
   * @default 'immediate'
   */
  durability?: 'immediate' | 'deferred';
}

/** The longest a deferred record waits for a write to share, in ms. */
export const deferredWriteMs = 200;

/** @internal Options for {@link openJsonLinesFile}. */
export interface JsonLinesFileOptions<T> {
  /** Human name for messages, e.g. `Progress journal`. */
  label: string;
  /** Turns a parsed line into a record, or returns a reason string when it is not one. */
  decode: (value: unknown) => T | string;
  /**
   * Receives every record in file order, with the text of its line (without the newline), and its UTF-8 bytes: `bytes`
   * from `start` to `end` (a buffer reused for the next lines: copy what is kept).
   */
  onRecord: (record: T, text: string, bytes: Buffer, start: number, end: number) => void;
  /**
   * Called first for each line (arguments as for `onRecord`): returns true when it took the line without parsing it,
   * a reason string when the line is corrupt, false to have it parsed, decoded and given to `onRecord`.
   */
  takeLine?: (text: string, bytes: Buffer, start: number, end: number) => boolean | string;
  /** When given, corrupt lines in the middle of the file are skipped and reported here instead of thrown. */
  onCorruptLine?: ((info: CorruptLine) => void) | undefined;
  /** fsync (fdatasync) after each batch of appended lines. */
  fsync: boolean;
}

type QueueItem =
  | { kind: 'line'; text: string; resolve: () => void; reject: (error: unknown) => void }
  | {
      kind: 'task';
      run: () => Promise<void>;
      resolve: () => void;
      reject: (error: unknown) => void;
      /** The last task (see {@link JsonLinesFile.close}): a failure rejects it alone, as nothing can follow it. */
      last?: boolean;
    };

const CHUNK_SIZE = 1 << 20;
const TEMP_SUFFIX = '.tmp';
/**
 * With fsync on, the file is opened `O_DSYNC` where the platform has it: each write returns once its data is on disk,
 * as a write followed by fdatasync would, in one system call. Elsewhere (Windows) each batch is fdatasynced.
 */
const syncedAppendFlags =
  constants.O_DSYNC === undefined
    ? undefined
    : constants.O_APPEND | constants.O_CREAT | constants.O_RDWR | constants.O_DSYNC;

function appendFlags(fsync: boolean): string | number {
  return fsync && syncedAppendFlags !== undefined ? syncedAppendFlags : 'a+';
}

/**
 * @internal An append-only JSON-lines file: loads records (ignoring a torn last line), appends lines with
 * group commit (each caller's line is written and fsynced before its promise resolves; lines queued meanwhile share
 * the next write and fsync), and replaces the whole file by write-then-rename. Not exported from the package.
 */
export class JsonLinesFile {
  /** What loading repaired at the end of the file. */
  readonly repaired: TailRepair;
  /** Number of lines read at open (including skipped ones). */
  readonly linesRead: number;
  /** Lines the file holds: those read at open and appended since, or those of the last {@link JsonLinesFile.replace}. */
  lines: number;
  private handle: FileHandle;
  private readonly queue: QueueItem[] = [];
  private draining = false;
  private broken: StorageError | undefined;
  private closed = false;
  /** Deferred lines not yet queued for writing (see {@link AppendOptions.durability}). */
  private deferred: string[] = [];
  private deferredTimer: NodeJS.Timeout | undefined;

  private constructor(
    readonly path: string,
    private readonly label: string,
    private readonly fsync: boolean,
    handle: FileHandle,
    repaired: TailRepair,
    linesRead: number,
  ) {
    this.handle = handle;
    this.repaired = repaired;
    this.linesRead = linesRead;
    this.lines = linesRead;
  }

  /** Opens (creating it and its directory when missing), loads every record, repairs a torn tail. */
  static async open<T>(path: string, options: JsonLinesFileOptions<T>): Promise<JsonLinesFile> {
    const dir = dirname(path);
    let created = false;
    try {
      await mkdir(dir, { recursive: true });
      created = !(await exists(path));
      await removeStaleTemps(path);
    } catch (error) {
      throw storageError(`${options.label} ${path} could not be prepared`, 'open', path, error);
    }
    let handle: FileHandle;
    try {
      handle = await open(path, appendFlags(options.fsync));
    } catch (error) {
      throw storageError(`${options.label} ${path} could not be opened`, 'open', path, error);
    }
    try {
      if (created && options.fsync) await syncDirectory(dir);
      const { repair, lines, keepBytes } = await readRecords(handle, path, options);
      if (repair === 'truncated') {
        await handle.truncate(keepBytes);
        if (options.fsync) await handle.datasync();
      } else if (repair === 'terminated') {
        await writeAll(handle, Buffer.from('\n'));
        if (options.fsync && syncedAppendFlags === undefined) await handle.datasync();
      }
      return new JsonLinesFile(path, options.label, options.fsync, handle, repair, lines);
    } catch (error) {
      await handle.close().catch(() => undefined);
      if (error instanceof ValidationError || error instanceof StorageError) throw error;
      throw storageError(`${options.label} ${path} could not be read`, 'get', path, error);
    }
  }

  /**
   * Appends one line (`text` must end with `\n`), or `lines` lines; resolves once it is written (and fsynced), or at
   * once when deferred (it is then written with the next immediate line, see {@link AppendOptions}).
   */
  append(text: string, options: AppendOptions = {}, lines = 1): Promise<void> {
    try {
      this.assertWritable();
    } catch (error) {
      return Promise.reject(error);
    }
    this.lines += lines;
    if (options.durability === 'deferred' && this.fsync) {
      this.deferred.push(text);
      this.deferredTimer ??= setTimeout(() => this.queueDeferred(), deferredWriteMs).unref();
      return Promise.resolve();
    }
    return this.enqueue((resolve, reject) => ({ kind: 'line', text, resolve, reject }));
  }

  /** Resolves once every line queued before this call is durable. */
  barrier(): Promise<void> {
    return this.enqueue((resolve, reject) => ({ kind: 'task', run: async () => undefined, resolve, reject }));
  }

  /**
   * Replaces the file's contents with `lines` by write-then-rename: a temp file beside it is written and fsynced,
   * renamed over the file, and the directory fsynced. Runs after every line queued before it; lines appended after
   * the call go to the new file. A crash at any point leaves either the old or the new file whole. A failure marks the
   * file broken (where it now is is not known).
   */
  replace(lines: readonly string[]): Promise<void> {
    return this.enqueue((resolve, reject) => this.replaceTask(() => lines, resolve, reject));
  }

  /**
   * Replaces the file's contents as {@link JsonLinesFile.replace} does, as housekeeping that may fail without harm:
   * `lines()` is called when the task runs and read while it is written, so it may already hold records appended
   * after this call, which are also written after it (the caller's records must give the same state when read again
   * over lines that hold them, as a journal's events do over a unit's snapshot). A failure before the rename leaves the
   * old file in use, whole, and resolves `false`; a failure after it (syncing the directory) marks the file broken.
   * Resolves `true` once the new file is in place.
   */
  replaceInBackground(lines: () => Iterable<string>): Promise<boolean> {
    let replaced = false;
    return this.enqueue((resolve, reject) => ({
      kind: 'task',
      resolve,
      reject,
      run: async () => {
        replaced = await this.writeReplacement(lines, true);
      },
    })).then(() => replaced);
  }

  /** The task of {@link JsonLinesFile.replace}: `lines()` is called, and read one line at a time, when it runs. */
  private replaceTask(
    lines: () => Iterable<string>,
    resolve: () => void,
    reject: (error: unknown) => void,
    last = false,
  ): QueueItem {
    return {
      kind: 'task',
      resolve,
      reject,
      last,
      run: async () => {
        await this.writeReplacement(lines, false);
      },
    };
  }

  /**
   * Writes `lines()` to a temp file beside the file, fsyncs it, renames it over the file, fsyncs the directory, and
   * appends to the new file from then on. With `optional`, a failure before the rename is swallowed (the temp file is
   * removed, the old file stays in use): returns whether the file was replaced.
   */
  private async writeReplacement(lines: () => Iterable<string>, optional: boolean): Promise<boolean> {
    const linesBefore = this.lines;
    const temp = `${this.path}.${process.pid}.${Date.now().toString(36)}${TEMP_SUFFIX}`;
    let next: FileHandle | undefined;
    let renamed = false;
    let count = 0;
    try {
      next = await open(temp, appendFlags(this.fsync));
      // Lines are encoded straight into one reused buffer and written a megabyte at a time: no string of a whole chunk
      // (a megabyte-long string goes to V8's large-object space, which only a full collection frees: a compaction of
      // 100,000 lines while a run goes on grew the heap by tens of MB that way), and no buffer per chunk.
      let out = Buffer.allocUnsafeSlow(CHUNK_SIZE);
      let used = 0;
      for (const line of lines()) {
        count++;
        // Room for the longest encoding: 3 bytes per UTF-16 unit.
        const room = 3 * line.length;
        if (used + room > out.length) {
          if (used > 0) await writeAll(next, out.subarray(0, used));
          used = 0;
          if (room > out.length) out = Buffer.allocUnsafeSlow(room);
        }
        used += out.write(line, used, 'utf8');
      }
      if (used > 0) await writeAll(next, out.subarray(0, used));
      await next.sync();
      await rename(temp, this.path);
      renamed = true;
      await syncDirectory(dirname(this.path));
    } catch (error) {
      await next?.close().catch(() => undefined);
      if (!renamed) await unlink(temp).catch(() => undefined);
      if (optional && !renamed) return false;
      throw error;
    }
    const previous = this.handle;
    this.handle = next;
    // Lines appended while it was written are written after it.
    this.lines = count + (this.lines - linesBefore);
    await previous.close().catch(() => undefined);
    return true;
  }

  /**
   * Waits for queued writes, then closes the file. Further appends are refused. With `compactTo`, its lines then
   * replace the file's, as {@link JsonLinesFile.replace} does (a failure there is not reported: see below). Rejects with the write failure when
   * the file is broken (see {@link assertWritable}): deferred records may then be lost, and nobody else may have been
   * told (their callers are gone). The file is closed either way.
   */
  async close(options: { compactTo?: () => Iterable<string> } = {}): Promise<void> {
    if (this.closed) return;
    this.queueDeferred();
    this.closed = true;
    if (!this.broken) {
      const { compactTo } = options;
      if (compactTo) {
        // The last write, after every queued line, with nothing allowed after it: a failure (reading the lines,
        // writing, renaming or syncing) leaves the old file whole or the new one in place, and is not reported.
        await new Promise<void>((resolve) => this.push(this.replaceTask(compactTo, resolve, () => resolve(), true)));
      }
      await new Promise<void>((resolve) => {
        this.push({ kind: 'task', run: async () => undefined, resolve, reject: () => resolve() });
      });
    }
    await this.handle.close().catch(() => undefined);
    if (this.broken) throw this.broken;
  }

  /** Throws the StorageError an append would get now (closed, or broken by a failed write). */
  assertWritable(): void {
    if (this.broken) throw this.broken;
    if (this.closed) {
      throw new StorageError(`${this.label} ${this.path} is closed; open it again to write.`, {
        operation: 'append',
        key: this.path,
      });
    }
  }

  private enqueue(make: (resolve: () => void, reject: (error: unknown) => void) => QueueItem): Promise<void> {
    try {
      this.assertWritable();
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<void>((resolve, reject) => this.push(make(resolve, reject)));
  }

  /** Moves deferred lines into the write queue and starts writing them (timer, flush, close). */
  private queueDeferred(): void {
    this.moveDeferred();
    this.startDrain();
  }

  /**
   * Moves deferred lines into the write queue, ahead of whatever is queued next, without starting a write: an item
   * queued right after joins them in the same write. Their callers are gone: a failed write marks the file broken, so
   * the next append reports it.
   */
  private moveDeferred(): void {
    if (this.deferredTimer) {
      clearTimeout(this.deferredTimer);
      this.deferredTimer = undefined;
    }
    if (this.deferred.length === 0 || this.broken) return;
    const text = this.deferred.length === 1 ? this.deferred[0]! : this.deferred.join('');
    this.deferred = [];
    this.queue.push({ kind: 'line', text, resolve: () => {}, reject: () => {} });
  }

  private push(item: QueueItem): void {
    this.moveDeferred();
    this.queue.push(item);
    this.startDrain();
  }

  private startDrain(): void {
    if (this.draining || this.queue.length === 0) return;
    this.draining = true;
    void this.drain();
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const first = this.queue[0]!;
      if (first.kind === 'task') {
        this.queue.shift();
        try {
          await first.run();
          first.resolve();
        } catch (error) {
          if (first.last) first.reject(error);
          else this.fail(error, 'replace', [first]);
        }
        continue;
      }
      let end = 0;
      while (end < this.queue.length && this.queue[end]!.kind === 'line') end++;
      const batch = this.queue.splice(0, end);
      try {
        const text = batch.length === 1 ? first.text : batch.map((item) => (item as { text: string }).text).join('');
        await writeAll(this.handle, Buffer.from(text));
        if (this.fsync && syncedAppendFlags === undefined) await this.handle.datasync();
        for (const item of batch) item.resolve();
      } catch (error) {
        this.fail(error, 'append', batch);
      }
    }
    this.draining = false;
  }

  /** After a failed write the file's state on disk is unknown: refuse everything until it is reopened. */
  private fail(error: unknown, operation: string, items: QueueItem[]): void {
    this.broken = storageError(
      `${this.label} ${this.path}: a write failed, so what reached the disk is unknown. Nothing more is written; ` +
        'fix the cause (disk full? permissions?) and open it again, which reloads what was saved.',
      operation,
      this.path,
      error,
    );
    const pending = [...items, ...this.queue.splice(0)];
    for (const item of pending) item.reject(this.broken);
  }
}

async function readRecords<T>(
  handle: FileHandle,
  path: string,
  options: JsonLinesFileOptions<T>,
): Promise<{ repair: TailRepair; lines: number; keepBytes: number }> {
  const chunk = Buffer.allocUnsafe(CHUNK_SIZE);
  let carry: Buffer | undefined;
  let position = 0;
  let lineNumber = 0;
  let bad: CorruptLine & { start: number } = { path, line: 0, text: '', reason: '', start: -1 };
  let lastEnd = 0;
  let lastTerminated = true;

  const reportBad = () => {
    if (bad.start < 0) return;
    const { start: _start, ...info } = bad;
    if (options.onCorruptLine) options.onCorruptLine(info);
    else {
      throw new ValidationError(
        `${options.label} ${path} line ${info.line} is not a valid record (${info.reason}). The file was not ` +
          `changed. Restore it from a backup, or remove line ${info.line} (keep a copy), or open it with ` +
          '`onCorruptLine` to skip bad lines.',
        { field: 'line', value: info.line },
      );
    }
    bad = { path, line: 0, text: '', reason: '', start: -1 };
  };

  const processLine = (
    data: Buffer,
    from: number,
    to: number,
    offset: number,
    terminated: boolean,
    text = data.toString('utf8', from, to),
  ) => {
    lineNumber++;
    if (from === to) return;
    const taken = options.takeLine ? options.takeLine(text, data, from, to) : false;
    let record: T | string | undefined;
    if (taken === false) {
      try {
        record = options.decode(JSON.parse(text));
      } catch (error) {
        if (text.trim() === '') return;
        record = error instanceof Error ? error.message : String(error);
      }
    } else if (typeof taken === 'string') record = taken;
    reportBad();
    if (typeof record === 'string') {
      bad = { path, line: lineNumber, text: text.slice(0, 200), reason: record, start: offset };
      return;
    }
    if (record !== undefined) options.onRecord(record, text, data, from, to);
    lastEnd = offset + (to - from) + (terminated ? 1 : 0);
    lastTerminated = terminated;
  };

  // Read what the file holds now (a device such as /dev/full would otherwise read forever).
  const size = (await handle.stat()).size;
  while (position < size) {
    const { bytesRead } = await handle.read(chunk, 0, Math.min(CHUNK_SIZE, size - position), position);
    if (bytesRead === 0) break;
    const data = carry ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
    const dataStart = position - (carry ? carry.length : 0);
    position += bytesRead;
    let start = 0;
    const last = data.lastIndexOf(10);
    // Where every byte is one character (ASCII: what the journal and the ledger write), the lines of the chunk are
    // decoded at once (one call instead of one per line; as latin1, which copies bytes, several times faster than
    // decoding UTF-8), and a character's index is its byte's. Otherwise each line is decoded as UTF-8 on its own.
    if (last >= 0 && isAscii(data.subarray(0, last))) {
      const text = data.toString('latin1', 0, last);
      for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
        processLine(data, start, nl, dataStart + start, true, text.slice(start, nl));
        start = nl + 1;
      }
      processLine(data, start, last, dataStart + start, true, text.slice(start, last));
      start = last + 1;
    } else {
      for (let nl = data.indexOf(10, start); nl !== -1; nl = data.indexOf(10, start)) {
        processLine(data, start, nl, dataStart + start, true);
        start = nl + 1;
      }
    }
    carry = start < data.length ? Buffer.from(data.subarray(start)) : undefined;
  }
  if (carry) processLine(carry, 0, carry.length, position - carry.length, false);

  // A bad line with nothing valid after it is the torn tail of a write cut short by a crash: drop it.
  if (bad.start >= 0) return { repair: 'truncated', lines: lineNumber, keepBytes: bad.start };
  if (!lastTerminated) return { repair: 'terminated', lines: lineNumber, keepBytes: lastEnd };
  if (lastEnd < position) {
    // Only blank space after the last record: keep it, but make sure the file ends with a newline.
    return { repair: 'none', lines: lineNumber, keepBytes: position };
  }
  return { repair: 'none', lines: lineNumber, keepBytes: lastEnd };
}

async function writeAll(handle: FileHandle, buffer: Buffer): Promise<void> {
  let offset = 0;
  while (offset < buffer.length) {
    const { bytesWritten } = await handle.write(buffer, offset, buffer.length - offset);
    offset += bytesWritten;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** Removes temp files a crash during {@link JsonLinesFile.replace} left behind (the real file is intact). */
async function removeStaleTemps(path: string): Promise<void> {
  const prefix = `${basename(path)}.`;
  const dir = dirname(path);
  for (const name of await readdir(dir)) {
    if (name.startsWith(prefix) && name.endsWith(TEMP_SUFFIX)) await unlink(join(dir, name)).catch(() => undefined);
  }
}

/** fsyncs a directory so a created or renamed entry survives a power loss. Not supported on Windows: skipped. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL') throw error;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

function storageError(message: string, operation: string, path: string, cause: unknown): StorageError {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  return new StorageError(code ? `${message} (${code}).` : `${message}.`, {
    operation,
    key: path,
    ...(code ? { backendCode: code } : {}),
    cause,
  });
}
