/**
 * `studio.share` on a real LocalStorage with its loopback signed-URL server: links are fetched over real HTTP. The
 * S3 side (presigned links, a public result store preferred over loopback links) is in
 * packages/storage-s3/test/share-links.test.ts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConsentError,
  type ConsentRecord,
  createStudio,
  LocalStorage,
  NotFoundError,
  openWorkspace,
  type Studio,
  storageKeys,
  ValidationError,
  type Workspace,
} from '@model-studio/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const consent = (uses: ConsentRecord['allowedUses'], ratings = ['sfw', 'nsfw']): ConsentRecord => ({
  subject: 'Ada (test subject)',
  adultAttested: true,
  attestedBy: 'share tests',
  allowedRatings: ratings,
  allowedUses: uses,
  obtainedAt: '2026-01-15T10:00:00Z',
  evidenceRef: 'consent/ada.pdf',
});

const bytesOf = (text: string) => new TextEncoder().encode(text);
const result = (rating: string, source: number, target: number, stage: 'swapped' | 'enhanced') =>
  storageKeys.result({ model: 'ada', source, target, rating, stage });

let root: string;
let storage: LocalStorage;
let workspace: Workspace;
let studio: Studio;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'core-share-'));
  storage = new LocalStorage({ root, signedUrls: {} });
  workspace = await openWorkspace({ root, storage });
  studio = createStudio({ workspace });
  await workspace.createModel('ada');
  await workspace.setConsent('ada', consent(['swap', 'publish']));
  for (const key of [
    storageKeys.source('ada', 1),
    storageKeys.source('ada', 2),
    result('sfw', 1, 2, 'enhanced'),
    result('sfw', 1, 1, 'enhanced'),
    result('sfw', 1, 1, 'swapped'),
    result('nsfw', 2, 1, 'enhanced'),
  ]) {
    await storage.put(key, bytesOf(`bytes of ${key}`), { contentType: 'image/jpeg' });
  }
});

afterEach(async () => {
  await studio.close();
  await workspace.close();
  await storage.close();
  await rm(root, { recursive: true, force: true });
});

describe('studio.share', () => {
  it('signs 7-day links to every enhanced result, in name order, that serve the stored bytes', async () => {
    const before = Date.now();
    const links = await studio.share('ada');
    expect(links.map((link) => link.name)).toEqual([
      'ada-s1-t001-sfw-enhanced.jpg',
      'ada-s1-t002-sfw-enhanced.jpg',
      'ada-s2-t001-nsfw-enhanced.jpg',
    ]);
    for (const link of links) {
      expect(link).toMatchObject({ stage: 'enhanced', storage: 'local', reachableFrom: 'this-machine' });
      expect(link.url.startsWith('http://127.0.0.1:')).toBe(true);
      const response = await fetch(link.url);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe(`bytes of ${link.key}`);
      const sevenDays = 7 * 24 * 3600 * 1000;
      expect(link.expiresAt.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + sevenDays);
      expect(link.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + sevenDays);
    }
    expect(links[2]?.rating).toBe('nsfw');
  });

  it('shares the chosen stages and ratings, source photos first', async () => {
    const links = await studio.share('ada', { stages: ['swapped', 'source'], ratings: ['sfw'] });
    expect(links.map((link) => [link.stage, link.key])).toEqual([
      ['source', storageKeys.source('ada', 1)],
      ['source', storageKeys.source('ada', 2)],
      ['swapped', result('sfw', 1, 1, 'swapped')],
    ]);
    expect((await studio.share('ada', { ratings: ['nsfw'] })).map((link) => link.name)).toEqual([
      'ada-s2-t001-nsfw-enhanced.jpg',
    ]);
  });

  it('never signs a key outside the model, even when such files sit in its folders', async () => {
    await workspace.createModel('ada-2');
    await workspace.setConsent('ada-2', consent(['swap', 'publish']));
    const stray = [
      // another model's result name in ada's folder, and ada-2's own result (its prefix starts with "ada")
      'models/ada/results/sfw/source_1/enhanced/ada-2-s1-t001-sfw-enhanced.jpg',
      storageKeys.result({ model: 'ada-2', source: 1, target: 1, rating: 'sfw', stage: 'enhanced' }),
      // a result in the wrong folder, a non-canonical number, a caption, a deeper folder, a source of ada-2
      'models/ada/results/sfw/source_2/enhanced/ada-s1-t003-sfw-enhanced.jpg',
      'models/ada/results/sfw/source_1/enhanced/ada-s1-t0004-sfw-enhanced.jpg',
      storageKeys.caption({ model: 'ada', source: 1, target: 1, rating: 'sfw' }),
      'models/ada/results/sfw/source_1/enhanced/old/ada-s1-t005-sfw-enhanced.jpg',
      'models/ada/source/ada-2-source-1.jpg',
      'models.json.bak',
    ];
    for (const key of stray) await storage.put(key, bytesOf('not ada'));
    const links = await studio.share('ada', { stages: ['enhanced', 'swapped', 'source'] });
    expect(links.map((link) => link.key).sort()).toEqual(
      [
        storageKeys.source('ada', 1),
        storageKeys.source('ada', 2),
        result('sfw', 1, 1, 'swapped'),
        result('sfw', 1, 1, 'enhanced'),
        result('sfw', 1, 2, 'enhanced'),
        result('nsfw', 2, 1, 'enhanced'),
      ].sort(),
    );
    // A link edited to point at another model's file is refused by the server.
    const link = links.find((candidate) => candidate.name === 'ada-s1-t001-sfw-enhanced.jpg');
    const edited = link?.url.replaceAll('ada', 'ada-2') ?? '';
    expect(edited).toContain('/models/ada-2/results/sfw/source_1/enhanced/ada-2-s1-t001-sfw-enhanced.jpg?');
    expect((await fetch(edited)).status).toBe(403);
  });

  it('refuses a link past its expiry', async () => {
    const [link] = await studio.share('ada', { expiresIn: 1 });
    if (!link) throw new Error('expected a link');
    expect((await fetch(link.url)).status).toBe(200);
    while (Date.now() < link.expiresAt.getTime() + 1100) await new Promise((resolve) => setTimeout(resolve, 200));
    const response = await fetch(link.url);
    expect(response.status).toBe(403);
    expect(await response.text()).toMatch(/expired/);
  });

  it('needs consent to publish every shared rating, and refuses a revoked record even with nothing to share', async () => {
    await workspace.setConsent('ada', consent(['swap', 'train']));
    const noPublish = await studio.share('ada').catch((error: unknown) => error);
    expect(ConsentError.isInstance(noPublish) && noPublish.missing).toEqual([
      'use "publish" not allowed (allowed uses: [swap, train])',
    ]);
    await workspace.setConsent('ada', consent(['swap', 'publish'], ['sfw']));
    const nsfw = await studio.share('ada').catch((error: unknown) => error);
    expect(ConsentError.isInstance(nsfw) && nsfw.message).toMatch(/rating "nsfw" not in allowed ratings \[sfw\]/);
    expect(await studio.share('ada', { ratings: ['sfw'] })).toHaveLength(2);
    await workspace.revokeConsent('ada', { reason: 'subject asked' });
    const revoked = await studio.share('ada', { ratings: ['sfw'], stages: ['source'] }).catch((error) => error);
    expect(ConsentError.isInstance(revoked) && revoked.message).toMatch(/revoked at/);
  });

  it('refuses bad options and unknown models with typed errors that say what to do', async () => {
    const refusal = (options: Parameters<Studio['share']>[1]) =>
      studio.share('ada', options).catch((error: unknown) => error);
    for (const [options, field] of [
      [{ expiresIn: 0 }, 'expiresIn'],
      [{ expiresIn: 1.5 }, 'expiresIn'],
      [{ stages: [] }, 'stages'],
      [{ stages: ['final'] }, 'stages'],
      [{ ratings: ['NSFW'] }, 'rating'],
    ] as const) {
      const error = await refusal(options as Parameters<Studio['share']>[1]);
      expect(ValidationError.isInstance(error) && error.field, JSON.stringify(options)).toBe(field);
    }
    const tooLong = await refusal({ expiresIn: 8 * 24 * 3600 });
    expect(ValidationError.isInstance(tooLong) && tooLong.message).toMatch(/at most 604800/);
    const unknown = await studio.share('bob').catch((error: unknown) => error);
    expect(NotFoundError.isInstance(unknown)).toBe(true);
    const badName = await studio.share('../ada').catch((error: unknown) => error);
    expect(ValidationError.isInstance(badName)).toBe(true);
  });

  it('says how to get links when the storage cannot sign them', async () => {
    const plain = new LocalStorage({ root });
    const plainWorkspace = await openWorkspace({ root, storage: plain });
    const plainStudio = createStudio({ workspace: plainWorkspace });
    try {
      const error = await plainStudio.share('ada').catch((caught: unknown) => caught);
      expect(ValidationError.isInstance(error) && error.message).toMatch(/cannot sign URLs.*S3Storage.*signedUrls/);
    } finally {
      await plainStudio.close();
      await plainWorkspace.close();
      await plain.close();
    }
  });

  it('returns no links for a model without results', async () => {
    await workspace.createModel('bea');
    await workspace.setConsent('bea', consent(['publish']));
    expect(await studio.share('bea', { stages: ['enhanced', 'source'] })).toEqual([]);
  });
});
