import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  computeQualityMetrics,
  findNearDuplicates,
  hammingDistance,
  laplacianVariance,
  noiseSigma,
  perceptualHash,
  suitabilityParts,
  suitabilityScore,
} from '../src/index.js';
import { astronaut, coffee, face, grace } from './fixtures.js';

async function rgbOf(bytes: Uint8Array | Buffer) {
  const { data, info } = await sharp(bytes)
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height };
}

describe('quality metrics', () => {
  it('scores a blurred copy as less sharp, and added noise as noisier', async () => {
    const original = await rgbOf(face(grace));
    const blurred = await rgbOf(await sharp(face(grace)).blur(3).toBuffer());
    const sharpM = computeQualityMetrics(original, []);
    const blurM = computeQualityMetrics(blurred, []);
    expect(blurM.sharpness).toBeLessThan(sharpM.sharpness / 4);
    const noisy = {
      ...original,
      data: original.data.map((v, i) => Math.max(0, Math.min(255, v + (((i * 7919) % 41) - 20)))),
    };
    expect(computeQualityMetrics(noisy, []).noise).toBeGreaterThan(sharpM.noise + 5);
  });

  it('measures exposure and clipping on solid images', () => {
    const solid = (v: number) => ({ data: new Uint8Array(64 * 64 * 3).fill(v), width: 64, height: 64 });
    expect(computeQualityMetrics(solid(255), [])).toMatchObject({
      exposureMean: 1,
      clippedShare: 1,
      sharpness: 0,
      noise: 0,
    });
    expect(computeQualityMetrics(solid(0), [])).toMatchObject({ exposureMean: 0, clippedShare: 1 });
    const mid = computeQualityMetrics(solid(128), []);
    expect(mid.exposureMean).toBeCloseTo(128 / 255, 5);
    expect(mid.clippedShare).toBe(0);
  });

  it('gives the Laplacian variance and noise of known patterns', () => {
    // A checkerboard of 0/100: every inner Laplacian is +-400, so the variance is 160000.
    const w = 8;
    const board = Float32Array.from({ length: w * w }, (_, i) => (((i % w) + Math.floor(i / w)) % 2 ? 100 : 0));
    expect(laplacianVariance(board, w, w)).toBeCloseTo(160_000, 0);
    const ramp = Float32Array.from({ length: w * w }, (_, i) => i % w);
    expect(noiseSigma(ramp, w, w)).toBe(0);
  });

  it('keeps suitability in [0, 1], zero without a face, highest with one large sharp face', () => {
    const good = { sharpness: 1000, noise: 1, exposureMean: 0.5, clippedShare: 0 };
    const one = suitabilityScore(suitabilityParts(good, [{ x: 0, y: 0, width: 300, height: 300 }], 1000));
    expect(one).toBe(1);
    expect(suitabilityScore(suitabilityParts(good, [], 1000))).toBe(0);
    const two = suitabilityScore(
      suitabilityParts(
        good,
        [
          { x: 0, y: 0, width: 300, height: 300 },
          { x: 400, y: 0, width: 300, height: 300 },
        ],
        1000,
      ),
    );
    expect(two).toBe(0.5);
    const bad = { sharpness: 2, noise: 30, exposureMean: 0.02, clippedShare: 0.9 };
    const poor = suitabilityScore(suitabilityParts(bad, [{ x: 0, y: 0, width: 20, height: 20 }], 1000));
    expect(poor).toBeGreaterThanOrEqual(0);
    expect(poor).toBeLessThan(0.1);
  });
});

describe('near-duplicates', () => {
  it('hashes resized and re-compressed copies close together and different photos apart', async () => {
    const original = await perceptualHash(face(grace));
    const copy = await perceptualHash(
      new Uint8Array(await sharp(face(grace)).resize(300).jpeg({ quality: 40 }).toBuffer()),
    );
    expect(original).toMatch(/^[0-9a-f]{16}$/);
    expect(hammingDistance(original, copy)).toBeLessThanOrEqual(10); // the default near-duplicate threshold
    expect(hammingDistance(original, await perceptualHash(face(astronaut)))).toBeGreaterThan(16);
  });

  it('groups near-duplicates across a set and leaves unique images out', async () => {
    const brighter = new Uint8Array(await sharp(face(grace)).modulate({ brightness: 1.1 }).jpeg().toBuffer());
    const groups = await findNearDuplicates([
      { id: 'grace', bytes: face(grace) },
      { id: 'astronaut', bytes: face(astronaut) },
      { id: 'grace-brighter', bytes: brighter },
      { id: 'coffee', bytes: face(coffee) },
    ]);
    expect(groups).toHaveLength(1);
    expect(groups[0]!.ids.sort()).toEqual(['grace', 'grace-brighter']);
    expect(groups[0]!.maxDistance).toBeLessThanOrEqual(10);
    expect(
      await findNearDuplicates([
        { id: 'a', hash: 'ffffffffffffffff' },
        { id: 'b', hash: '0000000000000000' },
      ]),
    ).toEqual([]);
  });
});
