/** Bytes of one chunk of {@link PackedLines} (a longer line gets a chunk of its own). */
const CHUNK_BYTES = 1 << 20;

/**
 * @internal Append-only storage for the snapshot lines of done journal units, outside the JavaScript heap: the lines
 * are UTF-8 in 1 MiB buffers, and each is known by a small integer. A run of 100,000 units keeps about 1 KB of
 * journal per stage; as strings on the heap it would also raise how far the heap grows between collections (V8 sizes
 * the heap as a multiple of what survives), so a run's peak memory would grow with its units by several times that.
 * A line replaced (its unit changed again) keeps its bytes until the journal is closed.
 */
export class PackedLines {
  private readonly chunks: Buffer[] = [];
  private used = CHUNK_BYTES;
  /** Per line: chunk, start and byte length. */
  private index = new Uint32Array(3 * 1024);
  private count = 0;

  /** Stores `line`; returns its number. */
  add(line: string): number {
    // Room for the longest encoding (3 bytes per UTF-16 unit), so the line is encoded once, without measuring it.
    const room = 3 * line.length;
    let chunk = this.chunks[this.chunks.length - 1];
    if (!chunk || this.used + room > chunk.length) {
      chunk = Buffer.allocUnsafeSlow(Math.max(CHUNK_BYTES, room));
      this.chunks.push(chunk);
      this.used = 0;
    }
    const bytes = chunk.write(line, this.used, 'utf8');
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
    const start = this.index[at + 1]!;
    return this.chunks[this.index[at]!]!.toString('utf8', start, start + this.index[at + 2]!);
  }
}
