import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalStorage, ProviderError, ValidationError } from '@model-studio/core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMaxStudio,
  createMaxStudioProvider,
  type MaxStudioProviderOptions,
  maxStudioPriceNote,
} from '../src/index.js';
import { astronaut, graceHopper } from './helpers/fixtures.js';
import { type SandboxProcess, startSandboxProcess } from './helpers/sandbox-process.js';

let sandbox: SandboxProcess;
let storage: LocalStorage;
let root: string;
const fast = { pollInterval: 20, maxPollInterval: 100, retry: { minDelay: 20, maxDelay: 200 } };
const provider = (extra: Partial<MaxStudioProviderOptions> = {}) =>
  createMaxStudioProvider({
    storage,
    client: createMaxStudio({ ...fast, baseURL: sandbox.url, apiKey: sandbox.apiKey }),
    ...extra,
  });

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'maxstudio-provider-'));
  storage = new LocalStorage({ root, signedUrls: {} });
  sandbox = await startSandboxProcess();
  await storage.put('models/ada/source/ada-source-1.png', astronaut);
  await storage.put('models/ada/targets/sfw/ada-t001.jpg', graceHopper);
  await storage.put('big.jpg', new Uint8Array(5 * 1024 * 1024 + 1));
});
afterAll(async () => {
  await Promise.all([sandbox?.close(), storage?.close()]);
  await rm(root, { recursive: true, force: true });
});

const target = 'models/ada/targets/sfw/ada-t001.jpg';
const source = 'models/ada/source/ada-source-1.png';

/** Mean absolute difference per channel between two same-sized raw RGB regions. */
async function regionDifference(
  a: Uint8Array,
  b: Uint8Array,
  region: { left: number; top: number; width: number; height: number },
) {
  const [ra, rb] = await Promise.all(
    [a, b].map((bytes) => sharp(bytes).removeAlpha().extract(region).raw().toBuffer()),
  );
  let sum = 0;
  for (let i = 0; i < (ra?.length ?? 0); i++) sum += Math.abs((ra?.[i] ?? 0) - (rb?.[i] ?? 0));
  return sum / (ra?.length ?? 1);
}

describe('MaxStudio adapters on the sandbox', () => {
  it('carry the price note: costs are price-table figures, MaxStudio reports no charges', () => {
    const { swapper, enhancer } = provider();
    expect(maxStudioPriceNote).toBe(
      'Costs come from the model\'s price table: the MaxStudio API reports no charges, so "actual" means price-table figures for accepted jobs.',
    );
    expect(swapper.priceNote).toBe(maxStudioPriceNote);
    expect(enhancer.priceNote).toBe(maxStudioPriceNote);
  });

  it('swaps: detects the target face, pastes the source face into it, marks the output SANDBOX', async () => {
    const { detector, swapper } = provider();
    const since = (await sandbox.requests()).length;
    const [face] = await detector.detectFaces({ key: target });
    if (!face) throw new Error('no face');
    const job = await swapper.submitSwap({ targetKey: target, sourceKey: source });
    const result = await swapper.waitForSwap(job);
    expect(result).toMatchObject({
      units: 10,
      unit: 'credits',
      contentType: 'image/jpeg',
      job: { id: job.id, provider: 'maxstudio', operation: 'swap' },
    });
    const routes = (await sandbox.requests()).slice(since).map((entry) => entry.route);
    expect(routes.slice(0, 3)).toEqual(['detect', 'detect', 'swap']);
    expect(routes.at(-1)).toBe('result');

    const meta = await sharp(result.bytes).metadata();
    expect([meta.width, meta.height]).toEqual([512, 512]);
    // The centre of the face box now shows the source's face: closer to the source's face than to the original target.
    const inner = {
      left: face.box.x + face.box.width / 4,
      top: face.box.y + face.box.height / 4,
      width: face.box.width / 2,
      height: face.box.height / 2,
    };
    const region = {
      left: Math.round(inner.left),
      top: Math.round(inner.top),
      width: Math.round(inner.width),
      height: Math.round(inner.height),
    };
    const [sourceFace] = await createMaxStudioProvider({
      storage,
      client: createMaxStudio({ ...fast, baseURL: sandbox.url, apiKey: sandbox.apiKey }),
    }).detector.detectFaces({ key: source });
    if (!sourceFace) throw new Error('no source face');
    const sourceInBox = await sharp(astronaut)
      .extract({
        left: sourceFace.box.x,
        top: sourceFace.box.y,
        width: sourceFace.box.width,
        height: sourceFace.box.height,
      })
      .resize(face.box.width, face.box.height, { fit: 'fill' })
      .extend({
        left: face.box.x,
        top: face.box.y,
        right: 512 - face.box.x - face.box.width,
        bottom: 512 - face.box.y - face.box.height,
      })
      .png()
      .toBuffer();
    const toSource = await regionDifference(result.bytes, sourceInBox, region);
    const toTarget = await regionDifference(result.bytes, graceHopper, region);
    expect(toSource).toBeLessThan(toTarget / 2);
    // The SANDBOX mark: yellow pixels in the bottom-left band.
    const { data, info } = await sharp(result.bytes)
      .extract({ left: 0, top: 490, width: 170, height: 22 })
      .raw()
      .toBuffer({ resolveWithObject: true });
    let yellow = 0;
    for (let i = 0; i < data.length; i += info.channels)
      if ((data[i] ?? 0) > 200 && (data[i + 1] ?? 0) > 170 && (data[i + 2] ?? 255) < 90) yellow++;
    expect(yellow).toBeGreaterThan(50);
  });

  it('swaps into given boxes without detecting', async () => {
    const { swapper } = provider();
    const since = (await sandbox.requests()).length;
    const job = await swapper.submitSwap({
      targetKey: target,
      sourceKey: source,
      faces: [{ x: 10, y: 10, width: 100, height: 120 }],
    });
    expect((await sandbox.requests()).slice(since).map((entry) => entry.route)).toEqual(['swap']);
    expect((await swapper.waitForSwap(job)).bytes.byteLength).toBeGreaterThan(1000);
  });

  it('enhances 2x and reports units from a configured price table', async () => {
    const { enhancer } = provider({ prices: { enhance: { units: 3, unit: 'tokens' } } });
    expect(enhancer.price).toEqual({ units: 3, unit: 'tokens' });
    const job = await enhancer.submitEnhance({ imageKey: target });
    const result = await enhancer.waitForEnhance(job);
    expect(result).toMatchObject({ units: 3, unit: 'tokens', contentType: 'image/jpeg' });
    const meta = await sharp(result.bytes).metadata();
    expect([meta.width, meta.height]).toEqual([1024, 1024]);
  });

  it('enhances the bytes the caller already holds without reading storage', async () => {
    const { enhancer } = provider();
    // No object is stored under this key: the given bytes are what is sent.
    const job = await enhancer.submitEnhance({ imageKey: 'models/ada/not-stored.jpg', image: graceHopper });
    const meta = await sharp((await enhancer.waitForEnhance(job)).bytes).metadata();
    expect([meta.width, meta.height]).toEqual([1024, 1024]);
  });

  it('refuses an image over 5 MB before sending it, from storage or given as bytes', async () => {
    const since = (await sandbox.requests()).length;
    const { enhancer } = provider();
    const stored = await enhancer.submitEnhance({ imageKey: 'big.jpg' }).catch((reason: unknown) => reason);
    const given = await enhancer
      .submitEnhance({ imageKey: 'models/ada/big.jpg', image: new Uint8Array(5 * 1024 * 1024 + 1) })
      .catch((reason: unknown) => reason);
    for (const error of [stored, given])
      expect(ProviderError.isInstance(error) && error.reason === 'input' && !error.isRetryable).toBe(true);
    expect((await sandbox.requests()).length).toBe(since);
  });

  it('refuses storage without public URLs when the client talks to the real API, before sending anything', async () => {
    const remote = createMaxStudioProvider({
      storage,
      client: createMaxStudio({ baseURL: 'https://api.maxstudio.invalid', apiKey: 'unused-key' }),
    });
    expect(remote.swapper.requiresPublicUrls).toBe(true);
    expect(remote.enhancer.requiresPublicUrls ?? false).toBe(false);
    expect(provider().swapper.requiresPublicUrls).toBe(false);
    const detect = await remote.detector.detectFaces({ key: target }).catch((reason: unknown) => reason);
    expect(ValidationError.isInstance(detect)).toBe(true);
    expect((detect as Error).message).toMatch(/publicUrls: false/);
    const swap = await remote.swapper
      .submitSwap({ targetKey: target, sourceKey: source, faces: [{ x: 1, y: 1, width: 9, height: 9 }] })
      .catch((reason: unknown) => reason);
    expect(ValidationError.isInstance(swap)).toBe(true);
  });

  it('refuses storage that cannot sign URLs', async () => {
    const plain = new LocalStorage({ root });
    const { detector } = createMaxStudioProvider({
      storage: plain,
      client: createMaxStudio({ baseURL: sandbox.url, apiKey: sandbox.apiKey }),
    });
    const error = await detector.detectFaces({ key: target }).catch((reason: unknown) => reason);
    expect(ValidationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/signed URLs/);
  });

  it('refuses image bytes for detection (MaxStudio reads URLs) and a job of another operation', async () => {
    const { detector, swapper } = provider();
    await expect(detector.detectFaces({ bytes: graceHopper })).rejects.toSatisfy(ValidationError.isInstance);
    await expect(swapper.waitForSwap({ id: 'x', provider: 'maxstudio', operation: 'enhance' })).rejects.toSatisfy(
      ValidationError.isInstance,
    );
  });
});
