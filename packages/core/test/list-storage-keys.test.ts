/**
 * `listStorageKeys` and `LocalStorage.listKeys` over real files: the keys `list` gives, from the directory listings
 * alone, and the fallback to `list` for a storage without `listKeys` (as S3Storage is).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { LocalStorage, listStorageKeys, type Storage, StorageError, ValidationError } from '@model-studio/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

async function collect(keys: AsyncIterable<string>): Promise<string[]> {
  const all: string[] = [];
  for await (const key of keys) all.push(key);
  return all;
}

describe('listStorageKeys', () => {
  let root: string;
  let storage: LocalStorage;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'list-keys-'));
    storage = new LocalStorage({ root });
    for (const key of ['m/a/t-2.jpg', 'm/a/t-10.jpg', 'm/a/t-1.jpg', 'm/b/x.jpg', 'm/a-z.txt', 'n/y.jpg']) {
      await storage.put(key, new TextEncoder().encode(key));
    }
  });
  afterEach(async () => {
    await storage.close();
    await rm(root, { recursive: true, force: true });
  });

  it('lists the keys of LocalStorage without details, in list order, by plain prefix', async () => {
    const listed = await collect(listStorageKeys(storage, { prefix: 'm/a' }));
    expect(listed).toEqual(['m/a-z.txt', 'm/a/t-1.jpg', 'm/a/t-10.jpg', 'm/a/t-2.jpg']);
    const viaList: string[] = [];
    for await (const info of storage.list({ prefix: 'm/a' })) viaList.push(info.key);
    expect(listed).toEqual(viaList);
    expect(await collect(listStorageKeys(storage, { prefix: 'nothing/' }))).toEqual([]);
  });

  it('lists folders of more files than a batch, between subfolders, in key order, for every page size', async () => {
    // Files are read 1,000 at a time per folder and paged from those batches: 2,345 files in one folder, with a
    // subfolder sorting among them and one after them, cross every batch edge.
    const keys: string[] = [];
    for (let n = 1; n <= 2345; n++) keys.push(`big/f-${String(n).padStart(4, '0')}.jpg`);
    keys.push('big/f-1000/inside.jpg', 'big/zz/last.jpg', 'big/zz/more/deep.jpg');
    // Written as plain files (a put per file would fsync each).
    for (const key of keys) {
      await mkdir(dirname(join(root, key)), { recursive: true });
      await writeFile(join(root, key), 'x');
    }
    const expected = [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    expect(await collect(storage.listKeys({ prefix: 'big/' }))).toEqual(expected);
    for (const pageSize of [1, 7, 1000, 1001]) {
      const viaList: string[] = [];
      const sizes = new Set<number>();
      for await (const info of storage.list({ prefix: 'big/', pageSize })) {
        sizes.add(info.size);
        viaList.push(info.key);
      }
      expect(viaList).toEqual(expected);
      expect([...sizes]).toEqual([1]);
    }
    // A prefix inside the folder lists only what starts with it.
    expect(await collect(storage.listKeys({ prefix: 'big/f-10' }))).toEqual(
      expected.filter((key) => key.startsWith('big/f-10')),
    );
  });

  it('falls back to list for a storage without listKeys', async () => {
    let lists = 0;
    const withoutListKeys: Storage = {
      specificationVersion: 'v1',
      provider: 'wrapped',
      publicUrls: false,
      put: (key, body, options) => storage.put(key, body, options),
      get: (key, options) => storage.get(key, options),
      head: (key, options) => storage.head(key, options),
      delete: (keys, options) => storage.delete(keys, options),
      list: (options) => {
        lists += 1;
        return storage.list(options);
      },
    };
    expect(await collect(listStorageKeys(withoutListKeys, { prefix: 'm/b/' }))).toEqual(['m/b/x.jpg']);
    expect(lists).toBe(1);
  });

  it('refuses a bad prefix with a typed error, and stops when aborted', async () => {
    const bad = await collect(storage.listKeys({ prefix: '../up/' })).catch((error: unknown) => error);
    expect(ValidationError.isInstance(bad)).toBe(true);
    const controller = new AbortController();
    controller.abort(new Error('stopped by the caller'));
    const aborted = await collect(storage.listKeys({ prefix: 'm/', signal: controller.signal })).catch(
      (error: unknown) => error,
    );
    expect((aborted as Error).message).toBe('stopped by the caller');
    expect(StorageError.isInstance(aborted)).toBe(false);
  });
});
