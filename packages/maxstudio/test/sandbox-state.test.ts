import { appendFile, cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FaceDetector } from '@model-studio/core';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMaxStudio, type MaxStudioClient, type MaxStudioSettings } from '../src/index.js';
import { type MaxStudioSandbox, type MaxStudioSandboxOptions, startMaxStudioSandbox } from '../src/testing/index.js';
import { astronaut, graceHopper } from './helpers/fixtures.js';
import { startImageServer } from './helpers/image-server.js';
import { type SandboxProcess, startSandboxProcess } from './helpers/sandbox-process.js';

const fast: MaxStudioSettings = { pollInterval: 20, maxPollInterval: 100, retry: { minDelay: 20, maxDelay: 200 } };
const box = { x: 150, y: 100, width: 200, height: 200 };
/** Jobs still running when the sandbox stops. */
const slowJobs = { swap: { pendingMs: 100, runningMs: 1500 }, enhance: { pendingMs: 100, runningMs: 1500 } };

let images: Awaited<ReturnType<typeof startImageServer>>;
let dir: string;
let stateFile: string;
const open: MaxStudioSandbox[] = [];

beforeAll(async () => {
  images = await startImageServer({ 'hopper.jpg': graceHopper, 'astronaut.png': astronaut });
});
afterAll(async () => {
  await images?.close();
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'maxstudio-state-'));
  stateFile = join(dir, 'sandbox-state.jsonl');
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((sandbox) => sandbox.close()));
  await rm(dir, { recursive: true, force: true });
});

async function start(options: MaxStudioSandboxOptions = {}): Promise<MaxStudioSandbox> {
  const sandbox = await startMaxStudioSandbox({ stateFile, jobDurations: slowJobs, ...options });
  open.push(sandbox);
  return sandbox;
}

async function stop(sandbox: MaxStudioSandbox): Promise<void> {
  open.splice(open.indexOf(sandbox), 1);
  await sandbox.close();
}

const clientOf = (sandbox: { url: string; apiKey: string }): MaxStudioClient =>
  createMaxStudio({ ...fast, baseURL: sandbox.url, apiKey: sandbox.apiKey });
const swapRequest = () => ({
  mediaUrl: images.url('hopper.jpg'),
  faces: [{ originalFace: box, newFace: images.url('astronaut.png') }],
});

/** Submits a swap and an enhance through the real client. */
async function submitBoth(client: MaxStudioClient) {
  return [await client.submitSwap(swapRequest()), await client.submitEnhance({ image: graceHopper })] as const;
}

/** Waits for both jobs by id on `client` and checks the outputs are real images (the swap downloaded from its URL). */
async function finishBoth(client: MaxStudioClient, swapId: string, enhanceId: string): Promise<void> {
  const swap = await client.waitForJob({ id: swapId, operation: 'swap' }, { timeout: 20_000 });
  const downloaded = await client.downloadResult(swap.result.mediaUrl, { id: swapId, operation: 'swap' });
  expect((await sharp(downloaded.bytes).metadata()).format).toBe('jpeg');
  const enhance = await client.waitForJob({ id: enhanceId, operation: 'enhance' }, { timeout: 20_000 });
  const size = await sharp(Buffer.from(enhance.result, 'base64')).metadata();
  const original = await sharp(graceHopper).metadata();
  expect([size.width, size.height]).toEqual([(original.width ?? 0) * 2, (original.height ?? 0) * 2]);
}

describe('a sandbox with a state file', () => {
  it('keeps jobs and billing across a restart: running jobs complete, outputs download, nothing is charged twice', async () => {
    const first = await start({ credits: 500 });
    expect(first.stateFile).toBe(stateFile);
    const [swap, enhance] = await submitBoth(clientOf(first));
    const before = first.billing();
    expect(before.charges.map((charge) => charge.jobId)).toEqual([swap.id, enhance.id]);
    expect(first.billing().balance).toBe(488);
    await stop(first);

    // A different `credits` does not reset the balance: the file's header keeps the starting balance.
    const second = await start({ credits: 99 });
    expect(second.billing()).toEqual(before);
    const client = clientOf(second);
    expect((await client.getSwapJob(swap.id)).notFound).toBe(false);
    await finishBoth(client, swap.id, enhance.id);
    expect(second.billing()).toEqual(before);
    await stop(second);

    // Finished outputs are served after another restart, still without a charge.
    const third = await start();
    await finishBoth(clientOf(third), swap.id, enhance.id);
    expect(third.billing()).toEqual(before);
    expect(third.requests().filter((entry) => entry.route === 'swap' || entry.route === 'enhance')).toEqual([]);
  });

  it('marks the file as sandbox state and keeps one line per job and per finished job', async () => {
    const sandbox = await start({ jobDurations: { enhance: { pendingMs: 0, runningMs: 0 } } });
    const client = clientOf(sandbox);
    const job = await client.submitEnhance({ image: graceHopper });
    await client.waitForJob(job);
    await stop(sandbox);
    const lines = (await readFile(stateFile, 'utf8')).trimEnd().split('\n');
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records[0]).toMatchObject({ format: 'maxstudio-sandbox-state', version: 1, sandbox: true });
    expect(String(records[0]?.note)).toMatch(/SANDBOX.*no real credits/);
    expect(records.slice(1)).toMatchObject([
      { type: 'job', jobId: job.id, operation: 'enhance', credits: 2, balanceAfter: 9998 },
      { type: 'end', jobId: job.id, outcome: 'completed' },
    ]);
    expect(await readdir(`${stateFile}.jobs`)).toEqual([`${job.id}.jpg`]);
  });

  it('remakes the output of a job cut short by a crash from its stored inputs', async () => {
    let release = () => {};
    const blocked = new Promise<void>((resolve) => {
      release = resolve;
    });
    const stalling: FaceDetector = {
      specificationVersion: 'v1',
      provider: 'stalling',
      detectFaces: async () => {
        await blocked;
        return [];
      },
    };
    const crashed = await start({ faceDetector: stalling });
    const swap = await clientOf(crashed).submitSwap(swapRequest());
    // The disk as a crash would leave it: the job and its inputs, no output yet.
    const copy = join(dir, 'copy.jsonl');
    await cp(stateFile, copy);
    await cp(`${stateFile}.jobs`, `${copy}.jobs`, { recursive: true });
    expect((await readdir(`${copy}.jobs`)).sort()).toEqual([`${swap.id}.in.0`, `${swap.id}.in.1`]);
    const restarted = await start({ stateFile: copy });
    await clientOf(restarted).waitForJob(swap, { timeout: 20_000 });
    expect(restarted.billing()).toEqual(crashed.billing());
    expect(await readdir(`${copy}.jobs`)).toEqual([`${swap.id}.jpg`]);
    release();
  });

  it('ignores a torn last line, and appends after it cleanly', async () => {
    const first = await start({ jobDurations: { enhance: { pendingMs: 0, runningMs: 0 } } });
    const job = await clientOf(first).submitEnhance({ image: graceHopper });
    const before = first.billing();
    await stop(first);
    await appendFile(stateFile, '{"type":"job","jobId":"torn-by-a-crash","operation":"swap","cred');

    const second = await start({ jobDurations: { enhance: { pendingMs: 0, runningMs: 0 } } });
    expect(second.billing()).toEqual(before);
    await clientOf(second).waitForJob(job);
    const next = await clientOf(second).submitEnhance({ image: graceHopper });
    await stop(second);
    const text = await readFile(stateFile, 'utf8');
    expect(text).not.toContain('torn-by-a-crash');
    expect(
      text
        .split('\n')
        .filter(Boolean)
        .every((line) => JSON.parse(line) !== undefined),
    ).toBe(true);

    const third = await start();
    expect(third.billing().charges.map((charge) => charge.jobId)).toEqual([job.id, next.id]);
  });

  it('refuses a second live sandbox on the same file, and a file that is not sandbox state', async () => {
    const first = await start();
    await expect(start()).rejects.toMatchObject({ code: 'SANDBOX_STATE_LOCKED' });
    await expect(start()).rejects.toThrow(/in use by another live sandbox \(pid \d+/);
    await stop(first);
    await stop(await start()); // free again once closed

    const other = join(dir, 'journal.jsonl');
    await writeFile(other, '{"kind":"submitted","jobId":"abc"}\n');
    await expect(start({ stateFile: other })).rejects.toThrow(/not a MaxStudio sandbox state file/);
    expect(await readFile(other, 'utf8')).toBe('{"kind":"submitted","jobId":"abc"}\n');
  });

  it('still answers a job it never knew as not found, and never charges it', async () => {
    const first = await start();
    await clientOf(first).submitEnhance({ image: graceHopper });
    await stop(first);
    const second = await start({ unknownJobHttpStatus: 404 });
    const state = await clientOf(second).getEnhanceJob('never-submitted');
    expect(state).toMatchObject({ notFound: true, status: 'pending' });
    const result = await fetch(`${second.url}/results/never-submitted.jpg`);
    expect(result.status).toBe(404);
    expect(second.billing().charges.length).toBe(1);
  });
});

describe('the maxstudio-sandbox bin with --state', () => {
  let child: SandboxProcess | undefined;
  afterEach(async () => {
    await child?.close();
    child = undefined;
  });

  it('survives kill -9 mid-job: a new sandbox takes over the file, finishes the jobs, bills them once', async () => {
    child = await startSandboxProcess(['--state', stateFile, '--job-ms', '4000']);
    expect(child.output()).toContain(`State: ${stateFile}`);
    const [swap, enhance] = await submitBoth(clientOf(child));
    const before = await child.billing();
    expect(before.charges.length).toBe(2);

    // While it lives, the file is refused to anyone else.
    await expect(startMaxStudioSandbox({ stateFile })).rejects.toThrow(
      new RegExp(`in use by another live sandbox \\(pid ${child.pid} `),
    );
    expect((await clientOf(child).getSwapJob(swap.id)).providerStatus).toMatch(/pending|running/);
    await child.kill();

    // Its lock is left behind by the crash, and taken over.
    const restarted = await start();
    expect(restarted.billing()).toEqual(before);
    await finishBoth(clientOf(restarted), swap.id, enhance.id);
    expect(restarted.billing()).toEqual(before);
  });

  it('refuses to start on a state file another live sandbox holds', async () => {
    const holder = await start();
    const second = startSandboxProcess(['--state', stateFile]);
    await expect(second).rejects.toThrow(/exited with 1[\s\S]*in use by another live sandbox/);
    await stop(holder);
  });
});
