/**
 * The mock adapters of `@model-studio/core/testing`: core's own contract suites run against them (with a real
 * LocalStorage over a temp dir), then their documented semantics: the mock image format, identity replacement, the
 * identity threshold, reattaching after a "restart" through a shared account, and every fault with its effect on the
 * account's ledger.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  imageDimensions as coreImageDimensions,
  defaultModelSettings,
  digitalSourceType,
  LocalStorage,
  NotFoundError,
  ProviderError,
  ValidationError,
} from '@model-studio/core';
import {
  createMockEnhancer,
  createMockFaceChecker,
  createMockImageProcessor,
  createMockProviderAccount,
  createMockSwapper,
  faceCheckerContractTests,
  imageDimensions,
  mockEmbedding,
  mockImage,
  mockImageContentType,
  mockImageMagic,
  mockPriceNote,
  providerContractTests,
  readMockImage,
} from '@model-studio/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const api = { describe, it, expect, beforeAll, afterAll };
const jpeg = new Uint8Array(readFileSync(new URL('./fixtures/dimensions/baseline-37x23.jpg', import.meta.url)));
const png = new Uint8Array(readFileSync(new URL('./fixtures/dimensions/rgb-37x23.png', import.meta.url)));

/** The rejection of `promise`, or a failure when it resolves. */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

async function tempStorage(): Promise<{ storage: LocalStorage; dispose: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'core-mocks-'));
  const storage = new LocalStorage({ root });
  return {
    storage,
    async dispose() {
      await storage.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

faceCheckerContractTests(api, {
  name: 'createMockFaceChecker',
  create: () => createMockFaceChecker(),
  samples: {
    oneFace: mockImage({ width: 1200, height: 900, faces: [{ identity: 'alice' }] }),
    noFace: mockImage({ width: 1200, height: 900, label: 'landscape' }),
    sameAsOneFace: mockImage({
      width: 800,
      height: 1000,
      faces: [{ identity: 'alice', box: { x: 10, y: 20, width: 300, height: 300 } }],
    }),
    otherPerson: mockImage({ faces: [{ identity: 'bob' }] }),
  },
});

providerContractTests(api, {
  name: 'mock provider (createMockSwapper, createMockEnhancer, createMockFaceChecker as detector) on LocalStorage',
  async setup() {
    const { storage, dispose } = await tempStorage();
    await storage.put('samples/source.mock', mockImage({ faces: [{ identity: 'alice' }] }));
    await storage.put(
      'samples/target.mock',
      mockImage({ width: 1600, height: 1200, faces: [{ identity: 'stand-in' }] }),
    );
    const account = createMockProviderAccount();
    const adapters = () => ({
      swapper: createMockSwapper({ storage, account }),
      enhancer: createMockEnhancer({ storage, account }),
    });
    return {
      ...adapters(),
      detector: createMockFaceChecker({ storage }),
      storage,
      sampleKeys: { source: 'samples/source.mock', target: 'samples/target.mock' },
      restart: async () => adapters(),
      teardown: dispose,
    };
  },
});

describe('mockImage and readMockImage', () => {
  it('writes the magic prefix and JSON, and reads the complete description back', () => {
    const bytes = mockImage({
      width: 1000,
      height: 500,
      faces: [{ identity: 'alice' }, { identity: 'bob' }],
      label: 't1',
    });
    const text = new TextDecoder().decode(bytes);
    expect(text.startsWith(mockImageMagic)).toBe(true);
    expect(JSON.parse(text.slice(mockImageMagic.length)).label).toBe('t1');
    const image = readMockImage(bytes);
    expect(image).toEqual({
      width: 1000,
      height: 500,
      faces: [
        { identity: 'alice', box: { x: 125, y: 125, width: 250, height: 250 }, confidence: 0.99 },
        { identity: 'bob', box: { x: 625, y: 125, width: 250, height: 250 }, confidence: 0.99 },
      ],
      history: [],
      label: 't1',
    });
    expect(mockImage(image)).toEqual(bytes); // deterministic: the same description gives the same bytes
    expect(readMockImage(mockImage())).toMatchObject({ width: 1024, height: 1024, faces: [] });
  });

  it('reads nothing from other bytes', () => {
    expect(readMockImage(jpeg)).toBeUndefined();
    expect(readMockImage(png)).toBeUndefined();
    expect(readMockImage(new TextEncoder().encode(`${mockImageMagic}{not json`))).toBeUndefined();
    expect(readMockImage(new Uint8Array(0))).toBeUndefined();
  });

  it('refuses bad descriptions with a ValidationError', () => {
    expect(ValidationError.isInstance(rejectionSync(() => mockImage({ width: 0 })))).toBe(true);
    expect(ValidationError.isInstance(rejectionSync(() => mockImage({ width: 10.5 })))).toBe(true);
    expect(ValidationError.isInstance(rejectionSync(() => mockImage({ faces: [{ identity: '' }] })))).toBe(true);
    const outside = { identity: 'a', box: { x: 1000, y: 0, width: 100, height: 100 } };
    expect(ValidationError.isInstance(rejectionSync(() => mockImage({ faces: [outside] })))).toBe(true);
  });
});

function rejectionSync(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('createMockImageProcessor', () => {
  const processor = createMockImageProcessor();

  it('normalizes: scales down to maxSide with the boxes, never up', async () => {
    const source = mockImage({
      width: 4000,
      height: 3000,
      faces: [{ identity: 'alice', box: { x: 2000, y: 1000, width: 800, height: 800 } }],
    });
    const { bytes, width, height } = await processor.normalize(source, { maxSide: 2000, maxBytes: 5_000_000 });
    expect({ width, height }).toEqual({ width: 2000, height: 1500 });
    expect(readMockImage(bytes)?.faces[0]).toMatchObject({
      identity: 'alice',
      box: { x: 1000, y: 500, width: 400, height: 400 },
    });
    expect(await processor.normalize(mockImage({ width: 900, height: 1200 }), { maxSide: 2000 })).toMatchObject({
      width: 900,
      height: 1200,
    });
  });

  it('resizes to fit within a size, keeping the aspect ratio', async () => {
    const resized = readMockImage(
      await processor.resize(mockImage({ width: 1000, height: 500 }), { width: 300, height: 300 }),
    );
    expect(resized).toMatchObject({ width: 300, height: 150 });
  });

  it('writes the AI-generated mark into the description', async () => {
    const marked = await processor.writeMetadata(mockImage({ faces: [{ identity: 'alice' }] }), {
      digitalSourceType: digitalSourceType.composite,
    });
    expect(readMockImage(marked)?.metadata?.digitalSourceType).toBe(digitalSourceType.composite);
    expect(readMockImage(marked)?.faces[0]?.identity).toBe('alice');
  });

  it('refuses real JPEG and PNG bytes with a ValidationError naming mock images', async () => {
    for (const bytes of [jpeg, png]) {
      const error = await rejectionOf(processor.normalize(bytes));
      expect(ValidationError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(/only mock images/);
    }
  });

  it('rejects with the signal reason when aborted', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    controller.abort(reason);
    expect(
      await rejectionOf(processor.resize(mockImage(), { width: 10, height: 10 }, { signal: controller.signal })),
    ).toBe(reason);
  });
});

describe('createMockFaceChecker', () => {
  const checker = createMockFaceChecker();
  const threshold = defaultModelSettings.thresholds.identityThreshold;

  it('gives the same identity distance 0 and different identities a distance far above the identity threshold', async () => {
    const names = [
      'alice',
      'bob',
      'carol',
      'dave',
      'erin',
      'frank',
      'grace',
      'heidi',
      'ivan',
      'judy',
      'alice2',
      'Alice',
      'stand-in',
      'model-x',
    ];
    for (const [i, a] of names.entries()) {
      const [same] = await checker.embeddings({ bytes: mockImage({ width: 700, faces: [{ identity: a }] }) });
      expect(checker.distance(same!.embedding, mockEmbedding(a))).toBe(0);
      expect(Math.hypot(...mockEmbedding(a))).toBeCloseTo(1, 5);
      for (const b of names.slice(i + 1))
        expect(checker.distance(mockEmbedding(a), mockEmbedding(b))).toBeGreaterThan(threshold + 0.3);
    }
  });

  it('embeds only the faces under the given boxes', async () => {
    const bytes = mockImage({ width: 1000, height: 500, faces: [{ identity: 'alice' }, { identity: 'bob' }] });
    const faces = await checker.faces({ bytes });
    const embedded = await checker.embeddings(
      { bytes },
      { boxes: [faces[1]!.box, { x: 0, y: 0, width: 5, height: 5 }] },
    );
    expect(embedded).toHaveLength(1);
    expect(embedded[0]!.embedding).toEqual(mockEmbedding('bob'));
  });

  it('reports default quality figures, or the ones the image sets', async () => {
    expect(await checker.quality({ bytes: mockImage({ faces: [{ identity: 'a' }] }) })).toEqual({
      sharpness: 150,
      noise: 2,
      exposureMean: 0.5,
      clippedShare: 0.01,
      suitability: 0.9,
    });
    expect(await checker.quality({ bytes: mockImage({ quality: { sharpness: 3, suitability: 0.2 } }) })).toMatchObject({
      sharpness: 3,
      suitability: 0.2,
    });
  });

  it('reads { key } sources from its storage, and refuses them without one', async () => {
    const { storage, dispose } = await tempStorage();
    try {
      await storage.put('a.mock', mockImage({ faces: [{ identity: 'alice' }] }));
      expect(await createMockFaceChecker({ storage }).faces({ key: 'a.mock' })).toHaveLength(1);
      expect(ValidationError.isInstance(await rejectionOf(checker.faces({ key: 'a.mock' })))).toBe(true);
    } finally {
      await dispose();
    }
  });

  it('refuses real JPEG bytes with a ValidationError', async () => {
    const error = await rejectionOf(checker.embeddings({ bytes: jpeg }));
    expect(ValidationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/only mock images/);
  });
});

describe('mock swapper and enhancer', () => {
  let storage: LocalStorage;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ storage, dispose } = await tempStorage());
    await storage.put('source.mock', mockImage({ faces: [{ identity: 'alice' }, { identity: 'someone-else' }] }));
    await storage.put(
      'target.mock',
      mockImage({
        width: 1200,
        height: 800,
        faces: [{ identity: 'x' }, { identity: 'y' }],
        metadata: { description: 'before' },
        label: 'beach',
      }),
    );
    await storage.put('no-face.mock', mockImage({ label: 'empty room' }));
    await storage.put('photo.jpg', jpeg);
  });
  afterAll(() => dispose());

  const swap = { targetKey: 'target.mock', sourceKey: 'source.mock' };

  it('declares the defaults: provider mock, 10 and 2 credits, a price note, no public URLs', () => {
    const swapper = createMockSwapper({ storage });
    const enhancer = createMockEnhancer({ storage });
    expect([swapper.provider, swapper.price, swapper.priceNote, swapper.requiresPublicUrls]).toEqual([
      'mock',
      { units: 10, unit: 'credits' },
      mockPriceNote,
      false,
    ]);
    expect(enhancer.price).toEqual({ units: 2, unit: 'credits' });
    const custom = createMockSwapper({ storage, provider: 'fake', price: { units: 3, unit: 'usd' }, priceNote: 'n' });
    expect([custom.provider, custom.price, custom.priceNote]).toEqual(['fake', { units: 3, unit: 'usd' }, 'n']);
  });

  it("replaces every target face's identity with the source's first face, and charges the price", async () => {
    const swapper = createMockSwapper({ storage });
    const job = await swapper.submitSwap(swap);
    expect(job).toEqual({ id: 'mock-swap-1', provider: 'mock', operation: 'swap' });
    const result = await swapper.waitForSwap(job);
    expect(result).toMatchObject({ job, contentType: mockImageContentType, units: 10, unit: 'credits' });
    const image = readMockImage(result.bytes);
    expect(image?.faces.map((face) => face.identity)).toEqual(['alice', 'alice']);
    expect(image).toMatchObject({ width: 1200, height: 800, label: 'beach', history: ['swap mock-swap-1'] });
    expect(image?.metadata).toBeUndefined(); // a provider's output carries no mark: the orchestrator writes it
    expect(swapper.account.charges).toEqual([{ jobId: 'mock-swap-1', op: 'swap', units: 10, unit: 'credits' }]);
  });

  it('replaces only the faces under the given boxes', async () => {
    const swapper = createMockSwapper({ storage });
    const [, second] = readMockImage(await readBytes(storage, 'target.mock'))!.faces;
    const result = await swapper.waitForSwap(await swapper.submitSwap({ ...swap, faces: [second!.box] }));
    expect(readMockImage(result.bytes)?.faces.map((face) => face.identity)).toEqual(['x', 'alice']);
  });

  it('enhances: doubles width and height, from storage or from the bytes given', async () => {
    const enhancer = createMockEnhancer({ storage });
    const fromKey = await enhancer.waitForEnhance(await enhancer.submitEnhance({ imageKey: 'target.mock' }));
    const image = readMockImage(fromKey.bytes);
    expect(image).toMatchObject({ width: 2400, height: 1600, history: ['enhance mock-enhance-1'] });
    expect(image?.faces[0]?.box).toEqual({ x: 300, y: 500, width: 600, height: 600 });
    const given = mockImage({ width: 10, height: 20 });
    const fromBytes = await enhancer.waitForEnhance(
      await enhancer.submitEnhance({ imageKey: 'not-read.mock', image: given }),
    );
    expect(readMockImage(fromBytes.bytes)).toMatchObject({ width: 20, height: 40 });
    expect(enhancer.account.charged()).toBe(4);
  });

  it('refuses inputs before charging: missing key, a real JPEG, no face', async () => {
    const swapper = createMockSwapper({ storage });
    expect(
      NotFoundError.isInstance(await rejectionOf(swapper.submitSwap({ ...swap, targetKey: 'missing.mock' }))),
    ).toBe(true);
    const jpegError = await rejectionOf(swapper.submitSwap({ ...swap, targetKey: 'photo.jpg' }));
    expect(jpegError).toMatchObject({ reason: 'input', isRetryable: false });
    const noFace = await rejectionOf(swapper.submitSwap({ ...swap, targetKey: 'no-face.mock' }));
    expect(noFace).toMatchObject({ reason: 'input', isRetryable: false });
    const noSource = await rejectionOf(swapper.submitSwap({ ...swap, sourceKey: 'no-face.mock' }));
    expect(noSource).toMatchObject({ reason: 'input' });
    expect(swapper.account.jobs).toEqual([]);
    expect(swapper.account.charges).toEqual([]);
  });

  it('reattaches a job by id from a new instance sharing the account; an unknown id is job-failed', async () => {
    const account = createMockProviderAccount();
    const job = await createMockSwapper({ storage, account }).submitSwap(swap);
    const fromJournal = JSON.parse(JSON.stringify(job));
    const restarted = createMockSwapper({ storage, account });
    expect(readMockImage((await restarted.waitForSwap(fromJournal)).bytes)?.faces[0]?.identity).toBe('alice');
    expect(account.charges).toHaveLength(1); // waiting again never charges again

    const error = await rejectionOf(createMockSwapper({ storage }).waitForSwap(fromJournal));
    expect(ProviderError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      reason: 'job-failed',
      isRetryable: true,
      jobId: job.id,
      providerMessage: 'not-found',
    });
    const wrongOp = await rejectionOf(createMockEnhancer({ storage, account }).waitForEnhance(fromJournal));
    expect(wrongOp).toMatchObject({ reason: 'job-failed' });
  });

  it('honours the signal: submit and wait reject with its reason; a timeout shorter than waitMs is a timeout', async () => {
    const swapper = createMockSwapper({ storage, waitMs: 30 });
    const reason = new Error('user stopped');
    const early = new AbortController();
    early.abort(reason);
    expect(await rejectionOf(swapper.submitSwap(swap, { signal: early.signal }))).toBe(reason);
    const job = await swapper.submitSwap(swap);
    const late = new AbortController();
    const waiting = rejectionOf(swapper.waitForSwap(job, { signal: late.signal }));
    setTimeout(() => late.abort(reason), 5);
    expect(await waiting).toBe(reason);
    expect(await rejectionOf(swapper.waitForSwap(job, { timeout: 5 }))).toMatchObject({
      reason: 'timeout',
      isRetryable: true,
    });
    const statuses: string[] = [];
    await swapper.waitForSwap(job, { onStatus: (status) => statuses.push(status) });
    expect(statuses).toEqual(['running', 'completed']);
  });
});

describe('mock provider faults and the ledger', () => {
  let storage: LocalStorage;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ storage, dispose } = await tempStorage());
    await storage.put('source.mock', mockImage({ faces: [{ identity: 'alice' }] }));
    await storage.put('target.mock', mockImage({ faces: [{ identity: 'x' }] }));
  });
  afterAll(() => dispose());
  const swap = { targetKey: 'target.mock', sourceKey: 'source.mock' };

  it('uncertain: the job is accepted and charged, but submit throws as if the response was lost', async () => {
    const account = createMockProviderAccount();
    account.failNext('swap', 'uncertain');
    const swapper = createMockSwapper({ storage, account });
    const error = await rejectionOf(swapper.submitSwap(swap));
    expect(ProviderError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ provider: 'mock', reason: 'uncertain', isRetryable: false, jobId: undefined });
    expect(account.jobs).toMatchObject([{ id: 'mock-swap-1', status: 'completed', responseLost: true }]);
    expect(account.charges).toEqual([{ jobId: 'mock-swap-1', op: 'swap', units: 10, unit: 'credits' }]);
    // Resubmitting (as resubmitUncertain would) pays a second time.
    await swapper.submitSwap(swap);
    expect(account.charged()).toBe(20);
  });

  it('input: refused and not charged', async () => {
    const account = createMockProviderAccount();
    account.failNext('swap', 'input', { message: 'image too large' });
    const error = await rejectionOf(createMockSwapper({ storage, account }).submitSwap(swap));
    expect(error).toMatchObject({
      reason: 'input',
      isRetryable: false,
      status: 400,
      providerMessage: 'image too large',
    });
    expect(account.jobs).toEqual([]);
    expect(account.charges).toEqual([]);
    expect(account.attempts).toEqual([{ op: 'swap', outcome: 'input' }]);
  });

  it('job-failed: submitted and charged, then waiting rejects with job-failed', async () => {
    const account = createMockProviderAccount();
    account.failNext('enhance', 'job-failed');
    const enhancer = createMockEnhancer({ storage, account });
    const job = await enhancer.submitEnhance({ imageKey: 'target.mock' });
    const error = await rejectionOf(enhancer.waitForEnhance(job));
    expect(error).toMatchObject({ reason: 'job-failed', isRetryable: false, jobId: job.id });
    expect(account.charges).toEqual([{ jobId: job.id, op: 'enhance', units: 2, unit: 'credits' }]);
    expect(account.job(job.id)?.status).toBe('failed');
  });

  it('insufficient credits, rate limits, 5xx, network and authentication refuse without charging, in queue order', async () => {
    const account = createMockProviderAccount();
    account.failNext('swap', 'rate-limited', { times: 2, retryAfterMs: 1000 });
    account.failNext('swap', 'server');
    account.failNext('swap', 'network');
    account.failNext('swap', 'authentication');
    account.failNext('swap', 'insufficient-credits');
    const swapper = createMockSwapper({ storage, account });
    const expected = [
      { reason: 'rate-limited', isRetryable: true, status: 429, retryAfterMs: 1000 },
      { reason: 'rate-limited', isRetryable: true, status: 429 },
      { reason: 'server', isRetryable: true, status: 503 },
      { reason: 'network', isRetryable: true, status: undefined },
      { reason: 'authentication', isRetryable: false, status: 401 },
      { reason: 'insufficient-credits', isRetryable: false, status: 402 },
    ];
    for (const fields of expected) expect(await rejectionOf(swapper.submitSwap(swap))).toMatchObject(fields);
    expect(account.charges).toEqual([]);
    expect(account.faults.swap).toEqual([]);
    // Faults are per operation: enhances were never affected, and the next swap goes through.
    await swapper.submitSwap(swap);
    expect(account.attempts.map((attempt) => attempt.outcome)).toEqual([
      'rate-limited',
      'rate-limited',
      'server',
      'network',
      'authentication',
      'insufficient-credits',
      'accepted',
    ]);
    expect(account.charges).toEqual([{ jobId: 'mock-swap-1', op: 'swap', units: 10, unit: 'credits' }]);
  });
});

describe('imageDimensions', () => {
  it('is core’s, exported from the main entry and (for compatibility) from ./testing', () => {
    expect(imageDimensions).toBe(coreImageDimensions);
    expect(imageDimensions(jpeg)).toEqual({ width: 37, height: 23 });
    expect(imageDimensions(mockImage())).toBeUndefined();
  });
});

async function readBytes(storage: LocalStorage, key: string): Promise<Uint8Array> {
  return new Uint8Array(await new Response(await storage.get(key)).arrayBuffer());
}
