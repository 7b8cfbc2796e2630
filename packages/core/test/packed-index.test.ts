import { describe, expect, it } from 'vitest';
import { PackedIndex } from '../src/journal/packed-index.js';

// The journal's units and the ledger's slots are indexed by id in a PackedIndex (outside the JavaScript heap). These
// tests hold it to what a Map would answer: the same values, the same first-set order, for every kind of key.

/** Ids of every kind: the run's own, multi-byte text, a key longer than the first scratch buffer, the empty string. */
function key(n: number): string {
  if (n === 7) return `model:${'ü'.repeat(400)}`;
  if (n === 8) return '';
  if (n % 5 === 0) return `zoë:s${n % 9}:t${n}:nsfw:enhanced\u0000swap 🙂`;
  return `andie:s${(n % 9) + 1}:t${String(n).padStart(4, '0')}:sfw:swapped`;
}

describe('PackedIndex', () => {
  it('answers as a Map does through growth, updates and lookups of missing keys', () => {
    const index = new PackedIndex();
    const reference = new Map<string, number>();
    // A fixed pseudo-random order of sets and updates (a linear congruential sequence), 20,000 keys: the entry
    // arrays, the key bytes and the hash table each grow several times.
    let seed = 12345;
    const next = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed;
    };
    for (let step = 0; step < 30_000; step++) {
      const n = step < 20_000 ? step : next() % 20_000;
      const value = (next() % 2 ** 32) - 2 ** 31;
      expect(index.set(key(n), value)).toBe(reference.get(key(n)));
      reference.set(key(n), value);
    }
    expect(index.size).toBe(reference.size);
    for (const [k, value] of reference) {
      expect(index.get(k)).toBe(value);
      expect(index.has(k)).toBe(true);
    }
    // First-set order, with the values of the last set.
    const entries = Array.from({ length: index.size }, (_, entry) => [index.keyAt(entry), index.valueAt(entry)]);
    expect(entries).toEqual([...reference]);
    for (const missing of ['andie:s1:t20001:sfw:swapped', 'andie:s1:t0001:sfw:swappe', 'ANDIE:s2:t0001:sfw:swapped']) {
      expect(index.get(missing)).toBeUndefined();
      expect(index.has(missing)).toBe(false);
    }
  });

  it('tells apart keys that differ only in a multi-byte character, a lone surrogate or their length', () => {
    const index = new PackedIndex();
    const keys = ['ß', 'ss', 'ß\u0000', 'a', 'a\u0000', '🙂', '\uD83D', '\uDE42', '\uFFFD', 'é', 'e\u0301'];
    for (const [n, k] of keys.entries()) expect(index.set(k, n)).toBeUndefined();
    expect(keys.map((k) => index.get(k))).toEqual(keys.map((_, n) => n));
    expect(index.size).toBe(keys.length);
    expect(Array.from({ length: index.size }, (_, entry) => index.keyAt(entry))).toEqual(keys);
  });

  it('indexes a key given as its UTF-8 bytes (read from a file) as the same key given as a string', () => {
    const index = new PackedIndex();
    const keys = ['andie:s1:t0001:sfw:swapped', 'zoë:s2:t0002:nsfw:enhanced 🙂', '', 'a'.repeat(300)];
    // Each key inside a larger buffer, as a line read from a file holds it.
    const line = Buffer.from(`{"unitId":"${keys.join('","unitId":"')}"}`);
    let from = 0;
    for (const [n, k] of keys.entries()) {
      const start = line.indexOf('"unitId":"', from) + 10;
      const end = start + Buffer.byteLength(k);
      expect(index.setUtf8(line, start, end, n)).toBeUndefined();
      from = end;
    }
    expect(keys.map((k) => index.get(k))).toEqual([0, 1, 2, 3]);
    expect(Array.from({ length: index.size }, (_, entry) => index.keyAt(entry))).toEqual(keys);
    // Set again as a string, and as bytes again: the same entry, its earlier value returned.
    expect(index.set(keys[1]!, 10)).toBe(1);
    const bytes = Buffer.from(`x${keys[1]}y`);
    expect(index.setUtf8(bytes, 1, bytes.length - 1, 11)).toBe(10);
    expect(index.get(keys[1]!)).toBe(11);
    expect(index.size).toBe(keys.length);
    expect(index.get('zoë:s2:t0002:nsfw:enhanced')).toBeUndefined();
  });
});
