import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ValidationError } from '@model-studio/core';
import { type S3Storage, SYNC_MD5_METADATA, type SyncProgressEvent, syncDirectory } from '@model-studio/storage-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testStorage, uniquePrefix } from './s3-test-env.js';

const MiB = 1024 * 1024;
let storage: S3Storage;
let root: string;

/** A small workspace: nested results, captions, one file larger than the part size (so it uploads multipart). */
const files: Record<string, Uint8Array> = {
  'models.json': new TextEncoder().encode('{"models":["andie"]}'),
  'models/andie/config.json': new TextEncoder().encode('{"trigger":"andie"}'),
  'models/andie/results/sfw/source_1/enhanced/andie-s1-t001-sfw-enhanced.jpg': randomBytes(70_000),
  'models/andie/results/sfw/source_1/enhanced/andie-s1-t001-sfw-enhanced.txt': new TextEncoder().encode(
    'a photo of andie',
  ),
  'models/andie/loras/v1/andie.safetensors': randomBytes(11 * MiB),
};

async function writeTree(dir: string, tree: Record<string, Uint8Array>): Promise<void> {
  for (const [name, bytes] of Object.entries(tree)) {
    const path = join(dir, ...name.split('/'));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, bytes);
  }
}

beforeAll(async () => {
  storage = testStorage({ prefix: uniquePrefix('sync'), partSize: 5 * MiB });
  root = await mkdtemp(join(tmpdir(), 'storage-s3-sync-'));
});

afterAll(async () => {
  const keys: string[] = [];
  for await (const info of storage.list()) keys.push(info.key);
  if (keys.length > 0) await storage.delete(keys);
  storage.destroy();
  await rm(root, { recursive: true, force: true });
});

describe('syncDirectory', () => {
  it('uploads a workspace, then uploads nothing when it is unchanged (multipart files included)', async () => {
    const local = join(root, 'up');
    await writeTree(local, { ...files, '.DS_Store': new Uint8Array([1]) });
    const events: SyncProgressEvent[] = [];
    const first = await syncDirectory({
      direction: 'upload',
      localDir: local,
      storage,
      prefix: 'ws',
      onProgress: (event) => events.push(event),
    });
    const count = Object.keys(files).length;
    expect(first).toMatchObject({ uploaded: count, skipped: 0, deleted: 0, ignored: ['.DS_Store'] });
    expect(first.bytesTransferred).toBe(Object.values(files).reduce((sum, bytes) => sum + bytes.byteLength, 0));
    expect(events.map((event) => event.action)).toEqual(Array(count).fill('upload'));
    expect(events.at(-1)).toMatchObject({
      filesDone: count,
      filesTotal: count,
      bytesTransferred: first.bytesTransferred,
    });
    const big = await storage.head('ws/models/andie/loras/v1/andie.safetensors');
    expect(big?.etag).toMatch(/-3$/);
    expect(big?.metadata?.[SYNC_MD5_METADATA]).toMatch(/^[0-9a-f]{32}$/);

    const second = await syncDirectory({ direction: 'upload', localDir: local, storage, prefix: 'ws' });
    expect(second).toMatchObject({ uploaded: 0, skipped: count, bytesTransferred: 0 });
  });

  it('uploads a changed file even when its size did not change', async () => {
    const local = join(root, 'up');
    const path = join(local, 'models', 'andie', 'loras', 'v1', 'andie.safetensors');
    const changed = new Uint8Array(await readFile(path));
    changed[5 * MiB + 1] = (changed[5 * MiB + 1] ?? 0) ^ 0xff;
    await writeFile(path, changed);
    await writeFile(join(local, 'models.json'), new TextEncoder().encode('{"models":["bobby"]}'));
    const result = await syncDirectory({ direction: 'upload', localDir: local, storage, prefix: 'ws' });
    expect(result).toMatchObject({ uploaded: 2, skipped: Object.keys(files).length - 2 });
    const stored = new Uint8Array(
      await new Response(await storage.get('ws/models/andie/loras/v1/andie.safetensors')).arrayBuffer(),
    );
    expect(Buffer.from(stored).equals(Buffer.from(changed))).toBe(true);
  });

  it('downloads the prefix into an empty folder, then skips everything on the next download', async () => {
    const local = join(root, 'down');
    const first = await syncDirectory({ direction: 'download', localDir: local, storage, prefix: 'ws/' });
    expect(first).toMatchObject({ downloaded: Object.keys(files).length, skipped: 0 });
    for (const name of Object.keys(files)) {
      const mine = await readFile(join(root, 'up', ...name.split('/')));
      expect(Buffer.from(await readFile(join(local, ...name.split('/')))).equals(mine)).toBe(true);
    }
    const second = await syncDirectory({ direction: 'download', localDir: local, storage, prefix: 'ws' });
    expect(second).toMatchObject({ downloaded: 0, skipped: Object.keys(files).length });
  });

  it('deletes extraneous files only when asked', async () => {
    const up = join(root, 'up');
    await rm(join(up, 'models/andie/config.json'));
    const keep = await syncDirectory({ direction: 'upload', localDir: up, storage, prefix: 'ws' });
    expect(keep.deleted).toBe(0);
    expect(await storage.head('ws/models/andie/config.json')).toBeDefined();
    const events: SyncProgressEvent[] = [];
    const mirror = await syncDirectory({
      direction: 'upload',
      localDir: up,
      storage,
      prefix: 'ws',
      deleteExtraneous: true,
      onProgress: (event) => events.push(event),
    });
    expect(mirror).toMatchObject({ uploaded: 0, deleted: 1 });
    expect(events.filter((event) => event.action === 'delete').map((event) => event.key)).toEqual([
      'ws/models/andie/config.json',
    ]);
    expect(await storage.head('ws/models/andie/config.json')).toBeUndefined();

    const down = join(root, 'down');
    const kept = await syncDirectory({ direction: 'download', localDir: down, storage, prefix: 'ws' });
    expect(kept.deleted).toBe(0);
    const removed = await syncDirectory({
      direction: 'download',
      localDir: down,
      storage,
      prefix: 'ws',
      deleteExtraneous: true,
    });
    expect(removed).toMatchObject({ downloaded: 0, deleted: 1 });
    await expect(readFile(join(down, 'models/andie/config.json'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses bad input and an aborted signal before touching anything', async () => {
    const missing = syncDirectory({ direction: 'upload', localDir: join(root, 'nope'), storage, prefix: 'ws' });
    await expect(missing).rejects.toSatisfy(ValidationError.isInstance);
    await expect(
      syncDirectory({ direction: 'upload', localDir: root, storage, prefix: '../escape' }),
    ).rejects.toSatisfy(ValidationError.isInstance);
    await expect(syncDirectory({ direction: 'sideways' as 'upload', localDir: root, storage })).rejects.toSatisfy(
      ValidationError.isInstance,
    );
    const reason = new Error('stop');
    await expect(
      syncDirectory({
        direction: 'upload',
        localDir: root,
        storage,
        prefix: 'aborted',
        signal: AbortSignal.abort(reason),
      }),
    ).rejects.toBe(reason);
    const listed: string[] = [];
    for await (const info of storage.list({ prefix: 'aborted/' })) listed.push(info.key);
    expect(listed).toEqual([]);
  });
});
