import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, sep } from 'node:path';
import { assertStorageKey, LocalStorage, ValidationError } from '@model-studio/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

function problemOf(key: unknown): string | undefined {
  try {
    assertStorageKey(key);
    return undefined;
  } catch (error) {
    expect(ValidationError.isInstance(error)).toBe(true);
    return (error as ValidationError).message;
  }
}

describe('assertStorageKey', () => {
  it.each([
    'a',
    'models.json',
    'models/andie/source/andie-source-1.jpg',
    'models/andie/results/sfw/source_2/enhanced/andie-s2-t003-sfw-enhanced.jpg',
    'models/andie/datasets/v1/10_andie woman/image 1.jpg',
    'é/😀.png',
    'a..b/x.y.z',
    'CONSOLE.txt',
    'com10/lpt0',
    `${'a'.repeat(255)}/b`,
  ])('accepts %j', (key) => {
    expect(problemOf(key)).toBeUndefined();
  });

  it.each([
    ['', 'is empty'],
    ['/etc/passwd', 'absolute path'],
    ['C:/Windows/win.ini', 'absolute path'],
    ['c:relative', 'absolute path'],
    ['..', 'a ".." segment'],
    ['a/../../b', 'a ".." segment'],
    ['models/..', 'a ".." segment'],
    ['./a', 'a "." segment'],
    ['a/./b', 'a "." segment'],
    ['a//b', 'empty segment'],
    ['a/', 'empty segment'],
    ['a\\..\\b', 'backslash'],
    ['a\u0000b', 'control character'],
    ['a\nb', 'control character'],
    ['a\u007fb', 'control character'],
    ['.hidden/x', 'starting with "."'],
    ['models/.ms-tmp-123', 'starting with "."'],
    ['CON', 'Windows device name'],
    ['con.txt', 'Windows device name'],
    ['models/NUL.jpg', 'Windows device name'],
    ['Com1', 'Windows device name'],
    ['lpt9.tar.gz', 'Windows device name'],
    ['aux /x', 'Windows device name'],
    ['ab:c', 'Windows refuses'],
    ['what?.jpg', 'Windows refuses'],
    ['a/b ', 'ending in a space'],
    ['abc./d', 'ending in a space or "."'],
    ['a\uD800b', 'unpaired UTF-16 surrogate'],
    [`${'a'.repeat(256)}/b`, 'longer than 255 bytes'],
    [Array.from({ length: 300 }, () => 'abc').join('/'), 'longer than 1024 bytes'],
  ])('refuses %j: %s', (key, fragment) => {
    const message = problemOf(key);
    expect(message).toContain(fragment);
    expect(message).toContain('Use a relative "/"-separated path');
  });

  it('refuses non-strings and names the field', () => {
    expect(problemOf(42)).toContain('must be a string, got number');
    expect(problemOf(null)).toContain('got null');
    let caught: unknown;
    try {
      assertStorageKey('../x', 'prefix');
    } catch (error) {
      caught = error;
    }
    expect((caught as ValidationError).field).toBe('prefix');
    expect((caught as ValidationError).value).toBe('../x');
  });
});

describe('no accepted key resolves outside the storage root (property)', () => {
  let root: string;
  let storage: LocalStorage;
  beforeAll(async () => {
    root = await realpath(await mkdtemp(join(tmpdir(), 'storage-key-property-')));
    storage = new LocalStorage({ root });
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const piece = fc.constantFrom(
    ...'a b x.jpg .. . / // ~ : C: é - _ ... .hidden com1 LPT3.log CON nul.txt %2e%2e'.split(' '),
    ...[' ', '\\', '\u0000', '\n', '\t', '😀', '\uD800', '\u202e'],
  );
  const candidate = fc.oneof(
    fc.array(piece, { minLength: 1, maxLength: 10 }).map((pieces) => pieces.join('')),
    fc.string({ unit: 'binary', maxLength: 40 }),
  );

  it('accepted keys map below the root, one segment per directory; the rest get a ValidationError', () => {
    fc.assert(
      fc.property(candidate, (key) => {
        let path: string;
        try {
          path = storage.pathOf(key);
        } catch (error) {
          return ValidationError.isInstance(error);
        }
        const fromRoot = relative(root, path);
        return (
          isAbsolute(path) &&
          path.startsWith(root + sep) &&
          !fromRoot.startsWith('..') &&
          fromRoot.split(sep).join('/') === key
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('accepted keys are written inside the root and listed under their own name', async () => {
    let written = 0;
    await fc.assert(
      fc.asyncProperty(candidate, async (key) => {
        try {
          assertStorageKey(key);
        } catch {
          return;
        }
        await storage.put(key, new TextEncoder().encode(key));
        const real = await realpath(storage.pathOf(key));
        expect(real.startsWith(root + sep)).toBe(true);
        expect((await storage.head(key))?.size).toBe(Buffer.byteLength(key));
        const listed: string[] = [];
        for await (const info of storage.list()) listed.push(info.key);
        expect(listed).toEqual([key]);
        await storage.delete(key);
        written++;
      }),
      { numRuns: 150 },
    );
    expect(written).toBeGreaterThan(30);
  });
});
