import { ValidationError } from '@model-studio/core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMaxStudio, type MaxStudioSettings } from '../src/index.js';
import { caught } from './helpers/caught.js';
import { astronaut, graceHopper } from './helpers/fixtures.js';
import { startImageServer } from './helpers/image-server.js';
import { type SandboxProcess, startSandboxProcess } from './helpers/sandbox-process.js';

let sandbox: SandboxProcess;
let images: Awaited<ReturnType<typeof startImageServer>>;
const fast: MaxStudioSettings = { pollInterval: 20, maxPollInterval: 100, retry: { minDelay: 20, maxDelay: 200 } };
const client = () => createMaxStudio({ ...fast, baseURL: sandbox.url, apiKey: sandbox.apiKey });

beforeAll(async () => {
  [sandbox, images] = await Promise.all([
    startSandboxProcess(),
    startImageServer({
      'hopper.jpg': graceHopper,
      'astronaut.png': astronaut,
      'big.bin': new Uint8Array(5 * 1024 * 1024 + 1),
      'text.jpg': new TextEncoder().encode('not an image'),
    }),
  ]);
});
afterAll(async () => {
  await Promise.all([sandbox?.close(), images?.close()]);
});

describe('client against the sandbox process', () => {
  it('detects faces inside the image', async () => {
    const faces = await client().detectFaces(images.url('hopper.jpg'));
    expect(faces.length).toBe(1);
    const [face] = faces;
    expect(face && face.x >= 0 && face.y >= 0 && face.x + face.width <= 512 && face.y + face.height <= 512).toBe(true);
  });

  it('sends extra headers on every API call; the API key and JSON content type always win over them', async () => {
    const sent: { url: string; headers: Record<string, string>; body: unknown }[] = [];
    // ky hands the fetch a Request.
    const recording: typeof fetch = async (input, init) => {
      const request = input as Request;
      const headers = Object.fromEntries(request.headers.entries());
      sent.push({ url: request.url, headers, body: await request.clone().text() });
      return fetch(input, init);
    };
    const msClient = createMaxStudio({
      ...fast,
      baseURL: `${sandbox.url}/`,
      apiKey: sandbox.apiKey,
      fetch: recording,
      headers: { 'X-Trace': 'run-7', 'X-Api-Key': 'not-the-key', 'Content-Type': 'text/plain' },
    });
    const faces = await msClient.detectFaces(images.url('hopper.jpg'));
    expect(faces.length).toBe(1);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.url).toBe(`${sandbox.url}/detect-face-image`);
    expect(sent[0]?.headers).toMatchObject({
      'x-trace': 'run-7',
      'x-api-key': sandbox.apiKey,
      'content-type': 'application/json',
    });
    expect(JSON.parse(String(sent[0]?.body))).toEqual({ imageUrl: images.url('hopper.jpg') });
  });

  it('submits a swap, polls it through its statuses and downloads the result', async () => {
    const msClient = client();
    const [face] = await msClient.detectFaces(images.url('hopper.jpg'));
    if (!face) throw new Error('no face');
    const job = await msClient.submitSwap({
      mediaUrl: images.url('hopper.jpg'),
      faces: [{ originalFace: face, newFace: images.url('astronaut.png') }],
    });
    expect(job).toMatchObject({ provider: 'maxstudio', operation: 'swap' });
    const first = await msClient.getSwapJob(job.id);
    expect(['pending', 'running', 'completed']).toContain(first.status);
    const seen: string[] = [];
    const done = await msClient.waitForJob(job, { onStatus: (status) => seen.push(status) });
    expect(seen.at(-1)).toBe('completed');
    expect(done.result.mediaUrl.startsWith(sandbox.url)).toBe(true);
    const { bytes, contentType } = await msClient.downloadResult(done.result.mediaUrl, job);
    expect(contentType).toBe('image/jpeg');
    const meta = await sharp(bytes).metadata();
    expect([meta.width, meta.height]).toEqual([512, 512]);
    const billing = await sandbox.billing();
    expect(billing.charges.find((charge) => charge.jobId === job.id)?.credits).toBe(10);
  });

  it('enhances 2x and returns base64; a fresh client reattaches by id', async () => {
    const job = await client().submitEnhance({ image: graceHopper });
    const reattached = await client().waitForJob({ id: job.id, operation: 'enhance' });
    const meta = await sharp(Buffer.from(reattached.result, 'base64')).metadata();
    expect([meta.width, meta.height]).toEqual([1024, 1024]);
    const log = await sandbox.requests();
    const posted = log.filter((entry) => entry.route === 'enhance' && entry.jobId === job.id);
    expect(posted.length).toBe(1);
    expect(posted[0]?.apiKey).toBe('valid');
  });

  it('refuses an image over 5 MB before sending it', async () => {
    const before = (await sandbox.requests()).length;
    const error = await caught(client().submitEnhance({ image: new Uint8Array(5 * 1024 * 1024 + 1) }));
    expect(error.reason).toBe('input');
    expect(error.isRetryable).toBe(false);
    expect(error.message).toMatch(/5 MB/);
    expect((await sandbox.requests()).length).toBe(before);
  });

  it('reports a 400 from a downloaded image over 5 MB as input, not retried', async () => {
    const before = (await sandbox.requests()).length;
    const error = await caught(client().detectFaces(images.url('big.bin')));
    expect(error).toMatchObject({
      reason: 'input',
      status: 400,
      providerMessage: 'Image size must be less than 5MB',
      isRetryable: false,
    });
    expect((await sandbox.requests()).length).toBe(before + 1);
  });

  it('reports an invalid key (500 from MaxStudio) as a likely authentication problem, without retrying', async () => {
    const before = (await sandbox.requests()).length;
    const bad = createMaxStudio({ ...fast, baseURL: sandbox.url, apiKey: 'not-a-valid-key' });
    const error = await caught(bad.detectFaces(images.url('hopper.jpg')));
    expect(error.reason).toBe('authentication');
    expect(error.status).toBe(500);
    expect(error.message).toMatch(/MAXSTUDIO_API_KEY/);
    const log = (await sandbox.requests()).slice(before);
    expect(log.map((entry) => [entry.apiKey, entry.status])).toEqual([['invalid', 500]]);
  });

  it('reads the key from MAXSTUDIO_API_KEY at request time and explains a missing key', async () => {
    const saved = process.env.MAXSTUDIO_API_KEY;
    try {
      delete process.env.MAXSTUDIO_API_KEY;
      const lazy = createMaxStudio({ ...fast, baseURL: sandbox.url });
      const error = await caught(lazy.detectFaces(images.url('hopper.jpg')));
      expect(error.reason).toBe('authentication');
      expect(error.message).toMatch(/MAXSTUDIO_API_KEY/);
      expect(error.message).toMatch(/sandbox/);
      process.env.MAXSTUDIO_API_KEY = sandbox.apiKey;
      expect((await lazy.detectFaces(images.url('hopper.jpg'))).length).toBe(1);
    } finally {
      if (saved === undefined) delete process.env.MAXSTUDIO_API_KEY;
      else process.env.MAXSTUDIO_API_KEY = saved;
    }
  });

  it('refuses a nested newFace and a data: prefix before sending', async () => {
    const bad = {
      mediaUrl: images.url('hopper.jpg'),
      faces: [{ originalFace: { x: 1, y: 1, width: 10, height: 10 }, newFace: { imageUrl: 'x' } as unknown as string }],
    };
    await expect(client().submitSwap(bad)).rejects.toSatisfy(ValidationError.isInstance);
    await expect(client().submitEnhance({ image: 'data:image/jpeg;base64,AAAA' })).rejects.toSatisfy(
      ValidationError.isInstance,
    );
  });

  it('gives an unknown job id its grace period and rejects it as job-failed, not a retryable timeout', async () => {
    const error = await caught(
      client().waitForJob({ id: 'no-such-job', operation: 'swap' }, { unknownJobGracePeriod: 200, timeout: 60_000 }),
    );
    expect(error).toMatchObject({ reason: 'job-failed', isRetryable: true, jobId: 'no-such-job' });
    expect(error.message).toMatch(/does not know swap job no-such-job/);
  });

  it('still times out a wait shorter than the unknown-job grace period, with the last status in the message', async () => {
    const error = await caught(client().waitForJob({ id: 'no-such-job', operation: 'swap' }, { timeout: 300 }));
    expect(error).toMatchObject({ reason: 'timeout', isRetryable: true, jobId: 'no-such-job' });
    expect(error.message).toMatch(/last status: not-found/);
  });

  it('rejects an already-aborted call with reason aborted and sends nothing', async () => {
    const before = (await sandbox.requests()).length;
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    const error = await caught(client().submitEnhance({ image: graceHopper }, { signal: controller.signal }));
    expect(error.reason).toBe('aborted');
    expect((await sandbox.requests()).length).toBe(before);
  });

  it('aborts a wait in progress', async () => {
    const msClient = client();
    const job = await msClient.submitEnhance({ image: graceHopper });
    const controller = new AbortController();
    const waiting = msClient.waitForJob(job, { signal: controller.signal, pollInterval: 10_000 });
    setTimeout(() => controller.abort(), 50);
    const error = await caught(waiting);
    expect(error).toMatchObject({ reason: 'aborted', jobId: job.id });
  });
});

describe('the sandbox wire format (raw HTTP)', () => {
  const post = (path: string, body: unknown, key = 'sandbox-key') =>
    fetch(`${sandbox.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify(body),
    });

  it('answers /faceswap with 404', async () => {
    expect((await post('/faceswap', {})).status).toBe(404);
  });

  it('answers a nested newFace with 400 and a data: URL with 500', async () => {
    const nested = await post('/swap-image', {
      mediaUrl: images.url('hopper.jpg'),
      faces: [
        { originalFace: { x: 0, y: 0, width: 9, height: 9 }, newFace: { imageUrl: images.url('astronaut.png') } },
      ],
    });
    expect(nested.status).toBe(400);
    expect(((await nested.json()) as { status: number }).status).toBe(400);
    expect((await post('/detect-face-image', { imageUrl: 'data:image/jpeg;base64,AAAA' })).status).toBe(500);
  });

  it('answers an image over 5 MB with the exact 400 body', async () => {
    const response = await post('/image-enhancer', { image: Buffer.alloc(5 * 1024 * 1024 + 3).toString('base64') });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ status: 400, error: 'Image size must be less than 5MB' });
  });

  it('answers a missing or invalid key with 500', async () => {
    expect((await post('/detect-face-image', { imageUrl: images.url('hopper.jpg') }, 'wrong')).status).toBe(500);
    const missing = await fetch(`${sandbox.url}/detect-face-image`, { method: 'POST', body: '{}' });
    expect(missing.status).toBe(500);
  });

  it('refuses an undecodable image with 400', async () => {
    expect((await post('/detect-face-image', { imageUrl: images.url('text.jpg') })).status).toBe(400);
  });
});
