/**
 * What the web dashboard asks of the API in one call each, over real HTTP against a started server (sandboxes): the
 * model list with the cards' summaries (paged), a result's target photo link for the before/after comparison, and the
 * provider's credits left (SANDBOX).
 */
import { LocalStorage, storageKeys } from '@model-studio/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServer, fixture, startApiServer, type TestUser, testConsent } from './api-rig.js';

let server: ApiServer;
let ada: TestUser;
let bob: TestUser;
const bytes = (text: string) => new TextEncoder().encode(text);

/** Writes files straight into the workspace's storage (as a finished run and an import would have left them). */
async function store(files: Record<string, string>): Promise<void> {
  const storage = new LocalStorage({ root: server.root });
  for (const [key, text] of Object.entries(files)) await storage.put(key, bytes(text), { contentType: 'image/jpeg' });
  await storage.close();
}

/** A JPEG's pixel size, from its start-of-frame segment. */
function jpegSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 2; at + 9 < bytes.length; at += 2 + view.getUint16(at + 2)) {
    const marker = view.getUint8(at + 1);
    if (marker >= 0xc0 && marker <= 0xc2) return { width: view.getUint16(at + 7), height: view.getUint16(at + 5) };
  }
  return undefined;
}

beforeAll(async () => {
  server = await startApiServer();
  [ada, bob] = await Promise.all([server.user('ada'), server.user('bob')]);
  for (const name of ['cleo', 'ann', 'bea']) {
    expect((await ada.client.POST('/v1/models', { body: { name } })).response.status).toBe(201);
  }
  expect((await bob.client.POST('/v1/models', { body: { name: 'bobs' } })).response.status).toBe(201);
  await ada.client.PUT('/v1/models/{model}/consent', { params: { path: { model: 'ann' } }, body: testConsent() });
  await store({
    [storageKeys.source('ann', 1)]: 'ann source 1',
    [storageKeys.target('ann', 'sfw', 1)]: 'ann target 1',
    [storageKeys.result({ model: 'ann', source: 1, target: 1, rating: 'sfw', stage: 'enhanced' })]: 'enhanced 1',
    [storageKeys.result({ model: 'ann', source: 1, target: 1, rating: 'sfw', stage: 'swapped' })]: 'swapped 1',
    // Its target was deleted since: the result keeps no target link.
    [storageKeys.result({ model: 'ann', source: 1, target: 2, rating: 'sfw', stage: 'enhanced' })]: 'enhanced 2',
  });
}, 60_000);

afterAll(async () => {
  await server?.close();
});

describe('GET /v1/models', () => {
  it("pages the caller's models in name order, with the cards' summaries on request", async () => {
    const first = await ada.client.GET('/v1/models', { params: { query: { include: 'summary', limit: 2 } } });
    expect(first.data?.models.map((model) => model.name)).toEqual(['ann', 'bea']);
    expect(first.data?.nextCursor).toBe('bea');
    expect(first.data?.sandbox).toBe(true);
    const ann = first.data?.models[0]?.summary;
    expect(ann).toMatchObject({
      sources: 1,
      targets: { sfw: 1 },
      results: { sfw: 2 },
      consent: 'recorded',
      allowedRatings: ['sfw'],
    });
    expect(await (await fetch(ann?.thumbnail?.url ?? '')).text()).toBe('ann source 1');
    expect(Date.parse(ann?.thumbnail?.expiresAt ?? '')).toBeLessThanOrEqual(Date.now() + 901_000);
    expect(first.data?.models[1]?.summary).toMatchObject({ sources: 0, consent: 'none' });
    expect(first.data?.models[1]?.summary?.thumbnail).toBeUndefined();

    const next = await ada.client.GET('/v1/models', { params: { query: { include: 'summary', cursor: 'bea' } } });
    expect(next.data?.models.map((model) => model.name)).toEqual(['cleo']);
    expect(next.data?.nextCursor).toBeUndefined();
    const plain = await ada.client.GET('/v1/models');
    expect(plain.data?.models).toEqual([{ name: 'ann' }, { name: 'bea' }, { name: 'cleo' }]);
  });

  it("thumbnails a model's first source photo in a small copy, deleted with the model's data", async () => {
    const photo = await fixture('photos/grace_hopper.jpg');
    expect((await ada.client.POST('/v1/models', { body: { name: 'dora' } })).response.status).toBe(201);
    await ada.client.PUT('/v1/models/{model}/consent', { params: { path: { model: 'dora' } }, body: testConsent() });
    const storage = new LocalStorage({ root: server.root });
    await storage.put(storageKeys.source('dora', 1), photo, { contentType: 'image/jpeg' });
    const listed = await ada.client.GET('/v1/models', { params: { query: { include: 'summary', cursor: 'cleo' } } });
    const url = new URL(listed.data?.models[0]?.summary?.thumbnail?.url ?? '');
    expect(url.pathname).toBe('/models/dora/thumbnails/dora-source-1.jpg');
    const small = new Uint8Array(await (await fetch(url)).arrayBuffer());
    expect(small.subarray(0, 2)).toEqual(new Uint8Array([0xff, 0xd8]));
    expect(jpegSize(photo)).toEqual({ width: 512, height: 512 });
    expect(jpegSize(small)).toEqual({ width: 400, height: 400 });
    const revoked = await server.api(ada.key, 'POST', '/v1/models/dora/consent/revoke', {
      reason: 'test: subject withdrew',
      deleteData: true,
    });
    expect(revoked.status).toBe(200);
    expect(await storage.head('models/dora/thumbnails/dora-source-1.jpg')).toBeUndefined();
    await storage.close();
  }, 60_000);

  it("carries each card's newest job, and never another user's models", async () => {
    const job = await ada.client.POST('/v1/models/{model}/runs', { params: { path: { model: 'bea' } }, body: {} });
    const listed = await ada.client.GET('/v1/models', { params: { query: { include: 'summary' } } });
    expect(job.response.status).toBe(202);
    const bea = listed.data?.models.find((model) => model.name === 'bea');
    expect(bea?.summary?.lastJob).toMatchObject({ id: job.data?.id, type: 'run' });
    expect(listed.data?.models.find((model) => model.name === 'cleo')?.summary?.lastJob).toBeUndefined();
    const bobs = await bob.client.GET('/v1/models', { params: { query: { include: 'summary' } } });
    expect(bobs.data?.models.map((model) => model.name)).toEqual(['bobs']);
  }, 60_000);

  it('refuses a bad page size or inclusion with problem details', async () => {
    for (const query of ['limit=0', 'limit=201', 'include=everything']) {
      const refused = await server.api(ada.key, 'GET', `/v1/models?${query}`);
      expect(refused.status).toBe(400);
      expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
  });
});

describe('GET /v1/models/:model/results', () => {
  it('gives each result a short-lived signed link to its target photo, when stored', async () => {
    const { data } = await ada.client.GET('/v1/models/{model}/results', {
      params: { path: { model: 'ann' }, query: { stage: 'enhanced,swapped,source' } },
    });
    const byName = new Map(data?.results.map((link) => [link.name, link]));
    const enhanced = byName.get('ann-s1-t001-sfw-enhanced.jpg');
    expect(enhanced?.target?.name).toBe('ann-t001.jpg');
    expect(await (await fetch(enhanced?.target?.url ?? '')).text()).toBe('ann target 1');
    expect(Date.parse(enhanced?.target?.expiresAt ?? '')).toBeLessThanOrEqual(Date.now() + 901_000);
    expect(byName.get('ann-s1-t001-sfw-swapped.jpg')?.target?.name).toBe('ann-t001.jpg');
    expect(byName.get('ann-s1-t002-sfw-enhanced.jpg')?.target).toBeUndefined();
    expect(byName.get('ann-source-1.jpg')?.target).toBeUndefined();
    const others = await server.api(bob.key, 'GET', '/v1/models/ann/results');
    expect(others.status).toBe(404);
  });
});

describe('GET /v1/credits', () => {
  it("answers the MaxStudio sandbox's credits left, labelled SANDBOX", async () => {
    const { data } = await ada.client.GET('/v1/credits');
    // A fresh sandbox state starts with 10,000 SANDBOX credits (the sandbox's documented default).
    expect(data).toMatchObject({ known: true, balance: 10_000, unit: 'credits', sandbox: true });
    expect(data?.provider).toMatch(/^SANDBOX: MaxStudio sandbox/);
    const anonymous = await server.api(undefined, 'GET', '/v1/credits');
    expect(anonymous.status).toBe(401);
  });
});
