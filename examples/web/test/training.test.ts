import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createStudioClient, type StudioClient } from '@model-studio/server/client';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobEvent } from '../src/api/studio-api.js';
import { applyJobEvent, type JobProgress } from '../src/live/use-job-progress.js';
import { type StartedChromium, startChromium } from './support/chromium.js';
import { checkPage, screenshotFolder } from './support/page-checks.js';
import { type StartedStudioServer, startStudioServer } from './support/studio-server.js';

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname;
const model = { params: { path: { model: 'ada' } } };

// The progress view's fold of a training job's events (the server's `training-*` messages).
describe('applyJobEvent: training events', () => {
  it('keeps step, total, loss, ETA and cost, the loss curve in step order, the reserve and the end', () => {
    const start: JobProgress = { done: 0, total: 0, costSoFar: {}, failures: 0, connected: true };
    const events: JobEvent[] = [
      { seq: 1, type: 'training-cost', data: { kind: 'reserved', usd: 1.08 } },
      { seq: 2, type: 'training-progress', data: { status: 'queued', step: 0, totalSteps: 20, costUsd: 0.0001 } },
      { seq: 3, type: 'training-progress', data: { status: 'running', step: 3, totalSteps: 20, loss: 0.39 } },
      { seq: 4, type: 'training-progress', data: { status: 'running', step: 6, loss: 0.34, etaSeconds: 29 } },
      // A repeated step (a re-poll) adds no point.
      { seq: 5, type: 'training-progress', data: { status: 'running', step: 6, loss: 0.35, costUsd: 0.0146 } },
      { seq: 6, type: 'training-end', data: { status: 'completed', message: 'done (sandbox)' } },
      { seq: 7, type: 'training-cost', data: { kind: 'actual', usd: 0.0172 } },
    ];
    const progress = events.reduce(applyJobEvent, start);
    expect(progress.training).toEqual({
      status: 'completed',
      step: 6,
      totalSteps: 20,
      loss: 0.35,
      etaSeconds: 29,
      costUsd: 0.0172,
      reservedUsd: 1.08,
      points: [
        { step: 3, loss: 0.39 },
        { step: 6, loss: 0.34 },
      ],
      endMessage: 'done (sandbox)',
    });
    expect(progress).toMatchObject({ done: 0, total: 0, failures: 0 });
  });
});

async function waitForJob(client: StudioClient, id: string): Promise<string> {
  const deadline = Date.now() + 180_000;
  let state = 'unknown';
  while (Date.now() < deadline) {
    const job = (await client.GET('/v1/jobs/{id}', { params: { path: { id } } })).data;
    state = job?.state ?? state;
    if (job && !['queued', 'running'].includes(job.state)) return job.state;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`job ${id} did not end in 180 s (still ${state})`);
}

async function upload(server: StartedStudioServer, path: string, file: string, fields: Record<string, string> = {}) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('files', new Blob([readFileSync(fixture(file))]), file);
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.adminKey}` },
    body: form,
  });
  const body = (await response.json()) as { results: { accepted: boolean }[] };
  expect(body.results[0]?.accepted, JSON.stringify(body)).toBe(true);
}

/** The model, its photos, a run and reviewed captions, all through the typed client (the dashboard test covers the UI). */
async function prepareModel(server: StartedStudioServer, client: StudioClient): Promise<void> {
  const created = await client.POST('/v1/models', {
    body: { name: 'ada', settings: { thresholds: { minShortSide: 256 } } },
  });
  expect(created.response.status).toBe(201);
  const consent = await client.PUT('/v1/models/{model}/consent', {
    ...model,
    body: {
      subject: 'Grace Hopper (public-domain demo photo)',
      adultAttested: true,
      attestedBy: 'web training test',
      allowedRatings: ['sfw'],
      allowedUses: ['swap', 'train'],
      obtainedAt: '2026-11-25T00:00:00.000Z',
      evidenceRef: 'demo: US Navy photo, public domain',
    },
  });
  expect(consent.response.status).toBe(200);
  await upload(server, '/v1/models/ada/sources', 'grace_hopper.jpg');
  await upload(server, '/v1/models/ada/targets', 'grace_hopper_tilt25.jpg', {
    rating: 'sfw',
    origin: 'bundled public-domain samples',
    rightsStatement: 'public domain',
  });
  const run = await client.POST('/v1/models/{model}/runs', { ...model, body: {} });
  expect(await waitForJob(client, run.data?.id ?? '')).toBe('completed');
  const caption = await client.POST('/v1/models/{model}/captions/jobs', { ...model, body: {} });
  expect(await waitForJob(client, caption.data?.id ?? '')).toBe('completed');
  const reviewed = await client.POST('/v1/models/{model}/captions/reviewed', { ...model, body: { dryRun: false } });
  expect(reviewed.data?.changes.length).toBe(1);
}

/** Runs the pre-flight with `engine` and `steps` and waits for its verdict. */
async function preflight(page: Page, engine: string, steps: string): Promise<string> {
  await page.getByLabel('Engine').selectOption(engine);
  await page.getByLabel('Steps (optional)').fill(steps);
  await page.getByRole('button', { name: 'Run pre-flight' }).click();
  const verdict = page.getByText(new RegExp(`^Pre-flight \\(${engine}\\):`));
  await verdict.waitFor();
  return (await verdict.textContent()) ?? '';
}

/** Starts a training and waits until the page says it completed. */
async function train(page: Page, version: string): Promise<void> {
  expect(await page.getByLabel('LoRA version to write').getAttribute('placeholder')).toBe(version);
  await page.getByRole('button', { name: 'Start training' }).click();
  await page.getByText(new RegExp(`Training ${version}: train completed`)).waitFor({ timeout: 60_000 });
}

// The training screens in Debian's Chromium against the real studio-server (sandboxes: RunPod sandbox trainer).
describe('web training screens in Chromium', () => {
  let server: StartedStudioServer;
  let chrome: StartedChromium;
  let client: StudioClient;
  let page: Page;
  let shots: string;

  beforeAll(async () => {
    if (!existsSync(new URL('../dist/index.html', import.meta.url))) {
      throw new Error('examples/web/dist is missing: run "pnpm build" (or pnpm --filter @model-studio/web build).');
    }
    [server, chrome] = await Promise.all([startStudioServer(), startChromium()]);
    client = createStudioClient({ baseUrl: server.url, apiKey: server.adminKey });
    await prepareModel(server, client);
    page = await chrome.context.newPage();
    page.setDefaultTimeout(20_000);
    shots = screenshotFolder();
    console.log(`web training screenshots: ${shots}`);
    await page.goto(server.url);
    await page.getByLabel('API key').fill(server.adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Models' }).waitFor();
    // The key stays in this tab's session storage: open the model page by its address.
    await page.goto(`${server.url}/models/ada`);
    await page.getByRole('heading', { name: 'ada', level: 1 }).waitFor();
  }, 240_000);

  afterAll(async () => {
    await chrome?.close();
    await server?.stop();
  });

  it('opens the training page from the model page and builds a dataset from the reviewed captions', async () => {
    await page.getByRole('link', { name: /^Training: dataset, pre-flight/ }).click();
    await page.getByRole('heading', { name: 'Training: ada', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/models/ada/training');
    await page.getByText('No dataset yet: build one from the reviewed captions.').waitFor();
    await page.getByText('No LoRA trained yet.').waitFor();
    expect(await page.getByRole('button', { name: 'Start training' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Build dataset v1' }).click();
    const datasets = page.getByRole('list', { name: 'Datasets' });
    await datasets.getByText('Dataset v1: 1 image', { exact: true }).waitFor();
    await datasets.getByText('Images and captions it holds').click();
    await datasets.getByText('ada-s1-t001-sfw-enhanced.jpg').waitFor();
    await checkPage(page, shots, 'training-dataset');
  });

  it('shows the pre-flight findings with their severity; an error finding blocks the start', async () => {
    const aiToolkit = await preflight(page, 'ai-toolkit', '40');
    expect(aiToolkit).toMatch(/1 error: fix before training/);
    const findings = page.getByRole('list', { name: 'Pre-flight findings' });
    expect(await findings.textContent()).toMatch(/error.*above the 100 MB limit/i);
    const start = page.getByRole('button', { name: 'Start training' });
    expect(await start.isDisabled()).toBe(true);
    await page.getByText('The pre-flight found an error: fix it, or change the settings and check again.').waitFor();
    await checkPage(page, shots, 'training-preflight');

    expect(await preflight(page, 'simpletuner', '40')).toMatch(/no errors · LoRA about \d+(\.\d)? MB/);
    expect(await findings.textContent()).toMatch(/warning/i);
    expect(await start.isDisabled()).toBe(false);
    // Changing a setting asks for a new pre-flight.
    await page.getByLabel('Steps (optional)').fill('41');
    expect(await start.isDisabled()).toBe(true);
    await page.getByLabel('Steps (optional)').fill('40');
    expect(await start.isDisabled()).toBe(false);
  });

  it('trains v1 on the RunPod sandbox with live step, loss, ETA and cost over the WebSocket', async () => {
    const sockets: string[] = [];
    page.on('websocket', (socket) => sockets.push(socket.url()));
    await train(page, 'v1');
    const bar = page.getByRole('progressbar', { name: 'Training progress' });
    await expect(bar.getAttribute('aria-valuetext')).resolves.toBe('40 of 40');
    const chart = page.getByRole('img', { name: 'Training loss of v1' });
    // Every progress event that carried a loss became a point of the live curve.
    const points = await chart.locator('polyline').getAttribute('points');
    expect(points?.split(' ').length).toBeGreaterThanOrEqual(3);
    const summary = await chart.locator('desc').textContent();
    expect(summary).toMatch(/^loss 0\.\d+ at step 40 of 40$/);
    // The text alternative is also shown under the chart.
    await page
      .locator('figcaption')
      .getByText(summary ?? '', { exact: true })
      .waitFor();
    expect(await page.getByTestId('training-figures').textContent()).toMatch(
      /^Step 40 of 40 · ETA 0 s · cost so far \$0\.\d{4} \(reserved \$\d+\.\d\d\) · SANDBOX/,
    );
    expect(sockets).toHaveLength(1);
    expect(sockets[0]).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/v1\/jobs\/[^/]+\/events$/);
    expect(sockets[0]).not.toContain(server.adminKey);
    const v1 = page.locator('li[data-lora="v1"]');
    await v1.getByText('trained (SANDBOX file, not a trained model)').waitFor();
    expect(await v1.textContent()).toMatch(/Steps40.*Final loss0\.\d+/);
    await checkPage(page, shots, 'training-live');
  });

  it('trains a second, shorter version, promotes it and compares the two side by side', async () => {
    await preflight(page, 'simpletuner', '12');
    await train(page, 'v2');
    const v2 = page.locator('li[data-lora="v2"]');
    await v2.getByRole('button', { name: 'Promote v2 to final' }).click();
    await v2.getByText('★ Final').waitFor();
    expect(await page.locator('li[data-lora="v1"]').getByText('★ Final').count()).toBe(0);

    const form = page.getByRole('form', { name: 'Compare two versions' });
    expect(await form.getByLabel('Version A').inputValue()).toBe('v1');
    expect(await form.getByLabel('Version B').inputValue()).toBe('v2');
    await form.getByRole('button', { name: 'Compare' }).click();
    const diff = page.getByRole('table', { name: 'Differences between v1 and v2' });
    await diff.waitFor();
    const row = diff.getByRole('row', { name: /max_train_steps/ });
    expect((await row.textContent())?.replace(/\s+/g, '')).toBe('max_train_steps4012');
    const chart = page.getByRole('img', { name: 'Training loss of v1 and v2' });
    expect(await chart.locator('polyline').count()).toBe(2);
    expect(await chart.locator('desc').textContent()).toMatch(
      /^v1: loss 0\.\d+ at step 40 of 40; v2: loss 0\.\d+ at step 12 of 12$/,
    );
    // Measured by the server against the model's first source face (the sandbox's samples may show no face).
    await page.getByText(/^Identity score: v1: .+ · v2: .+ \(.+\)$/).waitFor();
    for (const version of ['v1', 'v2']) {
      const samples = page.getByRole('list', { name: `Samples of ${version}` }).getByRole('img');
      await samples.first().waitFor();
      expect(await samples.count()).toBeGreaterThan(0);
    }
    await page.waitForFunction(() =>
      [...document.querySelectorAll<HTMLImageElement>('ul[aria-label^="Samples of"] img')].every(
        (image) => image.complete && image.naturalWidth > 0,
      ),
    );
    await checkPage(page, shots, 'training-compare');
  });

  it("downloads a version's weights through its signed link (same bytes as the route's hash and size)", async () => {
    const v1 = page.locator('li[data-lora="v1"]');
    await v1.getByRole('button', { name: 'Get a download link for v1' }).click();
    const link = v1.getByRole('link', { name: /^Download v1 weights \(\d+(\.\d)? kB, SANDBOX\)$/ });
    await link.waitFor();
    expect(await link.getAttribute('download')).toBe('ada-v1.safetensors');
    const href = (await link.getAttribute('href')) ?? '';
    // A signed storage URL: not an API route, no API key.
    expect(new URL(href).pathname).toBe('/models/ada/loras/v1/pytorch_lora_weights.safetensors');
    expect(new URL(href).searchParams.get('sig')).toBeTruthy();
    expect(href).not.toContain(server.adminKey);
    const listed = (await client.GET('/v1/models/{model}/loras', model)).data?.loras.find(
      (lora) => lora.version === 'v1',
    );
    const response = await fetch(href);
    expect(response.status).toBe(200);
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(bytes.byteLength).toBe(listed?.artifact.size);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(listed?.artifact.sha256);
    await v1.getByText(`SHA-256 ${listed?.artifact.sha256}`).waitFor();
  });

  it('follows a training under way after a reload, and cancels it', async () => {
    await preflight(page, 'simpletuner', '3000');
    await page.getByRole('button', { name: 'Start training' }).click();
    await page.getByRole('progressbar', { name: 'Training progress' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Training: ada', level: 1 }).waitFor();
    await page.getByText(/^Training v3: train (queued|running)/).waitFor();
    await page.getByRole('progressbar', { name: 'Training progress' }).waitFor();
    await page.getByRole('button', { name: 'Cancel training' }).click();
    await page
      .getByText(/Training v3: train cancelled/)
      .waitFor({ timeout: 60_000 })
      .catch(async (error: Error) => {
        const section = await page.getByRole('region', { name: 'Train a LoRA' }).textContent();
        throw new Error(`${error.message}\nThe section said: ${section}`);
      });
    const loras = (await client.GET('/v1/models/{model}/loras', model)).data?.loras ?? [];
    expect(loras.map((lora) => lora.version)).toEqual(['v1', 'v2']);
  });
});
