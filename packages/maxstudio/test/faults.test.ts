import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMaxStudio, type MaxStudioClient, type MaxStudioSettings } from '../src/index.js';
import type { SandboxRequestRecord } from '../src/testing/index.js';
import { caught } from './helpers/caught.js';
import { astronaut, graceHopper } from './helpers/fixtures.js';
import { startImageServer } from './helpers/image-server.js';
import { type SandboxProcess, startSandboxProcess } from './helpers/sandbox-process.js';

let sandbox: SandboxProcess;
let images: Awaited<ReturnType<typeof startImageServer>>;
let client: MaxStudioClient;
let since = 0;
const fast: MaxStudioSettings = { pollInterval: 20, maxPollInterval: 100, retry: { minDelay: 20, maxDelay: 200 } };
const box = { x: 150, y: 100, width: 200, height: 200 };
const swapRequest = () => ({
  mediaUrl: images.url('hopper.jpg'),
  faces: [{ originalFace: box, newFace: images.url('astronaut.png') }],
});

beforeAll(async () => {
  [sandbox, images] = await Promise.all([
    startSandboxProcess(),
    startImageServer({ 'hopper.jpg': graceHopper, 'astronaut.png': astronaut }),
  ]);
});
afterAll(async () => {
  await Promise.all([sandbox?.close(), images?.close()]);
});
beforeEach(async () => {
  await sandbox.setFaults({});
  client = createMaxStudio({ ...fast, baseURL: sandbox.url, apiKey: sandbox.apiKey });
  await client.detectFaces(images.url('hopper.jpg')); // proves the key, so a 500 reads as a server error
  since = (await sandbox.requests()).length;
});

/** Requests since the test's setup, optionally for one route. */
async function logged(route?: SandboxRequestRecord['route']): Promise<SandboxRequestRecord[]> {
  return (await sandbox.requests()).slice(since).filter((entry) => route === undefined || entry.route === route);
}

const gap = (entries: SandboxRequestRecord[], from: number, to: number) =>
  (entries[to]?.at ?? 0) - (entries[from]?.at ?? 0);

describe('faults', () => {
  it('honours Retry-After in seconds', async () => {
    await sandbox.setFaults({ rules: [{ kind: 'rate-limit', on: 'detect', times: 1, retryAfter: '1' }] });
    expect((await client.detectFaces(images.url('hopper.jpg'))).length).toBe(1);
    const detects = await logged('detect');
    expect(detects.map((entry) => entry.status)).toEqual([429, 200]);
    expect(gap(detects, 0, 1)).toBeGreaterThanOrEqual(1000);
  });

  it('honours Retry-After as an HTTP-date', async () => {
    await sandbox.setFaults({
      rules: [
        { kind: 'rate-limit', on: 'swap-status', times: 1, retryAfter: new Date(Date.now() + 3000).toUTCString() },
      ],
    });
    const job = await client.submitSwap(swapRequest());
    await client.waitForJob(job);
    const polls = await logged('swap-status');
    expect(polls[0]?.status).toBe(429);
    expect(gap(polls, 0, 1)).toBeGreaterThanOrEqual(1500);
  });

  it('retries 5xx on a submission (nothing was accepted) and charges once', async () => {
    await sandbox.setFaults({ rules: [{ kind: 'server-error', on: 'swap', times: 2, status: 503 }] });
    const job = await client.submitSwap(swapRequest());
    const posts = await logged('swap');
    expect(posts.map((entry) => entry.status)).toEqual([503, 503, 200]);
    expect((await sandbox.billing()).charges.filter((charge) => charge.jobId === job.id).length).toBe(1);
  });

  it('gives up on a persistent 5xx with a retryable server error after the configured retries', async () => {
    await sandbox.setFaults({ rules: [{ kind: 'server-error', on: 'detect', status: 502 }] });
    const error = await caught(client.detectFaces(images.url('hopper.jpg')));
    expect(error).toMatchObject({ reason: 'server', status: 502, isRetryable: true });
    expect((await logged('detect')).length).toBe(4);
  });

  it('does not re-send a swap whose connection dropped after it was accepted (uncertain; one charge)', async () => {
    const charges = (await sandbox.billing()).charges.length;
    await sandbox.setFaults({ rules: [{ kind: 'drop-after-accept', on: 'swap', times: 1 }] });
    const error = await caught(client.submitSwap(swapRequest()));
    expect(error).toMatchObject({ reason: 'uncertain', isRetryable: false });
    expect(error.message).toMatch(/may have been accepted/);
    const posts = await logged('swap');
    expect(posts.length).toBe(1);
    expect(posts[0]?.status).toBeNull();
    const billing = await sandbox.billing();
    expect(billing.charges.length).toBe(charges + 1);
    expect(billing.charges.at(-1)?.jobId).toBe(posts[0]?.jobId);
  });

  it('does not re-send a swap dropped before acceptance either (the client cannot tell): uncertain, no charge', async () => {
    const charges = (await sandbox.billing()).charges.length;
    await sandbox.setFaults({ rules: [{ kind: 'drop-before-accept', on: 'enhance', times: 1 }] });
    const error = await caught(client.submitEnhance({ image: graceHopper }));
    expect(error.reason).toBe('uncertain');
    expect((await logged('enhance')).length).toBe(1);
    expect((await sandbox.billing()).charges.length).toBe(charges);
  });

  it('retries a detection whose connection dropped (detection creates nothing)', async () => {
    await sandbox.setFaults({
      rules: [
        { kind: 'drop-before-accept', on: 'detect', times: 1 },
        { kind: 'drop-after-accept', on: 'detect', times: 1 },
      ],
    });
    expect((await client.detectFaces(images.url('hopper.jpg'))).length).toBe(1);
    expect((await logged('detect')).map((entry) => entry.status)).toEqual([null, null, 200]);
  });

  it('reports a malformed answer to a submission as uncertain (charged, job id unknown)', async () => {
    const charges = (await sandbox.billing()).charges.length;
    await sandbox.setFaults({ rules: [{ kind: 'malformed-json', on: 'swap', times: 1 }] });
    const error = await caught(client.submitSwap(swapRequest()));
    expect(error).toMatchObject({ reason: 'uncertain', status: 200, isRetryable: false });
    expect((await logged('swap')).length).toBe(1);
    expect((await sandbox.billing()).charges.length).toBe(charges + 1);
  });

  it('retries malformed and dropped poll answers', async () => {
    await sandbox.setFaults({
      rules: [
        { kind: 'malformed-json', on: 'enhance-status', times: 1 },
        { kind: 'drop-after-accept', on: 'enhance-status', times: 1 },
      ],
    });
    const job = await client.submitEnhance({ image: graceHopper });
    const done = await client.waitForJob(job);
    expect(done.result.length).toBeGreaterThan(1000);
    expect((await logged('enhance-status')).slice(0, 2).map((entry) => entry.fault)).toEqual([
      'malformed-json',
      'drop-after-accept',
    ]);
  });

  it('reports a failed job as job-failed, and a job that never finishes as a retryable timeout', async () => {
    await sandbox.setFaults({
      rules: [
        { kind: 'job-fails', on: 'swap', times: 1 },
        { kind: 'job-never-finishes', on: 'enhance', times: 1 },
      ],
    });
    const failed = await client.submitSwap(swapRequest());
    expect(await caught(client.waitForJob(failed))).toMatchObject({
      reason: 'job-failed',
      jobId: failed.id,
      isRetryable: false,
    });
    const hung = await client.submitEnhance({ image: graceHopper });
    const error = await caught(client.waitForJob(hung, { timeout: 600 }));
    expect(error).toMatchObject({ reason: 'timeout', jobId: hung.id, isRetryable: true });
    expect(error.message).toMatch(/running/);
  });

  it('stops on insufficient credits after N charges, without retrying', async () => {
    const charges = (await sandbox.billing()).charges.length;
    await sandbox.setFaults({ insufficientCreditsAfter: charges + 1 });
    await client.submitEnhance({ image: graceHopper });
    const error = await caught(client.submitEnhance({ image: graceHopper }));
    expect(error).toMatchObject({
      reason: 'insufficient-credits',
      status: 402,
      providerMessage: 'Insufficient credits. Please Buy credits.',
      isRetryable: false,
    });
    expect((await logged('enhance')).map((entry) => entry.status)).toEqual([200, 402]);
  });

  it('times out a slow poll and retries it; a slow submission becomes uncertain', async () => {
    const slow = createMaxStudio({
      ...fast,
      baseURL: sandbox.url,
      apiKey: sandbox.apiKey,
      timeout: 150,
      retry: { retries: 1, minDelay: 10 },
    });
    // Warm-up (the sandbox's image code, fetch's connection pool) on a client without the short timeout: on a busy
    // machine a cold first detection can take longer than 150 ms by itself.
    await client.detectFaces(images.url('hopper.jpg'));
    await sandbox.setFaults({ latency: { minMs: 400, maxMs: 450 } });
    const detect = await caught(slow.detectFaces(images.url('hopper.jpg')));
    expect(detect).toMatchObject({ reason: 'network', isRetryable: true });
    expect(detect.message).toMatch(/no response within 150 ms/);
    const submit = await caught(slow.submitEnhance({ image: graceHopper }));
    expect(submit.reason).toBe('uncertain');
    const log = await logged();
    expect(log.filter((entry) => entry.route === 'detect').length).toBe(3);
    expect(log.filter((entry) => entry.route === 'enhance').length).toBe(1);
  });

  it('aborts a submission in flight as uncertain: it may have been accepted', async () => {
    await sandbox.setFaults({ latency: { minMs: 300, maxMs: 300 } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 60);
    const error = await caught(client.submitEnhance({ image: graceHopper }, { signal: controller.signal }));
    expect(error.reason).toBe('uncertain');
    expect(error.isRetryable).toBe(false);
    expect(error.message).toMatch(/may already have been accepted/);
  });

  it('retries a refused connection (nothing can have been accepted) and reports it as network', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 1));
      });
    });
    const refused = createMaxStudio({
      ...fast,
      baseURL: `http://127.0.0.1:${port}`,
      apiKey: sandbox.apiKey,
      retry: { retries: 2, minDelay: 10 },
    });
    const error = await caught(refused.submitEnhance({ image: graceHopper }));
    expect(error).toMatchObject({ reason: 'network', isRetryable: true });
    expect(error.message).toMatch(/ECONNREFUSED/);
  });

  it('eight workers hitting 429 wait out Retry-After together and retry once each', async () => {
    await sandbox.setFaults({ rules: [{ kind: 'rate-limit', on: 'detect', times: 8, retryAfter: '1' }] });
    const results = await Promise.all(Array.from({ length: 8 }, () => client.detectFaces(images.url('hopper.jpg'))));
    expect(results.every((faces) => faces.length === 1)).toBe(true);
    const detects = await logged('detect');
    expect(detects.length).toBe(16);
    const throttled = detects.filter((entry) => entry.status === 429);
    const lastThrottled = Math.max(...throttled.map((entry) => entry.at));
    const firstThrottled = Math.min(...throttled.map((entry) => entry.at));
    expect(throttled.length).toBe(8);
    for (const retry of detects.filter((entry) => entry.status === 200))
      expect(retry.at - firstThrottled).toBeGreaterThanOrEqual(1000);
    expect(lastThrottled).toBeLessThan(
      Math.min(...detects.filter((entry) => entry.status === 200).map((entry) => entry.at)),
    );
  });

  it('a shared retry budget bounds the requests of eight workers facing a persistent 429', async () => {
    const budgeted = createMaxStudio({
      ...fast,
      baseURL: sandbox.url,
      apiKey: sandbox.apiKey,
      retry: { retries: 5, minDelay: 10, budget: { capacity: 20, retryCost: 5 } },
    });
    await budgeted.detectFaces(images.url('hopper.jpg'));
    since = (await sandbox.requests()).length;
    await sandbox.setFaults({ rules: [{ kind: 'rate-limit', on: 'detect', retryAfter: '0' }] });
    const errors = await Promise.all(
      Array.from({ length: 8 }, () => caught(budgeted.detectFaces(images.url('hopper.jpg')))),
    );
    expect(errors.every((error) => error.reason === 'rate-limited' && error.isRetryable)).toBe(true);
    // 8 first attempts + at most 4 retries (20 tokens / 5 per retry, +1 refunded by the warm-up success); without the budget it would be 48.
    expect((await logged('detect')).length).toBeLessThanOrEqual(8 + 5);
  });
});
