import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalStorage } from '@model-studio/core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMaxStudio, createMaxStudioProvider, type MaxStudioSettings } from '../src/index.js';
import { type MaxStudioSandbox, startMaxStudioSandbox } from '../src/testing/index.js';
import { caught } from './helpers/caught.js';
import { graceHopper } from './helpers/fixtures.js';
import { startSandboxProcess } from './helpers/sandbox-process.js';

const fast: MaxStudioSettings = { pollInterval: 20, maxPollInterval: 100, retry: { minDelay: 20, maxDelay: 200 } };
/** A short grace, so a test need not wait the default 10 s. */
const shortGrace = { unknownJobGracePeriod: 300, unknownJobPolls: 3 };
const quickJobs = { swap: { pendingMs: 20, runningMs: 80 }, enhance: { pendingMs: 20, runningMs: 80 } };

/** What the message of an unknown-job error must tell the user. */
function expectUnknownJobMessage(message: string, jobId: string): void {
  expect(message).toContain(`MaxStudio does not know enhance job ${jobId}`);
  expect(message).toMatch(/expired/);
  expect(message).toMatch(/another account/);
  expect(message).toMatch(/sandbox that was restarted/);
  expect(message).toMatch(/submitted again as a new job/);
  expect(message).toMatch(/unknownJobGracePeriod/);
}

/** The sandbox's log of polls of one job: status answered, fault applied, and arrival time. */
function pollsOf(sandbox: MaxStudioSandbox, jobId: string) {
  return sandbox.requests().filter((entry) => entry.route.endsWith('-status') && entry.jobId === jobId);
}

describe.each([200, 404] as const)('a job id MaxStudio does not know, answered with HTTP %s', (httpStatus) => {
  let sandbox: MaxStudioSandbox;
  const client = (settings: MaxStudioSettings = {}) =>
    createMaxStudio({ ...fast, baseURL: sandbox.url, apiKey: sandbox.apiKey, ...settings });
  const expectedBody = httpStatus === 200 ? { status: 'not-found' } : { status: 404, error: 'Job not found' };

  beforeAll(async () => {
    sandbox = await startMaxStudioSandbox({ unknownJobHttpStatus: httpStatus, jobDurations: quickJobs });
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it('is answered by the sandbox in that wire form on both poll paths', async () => {
    for (const path of ['swap-image', 'image-enhancer']) {
      const response = await fetch(`${sandbox.url}/${path}/no-such-job`, { headers: { 'x-api-key': sandbox.apiKey } });
      expect(response.status).toBe(httpStatus);
      expect(await response.json()).toEqual(expectedBody);
    }
  });

  it('is returned by getSwapJob and getEnhanceJob as a pending state marked notFound, not thrown', async () => {
    const swap = await client().getSwapJob('no-such-job');
    expect(swap).toMatchObject({ status: 'pending', providerStatus: 'not-found', notFound: true, result: undefined });
    const enhance = await client().getEnhanceJob('no-such-job');
    expect(enhance).toMatchObject({ status: 'pending', notFound: true });
    expect(enhance.error).toBe(httpStatus === 404 ? 'Job not found' : undefined);
  });

  it('makes waitForJob reject with a typed job-failed error after the grace period, not wait for its timeout', async () => {
    const jobId = `gone-${httpStatus}`;
    const seen: string[] = [];
    const error = await caught(
      client().waitForJob(
        { id: jobId, operation: 'enhance' },
        {
          ...shortGrace,
          timeout: 120_000,
          onStatus: (status, providerStatus) => seen.push(`${status}/${providerStatus}`),
        },
      ),
    );
    expect(error).toMatchObject({
      provider: 'maxstudio',
      reason: 'job-failed',
      isRetryable: true,
      jobId,
      providerMessage: httpStatus === 404 ? 'Job not found' : 'not-found',
    });
    expectUnknownJobMessage(error.message, jobId);
    expect(seen).toEqual(['pending/not-found']);
    // Given up only after the configured polls in a row, spread over at least the grace period.
    const polls = pollsOf(sandbox, jobId);
    expect(polls.length).toBeGreaterThanOrEqual(3);
    expect(polls.every((poll) => poll.status === httpStatus)).toBe(true);
    expect((polls.at(-1)?.at ?? 0) - (polls[0]?.at ?? 0)).toBeGreaterThanOrEqual(shortGrace.unknownJobGracePeriod);
  });

  it('still completes a job that is briefly unknown (as on an eventually consistent service), with the default grace', async () => {
    sandbox.setFaults({ rules: [{ kind: 'job-not-found', times: 2, status: httpStatus }] });
    try {
      const msClient = client();
      const job = await msClient.submitEnhance({ image: graceHopper });
      const seen: string[] = [];
      const done = await msClient.waitForJob(job, { onStatus: (_status, providerStatus) => seen.push(providerStatus) });
      const meta = await sharp(Buffer.from(done.result, 'base64')).metadata();
      expect([meta.width, meta.height]).toEqual([1024, 1024]);
      expect(seen[0]).toBe('not-found');
      expect(seen.at(-1)).toBe('completed');
      const polls = pollsOf(sandbox, job.id);
      expect(polls.slice(0, 2).map((poll) => [poll.fault, poll.status])).toEqual([
        ['job-not-found', httpStatus],
        ['job-not-found', httpStatus],
      ]);
      expect(polls.at(-1)?.status).toBe(200);
    } finally {
      sandbox.setFaults({});
    }
  });
});

describe('a job that goes unknown', () => {
  it('counts only "not found" answers in a row: a known status in between starts the count again', async () => {
    const sandbox = await startMaxStudioSandbox({
      jobDurations: { swap: quickJobs.swap, enhance: { pendingMs: 0, runningMs: 1500 } },
      // Polls 1-2 and 6-7 answer not-found; without the reset, poll 6 (the third not-found) would end the wait.
      faults: {
        rules: [
          { kind: 'job-not-found', times: 2 },
          { kind: 'job-not-found', skip: 3, times: 2 },
        ],
      },
    });
    try {
      const client = createMaxStudio({
        ...fast,
        baseURL: sandbox.url,
        apiKey: sandbox.apiKey,
        unknownJobPolls: 3,
        unknownJobGracePeriod: 0,
      });
      const job = await client.submitEnhance({ image: graceHopper });
      const done = await client.waitForJob(job);
      expect(done.status).toBe('completed');
      const faults = pollsOf(sandbox, job.id).map((poll) => poll.fault ?? 'none');
      expect(faults.slice(0, 7)).toEqual([
        'job-not-found',
        'job-not-found',
        'none',
        'none',
        'none',
        'job-not-found',
        'job-not-found',
      ]);
    } finally {
      await sandbox.close();
    }
  });

  it('rejects a job reattached after the sandbox restarted (the reviewer scenario), through the provider adapter too', async () => {
    const first = await startMaxStudioSandbox({ jobDurations: quickJobs });
    const port = Number(new URL(first.url).port);
    const settings = { ...fast, ...shortGrace, apiKey: first.apiKey, baseURL: first.url };
    const job = await createMaxStudio(settings).submitEnhance({ image: graceHopper });
    expect(first.billing().charges.map((charge) => charge.jobId)).toEqual([job.id]);
    await first.close();
    // A new sandbox on the same address knows none of the first one's jobs.
    const second = await startMaxStudioSandbox({ port, jobDurations: quickJobs });
    const root = await mkdtemp(join(tmpdir(), 'maxstudio-unknown-job-'));
    const storage = new LocalStorage({ root, signedUrls: {} });
    try {
      expect(second.url).toBe(first.url);
      const client = createMaxStudio(settings);
      const error = await caught(client.waitForJob(job, { timeout: 120_000 }));
      expect(error).toMatchObject({ reason: 'job-failed', isRetryable: true, jobId: job.id });
      expectUnknownJobMessage(error.message, job.id);
      const { enhancer } = createMaxStudioProvider({ storage, client });
      const viaAdapter = await caught(enhancer.waitForEnhance(job));
      expect(viaAdapter).toMatchObject({ reason: 'job-failed', isRetryable: true, jobId: job.id });
      expect(second.billing().charges).toEqual([]);
    } finally {
      await Promise.all([second.close(), storage.close()]);
      await rm(root, { recursive: true, force: true });
    }
  });

  it('is answered with 404 by the maxstudio-sandbox command given --unknown-job-status 404', async () => {
    const sandbox = await startSandboxProcess(['--unknown-job-status', '404']);
    try {
      const response = await fetch(`${sandbox.url}/swap-image/no-such-job`, {
        headers: { 'x-api-key': sandbox.apiKey },
      });
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ status: 404, error: 'Job not found' });
      const client = createMaxStudio({ ...fast, ...shortGrace, baseURL: sandbox.url, apiKey: sandbox.apiKey });
      const error = await caught(client.waitForJob({ id: 'no-such-job', operation: 'swap' }));
      expect(error).toMatchObject({ reason: 'job-failed', jobId: 'no-such-job', providerMessage: 'Job not found' });
      expect(error.message).toContain('MaxStudio does not know swap job no-such-job');
    } finally {
      await sandbox.close();
    }
  });
});
