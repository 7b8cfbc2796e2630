/**
 * Captions, datasets, pre-flight and LoRA routes over real HTTP, after a sandbox run and captioning through the job
 * routes (photos imported through the upload routes). A sandbox training job gives a LoRA version to list, show,
 * promote and download through a signed link.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServer, fixture, formOf, startApiServer, type TestUser, testConsent, upload } from './api-rig.js';

let server: ApiServer;
let ada: TestUser;
const path = { params: { path: { model: 'hopper' } } };

async function waitForJob(id: string): Promise<{ state: string; error?: unknown; result?: unknown }> {
  for (let n = 0; n < 2400; n++) {
    const { data } = await ada.client.GET('/v1/jobs/{id}', { params: { path: { id } } });
    if (data && ['completed', 'failed', 'cancelled', 'stopped'].includes(data.state)) return data;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`job ${id} did not end`);
}

beforeAll(async () => {
  server = await startApiServer();
  ada = await server.user('ada');
  await ada.client.POST('/v1/models', { body: { name: 'hopper', settings: { thresholds: { minShortSide: 256 } } } });
  await ada.client.PUT('/v1/models/{model}/consent', { ...path, body: testConsent(['swap', 'train']) });
  const source = formOf([{ name: 'grace.jpg', bytes: await fixture('photos/grace_hopper.jpg') }]);
  expect((await upload(server, ada.key, '/v1/models/hopper/sources', source)).body.results[0].accepted).toBe(true);
  const target = formOf([{ name: 'tilt.jpg', bytes: await fixture('photos/grace_hopper_tilt25.jpg') }], {
    rating: 'sfw',
    origin: 'examples/cli/samples',
    rightsStatement: 'public domain',
  });
  expect((await upload(server, ada.key, '/v1/models/hopper/targets', target)).body.results[0].accepted).toBe(true);
  const run = await server.api(ada.key, 'POST', '/v1/models/hopper/runs', {});
  expect(run.status).toBe(202);
  expect((await waitForJob(run.body.id)).state).toBe('completed');
  const caption = await server.api(ada.key, 'POST', '/v1/models/hopper/captions/jobs', {});
  expect((await waitForJob(caption.body.id)).state).toBe('completed');
}, 180_000);

afterAll(async () => {
  await server?.close();
});

describe('captions', () => {
  it('lists captions with their checks, reviews, edits one, previews and applies bulk edits, undoes', async () => {
    const listed = await ada.client.GET('/v1/models/{model}/captions', path);
    const captions = listed.data?.captions ?? [];
    expect(captions).toHaveLength(1);
    const [first] = captions;
    expect(first).toMatchObject({ rating: 'sfw', state: 'generated', source: 'captioner' });
    const name = first?.name ?? '';
    const preview = await ada.client.POST('/v1/models/{model}/captions/reviewed', { ...path, body: { dryRun: true } });
    expect(preview.data).toMatchObject({ dryRun: true, changes: [{ name }] });
    const reviewed = await ada.client.POST('/v1/models/{model}/captions/reviewed', {
      ...path,
      body: { dryRun: false },
    });
    expect(reviewed.data?.operation).toBeTruthy();
    const byState = await ada.client.GET('/v1/models/{model}/captions', {
      params: { path: { model: 'hopper' }, query: { state: 'reviewed' } },
    });
    expect(byState.data?.captions.map((caption) => caption.name)).toEqual([name]);
    const set = await ada.client.PATCH('/v1/models/{model}/captions/{name}', {
      params: { path: { model: 'hopper', name } },
      body: { text: 'hopper person, portrait, studio light' },
    });
    expect(set.data?.changes[0]?.after).toBe('hopper person, portrait, studio light');
    const dry = await ada.client.POST('/v1/models/{model}/captions/edits', {
      ...path,
      body: { action: 'replace', pattern: 'studio light', text: 'soft light', dryRun: true },
    });
    expect(dry.data).toMatchObject({ dryRun: true, changes: [{ after: 'hopper person, portrait, soft light' }] });
    expect(dry.data?.operation).toBeUndefined();
    const applied = await ada.client.POST('/v1/models/{model}/captions/edits', {
      ...path,
      body: { action: 'suffix', text: ', smiling', dryRun: false },
    });
    expect(applied.data?.changes[0]?.after).toBe('hopper person, portrait, studio light, smiling');
    const undone = await ada.client.POST('/v1/models/{model}/captions/undo', { ...path, body: {} });
    expect(undone.data?.restored).toEqual([name]);
    const after = await ada.client.GET('/v1/models/{model}/captions', path);
    expect(after.data?.captions.map((caption) => caption.text)).toEqual(['hopper person, portrait, studio light']);
    const badRegex = await server.api(ada.key, 'POST', '/v1/models/hopper/captions/edits', {
      action: 'replace',
      pattern: '(',
      text: 'x',
    });
    expect(badRegex.status).toBe(400);
    expect(badRegex.body.code).toBe('ValidationError');
  });
});

describe('datasets, pre-flight and LoRA versions', () => {
  it('builds a dataset, lists it and runs the pre-flight checks', async () => {
    const built = await ada.client.POST('/v1/models/{model}/datasets', { ...path, body: { version: 'v1' } });
    expect(built.response.status).toBe(201);
    expect(built.data?.selected).toHaveLength(1);
    const listed = await ada.client.GET('/v1/models/{model}/datasets', path);
    expect(listed.data?.datasets.map((dataset) => dataset.version)).toEqual(['v1']);
    const preflight = await ada.client.POST('/v1/models/{model}/trainings/preflight', { ...path, body: {} });
    expect(preflight.data?.engine).toBe('simpletuner');
    expect(preflight.data?.findings.length).toBeGreaterThan(0);
    const missing = await server.api(ada.key, 'POST', '/v1/models/hopper/trainings/preflight', { dataset: 'v9' });
    expect(missing.status).toBe(404);
  });

  it('trains a sandbox LoRA, then lists, shows, promotes and links it', async () => {
    const train = await server.api(ada.key, 'POST', '/v1/models/hopper/trainings', { dataset: 'v1', steps: 4 });
    expect(train.status).toBe(202);
    const ended = await waitForJob(train.body.id);
    expect(ended.state, JSON.stringify(ended.error)).toBe('completed');
    const loras = await ada.client.GET('/v1/models/{model}/loras', path);
    expect(loras.data?.loras).toHaveLength(1);
    const version = loras.data?.loras[0]?.version ?? '';
    expect(loras.data?.loras[0]).toMatchObject({ sandbox: true, final: false });
    const versionPath = { params: { path: { model: 'hopper', version } } };
    const shown = await ada.client.GET('/v1/models/{model}/loras/{version}', versionPath);
    expect(shown.data).toMatchObject({ final: false });
    const promoted = await ada.client.POST('/v1/models/{model}/loras/{version}/promote', versionPath);
    expect(promoted.data?.version).toBe(version);
    const link = await ada.client.POST('/v1/models/{model}/loras/{version}/links', { ...versionPath, body: {} });
    const download = await fetch(link.data?.url ?? '');
    expect(download.status).toBe(200);
    expect((await download.arrayBuffer()).byteLength).toBe(link.data?.size);
    const missing = await server.api(ada.key, 'GET', '/v1/models/hopper/loras/v9');
    expect(missing.status).toBe(404);
    const compare = await server.api(ada.key, 'GET', `/v1/models/hopper/loras/compare?a=${version}&b=v9`);
    expect(compare.status).toBe(404);
  }, 300_000);

  it('trains with ai-toolkit at the rank asked for, and refuses another engine for that version', async () => {
    const body = { dataset: 'v1', version: 'aitk', engine: 'ai-toolkit', rank: 4, steps: 4 };
    const train = await server.api(ada.key, 'POST', '/v1/models/hopper/trainings', body);
    expect(train.status).toBe(202);
    const ended = await waitForJob(train.body.id);
    expect(ended.state, JSON.stringify(ended.error)).toBe('completed');
    expect(ended.result).toMatchObject({ version: 'aitk', engine: 'ai-toolkit', sandbox: true });
    const shown = await ada.client.GET('/v1/models/{model}/loras/{version}', {
      params: { path: { model: 'hopper', version: 'aitk' } },
    });
    expect(shown.data?.record).toMatchObject({ engine: 'ai-toolkit' });
    const other = await server.api(ada.key, 'POST', '/v1/models/hopper/trainings', { ...body, engine: 'simpletuner' });
    const refused = await waitForJob(other.body.id);
    expect(refused.state).toBe('failed');
    expect(JSON.stringify(refused.error)).toMatch(/started with ai-toolkit/);
    const bad = await server.api(ada.key, 'POST', '/v1/models/hopper/trainings', { ...body, rank: 0 });
    expect(bad.status).toBe(400);
  }, 120_000);
});
