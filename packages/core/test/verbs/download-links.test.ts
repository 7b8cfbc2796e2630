/**
 * `studio.downloadLinks` on a real LocalStorage with its loopback signed-URL server: the owner's short-lived links,
 * fetched over real HTTP, without the `publish` consent that `studio.share` needs.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConsentError,
  createStudio,
  DEFAULT_DOWNLOAD_EXPIRES_IN,
  LocalStorage,
  NotFoundError,
  openWorkspace,
  type Studio,
  storageKeys,
  ValidationError,
  type Workspace,
} from '@model-studio/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const bytesOf = (text: string) => new TextEncoder().encode(text);

let root: string;
let storage: LocalStorage;
let workspace: Workspace;
let studio: Studio;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'core-download-'));
  storage = new LocalStorage({ root, signedUrls: {} });
  workspace = await openWorkspace({ root, storage });
  studio = createStudio({ workspace });
  await workspace.createModel('ada');
  // Consent to swap only: no `publish`, so studio.share refuses.
  await workspace.setConsent('ada', {
    subject: 'Ada (test subject)',
    adultAttested: true,
    attestedBy: 'download tests',
    allowedRatings: ['sfw'],
    allowedUses: ['swap'],
    obtainedAt: '2026-01-15T10:00:00Z',
    evidenceRef: 'consent/ada.pdf',
  });
  for (const key of [
    storageKeys.source('ada', 1),
    storageKeys.result({ model: 'ada', source: 1, target: 1, rating: 'sfw', stage: 'enhanced' }),
    storageKeys.result({ model: 'ada', source: 1, target: 1, rating: 'sfw', stage: 'swapped' }),
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

describe('studio.downloadLinks', () => {
  it('signs 15-minute links that serve the stored bytes, where share needs publish consent', async () => {
    await expect(studio.share('ada')).rejects.toBeInstanceOf(ConsentError);
    const before = Date.now();
    const links = await studio.downloadLinks('ada');
    expect(links.map((link) => link.name)).toEqual(['ada-s1-t001-sfw-enhanced.jpg']);
    const [link] = links;
    expect(link).toMatchObject({ stage: 'enhanced', rating: 'sfw', storage: 'local', reachableFrom: 'this-machine' });
    const response = await fetch(link?.url ?? '');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(`bytes of ${link?.key}`);
    const lifetime = DEFAULT_DOWNLOAD_EXPIRES_IN * 1000;
    expect(DEFAULT_DOWNLOAD_EXPIRES_IN).toBe(900);
    expect(link?.expiresAt.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + lifetime);
    expect(link?.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + lifetime);
  });

  it('takes stages and a lifetime up to 7 days', async () => {
    const links = await studio.downloadLinks('ada', { stages: ['source', 'swapped'], expiresIn: 604_800 });
    expect(links.map((link) => link.name)).toEqual(['ada-source-1.jpg', 'ada-s1-t001-sfw-swapped.jpg']);
    expect(links[0]?.expiresAt.getTime()).toBeGreaterThan(Date.now() + 6 * 24 * 3600 * 1000);
  });

  it('refuses an unknown model, bad options and a storage that cannot sign, with typed errors', async () => {
    await expect(studio.downloadLinks('nobody')).rejects.toBeInstanceOf(NotFoundError);
    await expect(studio.downloadLinks('ada', { expiresIn: 0 })).rejects.toThrow(/positive whole number/);
    await expect(studio.downloadLinks('ada', { expiresIn: 0 })).rejects.toBeInstanceOf(ValidationError);
    await expect(studio.downloadLinks('../x')).rejects.toBeInstanceOf(ValidationError);
    const unsigned = await openWorkspace({ root, storage: new LocalStorage({ root }) });
    const plain = createStudio({ workspace: unsigned });
    await expect(plain.downloadLinks('ada')).rejects.toThrow(/cannot sign URLs/);
    await plain.close();
    await unsigned.close();
  });
});
