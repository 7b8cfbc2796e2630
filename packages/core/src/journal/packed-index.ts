/** First capacity of the entry arrays (entries), of the key bytes, and of the hash table (slots, a power of two). */
const FIRST_ENTRIES = 1024;
/** The first byte of a key stored as UTF-16 (see {@link PackedIndex.encode}). */
const UTF16 = 0xff;
const surrogate = /[\uD800-\uDFFF]/;
/** FNV-1a (32-bit): offset basis and prime. */
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

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
    return this.setEncoded(this.scratch, 0, this.scratchLength, hash, value);
  }

  /**
   * {@link PackedIndex.set} for the key whose UTF-8 bytes are `bytes` from `start` to `end`: for keys read from a file,
   * no string to make and encode (unless the key has a character outside the Basic Multilingual Plane, which is kept
   * as UTF-16, see {@link PackedIndex.encode}).
   */
  setUtf8(bytes: Uint8Array, start: number, end: number, value: number): number | undefined {
    let hash = FNV_OFFSET;
    for (let i = start; i < end; i++) {
      const byte = bytes[i]!;
      // The first byte of a 4-byte sequence: a surrogate pair in UTF-16.
      if (byte >= 0xf0) {
        return this.set(Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString(), value);
      }
      hash = Math.imul(hash ^ byte, FNV_PRIME);
    }
    return this.setEncoded(bytes, start, end - start, hash >>> 0, value);
  }

  /** Sets the value of the key encoded as `bytes` from `start` (`length` bytes), whose hash is `hash`. */
  private setEncoded(
    bytes: Uint8Array,
    start: number,
    length: number,
    hash: number,
    value: number,
  ): number | undefined {
    const mask = this.table.length - 1;
    let slot = hash & mask;
    for (let at = this.table[slot]!; at !== 0; at = this.table[slot]!) {
      if (this.matches(at - 1, hash, bytes, start, length)) {
        const earlier = this.values[at - 1];
        this.values[at - 1] = value;
        return earlier;
      }
      slot = (slot + 1) & mask;
    }
    const entry = this.append(hash, value, bytes, start, length);
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
      if (this.matches(at - 1, hash, this.scratch, 0, this.scratchLength)) return at - 1;
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
    const scratch = this.scratch;
    // ASCII (every id the SDK makes) is copied as it is checked, without a call into Buffer's encoder.
    let length = 0;
    while (length < key.length) {
      const code = key.charCodeAt(length);
      if (code >= 0x80) break;
      scratch[length++] = code;
    }
    if (length < key.length) {
      if (surrogate.test(key)) {
        scratch[0] = UTF16;
        length = 1 + scratch.write(key, 1, 'utf16le');
      } else length = scratch.write(key, 0, 'utf8');
    }
    this.scratchLength = length;
    return fnv1a(scratch, 0, length);
  }

  /** Whether entry `entry` holds the key encoded as `bytes` from `from` (`length` bytes), whose hash is `hash`. */
  private matches(entry: number, hash: number, bytes: Uint8Array, from: number, length: number): boolean {
    if (this.hashes[entry] !== hash || this.lengths[entry] !== length) return false;
    const keys = this.keys;
    const start = this.starts[entry]!;
    for (let i = 0; i < length; i++) if (keys[start + i] !== bytes[from + i]) return false;
    return true;
  }

  /** Adds an entry for the key encoded as `bytes` from `from` (`length` bytes); returns its number. */
  private append(hash: number, value: number, bytes: Uint8Array, from: number, length: number): number {
    if (this.count === this.values.length) {
      const size = 2 * this.count;
      this.starts = grown(this.starts, new Uint32Array(size));
      this.lengths = grown(this.lengths, new Uint32Array(size));
      this.hashes = grown(this.hashes, new Uint32Array(size));
      this.values = grown(this.values, new Int32Array(size));
    }
    if (this.keysUsed + length > this.keys.length) {
      const keys = Buffer.allocUnsafeSlow(Math.max(2 * this.keys.length, this.keysUsed + length));
      this.keys.copy(keys, 0, 0, this.keysUsed);
      this.keys = keys;
    }
    // Byte by byte: keys are short, and Buffer#copy makes a view per call.
    const keys = this.keys;
    const at = this.keysUsed;
    for (let i = 0; i < length; i++) keys[at + i] = bytes[from + i]!;
    const entry = this.count++;
    this.starts[entry] = at;
    this.lengths[entry] = length;
    this.hashes[entry] = hash;
    this.values[entry] = value;
    this.keysUsed += length;
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

/** FNV-1a (32-bit) of `bytes` from `start` to `end`. */
function fnv1a(bytes: Uint8Array, start: number, end: number): number {
  let hash = FNV_OFFSET;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ bytes[i]!, FNV_PRIME);
  return hash >>> 0;
}

/** `into` with the contents of `from` at its start. */
function grown<T extends Uint32Array | Int32Array>(from: T, into: T): T {
  into.set(from);
  return into;
}
