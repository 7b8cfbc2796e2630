import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, realpath, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { LocalStorage, NotFoundError, StorageError, ValidationError } from '@model-studio/core';
import { storageContractTests } from '@model-studio/core/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { errorOf, text } from './fixtures/storage/helpers.js';

const contractRoot = mkdtempSync(join(tmpdir(), 'local-storage-contract-'));
storageContractTests(
  { describe, it, expect, beforeAll, afterAll },
  {
    name: 'LocalStorage',
    create: () => new LocalStorage({ root: contractRoot, signedUrls: {} }),
    destroy: async (storage) => {
      await (storage as LocalStorage).close();
      rmSync(contractRoot, { recursive: true, force: true });
    },
  },
);

const encoder = new TextEncoder();

/** The keys `list` lists; `listKeys` (no stat per file) must list the very same, in the same order. */
async function keysOf(storage: LocalStorage, prefix?: string): Promise<string[]> {
  const options = prefix === undefined ? {} : { prefix };
  const keys: string[] = [];
  for await (const info of storage.list(options)) keys.push(info.key);
  const bare: string[] = [];
  for await (const key of storage.listKeys(options)) bare.push(key);
  expect(bare).toEqual(keys);
  return keys;
}

async function tempFilesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.filter((entry) => entry.split(sep).some((part) => part.startsWith('.ms-tmp-')));
}

describe('LocalStorage on disk', () => {
  let root: string;
  let outside: string;
  let storage: LocalStorage;

  beforeEach(async () => {
    root = await realpath(await mkdtemp(join(tmpdir(), 'local-storage-')));
    outside = await realpath(await mkdtemp(join(tmpdir(), 'local-storage-outside-')));
    storage = new LocalStorage({ root: join(root, 'store') });
  });
  afterEach(async () => {
    await storage.close();
    await rm(root, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  it('resolves its root, creates it on first use and maps keys to files below it', async () => {
    expect(new LocalStorage({ root: 'relative/dir' }).root).toBe(resolve('relative/dir'));
    expect(storage.root).toBe(join(root, 'store'));
    expect(storage.provider).toBe('local');
    expect(storage.publicUrls).toBe(false);
    expect(storage.signedUrl).toBeUndefined();
    expect(storage.pathOf('models/andie/config.json')).toBe(join(root, 'store', 'models', 'andie', 'config.json'));
    expect(ValidationError.isInstance(await errorOf(async () => storage.pathOf('../x')))).toBe(true);
    await storage.put('models/andie/config.json', encoder.encode('{}'));
    expect(await readFile(join(root, 'store/models/andie/config.json'), 'utf8')).toBe('{}');
    expect(ValidationError.isInstance(await errorOf(async () => new LocalStorage({ root: '' })))).toBe(true);
  });

  it('reports content types from extensions and an etag that changes with each write', async () => {
    const first = await storage.put('a/photo.JPG', encoder.encode('one'), { contentType: 'image/png' });
    expect(first.contentType).toBe('image/jpeg');
    expect((await storage.head('a/photo.JPG'))?.etag).toBe(first.etag);
    const second = await storage.put('a/photo.JPG', encoder.encode('two'));
    expect(second.size).toBe(first.size);
    expect(second.etag).not.toBe(first.etag);
    expect((await storage.put('a/model.safetensors', new Uint8Array(1))).contentType).toBe('application/octet-stream');
  });

  it('reports progress for bytes with the total', async () => {
    const progress: { loaded: number; total?: number }[] = [];
    await storage.put('big.bin', new Uint8Array(2.5 * 1024 * 1024), { onProgress: (p) => progress.push(p) });
    expect(progress.map((p) => p.loaded)).toEqual([1048576, 2097152, 2621440]);
    expect(progress.every((p) => p.total === 2621440)).toBe(true);
  });

  it('pulls a streamed body only as fast as it writes it (never buffers the whole body)', async () => {
    const total = 64 * 1024 * 1024;
    const chunk = new Uint8Array(1024 * 1024).fill(7);
    const dir = join(root, 'store', 'big');
    let pulled = 0;
    let widestGap = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (pulled >= total) return controller.close();
        if (pulled > 0) {
          const [temp] = await tempFilesUnder(dir);
          const onDisk = temp ? (await stat(join(dir, temp))).size : 0;
          widestGap = Math.max(widestGap, pulled - onDisk);
        }
        controller.enqueue(chunk);
        pulled += chunk.byteLength;
      },
    });
    await storage.put('big/body.bin', body);
    expect((await storage.head('big/body.bin'))?.size).toBe(total);
    // Pulled but not yet on disk: at most a few chunks, against a 64 MiB body.
    expect(widestGap).toBeLessThanOrEqual(4 * 1024 * 1024);
  });

  it('keeps the old content and leaves no temp file when a body stream fails or an abort comes mid-write', async () => {
    await storage.put('k/file.txt', encoder.encode('old'));
    const failure = new Error('camera disconnected');
    let sent = 0;
    const failing = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 3) controller.enqueue(new Uint8Array(100_000));
        else controller.error(failure);
      },
    });
    expect(await errorOf(() => storage.put('k/file.txt', failing))).toBe(failure);

    // The stream hands out one chunk, then stalls; the abort arrives while put waits for the next chunk.
    const controller = new AbortController();
    let pulls = 0;
    const stalling = new ReadableStream<Uint8Array>(
      {
        pull(c) {
          if (pulls++ === 0) return c.enqueue(new Uint8Array(10));
          queueMicrotask(() => controller.abort(new Error('user cancelled')));
          return new Promise<void>(() => {});
        },
      },
      { highWaterMark: 0 },
    );
    const error = await errorOf(() => storage.put('k/file.txt', stalling, { signal: controller.signal }));
    expect((error as Error).message).toBe('user cancelled');

    expect(await text(await storage.get('k/file.txt'))).toBe('old');
    expect(await tempFilesUnder(storage.root)).toEqual([]);
  });

  it('errors a get stream with the abort reason when aborted mid-read', async () => {
    await storage.put('big.bin', new Uint8Array(4 * 1024 * 1024));
    const controller = new AbortController();
    const reader = (await storage.get('big.bin', { signal: controller.signal })).getReader();
    expect((await reader.read()).done).toBe(false);
    controller.abort();
    const error = await errorOf(async () => {
      for (;;) if ((await reader.read()).done) break;
    });
    expect((error as Error).name).toBe('AbortError');
  });

  it('reads files of every size around the read chunk whole (reads are sized to the file)', async () => {
    const chunk = 256 * 1024;
    for (const size of [0, 1, 10, chunk - 1, chunk, chunk + 1, 2 * chunk + 7]) {
      const bytes = new Uint8Array(size).map((_, index) => index % 251);
      await storage.put(`m/size-${size}.bin`, bytes);
      const read = new Uint8Array(await new Response(await storage.get(`m/size-${size}.bin`)).arrayBuffer());
      expect(read).toEqual(bytes);
    }
  });

  it('lets concurrent writers of one key finish with one whole body', async () => {
    const bodies = Array.from({ length: 12 }, (_, i) => encoder.encode(`writer ${i} `.repeat(5000 + i)));
    await Promise.all(bodies.map((body) => storage.put('shared/key.txt', body)));
    const final = await text(await storage.get('shared/key.txt'));
    expect(bodies.map((body) => new TextDecoder().decode(body))).toContain(final);
    expect(await tempFilesUnder(storage.root)).toEqual([]);
  });

  it('lists no temp, hidden or unaddressable files', async () => {
    await storage.put('models/a/x.jpg', encoder.encode('x'));
    const dir = join(storage.root, 'models', 'a');
    for (const name of ['.ms-tmp-0123456789abcdef', '.hidden', 'CON', 'back\\slash', 'trailing.', 'colon:name']) {
      await writeFile(join(dir, name), 'stray');
    }
    await mkdir(join(dir, '.git'));
    await writeFile(join(dir, '.git', 'config'), 'stray');
    expect(await keysOf(storage)).toEqual(['models/a/x.jpg']);
    expect(await keysOf(storage, 'models/a/.')).toEqual([]);
  });

  it('removes stale temp files of interrupted writes, and the directories they leave empty', async () => {
    await storage.put('models/kept/x.jpg', encoder.encode('x'));
    const staleDir = join(storage.root, 'models', 'gone', 'loras');
    await mkdir(staleDir, { recursive: true });
    const stale = join(staleDir, '.ms-tmp-00000000000000aa');
    const fresh = join(storage.root, 'models', 'kept', '.ms-tmp-00000000000000bb');
    await writeFile(stale, 'partial');
    await writeFile(fresh, 'in progress');
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    await utimes(stale, twoHoursAgo, twoHoursAgo);
    expect(await storage.removeStaleTempFiles()).toBe(1);
    expect(await readdir(join(storage.root, 'models'))).toEqual(['kept']);
    expect(await tempFilesUnder(storage.root)).toEqual([join('models', 'kept', '.ms-tmp-00000000000000bb')]);
    expect(await storage.removeStaleTempFiles({ olderThanMs: 0 })).toBe(1);
    expect(await tempFilesUnder(storage.root)).toEqual([]);
    expect(await keysOf(storage)).toEqual(['models/kept/x.jpg']);
  });

  it('treats directories as missing keys', async () => {
    await storage.put('models/a/x.jpg', encoder.encode('x'));
    expect(NotFoundError.isInstance(await errorOf(() => storage.get('models/a')))).toBe(true);
    expect(await storage.head('models')).toBeUndefined();
    await storage.delete('models/a');
    expect(await keysOf(storage)).toEqual(['models/a/x.jpg']);
  });

  it('removes directories a delete leaves empty, but never the root', async () => {
    await storage.put('models/a/source/1.jpg', encoder.encode('1'));
    await storage.put('models/b/2.jpg', encoder.encode('2'));
    await storage.delete(['models/a/source/1.jpg', 'models/b/2.jpg']);
    expect(await readdir(storage.root)).toEqual([]);
    await storage.put('top.txt', encoder.encode('t'));
    await storage.delete('top.txt');
    expect((await stat(storage.root)).isDirectory()).toBe(true);
  });

  it('refuses a whole batch before deleting anything when one key is unsafe', async () => {
    await storage.put('keep.txt', encoder.encode('k'));
    expect(ValidationError.isInstance(await errorOf(() => storage.delete(['keep.txt', '../x'])))).toBe(true);
    expect(await keysOf(storage)).toEqual(['keep.txt']);
  });

  it('validates list options and put bodies', async () => {
    expect(ValidationError.isInstance(await errorOf(() => keysOf(storage, '../')))).toBe(true);
    expect(
      ValidationError.isInstance(await errorOf(() => storage.list({ pageSize: 0 })[Symbol.asyncIterator]().next())),
    ).toBe(true);
    const error = await errorOf(() => storage.put('a.txt', 'text' as unknown as Uint8Array));
    expect(ValidationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('Uint8Array');
    const strings = new ReadableStream({
      start(c) {
        c.enqueue('not bytes');
        c.close();
      },
    }) as unknown as ReadableStream<Uint8Array>;
    expect(ValidationError.isInstance(await errorOf(() => storage.put('a.txt', strings)))).toBe(true);
    expect(await storage.head('a.txt')).toBeUndefined();
  });

  it('turns file-system failures into StorageError with the errno code', async () => {
    await storage.put('file.txt', encoder.encode('f'));
    const underFile = await errorOf(() => storage.put('file.txt/child.txt', encoder.encode('c')));
    expect(StorageError.isInstance(underFile)).toBe(true);
    expect(underFile).toMatchObject({ operation: 'put', key: 'file.txt/child.txt', backendCode: 'ENOTDIR' });
    expect((underFile as Error).message).toContain('Delete it first');

    await storage.put('dir/inner.txt', encoder.encode('i'));
    const overDir = await errorOf(() => storage.put('dir', encoder.encode('d')));
    expect(overDir).toMatchObject({ code: 'storage', operation: 'put', key: 'dir' });
    expect(['EISDIR', 'ENOTEMPTY', 'EEXIST']).toContain((overDir as StorageError).backendCode);
    expect(await keysOf(storage)).toEqual(['dir/inner.txt', 'file.txt']);
    expect(await tempFilesUnder(storage.root)).toEqual([]);

    await writeFile(join(root, 'a-file'), 'not a directory');
    const fileRoot = new LocalStorage({ root: join(root, 'a-file') });
    const rootError = await errorOf(() => fileRoot.put('x.txt', encoder.encode('x')));
    expect(StorageError.isInstance(rootError)).toBe(true);
    expect(['EEXIST', 'ENOTDIR']).toContain((rootError as StorageError).backendCode);
  });

  describe('symbolic links', () => {
    beforeEach(async () => {
      await writeFile(join(outside, 'secret.txt'), 'outside secret');
      await storage.put('models/real.txt', encoder.encode('inside'));
      await symlink(outside, join(storage.root, 'escape'));
      await symlink(join(outside, 'secret.txt'), join(storage.root, 'models', 'leak.txt'));
      await symlink(join(storage.root, 'models', 'real.txt'), join(storage.root, 'models', 'alias.txt'));
    });

    it('refuses to read through a link leading outside the root', async () => {
      for (const key of ['escape/secret.txt', 'models/leak.txt']) {
        const error = await errorOf(() => storage.get(key));
        expect(StorageError.isInstance(error)).toBe(true);
        expect(error).toMatchObject({ backendCode: 'EOUTSIDEROOT', key });
        expect((error as Error).message).toContain('symbolic link');
        expect(StorageError.isInstance(await errorOf(() => storage.head(key)))).toBe(true);
      }
    });

    it('refuses to write or delete through a directory link leading outside the root', async () => {
      for (const key of ['escape/new.txt', 'escape/sub/new.txt']) {
        expect(await errorOf(() => storage.put(key, encoder.encode('x')))).toMatchObject({
          backendCode: 'EOUTSIDEROOT',
        });
      }
      expect(await readdir(outside)).toEqual(['secret.txt']);
      expect(await errorOf(() => storage.delete('escape/secret.txt'))).toMatchObject({ backendCode: 'EOUTSIDEROOT' });
      expect(await readFile(join(outside, 'secret.txt'), 'utf8')).toBe('outside secret');
    });

    it('replaces a file link itself on put, never the file outside', async () => {
      await storage.put('models/leak.txt', encoder.encode('replaced'));
      expect(await text(await storage.get('models/leak.txt'))).toBe('replaced');
      expect(await readFile(join(outside, 'secret.txt'), 'utf8')).toBe('outside secret');
    });

    it('lists only what lies inside the root, and follows links that stay inside', async () => {
      expect(await keysOf(storage)).toEqual(['models/alias.txt', 'models/real.txt']);
      expect(await keysOf(storage, 'escape/')).toEqual([]);
      expect(await text(await storage.get('models/alias.txt'))).toBe('inside');
    });
  });
});
