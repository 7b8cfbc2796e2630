/**
 * `GET /v1/models/:model/loras/:version/samples` over real HTTP: a LoRA version recorded in the server's workspace by
 * the library (`recordLoraVersion`, a sandbox LoRA file and sample PNGs) answers its samples with signed URLs that
 * serve the stored bytes; a missing version, another user's model and a bad version name are refused.
 */
import { createHash } from 'node:crypto';
import { buildSimpleTunerConfig, recordLoraVersion, sandboxLoraFile } from '@model-studio/lora-trainer';
import { sandboxPng } from '@model-studio/lora-trainer/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServer, startApiServer, type TestUser, testConsent } from './api-rig.js';

let server: ApiServer;
let ada: TestUser;
let bob: TestUser;
const samples = [sandboxPng(0), sandboxPng(1)];
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

beforeAll(async () => {
  server = await startApiServer({ LOG_LEVEL: 'warn' });
  [ada, bob] = await Promise.all([server.user('ada'), server.user('bob')]);
  const path = { params: { path: { model: 'lena' } } };
  expect((await ada.client.POST('/v1/models', { body: { name: 'lena' } })).response.status).toBe(201);
  await ada.client.PUT('/v1/models/{model}/consent', { ...path, body: testConsent(['swap', 'train']) });
  const opened = await server.server.context.openStudio();
  try {
    await recordLoraVersion({
      storage: opened.workspace.storage,
      model: 'lena',
      version: 'v1',
      family: 'flux',
      config: buildSimpleTunerConfig({ family: 'flux', trigger: 'lena' }),
      trainer: { provider: 'runpod-sandbox', jobId: 'pod-test' },
      artifacts: [
        {
          name: 'output/models/pytorch_lora_weights.safetensors',
          bytes: sandboxLoraFile({ family: 'flux', rank: 16 }),
        },
        ...samples.map((bytes, index) => ({ name: `validation/sample-${index}.png`, bytes })),
      ],
      samplePrompts: { 'sample-0.png': 'a photo of lena woman' },
    });
  } finally {
    await opened.close();
  }
}, 60_000);

afterAll(async () => {
  await server?.close();
});

describe('LoRA samples with signed URLs', () => {
  it("answers a version's samples with signed URLs that serve the stored images", async () => {
    const answer = await ada.client.GET('/v1/models/{model}/loras/{version}/samples', {
      params: { path: { model: 'lena', version: 'v1' }, query: { expiresIn: 60 } },
    });
    expect(answer.response.status).toBe(200);
    const body = answer.data;
    expect(body?.version).toBe('v1');
    expect(body?.samples.map((sample) => sample.file)).toEqual(['sample-0.png', 'sample-1.png']);
    expect(body?.samples[0]?.prompt).toBe('a photo of lena woman');
    expect(body?.samples[1]?.prompt).toBeUndefined();
    expect(Date.parse(body?.expiresAt ?? '') - Date.now()).toBeLessThanOrEqual(60_000);
    for (const [index, sample] of (body?.samples ?? []).entries()) {
      const image = await fetch(sample.url);
      expect(image.status).toBe(200);
      expect(sha256(new Uint8Array(await image.arrayBuffer()))).toBe(sha256(samples[index] as Uint8Array));
    }
  });

  it("refuses a missing version (404), another user's model (404) and a bad version name (400)", async () => {
    const missing = await ada.client.GET('/v1/models/{model}/loras/{version}/samples', {
      params: { path: { model: 'lena', version: 'v9' } },
    });
    expect(missing.response.status).toBe(404);
    expect(missing.error).toMatchObject({ code: 'NotFoundError' });
    const foreign = await bob.client.GET('/v1/models/{model}/loras/{version}/samples', {
      params: { path: { model: 'lena', version: 'v1' } },
    });
    expect(foreign.response.status).toBe(404);
    const bad = await server.api(ada.key, 'GET', '/v1/models/lena/loras/..%2Fx/samples');
    expect(bad.status).toBe(400);
    const unsigned = await server.api(undefined, 'GET', '/v1/models/lena/loras/v1/samples');
    expect(unsigned.status).toBe(401);
  });
});
