import { EventEmitter } from 'node:events';
import { mkdir, open, readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { StorageError } from '@model-studio/core';
import type { JobEvent, JobRecord } from '../job-queue.js';
import { isJobIdShape } from '../shared/job-id.js';
import type { RunningJob } from '../shared/run-handler.js';
import { readJson, readJsonLines, writeJsonAtomic } from './json-files.js';
import { tryLockFile } from './pid-lock-file.js';

/** What every queue instance on one folder shares inside one process: live events, write order, running jobs. */
interface SharedFolder {
  emitter: EventEmitter;
  chains: Map<string, Promise<unknown>>;
  seq: Map<string, { seq: number; size: number }>;
  running: Map<string, RunningJob>;
}

const folders = new Map<string, SharedFolder>();

/** A record as last read, with what identifies that version of its file. */
interface CachedRecord {
  ino: number;
  size: number;
  mtimeMs: number;
  record: JobRecord;
}

function sharedFolder(dir: string): SharedFolder {
  let shared = folders.get(dir);
  if (!shared) {
    const emitter = new EventEmitter();
    emitter.setMaxListeners(0);
    shared = { emitter, chains: new Map(), seq: new Map(), running: new Map() };
    folders.set(dir, shared);
  }
  return shared;
}

/**
 * The embedded queue's files: `jobs/<id>.json` (one record, replaced atomically), `events/<id>.jsonl` (append-only,
 * fsync'd), `worker.lock`. Writes to one job are serialised within the process.
 */
export class EmbeddedStore {
  readonly dir: string;
  readonly shared: SharedFolder;
  private ready: Promise<void> | undefined;
  private scan = new Map<string, CachedRecord>();

  constructor(dir: string) {
    this.dir = resolve(dir);
    this.shared = sharedFolder(this.dir);
  }

  get lockFile(): string {
    return join(this.dir, 'worker.lock');
  }

  /** Creates the folders once. */
  init(): Promise<void> {
    this.ready ??= (async () => {
      await mkdir(join(this.dir, 'jobs'), { recursive: true });
      await mkdir(join(this.dir, 'events'), { recursive: true });
      await mkdir(join(this.dir, 'locks'), { recursive: true });
    })();
    return this.ready;
  }

  private recordFile(id: string): string {
    return join(this.dir, 'jobs', `${id}.json`);
  }

  private eventFile(id: string): string {
    return join(this.dir, 'events', `${id}.jsonl`);
  }

  /**
   * Runs `task` after every earlier task of the same key in this process, holding the key's lock file
   * (`locks/<key>.lock`) so that another process never writes the same job at the same time.
   */
  private serial<T>(key: string, task: () => Promise<T>): Promise<T> {
    const locked = () => this.withLockFile(key, task);
    const previous = this.shared.chains.get(key) ?? Promise.resolve();
    const next = previous.then(locked, locked);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.shared.chains.set(key, settled);
    void settled.then(() => {
      if (this.shared.chains.get(key) === settled) this.shared.chains.delete(key);
    });
    return next;
  }

  private async withLockFile<T>(key: string, task: () => Promise<T>): Promise<T> {
    const file = join(this.dir, 'locks', `${key}.lock`);
    const deadline = Date.now() + 10_000;
    for (;;) {
      const lock = tryLockFile(file);
      if ('release' in lock) {
        try {
          return await task();
        } finally {
          lock.release();
        }
      }
      if (Date.now() > deadline) {
        throw new StorageError(
          `Job file ${key} stayed locked by process ${lock.holder} for 10 s: is it stuck? Stop it, then try again.`,
          { operation: 'put', key, isRetryable: true },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  async read(id: string): Promise<JobRecord | undefined> {
    if (!isJobIdShape(id)) return undefined;
    await this.init();
    return readJson<JobRecord>(this.recordFile(id));
  }

  async create(record: JobRecord): Promise<void> {
    await this.init();
    await this.serial(`record-${record.id}`, () => writeJsonAtomic(this.recordFile(record.id), record));
  }

  /**
   * Reads, changes and writes one record. `change` returns the new record, or `undefined` to leave it as is.
   * Returns `[before, after]` (after is `before` when unchanged); `undefined` when no job has the id.
   */
  async update(
    id: string,
    change: (record: JobRecord) => JobRecord | undefined,
  ): Promise<[JobRecord, JobRecord] | undefined> {
    if (!isJobIdShape(id)) return undefined;
    await this.init();
    return this.serial(`record-${id}`, async () => {
      const before = await readJson<JobRecord>(this.recordFile(id));
      if (!before) return undefined;
      const after = change(structuredClone(before));
      if (!after) return [before, before] as [JobRecord, JobRecord];
      await writeJsonAtomic(this.recordFile(id), after);
      return [before, after] as [JobRecord, JobRecord];
    });
  }

  /**
   * Every record in the folder (unreadable files are skipped). Every write renames a new file into `jobs/`, so a file
   * whose inode, size and mtime are unchanged since the last scan is taken from memory instead of read again.
   */
  async all(): Promise<JobRecord[]> {
    await this.init();
    const jobsDir = join(this.dir, 'jobs');
    const names = (await readdir(jobsDir)).filter((name) => name.endsWith('.json'));
    const next = new Map<string, CachedRecord>();
    await Promise.all(
      names.map(async (name) => {
        const file = join(jobsDir, name);
        try {
          const info = await stat(file);
          const known = this.scan.get(name);
          const settled = Date.now() - info.mtimeMs > 1_000; // older than the file system's coarse time steps
          if (settled && known?.ino === info.ino && known.size === info.size && known.mtimeMs === info.mtimeMs) {
            next.set(name, known);
            return;
          }
          const record = await readJson<JobRecord>(file);
          if (record && typeof record.id === 'string') {
            next.set(name, { ino: info.ino, size: info.size, mtimeMs: info.mtimeMs, record });
          }
        } catch {
          // Removed meanwhile, or not JSON: skipped.
        }
      }),
    );
    this.scan = next;
    return [...next.values()].map((entry) => structuredClone(entry.record));
  }

  /** Appends one event: {@link EmbeddedStore.appendMany} with one item. */
  async append(id: string, type: string, data: unknown): Promise<JobEvent> {
    const [event] = await this.appendMany(id, [{ type, data }]);
    return event as JobEvent;
  }

  /**
   * Appends events in order as one write and one fsync, numbered after the last complete line (a torn last line left
   * by a crash is cut first), and wakes this process's subscribers with each. The file's size is checked on every
   * append, so lines appended by another process are counted. A crash mid-write leaves a prefix of the batch (whole
   * lines are kept, a torn last one is cut by the next append).
   */
  async appendMany(id: string, items: readonly { type: string; data: unknown }[]): Promise<JobEvent[]> {
    if (items.length === 0) return [];
    await this.init();
    const events = await this.serial(`events-${id}`, async () => {
      const file = this.eventFile(id);
      const handle = await open(file, 'a+');
      try {
        const { size } = await handle.stat();
        let last = this.shared.seq.get(id);
        if (last === undefined || last.size !== size) {
          const { values, validBytes } = await readJsonLines<JobEvent>(file);
          if (validBytes < size) await handle.truncate(validBytes);
          last = { seq: values.at(-1)?.seq ?? 0, size: validBytes };
        }
        const from = last;
        const at = new Date().toISOString();
        const appended = items.map(
          (item, index): JobEvent => ({ seq: from.seq + index + 1, at, type: item.type, data: item.data ?? null }),
        );
        const lines = Buffer.from(appended.map((event) => `${JSON.stringify(event)}\n`).join(''));
        await handle.write(lines);
        await handle.sync();
        this.shared.seq.set(id, { seq: from.seq + appended.length, size: from.size + lines.length });
        return appended;
      } finally {
        await handle.close();
      }
    });
    for (const event of events) this.shared.emitter.emit(`event:${id}`, event);
    return events;
  }

  /** Stored events with `seq > after`. */
  async events(id: string, after: number): Promise<JobEvent[]> {
    if (!isJobIdShape(id)) return [];
    await this.init();
    const { values } = await readJsonLines<JobEvent>(this.eventFile(id));
    return values.filter((event) => event.seq > after);
  }

  /** Wakes this process's workers on the folder (a job was added or resumed). */
  notifyQueued(): void {
    this.shared.emitter.emit('queued');
  }
}
