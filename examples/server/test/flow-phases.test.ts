/**
 * The whole Phase 1 + Phase 2 flow through the typed client against a started server (sandboxes, embedded queue):
 * model, consent, uploads, estimate, a run job followed over a WebSocket to its end, results, a captioning job, a
 * dataset, a training job followed over SSE (progress, loss), LoRA versions and costs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type ApiServer, fixture, formOf, startApiServer, type TestUser, testConsent, upload } from './api-rig.js';

let server: ApiServer;
let ada: TestUser;
const model = { params: { path: { model: 'flow' } } };

interface Streamed {
  seq?: number;
  type: string;
  data?: Record<string, unknown>;
  job?: { state: string; result?: Record<string, unknown> } | null;
}

/** Every message of a job's event WebSocket until the server closes it. */
function followOverWebSocket(id: string, key: string): Promise<Streamed[]> {
  const socket = new WebSocket(`${server.url.replace('http', 'ws')}/v1/jobs/${id}/events`, {
    headers: { authorization: `Bearer ${key}` },
  });
  const messages: Streamed[] = [];
  return new Promise((resolve, reject) => {
    socket.on('message', (data) => messages.push(JSON.parse(String(data)) as Streamed));
    socket.on('close', () => resolve(messages));
    socket.on('error', reject);
  });
}

/** Every event of a job's SSE stream until it ends. */
async function followOverSse(id: string, key: string): Promise<Streamed[]> {
  const response = await fetch(`${server.url}/v1/jobs/${id}/events`, {
    headers: { authorization: `Bearer ${key}`, accept: 'text/event-stream' },
  });
  const text = await response.text();
  return text
    .split('\n\n')
    .map((block) => block.split('\n').find((line) => line.startsWith('data: ')))
    .filter((line): line is string => line !== undefined)
    .map((line) => JSON.parse(line.slice('data: '.length)) as Streamed);
}

beforeAll(async () => {
  server = await startApiServer({ LOG_LEVEL: 'warn' });
  ada = await server.user('ada');
}, 120_000);

afterAll(async () => {
  await server?.close();
});

describe('Phase 1 + Phase 2 through the typed client', () => {
  it('creates a model, records consent and uploads photos', async () => {
    const created = await ada.client.POST('/v1/models', {
      body: { name: 'flow', settings: { thresholds: { minShortSide: 256 } } },
    });
    expect(created.response.status).toBe(201);
    const consent = await ada.client.PUT('/v1/models/{model}/consent', {
      ...model,
      body: testConsent(['swap', 'train']),
    });
    expect(consent.response.status).toBe(200);
    const source = formOf([{ name: 'grace.jpg', bytes: await fixture('photos/grace_hopper.jpg') }]);
    expect((await upload(server, ada.key, '/v1/models/flow/sources', source)).body.results[0].accepted).toBe(true);
    const targets = formOf([{ name: 'tilt.jpg', bytes: await fixture('photos/grace_hopper_tilt25.jpg') }], {
      rating: 'sfw',
      origin: 'examples/cli/samples',
      rightsStatement: 'public domain',
    });
    expect((await upload(server, ada.key, '/v1/models/flow/targets', targets)).body.results[0].accepted).toBe(true);
  }, 120_000);

  it('estimates, runs as a job followed over a WebSocket, and lists the results', async () => {
    const estimate = await ada.client.POST('/v1/models/{model}/estimate', { ...model, body: {} });
    expect(estimate.data).toMatchObject({ units: 1, sandbox: true });
    const run = await ada.client.POST('/v1/models/{model}/runs', { ...model, body: {} });
    expect(run.response.status).toBe(202);
    const id = run.data?.id ?? '';
    const events = await followOverWebSocket(id, ada.key);
    const types = events.map((event) => event.type);
    expect(types).toEqual(expect.arrayContaining(['run-start', 'unit-start', 'stage-end', 'unit-end', 'run-end']));
    expect(events.at(-1)).toMatchObject({ type: 'end', job: { state: 'completed', result: { sandbox: true } } });
    const job = await ada.client.GET('/v1/jobs/{id}', { params: { path: { id } } });
    expect(job.data).toMatchObject({ state: 'completed', result: { outcome: 'completed', succeeded: 1 } });
    const results = await ada.client.GET('/v1/models/{model}/results', model);
    expect(results.data?.results.length).toBeGreaterThan(0);
    const download = await fetch(results.data?.results[0]?.url ?? '');
    expect(download.status).toBe(200);
  }, 180_000);

  it('captions the results as a job, builds a dataset and trains a sandbox LoRA followed over SSE', async () => {
    const caption = await ada.client.POST('/v1/models/{model}/captions/jobs', { ...model, body: {} });
    expect(caption.response.status).toBe(202);
    const captionEvents = await followOverSse(caption.data?.id ?? '', ada.key);
    expect(captionEvents.at(-1)).toMatchObject({ job: { state: 'completed' } });
    const captions = await ada.client.GET('/v1/models/{model}/captions', model);
    expect(captions.data?.captions.length).toBeGreaterThan(0);
    const reviewed = await ada.client.POST('/v1/models/{model}/captions/reviewed', {
      ...model,
      body: { dryRun: false },
    });
    expect(reviewed.data?.changes.length).toBeGreaterThan(0);
    const dataset = await ada.client.POST('/v1/models/{model}/datasets', { ...model, body: { version: 'v1' } });
    expect(dataset.response.status, JSON.stringify(dataset.error)).toBe(201);

    const train = await ada.client.POST('/v1/models/{model}/trainings', {
      ...model,
      body: { dataset: 'v1', steps: 4 },
    });
    expect(train.response.status).toBe(202);
    const events = await followOverSse(train.data?.id ?? '', ada.key);
    const progress = events.filter((event) => event.type === 'training-progress');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.some((event) => typeof event.data?.step === 'number')).toBe(true);
    expect(events.map((event) => event.type)).toEqual(expect.arrayContaining(['job-start', 'training-end']));
    const ended = events.at(-1);
    expect(ended).toMatchObject({ job: { state: 'completed', result: { version: 'v1', sandbox: true } } });

    const loras = await ada.client.GET('/v1/models/{model}/loras', model);
    expect(loras.data?.loras.map((lora) => lora.version)).toEqual(['v1']);
    const costs = await ada.client.GET('/v1/models/{model}/costs', model);
    const credits = costs.data?.totals.find((row) => row.unitOfAccount === 'credits');
    expect(credits?.actual).toBeGreaterThan(0);
    const jobs = await ada.client.GET('/v1/jobs', { params: { query: { model: 'flow' } } });
    expect(jobs.data?.jobs.map((job) => job.type).sort()).toEqual(['caption', 'run', 'train']);
  }, 300_000);

  it('cancelling a training job stops its pod and settles its cost (a worker stop would keep it)', async () => {
    const train = await ada.client.POST('/v1/models/{model}/trainings', {
      ...model,
      body: { dataset: 'v1', version: 'v2', steps: 2000 },
    });
    expect(train.response.status).toBe(202);
    const id = train.data?.id ?? '';
    const inFlight = async () =>
      (await ada.client.GET('/v1/models/{model}/status', model)).data?.inFlight.map((entry) => entry.stageId) ?? [];
    for (let tries = 0; !(await inFlight()).includes('flow:train:v2'); tries++) {
      if (tries > 1200) throw new Error('the training never started');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const cancel = await ada.client.POST('/v1/jobs/{id}/cancel', { params: { path: { id } } });
    expect(cancel.response.status).toBe(200);
    let job = cancel.data;
    for (let tries = 0; job?.state !== 'cancelled'; tries++) {
      if (tries > 1200) throw new Error(`the job is still ${job?.state}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      job = (await ada.client.GET('/v1/jobs/{id}', { params: { path: { id } } })).data;
    }
    const status = (await ada.client.GET('/v1/models/{model}/status', model)).data;
    expect(status?.inFlight.map((entry) => entry.stageId)).not.toContain('flow:train:v2');
    expect(status?.failed.map((entry) => entry.stageId)).toContain('flow:train:v2');
  }, 300_000);
});
