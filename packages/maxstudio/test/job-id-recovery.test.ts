import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMaxStudio, type MaxStudioClient } from '../src/index.js';
import { salvageJobId } from '../src/salvage-job-id.js';
import { type MaxStudioSandbox, startMaxStudioSandbox } from '../src/testing/index.js';
import { malformedBody } from '../src/testing/malformed-body.js';
import { caught } from './helpers/caught.js';
import { astronaut, graceHopper } from './helpers/fixtures.js';
import { startImageServer } from './helpers/image-server.js';

const id = '3f1c2a9e-7b4d-4e2a-9c1f-0a8b6d5e4c3b';
const answer = JSON.stringify({ jobId: id });
const decoded = (bytes: Buffer) => new TextDecoder().decode(bytes);

describe('salvageJobId', () => {
  it.each([
    ['cut after the id', `{"jobId":"${id}"`],
    ['cut after the id, with spaces', `{ "jobId" : "${id}" ,"sta`],
    ['garbage before the id', `\u0000\ufffd{"st\ufffd(,"jobId":"${id}"}`],
    ['the same id twice', `{"jobId":"${id}","data":{"jobId":"${id}"`],
  ])('finds the one complete id: %s', (_, text) => {
    expect(salvageJobId(text)).toBe(id);
  });

  it('reads an integer id only when it is followed by a delimiter', () => {
    expect(salvageJobId('{"jobId": 12345, "x')).toBe('12345');
    expect(salvageJobId('{"jobId": 12345')).toBeUndefined();
  });

  it.each([
    ['no id', '{"status":"accep'],
    ['the id cut off', `{"jobId":"${id.slice(0, 12)}`],
    ['the key cut off', '{"job'],
    ['nothing after the colon', '{"jobId": '],
    ['two different ids', `{"jobId":"${id}","other":{"jobId":"abc"}`],
    ['one complete id and one cut off', `{"jobId":"${id}","jobId":"ab`],
    ['an id with an escape', '{"jobId":"ab\\"cd"}'],
    ['an id with spaces', '{"jobId":"a b"}'],
    ['an empty id', '{"jobId":""}'],
    ['a null id', '{"jobId":null}'],
    ['only other id fields', `{"id":"${id}","job_id":"${id}"`],
  ])('finds nothing with %s', (_, text) => {
    expect(salvageJobId(text)).toBeUndefined();
  });
});

describe("the sandbox's malformed bodies", () => {
  it('truncated cuts inside the id, truncated-after-id right after it, garbled-before-id keeps it whole', () => {
    const truncated = decoded(malformedBody(answer));
    expect(() => JSON.parse(truncated)).toThrow();
    expect(salvageJobId(truncated)).toBeUndefined();
    const afterId = decoded(malformedBody(answer, 'truncated-after-id'));
    expect(afterId).toBe(`{"jobId":"${id}"`);
    const garbled = malformedBody(answer, 'garbled-before-id');
    expect(() => JSON.parse(decoded(garbled))).toThrow();
    expect(garbled.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xfe]));
    expect(salvageJobId(decoded(garbled))).toBe(id);
  });

  it('breaks an answer without a job id (a poll) too', () => {
    const poll = JSON.stringify({ status: 'running' });
    for (const malformation of ['truncated', 'truncated-after-id', 'garbled-before-id'] as const)
      expect(() => JSON.parse(decoded(malformedBody(poll, malformation)))).toThrow();
  });
});

describe('a paid submission answered 2xx with a malformed body', () => {
  let sandbox: MaxStudioSandbox;
  let images: Awaited<ReturnType<typeof startImageServer>>;
  let client: MaxStudioClient;
  const swapRequest = () => ({
    mediaUrl: images.url('hopper.jpg'),
    faces: [{ originalFace: { x: 150, y: 100, width: 200, height: 200 }, newFace: images.url('astronaut.png') }],
  });
  const quick = { pendingMs: 20, runningMs: 60 };

  beforeAll(async () => {
    [sandbox, images] = await Promise.all([
      startMaxStudioSandbox({ jobDurations: { swap: quick, enhance: quick } }),
      startImageServer({ 'hopper.jpg': graceHopper, 'astronaut.png': astronaut }),
    ]);
    client = createMaxStudio({ baseURL: sandbox.url, apiKey: sandbox.apiKey, pollInterval: 20, maxPollInterval: 100 });
    await client.detectFaces(images.url('hopper.jpg')); // proves the key
  });
  afterAll(async () => {
    await Promise.all([sandbox?.close(), images?.close()]);
  });

  const chargesOf = (jobId: string) => sandbox.billing().charges.filter((charge) => charge.jobId === jobId);
  const posts = () => sandbox.requests().filter((entry) => entry.route === 'swap' || entry.route === 'enhance');

  it('cut right after the id: the id is recovered, the job completes, charged once, sent once', async () => {
    sandbox.setFaults({
      rules: [{ kind: 'malformed-json', on: 'swap', times: 1, malformation: 'truncated-after-id' }],
    });
    const sent = posts().length;
    const job = await client.submitSwap(swapRequest());
    expect(posts().length).toBe(sent + 1);
    expect(posts().at(-1)).toMatchObject({ fault: 'malformed-json', status: 200, jobId: job.id });
    expect(job).toMatchObject({ provider: 'maxstudio', operation: 'swap', malformedBody: { status: 200 } });
    expect(job.malformedBody?.note).toMatch(/not valid JSON; job id .* was recovered/);
    const done = await client.waitForJob(job);
    expect(done.status).toBe('completed');
    expect((await client.downloadResult(done.result.mediaUrl, job)).bytes.byteLength).toBeGreaterThan(1000);
    expect(chargesOf(job.id).length).toBe(1);
  });

  it('garbled before the id: the id is recovered, the job completes, charged once', async () => {
    sandbox.setFaults({
      rules: [{ kind: 'malformed-json', on: 'enhance', times: 1, malformation: 'garbled-before-id' }],
    });
    const job = await client.submitEnhance({ image: graceHopper });
    expect(job.malformedBody?.status).toBe(200);
    expect(posts().at(-1)).toMatchObject({ fault: 'malformed-json', jobId: job.id });
    expect((await client.waitForJob(job)).result.length).toBeGreaterThan(1000);
    expect(chargesOf(job.id).length).toBe(1);
  });

  it('cut inside the id: no id is found, so it stays uncertain (charged, not re-sent)', async () => {
    sandbox.setFaults({ rules: [{ kind: 'malformed-json', on: 'enhance', times: 1 }] });
    const charges = sandbox.billing().charges.length;
    const sent = posts().length;
    const error = await caught(client.submitEnhance({ image: graceHopper }));
    expect(error).toMatchObject({ reason: 'uncertain', status: 200, isRetryable: false });
    expect(error.message).toMatch(/no single complete job id/);
    expect(posts().length).toBe(sent + 1);
    expect(sandbox.billing().charges.length).toBe(charges + 1);
  });

  it('a well-formed answer carries no malformedBody note', async () => {
    sandbox.setFaults({});
    expect(await client.submitEnhance({ image: graceHopper })).not.toHaveProperty('malformedBody');
  });
});
