import { createHash, randomBytes } from 'node:crypto';
import { NotFoundError, ValidationError } from '../errors/index.js';
import type { Storage } from '../interfaces/index.js';

/**
 * The parts of a test runner the contract suites use. Pass your runner's functions: vitest's and jest's fit as is.
 *
 * @example
 * ```ts no-run
 * import { afterAll, beforeAll, describe, expect, it } from 'vitest';
 * storageContractTests({ describe, it, expect, beforeAll, afterAll }, { name: 'my storage', create: () => new MyStorage() });
 * ```
 */
export interface StorageContractTestApi {
  describe: (name: string, fn: () => void) => void;
  it: (name: string, fn: () => Promise<void> | void, timeout?: number) => void;
  // biome-ignore lint/suspicious/noExplicitAny: loose on purpose, so vitest's and jest's `expect` both fit.
  expect: (value: unknown) => any;
  beforeAll: (fn: () => unknown, timeout?: number) => void;
  afterAll: (fn: () => unknown, timeout?: number) => void;
}

/** What {@link storageContractTests} runs against. */
export interface StorageContractOptions {
  /** Shown in the suite's name, e.g. `LocalStorage`. */
  name: string;
  /** Makes the storage under test (once, before the suite). */
  create: () => Promise<Storage> | Storage;
  /** Releases it after the suite (close servers, remove temp dirs). Keys the suite wrote are deleted before. */
  destroy?: (storage: Storage) => Promise<void> | void;
  /**
   * Size of the streamed large body.
   * @default 52428800 (50 MiB)
   */
  largeBodyBytes?: number;
  /**
   * Number of keys in the pagination test.
   * @default 1500
   */
  paginationKeys?: number;
}

const encoder = new TextEncoder();
const chunkBytes = 1024 * 1024;

function streamOf(chunks: readonly Uint8Array[]): ReadableStream<Uint8Array> {
  let index = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks[index++];
      if (chunk) controller.enqueue(chunk);
      else controller.close();
    },
  });
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function digestOf(stream: ReadableStream<Uint8Array>): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  const reader = stream.getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    hash.update(next.value);
    size += next.value.byteLength;
  }
  return { sha256: hash.digest('hex'), size };
}

/** Deterministic pseudo-random bytes (xorshift32), so the large body needs no storage of its own. */
function noiseBlock(): Uint8Array {
  const words = new Uint32Array(chunkBytes / 4);
  let x = 0x9e3779b9;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  return new Uint8Array(words.buffer);
}

/** Chunk `index` of a large body: the noise block stamped with its index, cut to what is left of `total`. */
function largeChunk(block: Uint8Array, index: number, total: number): Uint8Array | undefined {
  const start = index * chunkBytes;
  if (start >= total) return undefined;
  const chunk = block.slice(0, Math.min(chunkBytes, total - start));
  new DataView(chunk.buffer).setUint32(0, index, true);
  return chunk;
}

/** A large body, produced one chunk per pull: never held in memory whole. */
function largeStream(
  block: Uint8Array,
  total: number,
  onPull?: (pulledBytes: number) => void,
): ReadableStream<Uint8Array> {
  let index = 0;
  let pulled = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = largeChunk(block, index++, total);
      if (!chunk) {
        controller.close();
        return;
      }
      pulled += chunk.byteLength;
      controller.enqueue(chunk);
      onPull?.(pulled);
    },
  });
}

function largeDigest(block: Uint8Array, total: number): string {
  const hash = createHash('sha256');
  for (let index = 0, chunk = largeChunk(block, 0, total); chunk; chunk = largeChunk(block, ++index, total)) {
    hash.update(chunk);
  }
  return hash.digest('hex');
}

async function errorOf(action: () => Promise<unknown>): Promise<unknown> {
  try {
    await action();
  } catch (error) {
    return error;
  }
  return undefined;
}

function isAbort(error: unknown, signal: AbortSignal): boolean {
  return error === signal.reason || (error instanceof Error && error.name === 'AbortError');
}

function compareCodePoints(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** The keys `list` lists; a storage with `listKeys` must list the same keys in the same order there. */
async function keysUnder(storage: Storage, prefix: string, pageSize?: number): Promise<string[]> {
  const keys: string[] = [];
  for await (const info of storage.list(pageSize === undefined ? { prefix } : { prefix, pageSize }))
    keys.push(info.key);
  if (storage.listKeys) {
    const bare: string[] = [];
    for await (const key of storage.listKeys({ prefix })) bare.push(key);
    if (JSON.stringify(bare) !== JSON.stringify(keys)) {
      throw new Error(`listKeys listed ${JSON.stringify(bare)} under "${prefix}", list listed ${JSON.stringify(keys)}`);
    }
  }
  return keys;
}

async function forEachConcurrent<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** What each group of contract tests gets besides the runner: the storage under test and the suite's settings. */
interface StorageContractSuite {
  /** The storage under test. Call it inside a test: it is made in `beforeAll`. */
  storage: () => Storage;
  /** A key prefix no other test (or concurrent run) uses. */
  area: () => string;
  largeBodyBytes: number;
  paginationKeys: number;
}

const quick = 30_000;
const slow = 180_000;

/** The storage declares its specification version, provider id and whether its URLs are public. */
function declarationTests(api: StorageContractTestApi, suite: StorageContractSuite): void {
  const { it, expect } = api;
  const { storage: subject } = suite;

  it('declares the v1 specification, a provider id and whether its URLs are public', () => {
    const storage = subject();
    expect(storage.specificationVersion).toBe('v1');
    expect(typeof storage.provider).toBe('string');
    expect(storage.provider.length).toBeGreaterThan(0);
    expect(typeof storage.publicUrls).toBe('boolean');
  });
}

/** Puts and gets: small bytes with metadata, a web stream, every byte value, and a large streamed body. */
function putAndGetTests(api: StorageContractTestApi, suite: StorageContractSuite): void {
  const { it, expect } = api;
  const { storage: subject, area, largeBodyBytes } = suite;

  it(
    'puts and gets small bytes, and reports their metadata',
    async () => {
      const storage = subject();
      const key = `${area()}hello.txt`;
      const body = encoder.encode('hello, storage');
      const put = await storage.put(key, body, { contentType: 'text/plain' });
      expect(put.key).toBe(key);
      expect(put.size).toBe(body.byteLength);
      expect(await readAll(await storage.get(key))).toEqual(body);
      const head = await storage.head(key);
      expect(head?.key).toBe(key);
      expect(head?.size).toBe(body.byteLength);
      expect(head?.lastModified instanceof Date && !Number.isNaN(head.lastModified.getTime())).toBe(true);
      if (put.etag !== undefined && head?.etag !== undefined) expect(head.etag).toBe(put.etag);
    },
    quick,
  );

  it(
    'puts a web stream',
    async () => {
      const storage = subject();
      const key = `${area()}streamed.bin`;
      const parts = ['hello ', 'streamed ', '', 'world'].map((part) => encoder.encode(part));
      const put = await storage.put(key, streamOf(parts));
      expect(put.size).toBe(20);
      expect(new TextDecoder().decode(await readAll(await storage.get(key)))).toBe('hello streamed world');
    },
    quick,
  );

  it(
    'keeps every byte value, CR LF and NUL intact',
    async () => {
      const storage = subject();
      const prefix = area();
      const everyByte = new Uint8Array(1024).map((_, i) => (i * 7 + (i >> 8)) % 256);
      expect(new Set(everyByte).size).toBe(256);
      const tricky = encoder.encode('line\r\nnext\0\0\r\n\n\r\u00e9\u{1f600}\0end\r\n');
      await storage.put(`${prefix}every-byte.bin`, everyByte);
      await storage.put(`${prefix}tricky.txt`, streamOf([tricky.subarray(0, 5), tricky.subarray(5)]));
      expect(await readAll(await storage.get(`${prefix}every-byte.bin`))).toEqual(everyByte);
      expect(await readAll(await storage.get(`${prefix}tricky.txt`))).toEqual(tricky);
      expect((await storage.head(`${prefix}tricky.txt`))?.size).toBe(tricky.byteLength);
    },
    quick,
  );

  it(
    `round-trips a ${Math.round(largeBodyBytes / 1024 / 1024)} MiB streamed body (SHA-256 compared, never held whole)`,
    async () => {
      const storage = subject();
      const key = `${area()}large.bin`;
      const block = noiseBlock();
      const expected = largeDigest(block, largeBodyBytes);
      let reported = 0;
      const put = await storage.put(key, largeStream(block, largeBodyBytes), {
        onProgress: ({ loaded }) => {
          reported = Math.max(reported, loaded);
        },
      });
      expect(put.size).toBe(largeBodyBytes);
      expect(reported).toBe(largeBodyBytes);
      expect((await storage.head(key))?.size).toBe(largeBodyBytes);
      expect(await digestOf(await storage.get(key))).toEqual({ sha256: expected, size: largeBodyBytes });
    },
    slow,
  );
}

/** Lists: pagination over many keys, and plain string prefixes with no leaks between neighbours. */
function listTests(api: StorageContractTestApi, suite: StorageContractSuite): void {
  const { it, expect } = api;
  const { storage: subject, area, paginationKeys } = suite;

  it(
    `lists ${paginationKeys} keys page by page, sorted, each exactly once`,
    async () => {
      const storage = subject();
      const prefix = area();
      const keys = Array.from({ length: paginationKeys }, (_, i) =>
        i % 3 === 0 ? `${prefix}k${i}` : `${prefix}d${i % 7}/k${i}.bin`,
      );
      await forEachConcurrent(keys, 32, async (key) => {
        await storage.put(key, encoder.encode(key));
      });
      const listed: { key: string; size: number }[] = [];
      for await (const info of storage.list({ prefix, pageSize: 128 })) listed.push({ key: info.key, size: info.size });
      const expected = [...keys].sort(compareCodePoints);
      expect(listed.map((info) => info.key)).toEqual(expected);
      expect(listed.every((info) => info.size === Buffer.byteLength(info.key))).toBe(true);
      // The default page size gives the same answer.
      expect(await keysUnder(storage, prefix)).toEqual(expected);
    },
    slow,
  );

  it(
    'lists by plain string prefix, with no leaks between neighbouring prefixes',
    async () => {
      const storage = subject();
      const prefix = area();
      for (const key of ['a/b/1', 'a/bc/2', 'a/b-x', 'ab/3', 'a.txt', 'b/a/b/4']) {
        await storage.put(prefix + key, encoder.encode(key));
      }
      expect(await keysUnder(storage, `${prefix}a/b/`)).toEqual([`${prefix}a/b/1`]);
      expect(await keysUnder(storage, `${prefix}a/b`)).toEqual([`${prefix}a/b-x`, `${prefix}a/b/1`, `${prefix}a/bc/2`]);
      expect(await keysUnder(storage, `${prefix}a`)).toEqual(
        ['a.txt', 'a/b-x', 'a/b/1', 'a/bc/2', 'ab/3'].map((key) => prefix + key),
      );
      expect(await keysUnder(storage, `${prefix}zzz`)).toEqual([]);
      expect(await keysUnder(storage, `${prefix}a/b/1`)).toEqual([`${prefix}a/b/1`]);
    },
    quick,
  );
}

/** Missing keys, overwrites, and deleting one key or a batch. */
function missingOverwriteAndDeleteTests(api: StorageContractTestApi, suite: StorageContractSuite): void {
  const { it, expect } = api;
  const { storage: subject, area } = suite;

  it(
    'treats missing keys as missing: get throws NotFoundError, head is undefined, delete succeeds',
    async () => {
      const storage = subject();
      const key = `${area()}never-written.bin`;
      const error = await errorOf(() => storage.get(key));
      expect(NotFoundError.isInstance(error)).toBe(true);
      expect(await storage.head(key)).toBeUndefined();
      await storage.delete(key);
      await storage.delete([key, `${key}.other`]);
      expect(await storage.head(key)).toBeUndefined();
    },
    quick,
  );

  it(
    'overwrites a key with new content',
    async () => {
      const storage = subject();
      const key = `${area()}overwritten.txt`;
      const first = await storage.put(key, encoder.encode('the first, longer version'));
      const second = await storage.put(key, encoder.encode('second'));
      expect(new TextDecoder().decode(await readAll(await storage.get(key)))).toBe('second');
      expect((await storage.head(key))?.size).toBe(6);
      if (first.etag !== undefined && second.etag !== undefined) expect(second.etag).not.toBe(first.etag);
      expect(await keysUnder(storage, key)).toEqual([key]);
    },
    quick,
  );

  it(
    'deletes one key and a batch of keys',
    async () => {
      const storage = subject();
      const prefix = area();
      const keys = ['one.txt', 'two.txt', 'nested/three.txt', 'nested/four.txt'].map((name) => prefix + name);
      for (const key of keys) await storage.put(key, encoder.encode(key));
      await storage.delete(keys[0]!);
      expect(await storage.head(keys[0]!)).toBeUndefined();
      expect(await keysUnder(storage, prefix)).toEqual([keys[3]!, keys[2]!, keys[1]!]);
      await storage.delete([keys[1]!, keys[2]!, `${prefix}missing.txt`]);
      expect(await keysUnder(storage, prefix)).toEqual([keys[3]!]);
      expect(NotFoundError.isInstance(await errorOf(() => storage.get(keys[2]!)))).toBe(true);
      await storage.delete([keys[3]!]);
      expect(await keysUnder(storage, prefix)).toEqual([]);
    },
    quick,
  );
}

/** Keys that could escape the storage's root are refused. */
function unsafeKeyTests(api: StorageContractTestApi, suite: StorageContractSuite): void {
  const { it, expect } = api;
  const { storage: subject, area } = suite;

  it(
    'refuses keys that could escape its root with a ValidationError',
    async () => {
      const storage = subject();
      const prefix = area();
      for (const key of ['../escape.txt', `${prefix}../../escape.txt`, '/absolute.txt', `${prefix}a//b`, '']) {
        expect(ValidationError.isInstance(await errorOf(() => storage.put(key, encoder.encode('x'))))).toBe(true);
        expect(ValidationError.isInstance(await errorOf(() => storage.get(key)))).toBe(true);
      }
      expect(await keysUnder(storage, prefix)).toEqual([]);
    },
    quick,
  );
}

/** Abort signals: already aborted, and aborted in the middle of a large put. */
function abortTests(api: StorageContractTestApi, suite: StorageContractSuite): void {
  const { it, expect } = api;
  const { storage: subject, area, largeBodyBytes } = suite;

  it(
    'rejects calls with an already-aborted signal with its reason',
    async () => {
      const storage = subject();
      const key = `${area()}aborted.txt`;
      await storage.put(`${key}.existing`, encoder.encode('here'));
      const signal = AbortSignal.abort();
      expect(isAbort(await errorOf(() => storage.put(key, encoder.encode('x'), { signal })), signal)).toBe(true);
      expect(await storage.head(key)).toBeUndefined();
      expect(isAbort(await errorOf(() => storage.get(`${key}.existing`, { signal })), signal)).toBe(true);
    },
    quick,
  );

  it(
    'keeps the old value when a large put is aborted midway',
    async () => {
      const storage = subject();
      const key = `${area()}abort-midway.bin`;
      const old = encoder.encode('the old value survives');
      await storage.put(key, old);
      const controller = new AbortController();
      const abortAt = Math.min(8 * chunkBytes, Math.floor(largeBodyBytes / 2));
      const body = largeStream(noiseBlock(), largeBodyBytes, (pulled) => {
        if (pulled >= abortAt) controller.abort();
      });
      const error = await errorOf(() => storage.put(key, body, { signal: controller.signal }));
      expect(isAbort(error, controller.signal)).toBe(true);
      expect(await readAll(await storage.get(key))).toEqual(old);
      expect(await keysUnder(storage, key)).toEqual([key]);
    },
    slow,
  );
}

/** Signed GET and PUT URLs, fetched over real HTTP (skipped when the storage has no `signedUrl`). */
function signedUrlTests(api: StorageContractTestApi, suite: StorageContractSuite): void {
  const { it, expect } = api;
  const { storage: subject, area } = suite;

  it(
    'serves a signed GET URL over HTTP',
    async () => {
      const storage = subject();
      if (!storage.signedUrl) return;
      const prefix = area();
      const key = `${prefix}photo.jpg`;
      const body = randomBytes(4096);
      await storage.put(key, body, { contentType: 'image/jpeg' });
      const url = await storage.signedUrl(key, { method: 'GET' });
      const response = await fetch(url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('image/jpeg');
      expect(new Uint8Array(await response.arrayBuffer())).toEqual(new Uint8Array(body));
      const missing = await fetch(await storage.signedUrl(`${prefix}missing.jpg`, { method: 'GET' }));
      await missing.arrayBuffer();
      // S3 answers 403 instead of 404 when the signer may not list the bucket.
      expect([403, 404]).toContain(missing.status);
    },
    quick,
  );

  it(
    'accepts an upload to a signed PUT URL',
    async () => {
      const storage = subject();
      if (!storage.signedUrl) return;
      const key = `${area()}uploaded.jpg`;
      const body = randomBytes(100_000);
      const url = await storage.signedUrl(key, { method: 'PUT', contentType: 'image/jpeg', expiresIn: 600 });
      const response = await fetch(url, { method: 'PUT', body, headers: { 'content-type': 'image/jpeg' } });
      await response.arrayBuffer();
      expect(response.ok).toBe(true);
      expect(await readAll(await storage.get(key))).toEqual(new Uint8Array(body));
      expect((await storage.head(key))?.size).toBe(body.byteLength);
    },
    quick,
  );
}

/** Signed URLs refused with 403: tampered, used with another method, or expired. */
function signedUrlRefusalTests(api: StorageContractTestApi, suite: StorageContractSuite): void {
  const { it, expect } = api;
  const { storage: subject, area } = suite;

  it(
    'refuses tampered signed URLs and other methods with 403',
    async () => {
      const storage = subject();
      if (!storage.signedUrl) return;
      const prefix = area();
      await storage.put(`${prefix}a.bin`, encoder.encode('content of a'));
      await storage.put(`${prefix}b.bin`, encoder.encode('content of b'));
      const url = await storage.signedUrl(`${prefix}a.bin`, { method: 'GET' });
      expect(url).toContain('a.bin');
      const otherKey = await fetch(url.replace('a.bin', 'b.bin'));
      expect(otherKey.status).toBe(403);
      expect(await otherKey.text()).not.toContain('content of b');
      if (/[0-9a-f]$/i.test(url)) {
        // Signatures come last in both LocalStorage's and S3's URLs: change their final digit.
        const flipped = await fetch(url.slice(0, -1) + (url.endsWith('0') ? '1' : '0'));
        await flipped.arrayBuffer();
        expect(flipped.status).toBe(403);
      }
      const put = await fetch(url, { method: 'PUT', body: encoder.encode('overwritten') });
      await put.arrayBuffer();
      expect(put.status).toBe(403);
      expect(new TextDecoder().decode(await readAll(await storage.get(`${prefix}a.bin`)))).toBe('content of a');
    },
    quick,
  );

  it(
    'refuses an expired signed URL with 403',
    async () => {
      const storage = subject();
      if (!storage.signedUrl) return;
      const key = `${area()}expiring.txt`;
      await storage.put(key, encoder.encode('soon gone'));
      const url = await storage.signedUrl(key, { method: 'GET', expiresIn: 1 });
      await new Promise((resolve) => setTimeout(resolve, 2100));
      const response = await fetch(url);
      expect(await response.text()).not.toContain('soon gone');
      expect(response.status).toBe(403);
    },
    quick,
  );
}

/**
 * The contract every {@link Storage} must meet, as a test suite for your runner: small and large (50 MiB, streamed)
 * bodies, binary safety, pagination over 1,500 keys, prefix isolation, missing keys, overwrite, delete, unsafe keys,
 * abort, and, when the storage has `signedUrl`, signed GET/PUT URLs fetched over real HTTP, their expiry and
 * tampering. Every test writes under its own unique key prefix, so the suite can run against a shared bucket; the
 * keys are deleted afterwards. It takes about 30 s against `LocalStorage` (one 2-second wait checks URL expiry).
 *
 * @example
 * ```ts no-run
 * import { mkdtempSync, rmSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { LocalStorage } from '@model-studio/core';
 * import { storageContractTests } from '@model-studio/core/testing';
 * import { afterAll, beforeAll, describe, expect, it } from 'vitest';
 *
 * const root = mkdtempSync(join(tmpdir(), 'storage-'));
 * storageContractTests({ describe, it, expect, beforeAll, afterAll }, {
 *   name: 'LocalStorage',
 *   create: () => new LocalStorage({ root, signedUrls: {} }),
 *   destroy: async (storage) => { await (storage as LocalStorage).close(); rmSync(root, { recursive: true }); },
 * });
 * ```
 */
export function storageContractTests(api: StorageContractTestApi, options: StorageContractOptions): void {
  const { describe, beforeAll, afterAll } = api;
  const largeBodyBytes = options.largeBodyBytes ?? 50 * 1024 * 1024;
  const paginationKeys = options.paginationKeys ?? 1500;
  const run = `contract-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
  let storage: Storage;
  let testNumber = 0;
  const suite: StorageContractSuite = {
    storage: () => storage,
    area: () => `${run}/t${++testNumber}/`,
    largeBodyBytes,
    paginationKeys,
  };

  describe(`storage contract: ${options.name}`, () => {
    beforeAll(async () => {
      storage = await options.create();
    }, 60_000);

    afterAll(async () => {
      if (!storage) return;
      try {
        const keys = await keysUnder(storage, `${run}/`);
        for (let i = 0; i < keys.length; i += 500) await storage.delete(keys.slice(i, i + 500));
      } finally {
        await options.destroy?.(storage);
      }
    }, slow);

    declarationTests(api, suite);
    putAndGetTests(api, suite);
    listTests(api, suite);
    missingOverwriteAndDeleteTests(api, suite);
    unsafeKeyTests(api, suite);
    abortTests(api, suite);
    signedUrlTests(api, suite);
    signedUrlRefusalTests(api, suite);
  });
}
