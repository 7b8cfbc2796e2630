/**
 * `createImageProcessor().normalize` as an import uses it: what is not a single still photo is refused with a typed
 * `ValidationError` (its `field` is what the import maps to a reason) and a plain message; what is too big is scaled
 * to the provider's pixel limit. Real sharp on small generated images.
 */
import { crc32 } from 'node:zlib';
import { ValidationError } from '@model-studio/core';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { createImageProcessor, hammingDistance } from '../src/index.js';
import { astronaut, bomb, face, grace } from './fixtures.js';

const processor = createImageProcessor();

const solid = (width: number, height: number, background = '#808080') =>
  sharp({ create: { width, height, channels: 3, background } });
const bytesOf = async (image: ReturnType<typeof sharp>) => new Uint8Array(await image.toBuffer());
const frames = () =>
  Promise.all(['#ff0000', '#00ff00', '#0000ff'].map((colour) => solid(64, 48, colour).png().toBuffer()));

/** The ValidationError `normalize` rejects with (fails the test when it resolves or throws anything else). */
async function refusal(bytes: Uint8Array): Promise<ValidationError> {
  const error = await processor.normalize(bytes, { maxBytes: 5_000_000, maxPixels: 4096 * 4096 }).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!ValidationError.isInstance(error)) throw new Error(`expected a ValidationError, got ${String(error)}`);
  return error;
}

/** Messages a person reads: one line, no library call names, no libvips prefixes. */
function expectPlain(message: string): void {
  expect(message).not.toMatch(/checkFile|\(\)|Vips|\n/);
  expect(message.length).toBeLessThan(240);
}

/** A PNG with an `acTL` chunk (an animated PNG's control chunk) before its image data. */
async function animatedPng(): Promise<Uint8Array> {
  const png = new Uint8Array(await solid(32, 32).png().toBuffer());
  const ihdrEnd = 8 + 12 + 13; // signature, IHDR (length, type, 13 bytes of data, CRC)
  const data = new Uint8Array([0, 0, 0, 2, 0, 0, 0, 0]); // 2 frames, play forever
  const chunk = new Uint8Array(12 + data.length);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, data.length);
  chunk.set(new TextEncoder().encode('acTL'), 4);
  chunk.set(data, 8);
  view.setUint32(8 + data.length, crc32(chunk.subarray(4, 8 + data.length)));
  return new Uint8Array([...png.subarray(0, ihdrEnd), ...chunk, ...png.subarray(ihdrEnd)]);
}

describe('normalize for import: pixel limit', () => {
  it('scales an 8000x8000 photo down to the pixel limit, as a JPEG under the byte limit', async () => {
    const huge = await bytesOf(solid(8000, 8000).jpeg());
    const out = await processor.normalize(huge, { maxBytes: 5_000_000, maxPixels: 4096 * 4096 });
    expect({ width: out.width, height: out.height }).toEqual({ width: 4096, height: 4096 });
    expect(out.bytes.length).toBeLessThanOrEqual(5_000_000);
    expect(await sharp(out.bytes).metadata()).toMatchObject({ format: 'jpeg', width: 4096, height: 4096 });
  });

  it('applies EXIF orientation before fitting the pixel limit, keeping the aspect ratio', async () => {
    const sideways = await bytesOf(solid(6000, 4000).withMetadata({ orientation: 6 }).jpeg());
    const out = await processor.normalize(sideways, { maxPixels: 6_000_000 });
    expect(out.height).toBeGreaterThan(out.width);
    expect(out.width * out.height).toBeLessThanOrEqual(6_000_000);
    expect(Math.abs(out.height / out.width - 1.5)).toBeLessThan(0.01);
    expect((await sharp(out.bytes).metadata()).orientation).toBeUndefined();
  });

  it('refuses a decompression bomb (above the processor’s own limit) with field "pixels"', async () => {
    const error = await refusal(await bomb('png'));
    expect(error).toMatchObject({ field: 'pixels', value: 400_000_000 });
    expectPlain(error.message);
  });
});

describe('normalize for import: not a still photo', () => {
  it('refuses an SVG named .jpg with field "format" (value svg), before any decoding', async () => {
    const svg = new TextEncoder().encode(
      '<svg xmlns="http://www.w3.org/2000/svg" width="900" height="900"><circle cx="450" cy="450" r="400"/></svg>',
    );
    const error = await refusal(svg);
    expect(error).toMatchObject({ field: 'format', value: 'svg' });
    expect(error.message).toMatch(/SVG drawing/);
    expectPlain(error.message);
  });

  it('refuses animated GIF, WebP and PNG with field "frames", and a still GIF with field "format"', async () => {
    const gif = await bytesOf(sharp(await frames(), { join: { animated: true } }).gif());
    const webp = await bytesOf(sharp(await frames(), { join: { animated: true } }).webp());
    for (const [bytes, what] of [
      [gif, /animated GIF \(3 frames\)/],
      [webp, /animated WebP \(3 frames\)/],
      [await animatedPng(), /animated PNG/],
    ] as const) {
      const error = await refusal(bytes);
      expect(error.field).toBe('frames');
      expect(error.message).toMatch(what);
      expectPlain(error.message);
    }
    const still = await refusal(await bytesOf(solid(900, 900).gif()));
    expect(still).toMatchObject({ field: 'format', value: 'gif' });
  });

  it('refuses bytes that are no image at all with field "format", value unknown', async () => {
    const error = await refusal(new TextEncoder().encode('<!doctype html><p>not a photo</p>'));
    expect(error).toMatchObject({ field: 'format', value: 'unknown' });
    expectPlain(error.message);
  });

  it('refuses a truncated JPEG with field "bytes" and one short cause, not the decoder’s log', async () => {
    const jpeg = await bytesOf(solid(900, 900).jpeg());
    const headerOnly = await refusal(jpeg.subarray(0, 400));
    const cutOff = await refusal(face(grace).subarray(0, Math.round(face(grace).length / 2)));
    for (const error of [headerOnly, cutOff]) {
      expect(error.field).toBe('bytes');
      expect(error.message).toMatch(/^The image could not be decoded: the file is damaged or cut off/);
      expectPlain(error.message);
    }
  });

  it('still converts a PNG (whatever its name) to JPEG', async () => {
    const out = await processor.normalize(face(astronaut), { maxPixels: 4096 * 4096 });
    expect(await sharp(out.bytes).metadata()).toMatchObject({ format: 'jpeg', width: 512, height: 512 });
  });
});

describe('perceptualHash (near-duplicates at import)', () => {
  it('is the processor’s optional method: a resized, re-compressed copy is close, another photo is far', async () => {
    const original = face(grace);
    const copy = await bytesOf(sharp(original).resize(300).jpeg({ quality: 60 }));
    const [a, b, other] = await Promise.all(
      [original, copy, face(astronaut)].map((bytes) => processor.perceptualHash!(bytes)),
    );
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(hammingDistance(a!, b!)).toBeLessThanOrEqual(10);
    expect(hammingDistance(a!, other!)).toBeGreaterThan(10);
  });
});
