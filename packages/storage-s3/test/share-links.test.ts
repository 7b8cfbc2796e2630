/**
 * `studio.share` over S3Storage on the real S3-compatible server (OpenStack Swift, see global-setup.ts): presigned
 * links fetched with a plain HTTP GET, refused once expired, never signed for a key outside the model, and SigV4's
 * 7-day limit reported as a typed error.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ConsentRecord,
  createStudio,
  LocalStorage,
  openWorkspace,
  type Storage,
  type Studio,
  storageKeys,
  ValidationError,
  type Workspace,
} from '@model-studio/core';
import type { S3Storage } from '@model-studio/storage-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testStorage, uniquePrefix } from './s3-test-env.js';

const consent: ConsentRecord = {
  subject: 'Ada (test subject)',
  adultAttested: true,
  attestedBy: 'share link tests',
  allowedRatings: ['sfw', 'nsfw'],
  allowedUses: ['swap', 'publish'],
  obtainedAt: '2026-01-15T10:00:00Z',
  evidenceRef: 'consent/ada.pdf',
};

const result = (model: string, rating: string, source: number, target: number, stage: 'swapped' | 'enhanced') =>
  storageKeys.result({ model, source, target, rating, stage });
const bytesOf = (key: string) => new TextEncoder().encode(`jpeg bytes of ${key}`);

/** The model's results: two enhanced sfw, one swapped sfw, one enhanced nsfw. */
const adaResults = [
  result('ada', 'sfw', 1, 1, 'enhanced'),
  result('ada', 'sfw', 1, 2, 'enhanced'),
  result('ada', 'sfw', 1, 1, 'swapped'),
  result('ada', 'nsfw', 1, 1, 'enhanced'),
];

let root: string;
let opened: { close(): Promise<void> }[];
let s3Storages: S3Storage[];

async function studioOn(storage: Storage, resultStores: Storage[] = []): Promise<{ studio: Studio; ws: Workspace }> {
  const ws = await openWorkspace({ root, storage });
  const studio = createStudio({ workspace: ws, resultStores });
  opened.push(ws, studio);
  return { studio, ws };
}

function s3(prefix: string, publicUrls?: boolean): S3Storage {
  const storage = testStorage({ prefix, ...(publicUrls === undefined ? {} : { publicUrls }) });
  s3Storages.push(storage);
  return storage;
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 's3-share-'));
  opened = [];
  s3Storages = [];
});

afterEach(async () => {
  for (const closable of opened.reverse()) await closable.close();
  for (const storage of s3Storages) storage.destroy();
  await rm(root, { recursive: true, force: true });
});

describe('share links on S3 (Swift)', () => {
  it('presigns links that a plain HTTP GET downloads, and refuses them after they expire', async () => {
    const storage = s3(uniquePrefix('share'));
    const { studio, ws } = await studioOn(storage);
    await ws.createModel('ada');
    await ws.setConsent('ada', consent);
    for (const key of adaResults) await storage.put(key, bytesOf(key), { contentType: 'image/jpeg' });

    const links = await studio.share('ada', { ratings: ['sfw'], stages: ['enhanced', 'swapped'] });
    expect(links.map((link) => link.name)).toEqual([
      'ada-s1-t001-sfw-swapped.jpg',
      'ada-s1-t001-sfw-enhanced.jpg',
      'ada-s1-t002-sfw-enhanced.jpg',
    ]);
    for (const link of links) {
      // Swift on 127.0.0.1 is a private endpoint: S3Storage says its URLs are not public.
      expect(link).toMatchObject({ storage: 's3', reachableFrom: 'this-machine' });
      const url = new URL(link.url);
      expect(url.searchParams.get('X-Amz-Expires')).toBe('604800');
      expect(url.searchParams.get('X-Amz-Credential')).not.toBeNull();
      const response = await fetch(link.url);
      expect(response.status).toBe(200);
      expect(new Uint8Array(await response.arrayBuffer())).toEqual(bytesOf(link.key));
    }

    const [short] = await studio.share('ada', { ratings: ['nsfw'], expiresIn: 1 });
    if (!short) throw new Error('expected a link');
    expect(new URL(short.url).searchParams.get('X-Amz-Expires')).toBe('1');
    while (Date.now() < short.expiresAt.getTime() + 1500) await new Promise((resolve) => setTimeout(resolve, 250));
    const expired = await fetch(short.url);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toMatch(/expired/i);
  });

  it('never signs a key outside the model: other models, strays in its folders, objects outside the prefix', async () => {
    const prefix = uniquePrefix('share-scope');
    const storage = s3(prefix);
    const { studio, ws } = await studioOn(storage);
    for (const model of ['ada', 'ada-2']) {
      await ws.createModel(model);
      await ws.setConsent(model, consent);
    }
    const stray = [
      result('ada-2', 'sfw', 1, 1, 'enhanced'),
      'models/ada/results/sfw/source_1/enhanced/ada-2-s1-t009-sfw-enhanced.jpg',
      'models/ada/results/sfw/source_2/enhanced/ada-s1-t003-sfw-enhanced.jpg',
      storageKeys.caption({ model: 'ada', source: 1, target: 1, rating: 'sfw' }),
    ];
    for (const key of [...adaResults, ...stray]) await storage.put(key, bytesOf(key));
    // The same key under a sibling prefix of the bucket: outside this storage altogether.
    const sibling = s3(`${prefix.replace(/\/$/, '')}-sibling/`);
    await sibling.put(result('ada', 'sfw', 1, 9, 'enhanced'), bytesOf('sibling'));

    const links = await studio.share('ada', { stages: ['enhanced', 'swapped', 'source'] });
    expect(links.map((link) => link.key).sort()).toEqual([...adaResults].sort());
    for (const link of links) {
      const url = new URL(link.url);
      expect(decodeURIComponent(url.pathname)).toMatch(new RegExp(`/${prefix}models/ada/results/`));
    }
  });

  it('signs with an S3 result store whose URLs are public, beside a workspace on local disk', async () => {
    const local = new LocalStorage({ root, signedUrls: {} });
    opened.push(local);
    const bucket = s3(uniquePrefix('share-mirror'), true);
    const { studio, ws } = await studioOn(local, [bucket]);
    await ws.createModel('ada');
    await ws.setConsent('ada', consent);
    for (const key of adaResults) await local.put(key, bytesOf(key));
    // The copy of one result failed (it is only on local disk): its link is local, and says so.
    for (const key of adaResults.slice(1)) await bucket.put(key, bytesOf(key));

    const links = await studio.share('ada', { ratings: ['sfw'] });
    expect(links.map((link) => [link.name, link.storage, link.reachableFrom])).toEqual([
      ['ada-s1-t001-sfw-enhanced.jpg', 'local', 'this-machine'],
      ['ada-s1-t002-sfw-enhanced.jpg', 's3', 'internet'],
    ]);
    for (const link of links) expect(await (await fetch(link.url)).text()).toBe(`jpeg bytes of ${link.key}`);
  });

  it('refuses more than 7 days with a typed error that names the SigV4 limit', async () => {
    const storage = s3(uniquePrefix('share-limit'));
    const { studio, ws } = await studioOn(storage);
    await ws.createModel('ada');
    await ws.setConsent('ada', consent);
    await storage.put(adaResults[0] as string, bytesOf('x'));
    const eightDays = 8 * 24 * 3600;
    for (const attempt of [
      () => studio.share('ada', { expiresIn: eightDays }),
      () => storage.signedUrl(adaResults[0] as string, { method: 'GET', expiresIn: eightDays }),
    ]) {
      const error = await attempt().catch((caught: unknown) => caught);
      expect(ValidationError.isInstance(error) && error.field).toBe('expiresIn');
      expect((error as Error).message).toMatch(/at most 7 days \(604800 seconds; a SigV4 limit.*got 691200 seconds/);
    }
    const week = await studio.share('ada', { expiresIn: 604_800 });
    expect(week).toHaveLength(1);
    const tight = testStorage({ maxSignedUrlExpiresIn: 3600 });
    s3Storages.push(tight);
    const error = await tight.signedUrl('a.jpg', { method: 'GET', expiresIn: 7200 }).catch((caught) => caught);
    expect((error as Error).message).toMatch(/at most 3600 seconds \(this storage's maxSignedUrlExpiresIn\)/);
  });
});
