/**
 * The API over real HTTP against a started server (sandboxes, embedded queue): models, consent, uploads through the
 * import checks (each bad image refused with its reason), limits, estimate, status, costs, signed result links.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalStorage, storageKeys } from '@model-studio/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiServer,
  fixture,
  fixtures,
  formOf,
  startApiServer,
  type TestUser,
  testConsent,
  upload,
} from './api-rig.js';

let server: ApiServer;
let ada: TestUser;

beforeAll(async () => {
  server = await startApiServer({ STUDIO_UPLOAD_MAX_BYTES: String(1_250_000) });
  ada = await server.user('ada');
  const created = await ada.client.POST('/v1/models', {
    body: { name: 'grace', settings: { thresholds: { minShortSide: 256 } } },
  });
  expect(created.response.status).toBe(201);
}, 60_000);

afterAll(async () => {
  await server?.close();
});

describe('models and consent', () => {
  it('lists the caller’s models and answers an overview', async () => {
    const { data } = await ada.client.GET('/v1/models');
    expect(data?.models.map((model) => model.name)).toEqual(['grace']);
    const overview = await ada.client.GET('/v1/models/{model}', { params: { path: { model: 'grace' } } });
    expect(overview.data).toMatchObject({ name: 'grace', sources: 0, consent: 'none', sandbox: true });
  });

  it('refuses a taken model name and a bad one with problem details', async () => {
    const taken = await server.api(ada.key, 'POST', '/v1/models', { name: 'grace' });
    expect(taken.status).toBe(400);
    expect(taken.body).toMatchObject({ code: 'ValidationError', status: 400 });
    const bad = await server.api(ada.key, 'POST', '/v1/models', { name: '../etc' });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('records consent, refusing an incomplete record', async () => {
    const path = { params: { path: { model: 'grace' } } };
    const none = await ada.client.GET('/v1/models/{model}/consent', path);
    expect(none.data?.consent).toBeNull();
    const incomplete = await server.api(ada.key, 'PUT', '/v1/models/grace/consent', { subject: 'x' });
    expect(incomplete.status).toBe(400);
    const set = await ada.client.PUT('/v1/models/{model}/consent', { ...path, body: testConsent() });
    expect(set.data?.consent?.subject).toContain('Grace Hopper');
  });
});

describe('uploads', () => {
  it('imports a source photo through the import checks and lists it', async () => {
    const result = await upload(
      server,
      ada.key,
      '/v1/models/grace/sources',
      formOf([{ name: 'portrait.jpg', bytes: await fixture('photos/grace_hopper.jpg') }]),
    );
    expect(result.status).toBe(200);
    expect(result.body.results).toEqual([{ name: 'portrait.jpg', accepted: true, storedName: 'grace-source-1.jpg' }]);
    const listed = await ada.client.GET('/v1/models/{model}/sources', { params: { path: { model: 'grace' } } });
    expect(listed.data?.sources).toEqual([{ number: 1, name: 'grace-source-1.jpg' }]);
  }, 60_000);

  it('refuses each bad image with its reason and answers 200 for the batch', async () => {
    const names = (await readdir(join(fixtures, 'bad-images'))).sort();
    const files = await Promise.all(names.map(async (name) => ({ name, bytes: await fixture(`bad-images/${name}`) })));
    const result = await upload(server, ada.key, '/v1/models/grace/sources', formOf(files));
    expect(result.status).toBe(200);
    const reasons = Object.fromEntries(
      (result.body.results as { name: string; accepted: boolean; reason?: { code: string } }[]).map((entry) => [
        entry.name,
        entry.accepted ? 'accepted' : entry.reason?.code,
      ]),
    );
    expect(reasons).toEqual(expectedReasons);
    // Content that starts like no image format is refused from its first bytes, without reading the rest.
    const text = result.body.results.find((entry: { name: string }) => entry.name === 'text-renamed.jpg');
    expect(text.reason.message).toMatch(/first bytes are no image format/);
    for (const entry of result.body.results) {
      expect(entry.reason.message.length).toBeGreaterThan(10);
      expect(['file', 'duplicate', 'face', 'consent']).toContain(entry.reason.category);
    }
  }, 120_000);

  it('answers 413 problem details for a file over the size limit and for too many files', async () => {
    const big = await upload(
      server,
      ada.key,
      '/v1/models/grace/sources',
      formOf([{ name: 'big.jpg', bytes: new Uint8Array(1_300_000).fill(7) }]),
    );
    expect(big.status).toBe(413);
    expect(big.body).toMatchObject({ status: 413, code: 'PayloadTooLarge' });
    const tiny = await fixture('bad-images/tiny-16x16.png');
    const many = Array.from({ length: 51 }, (_, n) => ({ name: `t${n}.png`, bytes: tiny }));
    const tooMany = await upload(server, ada.key, '/v1/models/grace/sources', formOf(many));
    expect(tooMany.status).toBe(413);
    expect(tooMany.body.code).toBe('PayloadTooLarge');
  });

  it('imports targets with their provenance fields, refusing a photo without a face', async () => {
    const missing = await upload(
      server,
      ada.key,
      '/v1/models/grace/targets',
      formOf([{ name: 'scene.jpg', bytes: await fixture('photos/grace_hopper_tilt25.jpg') }]),
    );
    expect(missing.status).toBe(400);
    expect(missing.body.detail).toMatch(/rightsStatement/);
    const result = await upload(
      server,
      ada.key,
      '/v1/models/grace/targets',
      formOf(
        [
          { name: 'scene.jpg', bytes: await fixture('photos/grace_hopper_tilt25.jpg') },
          { name: 'coffee.jpg', bytes: await fixture('photos/coffee.jpg') },
        ],
        { rating: 'sfw', origin: 'examples/cli/samples', rightsStatement: 'public domain / CC0' },
      ),
    );
    expect(result.status).toBe(200);
    expect(result.body.results[0]).toEqual({ name: 'scene.jpg', accepted: true, storedName: 'grace-t001.jpg' });
    expect(result.body.results[1]).toMatchObject({ name: 'coffee.jpg', accepted: false, reason: { code: 'no-face' } });
    const listed = await ada.client.GET('/v1/models/{model}/targets', { params: { path: { model: 'grace' } } });
    expect(listed.data?.targets).toEqual([
      {
        rating: 'sfw',
        number: 1,
        name: 'grace-t001.jpg',
        origin: 'examples/cli/samples/scene.jpg',
        rightsStatement: 'public domain / CC0',
      },
    ]);
  }, 60_000);
});

describe('plan, results and links', () => {
  it('estimates a run, and reports status and costs', async () => {
    const path = { params: { path: { model: 'grace' } } };
    const estimate = await ada.client.POST('/v1/models/{model}/estimate', { ...path, body: {} });
    expect(estimate.data).toMatchObject({ units: 1, ratings: ['sfw'], alreadyDone: 0, sandbox: true });
    expect(estimate.data?.total.credits).toBeGreaterThan(0);
    const status = await ada.client.GET('/v1/models/{model}/status', path);
    expect(status.data?.units.total).toBe(0);
    const costs = await ada.client.GET('/v1/models/{model}/costs', path);
    expect(costs.data?.model).toBe('grace');
  }, 60_000);

  it('gives the owner short-lived signed links that download the bytes, and share links only with publish consent', async () => {
    const key = storageKeys.result({ model: 'grace', source: 1, target: 1, rating: 'sfw', stage: 'enhanced' });
    const storage = new LocalStorage({ root: server.root });
    const bytes = new TextEncoder().encode('enhanced result bytes');
    await storage.put(key, bytes, { contentType: 'image/jpeg' });
    await storage.close();
    const path = { params: { path: { model: 'grace' } } };
    const before = Date.now();
    const { data } = await ada.client.GET('/v1/models/{model}/results', path);
    expect(data?.results.map((link) => link.name)).toEqual(['grace-s1-t001-sfw-enhanced.jpg']);
    const link = data?.results[0];
    expect(Date.parse(link?.expiresAt ?? '')).toBeLessThanOrEqual(before + 901_000);
    const download = await fetch(link?.url ?? '');
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(bytes);
    const week = await ada.client.GET('/v1/models/{model}/results', {
      params: { path: { model: 'grace' }, query: { expiresIn: 604_800 } },
    });
    expect(Date.parse(week.data?.results[0]?.expiresAt ?? '')).toBeGreaterThan(before + 6 * 86_400_000);
    const tooLong = await server.api(ada.key, 'GET', '/v1/models/grace/results?expiresIn=604801');
    expect(tooLong.status).toBe(400);

    const refused = await server.api(ada.key, 'POST', '/v1/models/grace/links', {});
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('ConsentError');
    await ada.client.PUT('/v1/models/{model}/consent', { ...path, body: testConsent(['swap', 'publish']) });
    const shared = await ada.client.POST('/v1/models/{model}/links', { ...path, body: { expiresIn: 604_800 } });
    expect(shared.data?.links).toHaveLength(1);
    expect(await (await fetch(shared.data?.links[0]?.url ?? '')).text()).toBe('enhanced result bytes');
  }, 60_000);

  it('revokes consent and deletes the data on request', async () => {
    const revoked = await server.api(ada.key, 'POST', '/v1/models/grace/consent/revoke', {
      reason: 'test: subject withdrew',
      deleteData: true,
    });
    expect(revoked.status).toBe(200);
    expect(revoked.body.consent.revokedAt).toBeTruthy();
    expect(revoked.body.deletedKeys).toBeGreaterThan(0);
    const overview = await ada.client.GET('/v1/models/{model}', { params: { path: { model: 'grace' } } });
    expect(overview.data).toMatchObject({ consent: 'revoked', sources: 0 });
  }, 60_000);
});

/**
 * The import's reason for each bad image (a source import; the model's minimum short side is 256 px). Each file is
 * refused; `png-renamed.jpg` is a real photo (a cat) with a wrong extension: judged by its bytes, it has no face.
 */
const expectedReasons: Record<string, string> = {
  'animated.gif': 'animated',
  'corrupt-scan-data.jpg': 'unreadable',
  'html-renamed.png': 'not-an-image',
  'huge-20000x20000-solid.png': 'too-many-pixels',
  'multipage.tif': 'unsupported-format',
  'one-pixel.jpg': 'too-small',
  'png-renamed.jpg': 'no-face',
  'random-bytes.jpg': 'not-an-image',
  'skimage-truncated.jpg': 'unreadable',
  'strip-30000x8.png': 'too-small',
  'svg-disguised.jpg': 'unsupported-format',
  'text-renamed.jpg': 'not-an-image',
  'tiny-16x16.png': 'too-small',
  'truncated-half.jpg': 'unreadable',
  'truncated-header-only.jpg': 'unreadable',
  'zero-byte.jpg': 'unreadable',
};
