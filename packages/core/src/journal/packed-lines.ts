import { closeSync, mkdtempSync, openSync, readSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StorageError } from '../errors/storage-error.js';

/** Bytes of one chunk of {@link PackedLines} (a longer line gets a chunk of its own). */
const CHUNK_BYTES = 1 << 18;

/** Closes the spill file of a store dropped without {@link PackedLines.close} (a journal opened and never closed). */
const dropped = new FinalizationRegistry<{ fd: number; dir: string | undefined }>((spill) => release(spill));

function release(spill: { fd: number; dir: string | undefined }): void {
  try {
    closeSync(spill.fd);
  } catch {
    // Already closed: nothing to release.
  }
  if (spill.dir) rmSync(spill.dir, { recursive: true, force: true });
}

/** @internal Options of {@link PackedLines} (tests set them; the journal and the ledger use the defaults). */
export interface PackedLinesOptions {
  /**
   * Whether full chunks go to a spill file. Default true; false for a short-lived reader (a ledger snapshot summed and
   * dropped), which would only write a temp file to read it back at once.
   */
  spill?: boolean;
  /** Where the spill file is made (a folder of its own inside it). Default: the OS temp folder. */
  spillDir?: string;
  /** Bytes per chunk. Default 256 KiB. */
  chunkBytes?: number;
}

/**
 * @internal Append-only storage for lines that are written once and rarely read again (the snapshot lines of done
 * journal units, the settled ledger charges), outside the JavaScript heap and mostly outside memory: the lines are
 * UTF-8 in chunks, and every full chunk is written to a spill file and dropped, so the process holds one chunk
 * whatever the number of lines. A run of 100,000 units keeps about 1 KB of journal per stage and unit: in memory that
 * would be most of the run's memory; as strings on the heap it would also raise how far the heap grows between
 * collections (V8 sizes the heap as a multiple of what survives). A line is read back with one positioned read.
 *
 * The spill file is unlinked as soon as it is open (where the OS allows it), so a crash leaves nothing behind; where it
 * cannot be made or written (a full or read-only temp folder), the chunks stay in memory, as before: slower to grow
 * out of, never wrong. A line replaced (its unit changed again) keeps its bytes until {@link PackedLines.close}.
 */
export class PackedLines {
  private readonly chunkBytes: number;
  /** Chunks still in memory (all of them when nothing spills), by chunk number; undefined once written out. */
  private readonly chunks: (Buffer | undefined)[] = [];
  /** The spill file's offset of each chunk written out. */
  private readonly offsets: number[] = [];
  /** The byte length of each chunk written out. */
  private readonly lengths: number[] = [];
  /**
   * The last chunk read back from the spill file (lines are mostly read in the order they were stored: a compaction,
   * a run starting its planned units), so reading lines back costs one read per chunk, not a read and a buffer per line.
   */
  private readBack: { chunk: number; bytes: Buffer } | undefined;
  private used: number;
  /** Per line: chunk, start and byte length. */
  private index = new Uint32Array(3 * 1024);
  private count = 0;
  /** The spill file: its descriptor, bytes written, and its folder while that is still there. */
  private spill: { fd: number; dir: string | undefined; bytes: number } | undefined;
  /** False once spilling failed (or when it is off): chunks are kept in memory from then on. */
  private spilling: boolean;
  /** A chunk written out, kept for the next one (one allocation for the life of the store). */
  private spare: Buffer | undefined;

  constructor(private readonly options: PackedLinesOptions = {}) {
    this.chunkBytes = options.chunkBytes ?? CHUNK_BYTES;
    this.used = this.chunkBytes;
    this.spilling = options.spill ?? true;
  }

  /** How many lines are stored. */
  get size(): number {
    return this.count;
  }

  /** Bytes of line data held in memory now (the chunks not written out). */
  bytesInMemory(): number {
    let bytes = 0;
    for (const chunk of this.chunks) bytes += chunk?.length ?? 0;
    return bytes;
  }

  /** Stores `line`; returns its number. */
  add(line: string): number {
    // Room for the longest encoding (3 bytes per UTF-16 unit), so the line is encoded once, without measuring it.
    const chunk = this.chunkWithRoom(3 * line.length);
    return this.indexed(chunk.write(line, this.used, 'utf8'));
  }

  /** Stores the line whose UTF-8 bytes are `bytes` from `start` to `end` (copied); returns its number. */
  addBytes(bytes: Buffer, start: number, end: number): number {
    const chunk = this.chunkWithRoom(end - start);
    return this.indexed(bytes.copy(chunk, this.used, start, end));
  }

  /** The chunk to write the next line in, with room for `room` bytes after {@link PackedLines.used}. */
  private chunkWithRoom(room: number): Buffer {
    let chunk = this.chunks[this.chunks.length - 1];
    if (!chunk || this.used + room > chunk.length) {
      if (chunk) this.retire(this.chunks.length - 1);
      chunk = room > this.chunkBytes ? Buffer.allocUnsafeSlow(room) : this.freshChunk();
      this.chunks.push(chunk);
      this.used = 0;
    }
    return chunk;
  }

  /** Indexes the line of `bytes` bytes just written at {@link PackedLines.used} of the last chunk; returns its number. */
  private indexed(bytes: number): number {
    if (3 * (this.count + 1) > this.index.length) {
      const grown = new Uint32Array(this.index.length * 2);
      grown.set(this.index);
      this.index = grown;
    }
    const at = 3 * this.count;
    this.index[at] = this.chunks.length - 1;
    this.index[at + 1] = this.used;
    this.index[at + 2] = bytes;
    this.used += bytes;
    return this.count++;
  }

  /** The line stored as number `n`. */
  line(n: number): string {
    const at = 3 * n;
    const chunkNumber = this.index[at]!;
    const start = this.index[at + 1]!;
    const bytes = this.index[at + 2]!;
    const chunk = this.chunks[chunkNumber] ?? this.readChunk(chunkNumber, n);
    return chunk.toString('utf8', start, start + bytes);
  }

  /** Chunk `number`, read back from the spill file (kept until another chunk is read; see `readBack`). */
  private readChunk(number: number, line: number): Buffer {
    if (this.readBack?.chunk === number) return this.readBack.bytes;
    if (!this.spill) throw new Error(`packed line ${line} was read after its store was closed`);
    const length = this.lengths[number]!;
    // A chunk of the usual size reuses the buffer of the last one read; a longer line's chunk gets its own.
    const previous = this.readBack;
    // Forgotten first: a read that fails half-way must not leave another chunk's number on overwritten bytes.
    this.readBack = undefined;
    const reuse = previous && previous.bytes.length >= length && length <= this.chunkBytes;
    const bytes = reuse ? previous.bytes : Buffer.allocUnsafeSlow(Math.max(length, this.chunkBytes));
    let got = 0;
    while (got < length) {
      const more = readSync(this.spill.fd, bytes, got, length - got, this.offsets[number]! + got);
      if (more === 0) {
        throw new StorageError(
          `Packed line ${line} is cut short in its spill file (the temp folder changed under it).`,
          { operation: 'get' },
        );
      }
      got += more;
    }
    this.readBack = { chunk: number, bytes };
    return bytes;
  }

  /**
   * Closes and removes the spill file, if one was made. The lines still in memory stay readable; those written out
   * cannot be read any more (the journal and the ledger close theirs when they are closed).
   */
  close(): void {
    const spill = this.spill;
    this.spilling = false;
    this.readBack = undefined;
    if (!spill) return;
    this.spill = undefined;
    dropped.unregister(this);
    release(spill);
  }

  /** A chunk for new lines: the spare one when a chunk was written out, else a new one. */
  private freshChunk(): Buffer {
    const spare = this.spare;
    this.spare = undefined;
    return spare ?? Buffer.allocUnsafeSlow(this.chunkBytes);
  }

  /** Writes full chunk `number` to the spill file and drops it from memory (keeps it when that is not possible). */
  private retire(number: number): void {
    if (!this.spilling) return;
    const chunk = this.chunks[number]!;
    try {
      const spill = this.openSpill();
      let written = 0;
      while (written < this.used)
        written += writeSync(spill.fd, chunk, written, this.used - written, spill.bytes + written);
      this.offsets[number] = spill.bytes;
      this.lengths[number] = this.used;
      spill.bytes += this.used;
    } catch {
      // A full or read-only temp folder: this chunk and the later ones stay in memory.
      this.spilling = false;
      return;
    }
    this.chunks[number] = undefined;
    if (chunk.length === this.chunkBytes) this.spare = chunk;
  }

  private openSpill() {
    if (this.spill) return this.spill;
    const dir = mkdtempSync(join(this.options.spillDir ?? tmpdir(), 'model-studio-lines-'));
    const path = join(dir, 'lines');
    let fd: number;
    try {
      fd = openSync(path, 'w+', 0o600);
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
    let kept: string | undefined = dir;
    try {
      // Gone at once where the OS allows it (POSIX), file and folder: nothing is left behind after a crash.
      unlinkSync(path);
      rmSync(dir, { recursive: true, force: true });
      kept = undefined;
    } catch {
      // Windows keeps an open file: it is removed on close.
    }
    this.spill = { fd, dir: kept, bytes: 0 };
    dropped.register(this, { fd, dir: kept }, this);
    return this.spill;
  }
}
