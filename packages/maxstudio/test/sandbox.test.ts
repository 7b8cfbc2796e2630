import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FaceDetector } from '@model-studio/core';
import { ProviderError } from '@model-studio/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMaxStudio, createMaxStudioProvider } from '../src/index.js';
import { FaultInjector } from '../src/testing/fault-plan.js';
import {
  heuristicFaceBox,
  type MaxStudioSandbox,
  sandboxMarkSvg,
  skinFaceBox,
  startMaxStudioSandbox,
} from '../src/testing/index.js';
import { astronaut, graceHopper } from './helpers/fixtures.js';
import { startImageServer } from './helpers/image-server.js';

let images: Awaited<ReturnType<typeof startImageServer>>;
beforeAll(async () => {
  images = await startImageServer({ 'hopper.jpg': graceHopper, 'astronaut.png': astronaut });
});
afterAll(async () => {
  await images?.close();
});

describe('startMaxStudioSandbox (in-process, as SDK users run it)', () => {
  let sandbox: MaxStudioSandbox;
  const calls: number[] = [];
  const injected: FaceDetector = {
    specificationVersion: 'v1',
    provider: 'injected',
    async detectFaces(image) {
      calls.push('bytes' in image ? image.bytes.byteLength : 0);
      return [{ box: { x: 11.6, y: 20, width: 100.2, height: 90 }, confidence: 0.9 }];
    },
  };
  beforeAll(async () => {
    sandbox = await startMaxStudioSandbox({
      faceDetector: injected,
      credits: 20,
      prices: { swap: 7, enhance: 3 },
      jobDurations: { swap: { pendingMs: 150, runningMs: 150 }, enhance: { pendingMs: 0, runningMs: 0 } },
    });
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it('uses the injected face detector for detection and for the swap source', async () => {
    const client = createMaxStudio({ baseURL: sandbox.url, apiKey: sandbox.apiKey, pollInterval: 20 });
    expect(await client.detectFaces(images.url('hopper.jpg'))).toEqual([{ x: 12, y: 20, width: 100, height: 90 }]);
    const before = calls.length;
    const job = await client.submitSwap({
      mediaUrl: images.url('hopper.jpg'),
      faces: [{ originalFace: { x: 0, y: 0, width: 50, height: 50 }, newFace: images.url('astronaut.png') }],
    });
    await client.waitForJob(job);
    expect(calls.length).toBe(before + 1);
    expect(calls.at(-1)).toBeGreaterThan(0);
  });

  it('detects a photo sent again from memory, with the same answer', async () => {
    const client = createMaxStudio({ baseURL: sandbox.url, apiKey: sandbox.apiKey, pollInterval: 20 });
    const first = await client.detectFaces(images.url('hopper.jpg'));
    const before = calls.length;
    const again = await client.detectFaces(images.url('hopper.jpg'));
    expect(again).toEqual(first);
    expect(calls.length).toBe(before);
    // Another photo is detected.
    await client.detectFaces(images.url('astronaut.png'));
    expect(calls.length).toBe(before + 1);
  });

  it('moves jobs from pending through running to completed over time', async () => {
    const client = createMaxStudio({ baseURL: sandbox.url, apiKey: sandbox.apiKey });
    const job = await client.submitSwap({
      mediaUrl: images.url('hopper.jpg'),
      faces: [{ originalFace: { x: 0, y: 0, width: 50, height: 50 }, newFace: images.url('astronaut.png') }],
    });
    const seen: string[] = [];
    await client.waitForJob(job, {
      pollInterval: 25,
      onStatus: (_status, providerStatus) => seen.push(providerStatus),
    });
    expect(seen).toEqual(['pending', 'running', 'completed']);
  });

  it('charges on acceptance at the configured prices and answers 402 when credits run out', async () => {
    const client = createMaxStudio({ baseURL: sandbox.url, apiKey: sandbox.apiKey, pollInterval: 20 });
    await client.submitEnhance({ image: graceHopper });
    const billing = sandbox.billing();
    expect(billing.initialCredits).toBe(20);
    expect(billing.charges.map((charge) => [charge.operation, charge.credits])).toEqual([
      ['swap', 7],
      ['swap', 7],
      ['enhance', 3],
    ]);
    expect(billing.balance).toBe(3);
    const error = await client
      .submitSwap({
        mediaUrl: images.url('hopper.jpg'),
        faces: [{ originalFace: { x: 0, y: 0, width: 50, height: 50 }, newFace: images.url('astronaut.png') }],
      })
      .catch((reason: unknown) => reason);
    expect(ProviderError.isInstance(error) && error.reason === 'insufficient-credits').toBe(true);
    expect(sandbox.billing().balance).toBe(3);
    const admin = (await (await fetch(`${sandbox.url}/__sandbox/billing`)).json()) as { balance: number };
    expect(admin.balance).toBe(3);
  });

  it('logs requests without keys and takes fault plans over the admin path', async () => {
    await fetch(`${sandbox.url}/__sandbox/faults`, {
      method: 'PUT',
      body: JSON.stringify({ rules: [{ kind: 'server-error', on: 'detect', status: 502, times: 1 }] }),
    });
    const response = await fetch(`${sandbox.url}/detect-face-image`, {
      method: 'POST',
      headers: { 'x-api-key': sandbox.apiKey },
      body: '{}',
    });
    expect(response.status).toBe(502);
    const { requests } = (await (await fetch(`${sandbox.url}/__sandbox/requests`)).json()) as {
      requests: Array<{ fault?: string; status: number; apiKey: string }>;
    };
    expect(requests.at(-1)).toMatchObject({ fault: 'server-error', status: 502, apiKey: 'valid' });
    expect(JSON.stringify(requests)).not.toContain(sandbox.apiKey);
    expect(sandbox.requests().length).toBe(requests.length);
  });
});

describe('fault plans', () => {
  it('are deterministic for a seed', () => {
    const plan = {
      seed: 42,
      latency: { minMs: 5, maxMs: 50 },
      rules: [{ kind: 'server-error' as const, probability: 0.3 }],
    };
    const draw = () => {
      const injector = new FaultInjector(plan);
      return Array.from({ length: 40 }, () => injector.next('detect')).map((decision) => [
        decision.rule?.kind ?? '-',
        Math.round(decision.latencyMs),
      ]);
    };
    const first = draw();
    expect(draw()).toEqual(first);
    const faults = first.filter(([kind]) => kind === 'server-error').length;
    expect(faults).toBeGreaterThan(3);
    expect(faults).toBeLessThan(25);
    expect(first.every(([, latency]) => Number(latency) >= 5 && Number(latency) <= 50)).toBe(true);
  });

  it('skip, times and routes select the requests', () => {
    const injector = new FaultInjector({ rules: [{ kind: 'rate-limit', on: 'swap', skip: 1, times: 2 }] });
    const kinds = ['swap', 'detect', 'swap', 'swap', 'swap'].map(
      (route) => injector.next(route as 'swap').rule?.kind ?? '-',
    );
    expect(kinds).toEqual(['-', '-', 'rate-limit', 'rate-limit', '-']);
  });
});

describe('sandbox helpers', () => {
  it('the heuristic finds the portrait face near the centre and falls back to a centred box', async () => {
    const box = await skinFaceBox(graceHopper);
    expect(box.x + box.width / 2).toBeGreaterThan(160);
    expect(box.x + box.width / 2).toBeLessThan(352);
    expect(heuristicFaceBox(1000, 500)).toEqual({ x: 400, y: 75, width: 200, height: 200 });
  });

  it('the SANDBOX mark is drawn with pixel rects (no fonts needed)', () => {
    const svg = sandboxMarkSvg(600, 400);
    expect(svg.startsWith('<svg')).toBe(true);
    expect((svg.match(/<rect /g) ?? []).length).toBeGreaterThan(50);
  });

  it('the maxstudio-sandbox bin prints its help', () => {
    const cwd = fileURLToPath(new URL('..', import.meta.url));
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/bin/maxstudio-sandbox.ts', '--help'], {
      cwd,
      encoding: 'utf8',
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/SANDBOX/);
    expect(result.stdout).toMatch(/--port/);
    const bad = spawnSync(process.execPath, ['--import', 'tsx', 'src/bin/maxstudio-sandbox.ts', '--port', 'x'], {
      cwd,
      encoding: 'utf8',
    });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--port must be/);
  });
});

describe('provider with an injected detector that finds nothing', () => {
  it('refuses the swap as input, before paying', async () => {
    const none: FaceDetector = { specificationVersion: 'v1', provider: 'none', detectFaces: async () => [] };
    const sandbox = await startMaxStudioSandbox({ faceDetector: none });
    const { LocalStorage } = await import('@model-studio/core');
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const root = await mkdtemp(join(tmpdir(), 'maxstudio-noface-'));
    const storage = new LocalStorage({ root, signedUrls: {} });
    try {
      await storage.put('t.jpg', graceHopper);
      await storage.put('s.png', astronaut);
      const { swapper } = createMaxStudioProvider({
        storage,
        client: createMaxStudio({ baseURL: sandbox.url, apiKey: sandbox.apiKey }),
      });
      const error = await swapper
        .submitSwap({ targetKey: 't.jpg', sourceKey: 's.png' })
        .catch((reason: unknown) => reason);
      expect(ProviderError.isInstance(error) && error.reason === 'input' && !error.isRetryable).toBe(true);
      expect(sandbox.billing().charges).toEqual([]);
      expect(sandbox.requests().map((entry) => entry.route)).toEqual(['detect']);
    } finally {
      await Promise.all([sandbox.close(), storage.close()]);
      await rm(root, { recursive: true, force: true });
    }
  });
});
