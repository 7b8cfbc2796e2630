import {
  type BigIntStats,
  closeSync,
  createReadStream,
  fstatSync,
  fsync,
  openSync,
  type ReadStream,
  read,
  write,
} from 'node:fs';

/**
 * @internal An open file descriptor with the calls LocalStorage makes on it, split by how long they can take:
 *
 * - quick metadata calls (`open`, `stat`, `close`) run on the calling thread. On a local disk they take a few
 *   microseconds, while a round trip through libuv's thread pool (what `fs/promises` does) costs about ten times that
 *   in CPU, on both threads;
 * - reads, writes and fsyncs, which can wait for the disk, run on the pool and return promises.
 *
 * Like a `FileHandle`, it never closes the descriptor under a call in flight (the number could be reused by another
 * open and the call would then reach the wrong file): {@link close} during a read, write or fsync closes once it ends.
 */
export class OpenFile {
  #fd: number;
  #inFlight = 0;
  #closing = false;
  #closed = false;

  private constructor(fd: number) {
    this.#fd = fd;
  }

  /** Opens `path` with numeric `flags` (`O_*` constants). Throws the `node:fs` error (with its `code`). */
  static open(path: string, flags: number): OpenFile {
    return new OpenFile(openSync(path, flags, 0o666));
  }

  /** The descriptor number (for diagnostics and tests; do not close it). */
  get fd(): number {
    return this.#fd;
  }

  /** The file's stats now (`fstat`). */
  stat(): BigIntStats {
    this.#assertOpen();
    return fstatSync(this.#fd, { bigint: true });
  }

  /** Reads up to `length` bytes at `position` into `buffer` at `offset`; resolves with the number read. */
  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<number> {
    return this.#call<number>((fd, done) => read(fd, buffer, offset, length, position, done));
  }

  /** Writes `length` bytes of `buffer` from `offset` at `position`; resolves with the number written. */
  write(buffer: Uint8Array, offset: number, length: number, position: number): Promise<number> {
    return this.#call<number>((fd, done) => write(fd, buffer, offset, length, position, done));
  }

  /** fsyncs the file. */
  sync(): Promise<void> {
    return this.#call<void>((fd, done) => fsync(fd, (error) => done(error, undefined)));
  }

  /**
   * Hands the descriptor to a Node.js read stream, which closes it at its end or when destroyed. This object is
   * closed for further calls.
   */
  toReadStream(): ReadStream {
    this.#assertOpen();
    this.#closed = true;
    return createReadStream('', { fd: this.#fd, autoClose: true });
  }

  /** Closes the descriptor now, or when the call in flight ends. Idempotent; close errors are ignored (nothing that
   * LocalStorage reads or has already fsynced depends on them). */
  close(): void {
    if (this.#closed || this.#closing) return;
    if (this.#inFlight > 0) {
      this.#closing = true;
      return;
    }
    this.#closeNow();
  }

  #closeNow(): void {
    this.#closed = true;
    try {
      closeSync(this.#fd);
    } catch {
      // EBADF cannot happen (closed once); EIO/EINTR leave nothing to retry on Linux.
    }
  }

  #assertOpen(): void {
    if (this.#closed || this.#closing) {
      const error = new Error('The file is closed.') as NodeJS.ErrnoException;
      error.code = 'EBADF';
      error.syscall = 'fstat';
      throw error;
    }
  }

  #call<T>(start: (fd: number, done: (error: NodeJS.ErrnoException | null, value: T) => void) => void): Promise<T> {
    try {
      this.#assertOpen();
    } catch (error) {
      return Promise.reject(error);
    }
    this.#inFlight++;
    return new Promise<T>((resolve, reject) => {
      start(this.#fd, (error, value) => {
        this.#inFlight--;
        if (this.#closing && this.#inFlight === 0) this.#closeNow();
        if (error) reject(error);
        else resolve(value);
      });
    });
  }
}
