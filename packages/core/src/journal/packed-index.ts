/** First capacity of the entry arrays (entries), of the key bytes, and of the hash table (slots, a power of two). */
const FIRST_ENTRIES = 1024;
/** The first byte of a key stored as UTF-16 (see {@link PackedIndex.encode}). */
const UTF16 = 0xff;
const surrogate = /[\uD800-\uDFFF]/;

/**
 * @internal A map from strings to whole numbers (32-bit), in first-set order, held outside the JavaScript heap: the
 * keys are UTF-8 bytes in one buffer, the entries and an open-addressing hash table are typed arrays. It is the index
 * of the journal's units and of the ledger's slots: a run of 100,000 units keeps an id per stage and unit, about
 * 130 bytes each as `Map` entries and strings on the heap, where they also raise how far V8 lets the heap grow
 * between collections (a multiple of what survives); here about 50 bytes each, which the collector never traces.
 * Entries are never removed (the journal and the ledger only add ids); a value can be changed.
 */
export class PackedIndex {
  /** The keys' UTF-8 bytes, one after the other. */
  private keys = Buffer.allocUnsafeSlow(32 * FIRST_ENTRIES);
  private keysUsed = 0;
  /** Per entry: where its key starts in {@link PackedIndex.keys}, its byte length, its hash, its value. */
  private starts = new Uint32Array(FIRST_ENTRIES);
  private lengths = new Uint32Array(FIRST_ENTRIES);
  private hashes = new Uint32Array(FIRST_ENTRIES);
  private values = new Int32Array(FIRST_ENTRIES);
  private count = 0;
  /** Entry number + 1 per slot (0: empty); at most half full, probed linearly. */
  private table = new Int32Array(2 * FIRST_ENTRIES);
  /** The key being looked up, encoded (grown for a longer key). */
  private scratch = Buffer.allocUnsafeSlow(256);
  private scratchLength = 0;

  /** How many keys it holds. */
  get size(): number {
    return this.count;
  }

  /** The value of `key`, if it is there. */
  get(key: string): number | undefined {
    const entry = this.find(key);
    return entry < 0 ? undefined : this.values[entry];
  }

  /** Whether `key` is there. */
  has(key: string): boolean {
    return this.find(key) >= 0;
  }

  /** Sets the value of `key` (a new key goes last in the order); returns its earlier value, if it had one. */
  set(key: string, value: number): number | undefined {
    const hash = this.encode(key);
    const mask = this.table.length - 1;
    let slot = hash & mask;
    for (let at = this.table[slot]!; at !== 0; at = this.table[slot]!) {
      if (this.matches(at - 1, hash)) {
        const earlier = this.values[at - 1];
        this.values[at - 1] = value;
        return earlier;
      }
      slot = (slot + 1) & mask;
    }
    const entry = this.append(hash, value);
    this.table[slot] = entry + 1;
    if (2 * this.count > this.table.length) this.rehash();
    return undefined;
  }

  /** The key of entry `entry` (0 to `size - 1`, in first-set order). */
  keyAt(entry: number): string {
    const start = this.starts[entry]!;
    const end = start + this.lengths[entry]!;
    if (this.keys[start] === UTF16) return this.keys.toString('utf16le', start + 1, end);
    return this.keys.toString('utf8', start, end);
  }

  /** The value of entry `entry` (0 to `size - 1`, in first-set order). */
  valueAt(entry: number): number {
    return this.values[entry]!;
  }

  /** The entry number of `key`, or -1. */
  private find(key: string): number {
    const hash = this.encode(key);
    const mask = this.table.length - 1;
    let slot = hash & mask;
    for (let at = this.table[slot]!; at !== 0; at = this.table[slot]!) {
      if (this.matches(at - 1, hash)) return at - 1;
      slot = (slot + 1) & mask;
    }
    return -1;
  }

  /**
   * Encodes `key` into the scratch buffer; returns its hash (FNV-1a over the bytes). A key is UTF-8, or, when it has
   * surrogates (which UTF-8 cannot keep when they are not paired), UTF-16 after a 0xFF byte (never a UTF-8 byte).
   */
  private encode(key: string): number {
    if (3 * key.length + 1 > this.scratch.length) this.scratch = Buffer.allocUnsafeSlow(3 * key.length + 1);
    let length: number;
    if (surrogate.test(key)) {
      this.scratch[0] = UTF16;
      length = 1 + this.scratch.write(key, 1, 'utf16le');
    } else length = this.scratch.write(key, 0, 'utf8');
    this.scratchLength = length;
    let hash = 0x811c9dc5;
    for (let i = 0; i < length; i++) hash = Math.imul(hash ^ this.scratch[i]!, 0x01000193);
    return hash >>> 0;
  }

  /** Whether entry `entry` holds the key just encoded (whose hash is `hash`). */
  private matches(entry: number, hash: number): boolean {
    if (this.hashes[entry] !== hash || this.lengths[entry] !== this.scratchLength) return false;
    const start = this.starts[entry]!;
    return this.keys.compare(this.scratch, 0, this.scratchLength, start, start + this.scratchLength) === 0;
  }

  /** Adds an entry for the key just encoded; returns its number. */
  private append(hash: number, value: number): number {
    if (this.count === this.values.length) {
      const size = 2 * this.count;
      this.starts = grown(this.starts, new Uint32Array(size));
      this.lengths = grown(this.lengths, new Uint32Array(size));
      this.hashes = grown(this.hashes, new Uint32Array(size));
      this.values = grown(this.values, new Int32Array(size));
    }
    if (this.keysUsed + this.scratchLength > this.keys.length) {
      const keys = Buffer.allocUnsafeSlow(Math.max(2 * this.keys.length, this.keysUsed + this.scratchLength));
      this.keys.copy(keys, 0, 0, this.keysUsed);
      this.keys = keys;
    }
    this.scratch.copy(this.keys, this.keysUsed, 0, this.scratchLength);
    const entry = this.count++;
    this.starts[entry] = this.keysUsed;
    this.lengths[entry] = this.scratchLength;
    this.hashes[entry] = hash;
    this.values[entry] = value;
    this.keysUsed += this.scratchLength;
    return entry;
  }

  /** Doubles the hash table and puts every entry in it again. */
  private rehash(): void {
    const table = new Int32Array(2 * this.table.length);
    const mask = table.length - 1;
    for (let entry = 0; entry < this.count; entry++) {
      let slot = this.hashes[entry]! & mask;
      while (table[slot] !== 0) slot = (slot + 1) & mask;
      table[slot] = entry + 1;
    }
    this.table = table;
  }
}

/** `into` with the contents of `from` at its start. */
function grown<T extends Uint32Array | Int32Array>(from: T, into: T): T {
  into.set(from);
  return into;
}
