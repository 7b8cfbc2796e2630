import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PackedLines } from '../src/journal/packed-lines.js';

// The journal's done and planned units and the ledger's settled charges live in PackedLines: full chunks go to a spill
// file, so a long run holds one chunk of them in memory. These tests pin that every line reads back exactly, wherever
// it is, and that nothing is left on disk.

let dir: string;
const stores: PackedLines[] = [];

function store(options: ConstructorParameters<typeof PackedLines>[0] = {}) {
  const lines = new PackedLines({ spillDir: dir, chunkBytes: 1024, ...options });
  stores.push(lines);
  return lines;
}

/** Lines of every kind: ASCII, multi-byte text, one longer than a chunk, and the empty line. */
function lineNumber(n: number): string {
  if (n === 77) return `{"long":"${'x'.repeat(3000)}"}`;
  if (n === 78) return '';
  return `{"seq":${n},"unitId":"andie:s1:t${String(n).padStart(3, '0')}:sfw:swapped","note":"Zoë ${'ß'.repeat(n % 7)} 🙂"}`;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'packed-lines-'));
});

afterEach(async () => {
  for (const lines of stores.splice(0)) lines.close();
  await rm(dir, { recursive: true, force: true });
});

describe('PackedLines', () => {
  it('reads every line back after its chunk went to the spill file, and holds one chunk in memory', async () => {
    const lines = store();
    const numbers = Array.from({ length: 500 }, (_, n) => lines.add(lineNumber(n)));
    expect(numbers).toEqual(Array.from({ length: 500 }, (_, n) => n));
    expect(lines.size).toBe(500);
    for (let n = 0; n < 500; n++) expect(lines.line(n)).toBe(lineNumber(n));
    // 500 lines of about 80 bytes are over 40 chunks; only the one being filled stays in memory.
    expect(lines.bytesInMemory()).toBe(1024);
    // The spill file and its folder are unlinked as soon as they are open (POSIX): nothing is left behind.
    expect(await readdir(dir)).toEqual([]);
  });

  it("reads lines back in any order: across written-out chunks, the long line's own chunk and the one in memory", () => {
    const lines = store();
    for (let n = 0; n < 500; n++) lines.add(lineNumber(n));
    // A chunk read back is kept until another is read: scattered, backwards and back-and-forth reads each get theirs.
    const scattered = Array.from({ length: 500 }, (_, n) => (n * 7919) % 500);
    for (const n of scattered) expect(lines.line(n)).toBe(lineNumber(n));
    for (let n = 499; n >= 0; n--) expect(lines.line(n)).toBe(lineNumber(n));
    for (const n of [76, 77, 78, 77, 0, 77, 499, 1, 77]) expect(lines.line(n)).toBe(lineNumber(n));
  });

  it('keeps the lines in memory when no spill file can be made, and still reads them all', async () => {
    // A file where the folder should be: no spill folder can be made there (whatever the user's rights, root too).
    const notAFolder = join(dir, 'not-a-folder');
    await writeFile(notAFolder, 'x');
    const lines = store({ spillDir: notAFolder });
    for (let n = 0; n < 200; n++) lines.add(lineNumber(n));
    for (let n = 0; n < 200; n++) expect(lines.line(n)).toBe(lineNumber(n));
    expect(lines.bytesInMemory()).toBeGreaterThan(10 * 1024);
    expect(await readdir(dir)).toEqual(['not-a-folder']);
  });

  it('keeps every chunk in memory and makes no spill file when spilling is off (a snapshot read and dropped)', async () => {
    const lines = store({ spill: false });
    for (let n = 0; n < 200; n++) lines.add(lineNumber(n));
    for (let n = 0; n < 200; n++) expect(lines.line(n)).toBe(lineNumber(n));
    expect(lines.bytesInMemory()).toBeGreaterThan(10 * 1024);
    expect(await readdir(dir)).toEqual([]);
  });

  it('after close, reads the lines still in memory and refuses those written out with a clear error', () => {
    const lines = store();
    for (let n = 0; n < 100; n++) lines.add(lineNumber(n));
    lines.close();
    expect(lines.line(99)).toBe(lineNumber(99));
    expect(() => lines.line(0)).toThrow(/read after its store was closed/);
  });
});
