import { randomUUID } from 'node:crypto';
import { type FileHandle, mkdir, open, readdir, readFile, rename, rm, stat, truncate } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import {
  type EndRecord,
  type JobRecord,
  newHeader,
  parseState,
  type StateHeader,
  type StateRecord,
} from './sandbox-state-records.js';
import { acquireStateFileLock, type StateFileLock } from './state-file-lock.js';

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT';

/** Writes a file and flushes it to disk. */
async function writeDurable(path: string, bytes: Uint8Array | string): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(bytes);
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

/** Flushes a directory's entries (new and renamed files) to disk; a no-op where directories cannot be opened. */
async function syncDirectory(path: string): Promise<void> {
  try {
    const handle = await open(path, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // not supported here (e.g. Windows)
  }
}

/**
 * A sandbox's state on disk: a JSON-lines file (a header line marking it as sandbox state, then one line per accepted
 * job with its charge, and one per finished job), appended and fsynced before anything is answered, and a folder
 * `<stateFile>.jobs/` with each job's input images (until its output is stored) and output `<jobId>.jpg`. Held under
 * a lock file (`<stateFile>.lock`) so two sandboxes never share it.
 */
export class SandboxStateFile {
  readonly path: string;
  readonly jobsDirectory: string;
  readonly header: StateHeader;
  /** The records read at open. */
  readonly records: StateRecord[];
  private readonly handle: FileHandle;
  private readonly lock: StateFileLock;
  private appending: Promise<unknown> = Promise.resolve();

  private constructor(
    path: string,
    header: StateHeader,
    records: StateRecord[],
    handle: FileHandle,
    lock: StateFileLock,
  ) {
    this.path = path;
    this.jobsDirectory = `${path}.jobs`;
    this.header = header;
    this.records = records;
    this.handle = handle;
    this.lock = lock;
  }

  /** Locks, reads (or creates) and repairs the state file at `path`. */
  static async open(path: string, initialCredits: number): Promise<SandboxStateFile> {
    const file = resolve(path);
    await mkdir(dirname(file), { recursive: true });
    const lock = await acquireStateFileLock(file);
    try {
      const bytes = await readFile(file).catch((error: unknown) => {
        if (isMissing(error)) return Buffer.alloc(0);
        throw error;
      });
      let header: StateHeader;
      let records: StateRecord[] = [];
      let newline = false;
      if (bytes.byteLength === 0) {
        header = newHeader(initialCredits);
        const temporary = `${file}.${process.pid}.${randomUUID()}.tmp`;
        await writeDurable(temporary, `${JSON.stringify(header)}\n`);
        await rename(temporary, file);
        await syncDirectory(dirname(file));
      } else {
        const parsed = parseState(bytes, file);
        ({ header, records } = parsed);
        // A torn last line is cut off, so the next record starts on a line of its own.
        if (parsed.keepBytes < bytes.byteLength) await truncate(file, parsed.keepBytes);
        newline = parsed.needsNewline;
      }
      const handle = await open(file, 'a');
      if (newline) await handle.appendFile('\n');
      await handle.datasync();
      const state = new SandboxStateFile(file, header, records, handle, lock);
      await mkdir(state.jobsDirectory, { recursive: true });
      await state.removeOrphans();
      return state;
    } catch (error) {
      await lock.release();
      throw error;
    }
  }

  /** Makes a job's input images durable (before its record is appended; until then they are orphans). */
  async writeInputs(id: string, inputs: Uint8Array[]): Promise<void> {
    await Promise.all(inputs.map((bytes, index) => writeDurable(this.file(id, `in.${index}`), bytes)));
    await syncDirectory(this.jobsDirectory);
  }

  /** Appends a job's record: once this resolves the job is accepted and charged, across crashes too. */
  accept(record: JobRecord): Promise<void> {
    return this.append(record);
  }

  /** Removes a job's `count` input files (stored, or never accepted). */
  async removeInputs(id: string, count: number): Promise<void> {
    const files = Array.from({ length: count }, (_, index) => rm(this.file(id, `in.${index}`), { force: true }));
    await Promise.all(files);
  }

  /** Stores a finished job's output (whole, under its final name), records the end, then drops its `inputs` files. */
  async complete(id: string, output: Uint8Array, inputs: number): Promise<void> {
    const temporary = this.file(id, `jpg.${process.pid}.${randomUUID()}.tmp`);
    await writeDurable(temporary, output);
    await rename(temporary, this.file(id, 'jpg'));
    await syncDirectory(this.jobsDirectory);
    await this.append({ type: 'end', jobId: id, outcome: 'completed' });
    await this.removeInputs(id, inputs);
  }

  /** Records a job whose output could not be made. */
  async fail(id: string, error: string, inputs: number): Promise<void> {
    await this.append({ type: 'end', jobId: id, outcome: 'failed', error });
    await this.removeInputs(id, inputs);
  }

  /** A finished job's output, or `undefined` when it is not stored. */
  async readOutput(id: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(this.file(id, 'jpg')));
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  /** Whether a finished job's output is stored. */
  async hasOutput(id: string): Promise<boolean> {
    return stat(this.file(id, 'jpg')).then(
      (found) => found.isFile(),
      () => false,
    );
  }

  /** A job's `count` input images, or `undefined` when any is missing. */
  async readInputs(id: string, count: number): Promise<Uint8Array[] | undefined> {
    try {
      const files = Array.from({ length: count }, (_, index) => readFile(this.file(id, `in.${index}`)));
      return (await Promise.all(files)).map((bytes) => new Uint8Array(bytes));
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  /** Waits for pending appends, then closes the file and releases the lock. */
  async close(): Promise<void> {
    await this.appending;
    await this.handle.close();
    await this.lock.release();
  }

  private file(id: string, suffix: string): string {
    return join(this.jobsDirectory, `${id}.${suffix}`);
  }

  /** Appends one record as one line and fsyncs, in order. */
  private append(record: JobRecord | EndRecord): Promise<void> {
    const line = `${JSON.stringify(record)}\n`;
    const done = this.appending.then(async () => {
      await this.handle.appendFile(line);
      await this.handle.datasync();
    });
    this.appending = done.catch(() => undefined);
    return done;
  }

  /**
   * Removes temporary files, and inputs no job needs: of jobs never accepted (a crash between writing them and the
   * job's line) or already ended (a crash before they were removed).
   */
  private async removeOrphans(): Promise<void> {
    const pending = new Set(this.records.map((record) => record.jobId));
    for (const record of this.records) if (record.type === 'end') pending.delete(record.jobId);
    const names = await readdir(this.jobsDirectory);
    const orphans = names.filter(
      (name) => name.endsWith('.tmp') || (name.includes('.in.') && !pending.has(name.slice(0, name.indexOf('.')))),
    );
    await Promise.all(orphans.map((name) => rm(join(this.jobsDirectory, name), { force: true })));
  }
}
