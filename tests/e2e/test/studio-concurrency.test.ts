// Bounded concurrency: a run never has more units in flight than `concurrency`, and the MaxStudio client never has
// more requests at the service than its `maxConcurrency`, while both limits are actually reached (the work overlaps).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createStudio,
  type FaceChecker,
  type ImageProcessor,
  LocalStorage,
  openWorkspace,
  type StudioEvent,
  storageKeys,
} from '@model-studio/core';
import { createMaxStudio, createMaxStudioProvider } from '@model-studio/maxstudio';
import { type MaxStudioSandbox, startMaxStudioSandbox } from '@model-studio/maxstudio/testing';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sfwConsent } from './helpers/pipeline-rig.js';

const UNITS = 12;
const LATENCY_MS = 60;

/** Trusts every image (this test is about scheduling, not image checks). */
const passThroughChecker: FaceChecker = {
  specificationVersion: 'v1',
  provider: 'test-pass-through',
  faces: async () => [{ box: { x: 8, y: 8, width: 48, height: 48 }, confidence: 1 }],
  embeddings: async () => [{ box: { x: 8, y: 8, width: 48, height: 48 }, embedding: new Float32Array(4) }],
  distance: () => 0,
  quality: async () => ({ sharpness: 1, noise: 0, exposureMean: 0.5, clippedShare: 0, suitability: 1 }),
};
const passThroughProcessor: ImageProcessor = {
  specificationVersion: 'v1',
  provider: 'test-pass-through',
  normalize: async (bytes) => ({ bytes, width: 64, height: 64 }),
  resize: async (bytes) => bytes,
  writeMetadata: async (bytes) => bytes,
};

let root: string;
let sandbox: MaxStudioSandbox;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'studio-concurrency-'));
  sandbox = await startMaxStudioSandbox({
    jobDurations: { swap: { pendingMs: 0, runningMs: 0 }, enhance: { pendingMs: 0, runningMs: 0 } },
    faults: { latency: { minMs: LATENCY_MS, maxMs: LATENCY_MS } },
  });
});
afterAll(async () => {
  await sandbox?.close();
  await rm(root, { recursive: true, force: true });
});

/** A model with `UNITS` small targets and a studio over the sandbox, with the given limits. */
async function setUp(model: string, limits: { concurrency: number; maxConcurrency: number }) {
  const storage = new LocalStorage({ root: join(root, model), signedUrls: {} });
  const workspace = await openWorkspace({ root: join(root, model), storage });
  await workspace.createModel(model, { thresholds: { minShortSide: 64 } });
  await workspace.setConsent(model, sfwConsent());
  const image = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#b08070' } })
    .jpeg()
    .toBuffer();
  await storage.put(storageKeys.source(model, 1), image);
  for (let n = 1; n <= UNITS; n++) await storage.put(storageKeys.target(model, 'sfw', n), image);
  await workspace.recordTargets(
    model,
    'sfw',
    Array.from({ length: UNITS }, (_, i) => ({ n: i + 1, origin: 'generated', rightsStatement: 'generated' })),
  );
  const client = createMaxStudio({
    baseURL: sandbox.url,
    apiKey: 'sandbox-key',
    pollInterval: 5,
    maxConcurrency: limits.maxConcurrency,
  });
  const { swapper, enhancer } = createMaxStudioProvider({ storage, client });
  const studio = createStudio({
    workspace,
    swapper,
    enhancer,
    faceChecker: passThroughChecker,
    imageProcessor: passThroughProcessor,
    concurrency: limits.concurrency,
  });
  return { studio, storage };
}

/** The most API requests the sandbox held at once: each is held for at least LATENCY_MS after it arrives. */
function peakRequestsAtService(arrivals: number[]): number {
  const sorted = [...arrivals].sort((a, b) => a - b);
  let peak = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last++) {
    // Requests that arrived less than LATENCY_MS before this one are all still being answered when it arrives.
    while (sorted[last]! - sorted[first]! >= LATENCY_MS - 1) first++;
    peak = Math.max(peak, last - first + 1);
  }
  return peak;
}

describe('bounded concurrency of a run', () => {
  it('never has more units in flight than `concurrency`, and reaches it', async () => {
    const { studio } = await setUp('units', { concurrency: 3, maxConcurrency: 8 });
    let inFlight = 0;
    let peak = 0;
    const events: StudioEvent[] = [];
    const summary = await studio.run(await studio.plan('units', { ratings: ['sfw'] }), {
      onEvent: (event) => {
        events.push(event);
        if (event.type === 'unit-start') peak = Math.max(peak, ++inFlight);
        if (event.type === 'unit-end') inFlight--;
      },
    });
    await studio.close();
    expect(summary.succeeded).toBe(UNITS);
    expect(events.filter((event) => event.type === 'unit-start')).toHaveLength(UNITS);
    expect(inFlight).toBe(0);
    expect(peak).toBe(3);
  });

  it("never sends more requests at once than the client's `maxConcurrency`, and reaches it", async () => {
    const before = sandbox.requests().length;
    const { studio } = await setUp('requests', { concurrency: 8, maxConcurrency: 2 });
    const summary = await studio.run(await studio.plan('requests', { ratings: ['sfw'] }));
    await studio.close();
    expect(summary.succeeded).toBe(UNITS);
    const api = sandbox
      .requests()
      .slice(before)
      .filter((request) => request.route !== 'result' && request.route !== 'other');
    // Submit and poll for a swap and an enhance per unit.
    expect(api.length).toBeGreaterThanOrEqual(UNITS * 4);
    expect(peakRequestsAtService(api.map((request) => request.at))).toBe(2);
  });
});
