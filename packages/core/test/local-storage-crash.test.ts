import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalStorage } from '@model-studio/core';
import { afterEach, describe, expect, it } from 'vitest';
import { killMidWrite } from './helpers/kill-mid-write.js';

let root: string;
afterEach(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('LocalStorage atomic writes under a crash', () => {
  it('keeps the old file intact when the writing process is killed mid-put', async () => {
    root = await mkdtemp(join(tmpdir(), 'local-storage-crash-'));
    const storage = new LocalStorage({ root });
    const key = 'models/andie/loras/v1/andie.safetensors';
    const old = randomBytes(3 * 1024 * 1024 + 17);
    await storage.put(key, old);

    expect((await killMidWrite(root, key)).signal).toBe('SIGKILL');

    // The crash happened mid-write: a temporary file with part of the new body is left beside the target.
    const dir = join(root, 'models/andie/loras/v1');
    const temps = (await readdir(dir)).filter((name) => name.startsWith('.ms-tmp-'));
    expect(temps.length).toBe(1);
    expect((await stat(join(dir, temps[0]!))).size).toBeGreaterThanOrEqual(8 * 1024 * 1024);

    // The old content is intact and readable, and list shows no temp file.
    const read = new Uint8Array(await new Response(await storage.get(key)).arrayBuffer());
    expect(createHash('sha256').update(read).digest('hex')).toBe(createHash('sha256').update(old).digest('hex'));
    expect((await storage.head(key))?.size).toBe(old.byteLength);
    const listed: string[] = [];
    for await (const info of storage.list()) listed.push(info.key);
    expect(listed).toEqual([key]);

    // The leftover is cleaned once it is stale, not while it could still be a write in progress.
    expect(await storage.removeStaleTempFiles()).toBe(0);
    expect(await storage.removeStaleTempFiles({ olderThanMs: 0 })).toBe(1);
    expect((await readdir(dir)).filter((name) => name.startsWith('.'))).toEqual([]);

    // The storage keeps working: a new put replaces the old content.
    await storage.put(key, new TextEncoder().encode('after the crash'));
    expect(await new Response(await storage.get(key)).text()).toBe('after the crash');
  }, 60_000);
});
