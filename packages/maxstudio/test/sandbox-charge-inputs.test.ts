import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalStorage } from '@model-studio/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMaxStudio, type MaxStudioClient } from '../src/index.js';
import { type MaxStudioSandbox, type MaxStudioSandboxOptions, startMaxStudioSandbox } from '../src/testing/index.js';
import { astronaut, graceHopper } from './helpers/fixtures.js';

const box = { x: 150, y: 100, width: 200, height: 200 };
const quick = { swap: { pendingMs: 0, runningMs: 0 }, enhance: { pendingMs: 0, runningMs: 0 } };
const sha256 = (bytes: Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

let dir: string;
let storage: LocalStorage;
const open: MaxStudioSandbox[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'maxstudio-charge-inputs-'));
  // Real signed URLs: their query carries an expiry and an HMAC signature.
  storage = new LocalStorage({ root: join(dir, 'workspace'), signedUrls: {} });
  await storage.put('models/andie/targets/sfw/andie-t007.jpg', graceHopper);
  await storage.put('models/andie/source/andie-source-1.png', astronaut);
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((sandbox) => sandbox.close()));
  await storage.close();
  await rm(dir, { recursive: true, force: true });
});

async function start(options: MaxStudioSandboxOptions = {}): Promise<MaxStudioSandbox> {
  const sandbox = await startMaxStudioSandbox({ jobDurations: quick, ...options });
  open.push(sandbox);
  return sandbox;
}

const clientOf = (sandbox: MaxStudioSandbox): MaxStudioClient =>
  createMaxStudio({ baseURL: sandbox.url, apiKey: sandbox.apiKey, pollInterval: 20, maxPollInterval: 100 });

/** A swap of the stored source onto the stored target, given by signed URLs, and an enhance of `image` (base64). */
async function submitBoth(client: MaxStudioClient, image: Uint8Array) {
  const signed = (key: string) => storage.signedUrl!(key, { method: 'GET', expiresIn: 600 });
  const mediaUrl = await signed('models/andie/targets/sfw/andie-t007.jpg');
  const newFace = await signed('models/andie/source/andie-source-1.png');
  expect(mediaUrl).toMatch(/\?.*sig=/);
  const swap = await client.submitSwap({ mediaUrl, faces: [{ originalFace: box, newFace }] });
  const enhance = await client.submitEnhance({ image });
  return { swap, enhance, secrets: [new URL(mediaUrl).search, new URL(newFace).search] };
}

describe('what each sandbox charge was for (SandboxCharge.inputs)', () => {
  it('keeps the path of each URL (never its query) and the sha256 of base64 images, in billing() and /__sandbox/billing', async () => {
    const sandbox = await start();
    const { swap, enhance, secrets } = await submitBoth(clientOf(sandbox), graceHopper);
    const expected = [
      {
        jobId: swap.id,
        operation: 'swap',
        inputs: ['/models/andie/targets/sfw/andie-t007.jpg', '/models/andie/source/andie-source-1.png'],
      },
      { jobId: enhance.id, operation: 'enhance', inputs: [sha256(graceHopper)] },
    ];
    expect(sandbox.billing().charges).toMatchObject(expected);
    const overHttp = await (await fetch(`${sandbox.url}/__sandbox/billing`)).text();
    expect(JSON.parse(overHttp).charges).toMatchObject(expected);
    // The signed URLs' secrets are nowhere in the billing record.
    for (const secret of secrets) {
      const signature = new URLSearchParams(secret).get('sig')!;
      expect(signature.length).toBeGreaterThan(16);
      expect(overHttp).not.toContain(signature);
    }
    expect(overHttp).not.toContain('?');
    // billing() hands out copies: changing one does not change the record.
    sandbox.billing().charges[0]!.inputs.push('changed');
    expect(sandbox.billing().charges[0]!.inputs).toHaveLength(2);
  });

  it('keeps them in the state file: across a restart, and without query strings on disk', async () => {
    const stateFile = join(dir, 'state.jsonl');
    const first = await start({ stateFile });
    const { swap, enhance, secrets } = await submitBoth(clientOf(first), astronaut);
    const before = first.billing();
    open.splice(open.indexOf(first), 1);
    await first.close();

    const text = await readFile(stateFile, 'utf8');
    const jobs = text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((record) => record.type === 'job');
    expect(jobs).toMatchObject([
      {
        jobId: swap.id,
        inputs: ['/models/andie/targets/sfw/andie-t007.jpg', '/models/andie/source/andie-source-1.png'],
      },
      { jobId: enhance.id, inputs: [sha256(astronaut)] },
    ]);
    for (const secret of secrets) expect(text).not.toContain(new URLSearchParams(secret).get('sig')!);

    const second = await start({ stateFile });
    expect(second.billing()).toEqual(before);
  });

  it('loads a state file written before charges had inputs, with `inputs: []`', async () => {
    const stateFile = join(dir, 'old-state.jsonl');
    const header = {
      format: 'maxstudio-sandbox-state',
      version: 1,
      sandbox: true,
      note: 'MaxStudio SANDBOX state (test data)',
      createdAt: '2026-11-01T00:00:00.000Z',
      initialCredits: 100,
    };
    const job = {
      type: 'job',
      jobId: 'old-job-1',
      operation: 'enhance',
      credits: 2,
      at: '2026-11-01T00:00:01.000Z',
      balanceAfter: 98,
      createdAt: Date.parse('2026-11-01T00:00:01.000Z'),
      duration: { pendingMs: 0, runningMs: 0 },
      scripted: null,
    };
    const end = { type: 'end', jobId: 'old-job-1', outcome: 'failed', error: 'made before this test' };
    await writeFile(stateFile, [header, job, end].map((line) => `${JSON.stringify(line)}\n`).join(''));
    const sandbox = await start({ stateFile });
    expect(sandbox.billing()).toEqual({
      initialCredits: 100,
      balance: 98,
      charges: [
        {
          jobId: 'old-job-1',
          operation: 'enhance',
          credits: 2,
          inputs: [],
          at: '2026-11-01T00:00:01.000Z',
          balanceAfter: 98,
        },
      ],
    });
    // New charges in the same file carry their inputs.
    await clientOf(sandbox).submitEnhance({ image: graceHopper });
    expect(sandbox.billing().charges[1]).toMatchObject({ operation: 'enhance', inputs: [sha256(graceHopper)] });
  });

  it('refuses a state file whose job line has inputs that are not strings (damage, not an old format)', async () => {
    const stateFile = join(dir, 'bad-state.jsonl');
    const header = {
      format: 'maxstudio-sandbox-state',
      version: 1,
      sandbox: true,
      note: 'test',
      createdAt: '2026-11-01T00:00:00.000Z',
      initialCredits: 100,
    };
    const job = {
      type: 'job',
      jobId: 'bad-job',
      operation: 'enhance',
      credits: 2,
      inputs: [42],
      at: '2026-11-01T00:00:01.000Z',
      balanceAfter: 98,
      createdAt: 0,
      duration: { pendingMs: 0, runningMs: 0 },
      scripted: null,
    };
    // Two job lines, so the bad one is not the (forgiven) torn last line.
    const good = { ...job, jobId: 'good-job', inputs: [], balanceAfter: 96 };
    await writeFile(stateFile, [header, job, good].map((line) => `${JSON.stringify(line)}\n`).join(''));
    await expect(startMaxStudioSandbox({ stateFile })).rejects.toThrow(/line 2 is not a valid sandbox state record/);
  });
});
