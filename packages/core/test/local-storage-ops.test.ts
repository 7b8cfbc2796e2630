import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, readlink, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalStorage, NotFoundError, StorageError } from '@model-studio/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { errorOf, text } from './fixtures/storage/helpers.js';
import { fsOpsOf } from './helpers/fs-ops-of.js';

const encoder = new TextEncoder();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Regular files under `dir` this process holds open, where the platform shows them (sockets are not counted). */
async function openFilesUnder(dir: string): Promise<number | undefined> {
  if (!existsSync('/proc/self/fd')) return undefined;
  let count = 0;
  for (const fd of await readdir('/proc/self/fd')) {
    const target = await readlink(join('/proc/self/fd', fd)).catch(() => '');
    if (target.startsWith(`${dir}/`) && statSync(target, { throwIfNoEntry: false })?.isFile()) count++;
  }
  return count;
}

/** Open file descriptors of this process, where the platform shows them. */
async function openFds(): Promise<number | undefined> {
  return existsSync('/proc/self/fd') ? (await readdir('/proc/self/fd')).length : undefined;
}

describe('LocalStorage file-system operations', () => {
  let root: string;
  let outside: string;
  let storage: LocalStorage;

  beforeEach(async () => {
    root = await realpath(await mkdtemp(join(tmpdir(), 'local-storage-ops-')));
    outside = await realpath(await mkdtemp(join(tmpdir(), 'local-storage-ops-outside-')));
    await writeFile(join(outside, 'secret.txt'), 'outside secret');
    storage = new LocalStorage({ root, signedUrls: {} });
  });
  afterEach(async () => {
    await storage.close();
    await rm(root, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  it('makes 2 thread-pool calls per put, 1 per get or signed-URL GET and none per head in a known directory', async () => {
    const body = new Uint8Array(30 * 1024).fill(1);
    await storage.put('models/m/results/0.jpg', body);
    const url = await storage.signedUrl!('models/m/results/0.jpg', { method: 'GET' });
    const counts = { put: [] as number[], get: [] as number[], head: [] as number[], served: [] as number[] };
    for (let index = 1; index <= 5; index++) {
      const key = `models/m/results/${index}.jpg`;
      counts.put.push(await fsOpsOf(() => storage.put(key, body)));
      counts.get.push(await fsOpsOf(async () => expect((await text(await storage.get(key))).length).toBe(30 * 1024)));
      counts.head.push(await fsOpsOf(async () => expect((await storage.head(key))?.size).toBe(30 * 1024)));
      counts.served.push(await fsOpsOf(async () => expect((await fetch(url)).status).toBe(200)));
    }
    // Session 2: put 11 (realpath, stat, open, write, fsync, rename, fstat, close, open, fsync and close the
    // directory), get 5, head 2. Then 6, 4 and 1 (directories remembered). Now open, fstat, rename, lstat and close
    // run on the calling thread: a put waits on the pool only for its O_SYNC write and the directory's fsync, a read
    // for its read. Rarely one more, when the remembered directory is checked again after its second.
    expect(Math.min(...counts.put)).toBe(2);
    expect(Math.min(...counts.get)).toBe(1);
    expect(Math.min(...counts.served)).toBe(1);
    expect(Math.min(...counts.head)).toBe(0);
    // Missing keys in a known directory are answered as cheaply (the head before renews the directory's second).
    await storage.head('models/m/results/1.jpg');
    expect(await fsOpsOf(async () => expect(await storage.head('models/m/results/none.jpg')).toBeUndefined())).toBe(0);
    // Every file opened above was closed again.
    expect((await openFilesUnder(root)) ?? 0).toBe(0);
  });

  it.runIf(process.platform !== 'win32')('refuses a FIFO under the root without waiting for a writer', async () => {
    await storage.put('models/m/x.txt', encoder.encode('x'));
    execFileSync('mkfifo', [join(root, 'models', 'm', 'pipe.jpg')]);
    expect(NotFoundError.isInstance(await errorOf(() => storage.get('models/m/pipe.jpg')))).toBe(true);
    expect(await storage.head('models/m/pipe.jpg')).toBeUndefined();
    const served = await fetch(await storage.signedUrl!('models/m/pipe.jpg', { method: 'GET' }));
    expect(served.status).toBe(404);
    expect((await openFilesUnder(root)) ?? 0).toBe(0);
  });

  it('checks a directory again after a delete removed it, so a link put in its place is refused', async () => {
    await storage.put('models/a/x.txt', encoder.encode('x'));
    expect(await text(await storage.get('models/a/x.txt'))).toBe('x');
    await storage.delete('models/a/x.txt'); // Removes models/a and models.
    await symlink(outside, join(root, 'models'));
    for (const action of [
      () => storage.get('models/secret.txt'),
      () => storage.head('models/secret.txt'),
      () => storage.put('models/secret.txt', encoder.encode('overwrite')),
      () => storage.put('models/a/x.txt', encoder.encode('x')),
    ]) {
      expect(await errorOf(action)).toMatchObject({ backendCode: 'EOUTSIDEROOT' });
    }
    expect(await readdir(outside)).toEqual(['secret.txt']);
    expect(await readFile(join(outside, 'secret.txt'), 'utf8')).toBe('outside secret');
  });

  it('checks a remembered directory again once its second is over', async () => {
    await storage.put('shared/x.txt', encoder.encode('x'));
    expect(await storage.head('shared/x.txt')).toBeDefined();
    // Another program swaps the directory for a link leading outside.
    await rm(join(root, 'shared'), { recursive: true });
    await symlink(outside, join(root, 'shared'));
    await sleep(1100);
    expect(await errorOf(() => storage.get('shared/secret.txt'))).toMatchObject({ backendCode: 'EOUTSIDEROOT' });
    expect(await errorOf(() => storage.head('shared/secret.txt'))).toMatchObject({ backendCode: 'EOUTSIDEROOT' });
    expect(await errorOf(() => storage.put('shared/secret.txt', encoder.encode('x')))).toMatchObject({
      backendCode: 'EOUTSIDEROOT',
    });
    expect(await readFile(join(outside, 'secret.txt'), 'utf8')).toBe('outside secret');
  });

  it('refuses a file link leading outside in a remembered directory, and follows one that stays inside', async () => {
    await storage.put('models/real.txt', encoder.encode('inside'));
    expect(await storage.head('models/real.txt')).toBeDefined();
    await symlink(join(outside, 'secret.txt'), join(root, 'models', 'leak.txt'));
    await symlink(join(root, 'models', 'real.txt'), join(root, 'models', 'alias.txt'));
    expect(await errorOf(() => storage.get('models/leak.txt'))).toMatchObject({ backendCode: 'EOUTSIDEROOT' });
    expect(await errorOf(() => storage.head('models/leak.txt'))).toMatchObject({ backendCode: 'EOUTSIDEROOT' });
    const served = await fetch(await storage.signedUrl!('models/leak.txt', { method: 'GET' }));
    expect(served.status).toBe(500);
    expect(await served.text()).toContain('EOUTSIDEROOT');
    expect(await text(await storage.get('models/alias.txt'))).toBe('inside');
    expect((await storage.head('models/alias.txt'))?.size).toBe(6);
    // put replaces the link itself.
    await storage.put('models/leak.txt', encoder.encode('replaced'));
    expect(await text(await storage.get('models/leak.txt'))).toBe('replaced');
    expect(await readFile(join(outside, 'secret.txt'), 'utf8')).toBe('outside secret');
  });

  it('notices a remembered directory removed or replaced by a file behind its back', async () => {
    await storage.put('a/b/x.txt', encoder.encode('x'));
    await rm(join(root, 'a'), { recursive: true });
    expect(NotFoundError.isInstance(await errorOf(() => storage.get('a/b/x.txt')))).toBe(true);
    expect(await storage.head('a/b/x.txt')).toBeUndefined();
    const info = await storage.put('a/b/y.txt', encoder.encode('y'));
    expect(await storage.head('a/b/y.txt')).toEqual(info);

    await rm(join(root, 'a'), { recursive: true });
    await writeFile(join(root, 'a'), 'a file');
    const error = await errorOf(() => storage.put('a/b/z.txt', encoder.encode('z')));
    expect(StorageError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ operation: 'put', backendCode: 'ENOTDIR' });
    expect((error as Error).message).toContain('Delete it first');
    expect(await storage.head('a/b/y.txt')).toBeUndefined();
  });

  it('lets concurrent writers of one directory share fsyncs, each returning what head reports', async () => {
    await mkdir(join(root, 'many'));
    const infos = await Promise.all(
      Array.from({ length: 24 }, (_, index) => storage.put(`many/${index}.txt`, encoder.encode(`body ${index}`))),
    );
    for (const [index, info] of infos.entries()) {
      expect(await storage.head(`many/${index}.txt`)).toEqual(info);
      expect(await text(await storage.get(`many/${index}.txt`))).toBe(`body ${index}`);
    }
  });

  it.runIf(existsSync('/proc/self/fd'))('closes the directory handles it keeps on close, and when idle', async () => {
    const before = (await openFds())!;
    for (const dir of ['a', 'b', 'c']) await storage.put(`${dir}/x.txt`, encoder.encode(dir));
    expect(await openFds()).toBe(before + 3);
    await storage.close();
    expect(await openFds()).toBe(before);
    // Still usable; a storage left without close() frees its handles after a second idle.
    await storage.put('a/y.txt', encoder.encode('y'));
    expect(await openFds()).toBe(before + 1);
    await sleep(2100);
    expect(await openFds()).toBe(before);
  });
});
