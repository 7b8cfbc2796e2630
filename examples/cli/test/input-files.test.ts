import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readInputFiles, splitPathList } from '../src/input-files.js';

describe('readInputFiles', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cli-inputs-'));
    await mkdir(join(dir, 'folder', 'nested'), { recursive: true });
    for (const name of ['img10.jpg', 'img2.PNG', 'notes.txt', 'img1.webp'])
      await writeFile(join(dir, 'folder', name), name);
    await writeFile(join(dir, 'folder', 'nested', 'deep.jpg'), 'deep');
    await writeFile(join(dir, 'single.bin'), 'single');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('splits comma-separated lists and arguments', () => {
    expect(splitPathList(['a.jpg, b.jpg', ' c.jpg', ',,'])).toEqual(['a.jpg', 'b.jpg', 'c.jpg']);
  });

  it('expands a folder to its images in natural name order (not recursive) and reads single files as given', async () => {
    const files = await readInputFiles([`folder,single.bin`], dir);
    expect(files.map((file) => file.name)).toEqual(['img1.webp', 'img2.PNG', 'img10.jpg', 'single.bin']);
    expect(new TextDecoder().decode(files[3]!.bytes)).toBe('single');
  });

  it('names a missing path and refuses an empty selection', async () => {
    await expect(readInputFiles(['folder', 'missing.jpg'], dir)).rejects.toThrow(/"missing.jpg" does not exist/);
    await expect(readInputFiles([' , '], dir)).rejects.toThrow(/No photos given/);
    await expect(
      readInputFiles(['folder/nested/..', 'folder/nested'], dir).then((files) => files.length),
    ).resolves.toBe(4);
    await mkdir(join(dir, 'empty'), { recursive: true });
    await expect(readInputFiles(['empty'], dir)).rejects.toMatchObject({ code: 'usage' });
  });
});
