/** The enhancer's `upscale` option: what the client sends, what the sandbox checks and makes, and the adapter's setting. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalStorage, ValidationError } from '@model-studio/core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMaxStudio, createMaxStudioProvider, type MaxStudioSettings } from '../src/index.js';
import { type MaxStudioSandbox, startMaxStudioSandbox } from '../src/testing/index.js';
import { graceHopper } from './helpers/fixtures.js';

const fast: MaxStudioSettings = { pollInterval: 20, maxPollInterval: 50, retry: { minDelay: 10, maxDelay: 50 } };
const quick = { pendingMs: 10, runningMs: 30 };
let sandbox: MaxStudioSandbox;
const client = () => createMaxStudio({ ...fast, baseURL: sandbox.url, apiKey: sandbox.apiKey });
const sizeOf = async (base64: string) => {
  const { width, height } = await sharp(Buffer.from(base64, 'base64')).metadata();
  return [width, height];
};
const lastEnhance = () =>
  sandbox
    .requests()
    .filter((entry) => entry.route === 'enhance')
    .at(-1);

beforeAll(async () => {
  sandbox = await startMaxStudioSandbox({ jobDurations: { enhance: quick } });
});
afterAll(async () => {
  await sandbox?.close();
});

describe('enhance upscale', () => {
  it('sends upscale 2 by default (as the prototype did), and the sandbox enhances 2x', async () => {
    const job = await client().submitEnhance({ image: graceHopper });
    expect(lastEnhance()).toMatchObject({ status: 200, upscale: 2, jobId: job.id });
    const done = await client().waitForJob(job);
    expect(await sizeOf(done.result)).toEqual([1024, 1024]);
  });

  it('sends upscale 4 when asked, and the sandbox enhances 4x', async () => {
    const job = await client().submitEnhance({ image: graceHopper, upscale: 4 });
    expect(lastEnhance()).toMatchObject({ status: 200, upscale: 4 });
    const done = await client().waitForJob(job);
    expect(await sizeOf(done.result)).toEqual([2048, 2048]);
  });

  it('refuses another factor with a ValidationError before anything is sent', async () => {
    const before = sandbox.requests().length;
    const error = await client()
      // @ts-expect-error: 3 is not a MaxStudioUpscale; JavaScript callers can still pass it
      .submitEnhance({ image: graceHopper, upscale: 3 })
      .catch((reason: unknown) => reason);
    expect(ValidationError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ field: 'upscale', value: 3 });
    expect((error as Error).message).toMatch(/upscale must be 2 or 4 \(got 3\); nothing was sent/);
    expect(sandbox.requests().length).toBe(before);
  });

  it('the sandbox answers a bad upscale with 400 in the API error shape, uncharged; no upscale means 2x', async () => {
    const charges = sandbox.billing().charges.length;
    const image = Buffer.from(graceHopper).toString('base64');
    const post = (body: unknown) =>
      fetch(`${sandbox.url}/image-enhancer`, {
        method: 'POST',
        headers: { 'x-api-key': sandbox.apiKey, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    for (const upscale of [3, '2', 0, null, 8]) {
      const answer = await post({ image, upscale });
      expect(answer.status, String(upscale)).toBe(400);
      expect(await answer.json()).toEqual({ status: 400, error: 'upscale must be 2 or 4' });
      expect(lastEnhance()).toMatchObject({ status: 400, upscale });
    }
    expect(sandbox.billing().charges.length).toBe(charges);
    const accepted = await post({ image });
    expect(accepted.status).toBe(200);
    const { jobId } = (await accepted.json()) as { jobId: string };
    expect(lastEnhance()?.upscale).toBeUndefined();
    const done = await client().waitForJob({ id: jobId, operation: 'enhance' });
    expect(await sizeOf(done.result)).toEqual([1024, 1024]);
  });

  it('the enhancer adapter sends its enhanceUpscale setting', async () => {
    const root = await mkdtemp(join(tmpdir(), 'maxstudio-upscale-'));
    const storage = new LocalStorage({ root });
    try {
      await storage.put('image.jpg', graceHopper);
      const { enhancer } = createMaxStudioProvider({ storage, client: client(), enhanceUpscale: 4 });
      const job = await enhancer.submitEnhance({ imageKey: 'image.jpg' });
      expect(lastEnhance()?.upscale).toBe(4);
      const result = await enhancer.waitForEnhance(job);
      const { width } = await sharp(result.bytes).metadata();
      expect(width).toBe(2048);
      expect(result.units).toBe(2);
    } finally {
      await storage.close();
      await rm(root, { recursive: true, force: true });
    }
  });

  it('a sandbox with a state file remakes a 4x enhance cut short by a restart at 4x', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'maxstudio-upscale-state-'));
    const stateFile = join(dir, 'state.jsonl');
    const slow = { enhance: { pendingMs: 50, runningMs: 400 } };
    try {
      const first = await startMaxStudioSandbox({ stateFile, jobDurations: slow });
      const job = await createMaxStudio({ ...fast, baseURL: first.url, apiKey: first.apiKey }).submitEnhance({
        image: graceHopper,
        upscale: 4,
      });
      await first.close();
      const second = await startMaxStudioSandbox({ stateFile, jobDurations: slow });
      try {
        const done = await createMaxStudio({ ...fast, baseURL: second.url, apiKey: second.apiKey }).waitForJob(job);
        expect(await sizeOf(done.result)).toEqual([2048, 2048]);
        expect(second.billing().charges).toHaveLength(1);
      } finally {
        await second.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
