/** Video calls against the sandbox: detection, swap, polling, results, typed errors and faults. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationError } from '@model-studio/core';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMaxStudio, type MaxStudioSettings, type MaxStudioVideoSwapRequest } from '../src/index.js';
import { type MaxStudioSandbox, startMaxStudioSandbox } from '../src/testing/index.js';
import { caught } from './helpers/caught.js';
import { astronaut, graceHopper, tinyMp4 } from './helpers/fixtures.js';
import { startImageServer } from './helpers/image-server.js';

const fast: MaxStudioSettings = { pollInterval: 20, maxPollInterval: 50, retry: { minDelay: 10, maxDelay: 50 } };
const video = tinyMp4();
let sandbox: MaxStudioSandbox;
let files: Awaited<ReturnType<typeof startImageServer>>;
const client = () => createMaxStudio({ ...fast, baseURL: sandbox.url, apiKey: sandbox.apiKey });
const routeLog = (route: string) => sandbox.requests().filter((entry) => entry.route === route);

beforeAll(async () => {
  files = await startImageServer({
    'clip.mp4': video,
    'face.png': astronaut,
    'photo.jpg': graceHopper,
    'big.mp4': new Uint8Array(50 * 1024 * 1024 + 1),
  });
  sandbox = await startMaxStudioSandbox({ jobDurations: { 'video-swap': { pendingMs: 30, runningMs: 60 } } });
});
afterAll(async () => {
  await Promise.all([sandbox?.close(), files?.close()]);
});
beforeEach(() => {
  sandbox.setFaults({});
});

/** Detects the clip's faces and submits a swap of the first one with face.png. */
async function submitClip(msClient = client()) {
  const detected = await msClient.detectVideoFaces(files.url('clip.mp4'));
  const job = await msClient.submitVideoSwap({
    mediaUrl: files.url('clip.mp4'),
    swapId: detected.swapId,
    faces: [{ originalFace: detected.faces[0]!, newFace: files.url('face.png') }],
  });
  return { detected, job };
}

describe('video', () => {
  it('detects the faces of a video: a swapId and one face image URL per face', async () => {
    const detected = await client().detectVideoFaces(files.url('clip.mp4'));
    expect(detected.swapId).toMatch(/\S/);
    expect(detected.faces).toHaveLength(1);
    const face = await fetch(detected.faces[0]!);
    expect(face.headers.get('content-type')).toBe('image/jpeg');
    const { width, height } = await sharp(new Uint8Array(await face.arrayBuffer())).metadata();
    expect([width, height]).toEqual([256, 256]);
  });

  it('swaps, polls through the statuses to completed, and downloads the video, its preview and thumbnail', async () => {
    const msClient = client();
    const { job } = await submitClip(msClient);
    expect(job).toMatchObject({ provider: 'maxstudio', operation: 'video-swap' });
    const first = await msClient.getVideoSwapJob(job.id);
    expect(['pending', 'running', 'completed']).toContain(first.status);
    const seen: string[] = [];
    const done = await msClient.waitForJob(job, { onStatus: (status) => seen.push(status) });
    expect(seen.at(-1)).toBe('completed');
    expect(done.result.mediaUrl).toBe(`${sandbox.url}/results/${job.id}.mp4`);
    const media = await msClient.downloadResult(done.result.mediaUrl, job);
    expect(media.contentType).toBe('video/mp4');
    expect(Buffer.from(media.bytes).equals(Buffer.from(video))).toBe(true);
    const preview = await msClient.downloadResult(done.result.previewUrl!, job);
    expect(preview.contentType).toBe('video/mp4');
    const thumbnail = await msClient.downloadResult(done.result.thumbnailUrl!, job);
    expect(thumbnail.contentType).toBe('image/jpeg');
    expect((await sharp(thumbnail.bytes).metadata()).width).toBe(320);
    const charge = sandbox.billing().charges.find((entry) => entry.jobId === job.id);
    expect(charge).toMatchObject({ operation: 'video-swap', credits: 50, inputs: ['/clip.mp4', '/face.png'] });
    // A fresh client reattaches by id.
    const again = await client().waitForJob({ id: job.id, operation: 'video-swap' });
    expect(again.result.mediaUrl).toBe(done.result.mediaUrl);
  });

  it('refuses a malformed request with a ValidationError before sending anything', async () => {
    const before = sandbox.requests().length;
    const face = { originalFace: 'https://x/face.jpg', newFace: 'https://x/new.jpg' };
    const attempts = [
      { mediaUrl: 'https://x/v.mp4', swapId: '', faces: [face] },
      { mediaUrl: 'https://x/v.mp4', swapId: 's', faces: [] },
      { mediaUrl: 'https://x/v.mp4', swapId: 's', faces: [{ originalFace: { x: 1 }, newFace: 'https://x/n.jpg' }] },
      // The third has an object for originalFace: JavaScript callers can pass one.
    ] as unknown as MaxStudioVideoSwapRequest[];
    for (const request of attempts) {
      const error = await client()
        .submitVideoSwap(request)
        .catch((reason: unknown) => reason);
      expect(ValidationError.isInstance(error)).toBe(true);
    }
    expect(sandbox.requests().length).toBe(before);
    const emptyId = await client()
      .getVideoSwapJob('')
      .catch((reason: unknown) => reason);
    expect(ValidationError.isInstance(emptyId)).toBe(true);
    expect(emptyId).toMatchObject({ field: 'jobId' });
  });

  it('reports what the API refuses as typed input errors, not retried and not charged', async () => {
    const msClient = client();
    const charges = sandbox.billing().charges.length;
    const notVideo = await caught(msClient.detectVideoFaces(files.url('photo.jpg')));
    expect(notVideo).toMatchObject({
      reason: 'input',
      status: 400,
      providerMessage: 'Invalid video',
      isRetryable: false,
    });
    const tooBig = await caught(msClient.detectVideoFaces(files.url('big.mp4')));
    expect(tooBig).toMatchObject({ reason: 'input', providerMessage: 'Video size must be less than 50MB' });
    const detected = await msClient.detectVideoFaces(files.url('clip.mp4'));
    const unknownSwap = await caught(
      msClient.submitVideoSwap({
        mediaUrl: files.url('clip.mp4'),
        swapId: 'no-such-detection',
        faces: [{ originalFace: detected.faces[0]!, newFace: files.url('face.png') }],
      }),
    );
    expect(unknownSwap).toMatchObject({ reason: 'input', status: 400, isRetryable: false });
    expect(unknownSwap.providerMessage).toMatch(/swapId not found/);
    const strangerFace = await caught(
      msClient.submitVideoSwap({
        mediaUrl: files.url('clip.mp4'),
        swapId: detected.swapId,
        faces: [{ originalFace: files.url('photo.jpg'), newFace: files.url('face.png') }],
      }),
    );
    expect(strangerFace.providerMessage).toMatch(/originalFace must be a face URL returned by \/detect-face-video/);
    expect(
      routeLog('video-swap')
        .slice(-2)
        .map((entry) => entry.status),
    ).toEqual([400, 400]);
    expect(sandbox.billing().charges.length).toBe(charges);
  });

  it('reports an unknown job as notFound on a poll, and as job-failed from waitForJob after the grace period', async () => {
    const state = await client().getVideoSwapJob('no-such-job');
    expect(state).toMatchObject({ status: 'pending', providerStatus: 'not-found', notFound: true });
    const error = await caught(
      client().waitForJob(
        { id: 'no-such-job', operation: 'video-swap' },
        { unknownJobGracePeriod: 50, unknownJobPolls: 2 },
      ),
    );
    expect(error).toMatchObject({ reason: 'job-failed', jobId: 'no-such-job' });
  });

  it('retries a rate-limited detection and submission after Retry-After, and charges the swap once', async () => {
    sandbox.setFaults({
      rules: [
        { kind: 'rate-limit', on: 'detect-video', times: 1, retryAfter: '0' },
        { kind: 'rate-limit', on: 'video-swap', times: 1, retryAfter: '0' },
      ],
    });
    const charges = sandbox.billing().charges.length;
    const { job } = await submitClip();
    expect(routeLog('detect-video').at(-2)).toMatchObject({ status: 429, fault: 'rate-limit' });
    expect(
      routeLog('video-swap')
        .slice(-2)
        .map((entry) => entry.status),
    ).toEqual([429, 200]);
    expect(sandbox.billing().charges.length).toBe(charges + 1);
    expect((await client().waitForJob(job)).status).toBe('completed');
  });

  it('calls a submission whose answer was lost uncertain and never re-sends it (it was charged)', async () => {
    sandbox.setFaults({ rules: [{ kind: 'drop-after-accept', on: 'video-swap', times: 1 }] });
    const charges = sandbox.billing().charges.length;
    const error = await caught(submitClip());
    expect(error).toMatchObject({ reason: 'uncertain', isRetryable: false });
    expect(routeLog('video-swap').at(-1)).toMatchObject({ status: null, fault: 'drop-after-accept' });
    expect(sandbox.billing().charges.length).toBe(charges + 1);
  });

  it('recovers the job id from a cut-off answer, and completes that job', async () => {
    sandbox.setFaults({
      rules: [{ kind: 'malformed-json', on: 'video-swap', malformation: 'truncated-after-id', times: 1 }],
    });
    const { job } = await submitClip();
    expect(job.malformedBody?.note).toMatch(/recovered/);
    expect((await client().waitForJob(job)).result.mediaUrl).toContain(job.id);
  });

  it('rejects a failed job as job-failed; a briefly unknown job still completes', async () => {
    sandbox.setFaults({ rules: [{ kind: 'job-fails', on: 'video-swap', times: 1 }] });
    const failing = await submitClip();
    const error = await caught(client().waitForJob(failing.job));
    expect(error).toMatchObject({ reason: 'job-failed', jobId: failing.job.id, isRetryable: false });
    sandbox.setFaults({ rules: [{ kind: 'job-not-found', on: 'video-swap-status', times: 1 }] });
    const { job } = await submitClip();
    const done = await client().waitForJob(job);
    expect(done.status).toBe('completed');
    expect(routeLog('video-swap-status').some((entry) => entry.fault === 'job-not-found')).toBe(true);
  });

  it('keeps video jobs across a restart when the sandbox has a state file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'maxstudio-video-state-'));
    const stateFile = join(dir, 'state.jsonl');
    const durations = { 'video-swap': { pendingMs: 50, runningMs: 300 } };
    try {
      const first = await startMaxStudioSandbox({ stateFile, jobDurations: durations });
      const firstClient = createMaxStudio({ ...fast, baseURL: first.url, apiKey: first.apiKey });
      const { job } = await submitClip(firstClient);
      const billing = first.billing();
      await first.close();
      const second = await startMaxStudioSandbox({ stateFile, jobDurations: durations });
      try {
        const secondClient = createMaxStudio({ ...fast, baseURL: second.url, apiKey: second.apiKey });
        const done = await secondClient.waitForJob(job);
        const media = await secondClient.downloadResult(done.result.mediaUrl, job);
        expect(Buffer.from(media.bytes).equals(Buffer.from(video))).toBe(true);
        expect(second.billing()).toEqual(billing);
      } finally {
        await second.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
