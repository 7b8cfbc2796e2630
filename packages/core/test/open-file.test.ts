import { constants, existsSync, fstatSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OpenFile } from '../src/storage/open-file.js';

const { O_RDONLY, O_RDWR } = constants;
const fdCount = () => (existsSync('/proc/self/fd') ? readdirSync('/proc/self/fd').length : undefined);

describe('OpenFile', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'open-file-'));
    await writeFile(join(dir, 'a.txt'), 'hello world');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads, stats and closes; calls after close fail with EBADF', async () => {
    const before = fdCount();
    const file = OpenFile.open(join(dir, 'a.txt'), O_RDONLY);
    expect(Number(file.stat().size)).toBe(11);
    const buffer = new Uint8Array(5);
    expect(await file.read(buffer, 0, 5, 6)).toBe(5);
    expect(Buffer.from(buffer).toString()).toBe('world');
    file.close();
    file.close(); // idempotent
    expect(fdCount()).toBe(before);
    expect(() => file.stat()).toThrow(expect.objectContaining({ code: 'EBADF' }));
    await expect(file.read(buffer, 0, 5, 0)).rejects.toMatchObject({ code: 'EBADF' });
  });

  it('closes only once the calls in flight have ended, so their descriptor cannot be reused under them', async () => {
    const file = OpenFile.open(join(dir, 'a.txt'), O_RDWR);
    const { fd } = file;
    const reading = file.read(new Uint8Array(5), 0, 5, 0);
    const writing = file.write(new TextEncoder().encode('HELLO'), 0, 5, 0);
    file.close();
    // Still open while the read and write run on the pool.
    expect(() => fstatSync(fd)).not.toThrow();
    expect(await reading).toBe(5);
    expect(await writing).toBe(5);
    expect(() => fstatSync(fd)).toThrow(expect.objectContaining({ code: 'EBADF' }));
  });

  it('throws the file system error of a failed open', () => {
    expect(() => OpenFile.open(join(dir, 'missing.txt'), O_RDONLY)).toThrow(
      expect.objectContaining({ code: 'ENOENT' }),
    );
  });
});
