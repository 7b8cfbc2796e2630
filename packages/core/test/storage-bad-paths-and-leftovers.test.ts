import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalStorage, openWorkspace, StorageError } from '@model-studio/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseTempFileName, removeDeadTempFiles } from '../src/storage/dead-temp-files.js';
import { makeDirectory } from '../src/storage/make-directory.js';
import { subscribeAbort } from '../src/storage/subscribe-abort.js';
import { errorOf } from './fixtures/storage/helpers.js';
import { killMidWrite } from './helpers/kill-mid-write.js';

const encoder = new TextEncoder();

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'storage-bad-paths-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** What the call threw, checked to be a StorageError. */
async function storageErrorOf(action: () => unknown): Promise<StorageError> {
  const error = await errorOf(action);
  expect(StorageError.isInstance(error), String(error)).toBe(true);
  return error as StorageError;
}

describe('a workspace or storage root that cannot be a folder', () => {
  it.runIf(existsSync('/proc/self'))(
    'refuses a path under /proc at once with a StorageError naming it (no mkdir loop)',
    async () => {
      const started = Date.now();
      const error = await storageErrorOf(() => openWorkspace({ root: '/proc/nope/ws' }));
      expect(error.message).toMatch(/Cannot create the workspace folder \/proc\/nope\/ws \(creating \/proc\/nope\)/);
      expect(error.message).toMatch(/\/proc does not accept new folders/);
      expect(error.backendCode).toBe('ENOENT');
      const storage = new LocalStorage({ root: '/proc/nope' });
      const put = await storageErrorOf(() => storage.put('a.txt', encoder.encode('x')));
      expect(put.message).toMatch(/Cannot create the LocalStorage root \/proc\/nope: its parent \/proc/);
      expect(Date.now() - started).toBeLessThan(2000);
    },
    5000,
  );

  it('refuses a path under a regular file, naming the file', async () => {
    const file = join(dir, 'afile');
    await writeFile(file, 'not a folder');
    const error = await storageErrorOf(() => openWorkspace({ root: join(file, 'ws') }));
    expect(error.code).toBe('storage');
    expect(error.message).toBe(
      `Cannot use ${join(file, 'ws')} as the workspace folder: ${file} is a file, not a folder. ` +
        'Choose another path, or move that file away.',
    );
    expect((await storageErrorOf(() => openWorkspace({ root: file }))).message).toMatch(/is a file, not a folder/);
  });

  it('refuses a link to a missing target, and creates every missing level of a good path', async () => {
    await symlink(join(dir, 'missing'), join(dir, 'dangling'));
    const error = await storageErrorOf(() => makeDirectory(join(dir, 'dangling', 'ws'), 'the workspace folder'));
    expect(error.message).toMatch(/dangling is a link to a missing target/);
    const deep = join(dir, 'a', 'b', 'c');
    expect(await makeDirectory(deep)).toBe(deep);
    expect(await makeDirectory(deep)).toBe(deep);
    const ws = await openWorkspace({ root: join(dir, 'x', 'y') });
    expect(await ws.listModels()).toEqual([]);
    await ws.close();
  });
});

const tempsIn = async (folder: string) => (await readdir(folder)).filter((name) => name.startsWith('.ms-tmp-'));

describe('temporary files left by a killed writer', () => {
  it('are removed when a LocalStorage next writes in their folder, whatever their age', async () => {
    const folder = join(dir, 'models', 'andie', 'loras');
    const { pid, signal } = await killMidWrite(dir, 'models/andie/loras/big.safetensors');
    expect(signal).toBe('SIGKILL');
    const [left] = await tempsIn(folder);
    expect(parseTempFileName(left!)).toEqual({ pid });

    const storage = new LocalStorage({ root: dir });
    await storage.put('models/andie/loras/notes.txt', encoder.encode('after the crash'));
    expect(await tempsIn(folder)).toEqual([]);
    expect(await readdir(folder)).toEqual(['notes.txt']);
    await storage.close();
  }, 60_000);

  it('keeps those of live processes and of this one, and removes any untouched for an hour', async () => {
    await mkdir(join(dir, 'f'));
    const live = `.ms-tmp-${process.ppid}-0123456789ab-0`;
    const own = `.ms-tmp-${process.pid}-0123456789ab-1`;
    const dead = '.ms-tmp-4194999-0123456789ab-2';
    const oldStyleFresh = '.ms-tmp-0123456789ab-3';
    const oldStyleStale = '.ms-tmp-abcdef012345-4';
    const notOurs = ['.ms-tmp-notes', 'photo.jpg', '.ms-tmp-1-0123456789ab-5.jpg'];
    for (const name of [live, own, dead, oldStyleFresh, oldStyleStale, ...notOurs]) {
      await writeFile(join(dir, 'f', name), 'partial');
    }
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
    await utimes(join(dir, 'f', oldStyleStale), twoHoursAgo, twoHoursAgo);
    const removed = await removeDeadTempFiles(join(dir, 'f'), { isAlive: (pid) => pid !== 4194999 });
    expect(removed).toBe(2);
    expect((await readdir(join(dir, 'f'))).sort()).toEqual([live, own, oldStyleFresh, ...notOurs].sort());
    expect(await removeDeadTempFiles(join(dir, 'missing'))).toBe(0);
  });
});

describe('abort listeners of concurrent LocalStorage calls', () => {
  it('share one listener per signal, so 32 reads and writes in flight raise no MaxListenersExceededWarning', async () => {
    const storage = new LocalStorage({ root: dir });
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const controller = new AbortController();
      const { signal } = controller;
      for (let i = 0; i < 16; i++) await storage.put(`r/${i}.txt`, encoder.encode(`file ${i}`));
      const streams = await Promise.all(Array.from({ length: 16 }, (_, i) => storage.get(`r/${i}.txt`, { signal })));
      await Promise.all(
        Array.from({ length: 16 }, (_, i) =>
          storage.put(`w/${i}.bin`, new Uint8Array(2 * 1024 * 1024).fill(i), { signal }),
        ),
      );
      const texts = await Promise.all(streams.map((stream) => new Response(stream).text()));
      expect(texts[15]).toBe('file 15');
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
      await storage.close();
    }
  });

  it('calls each subscriber once on abort, and none after unsubscribing', () => {
    const controller = new AbortController();
    const calls: string[] = [];
    const offA = subscribeAbort(controller.signal, () => calls.push('a'));
    const offB = subscribeAbort(controller.signal, () => calls.push('b'));
    subscribeAbort(controller.signal, () => calls.push('c'));
    offB();
    controller.abort();
    controller.abort();
    offA();
    expect(calls).toEqual(['a', 'c']);
  });

  it('still aborts a read in flight', async () => {
    const storage = new LocalStorage({ root: dir });
    await storage.put('big.bin', new Uint8Array(4 * 1024 * 1024));
    const controller = new AbortController();
    const stream = await storage.get('big.bin', { signal: controller.signal });
    const reader = stream.getReader();
    await reader.read();
    controller.abort(new Error('stop'));
    await expect(reader.read()).rejects.toThrow('stop');
    await storage.close();
  });
});
