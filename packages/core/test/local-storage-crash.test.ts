import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalStorage } from '@model-studio/core';
import { afterEach, describe, expect, it } from 'vitest';

const childScript = fileURLToPath(new URL('./fixtures/storage/crash-put.ts', import.meta.url));
const packageDir = fileURLToPath(new URL('..', import.meta.url));

let root: string;
afterEach(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

/** Runs the crash child until it reports it is writing, then kills it with SIGKILL. */
async function killMidWrite(storageRoot: string, key: string): Promise<NodeJS.Signals | null> {
  const child = spawn(process.execPath, ['--import', 'tsx', childScript, storageRoot, key], {
    cwd: packageDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (data: Buffer) => {
    stderr += data.toString();
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.once('exit', (_code, signal) => resolve(signal)),
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (data: Buffer) => {
      if (data.toString().includes('writing')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`crash child exited (${code}) before writing:\n${stderr}`)));
  });
  child.kill('SIGKILL');
  return exited;
}

describe('LocalStorage atomic writes under a crash', () => {
  it('keeps the old file intact when the writing process is killed mid-put', async () => {
    root = await mkdtemp(join(tmpdir(), 'local-storage-crash-'));
    const storage = new LocalStorage({ root });
    const key = 'models/andie/loras/v1/andie.safetensors';
    const old = randomBytes(3 * 1024 * 1024 + 17);
    await storage.put(key, old);

    expect(await killMidWrite(root, key)).toBe('SIGKILL');

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
