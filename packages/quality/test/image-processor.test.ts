import { digitalSourceType, ValidationError } from '@model-studio/core';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { createImageProcessor, hammingDistance, perceptualHash, readDigitalSourceType } from '../src/index.js';
import { astronaut, face, grace } from './fixtures.js';

const processor = createImageProcessor();

/** The XMP packet as sharp reads it back from the file. */
async function xmpOf(bytes: Uint8Array): Promise<string> {
  const { xmp } = await sharp(bytes).metadata();
  return xmp ? new TextDecoder().decode(xmp) : '';
}

describe('ImageProcessor', () => {
  it('declares v1 and its provider', () => {
    expect(processor).toMatchObject({ specificationVersion: 'v1', provider: 'quality' });
  });

  it('normalises a PNG to JPEG, fitting maxSide', async () => {
    const out = await processor.normalize(face(astronaut), { maxSide: 256 });
    expect({ width: out.width, height: out.height }).toEqual({ width: 256, height: 256 });
    const meta = await sharp(out.bytes).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 256, height: 256, space: 'srgb' });
  });

  it('applies EXIF orientation so the pixels come out upright', async () => {
    const upright = await sharp(face(grace)).extract({ left: 56, top: 0, width: 400, height: 512 }).jpeg().toBuffer();
    const stored = await sharp(upright).rotate(-90).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    const out = await processor.normalize(new Uint8Array(stored));
    expect({ width: out.width, height: out.height }).toEqual({ width: 400, height: 512 });
    expect((await sharp(out.bytes).metadata()).orientation).toBeUndefined();
    const distance = hammingDistance(await perceptualHash(out.bytes), await perceptualHash(new Uint8Array(upright)));
    expect(distance).toBeLessThanOrEqual(4);
  });

  it('steps quality down (then size) until the JPEG fits maxBytes', async () => {
    const big = new Uint8Array(await sharp(face(astronaut)).resize(1400, 1400).png().toBuffer());
    const unlimited = await processor.normalize(big, { quality: 95 });
    const maxBytes = Math.round(unlimited.bytes.length / 3);
    const fitted = await processor.normalize(big, { quality: 95, maxBytes });
    expect(fitted.bytes.length).toBeLessThanOrEqual(maxBytes);
    const tiny = await processor.normalize(big, { maxBytes: 20_000 });
    expect(tiny.bytes.length).toBeLessThanOrEqual(20_000);
    expect(tiny.width).toBeLessThan(1400);
  });

  it('resizes within a box keeping the aspect ratio', async () => {
    const out = await processor.resize(face(grace), { width: 100, height: 50 });
    expect(await sharp(out).metadata()).toMatchObject({ width: 50, height: 50, format: 'jpeg' });
  });

  it('writes the AI-generated mark into XMP without re-encoding a JPEG', async () => {
    const original = face(grace);
    const marked = await processor.writeMetadata(original, {
      digitalSourceType: digitalSourceType.composite,
      description: 'Face swap <test> & "quotes"',
    });
    const xmp = await xmpOf(marked);
    expect(xmp).toContain(
      `<Iptc4xmpExt:DigitalSourceType>${digitalSourceType.composite}</Iptc4xmpExt:DigitalSourceType>`,
    );
    expect(xmp).toContain('Face swap &lt;test&gt; &amp; &quot;quotes&quot;');
    expect(await readDigitalSourceType(marked)).toBe(digitalSourceType.composite);
    // Same pixels: the scan data is copied byte for byte.
    const tail = (bytes: Uint8Array) => Buffer.from(bytes.subarray(bytes.length - 50_000)).toString('hex');
    expect(tail(marked)).toBe(tail(original));
    const [a, b] = await Promise.all([sharp(original).raw().toBuffer(), sharp(marked).raw().toBuffer()]);
    expect(a.equals(b)).toBe(true);
  });

  it('replaces an earlier mark instead of adding a second one', async () => {
    const once = await processor.writeMetadata(face(grace), { digitalSourceType: digitalSourceType.composite });
    const twice = await processor.writeMetadata(once, { digitalSourceType: digitalSourceType.generated });
    expect(await readDigitalSourceType(twice)).toBe(digitalSourceType.generated);
    const text = Buffer.from(twice).toString('latin1');
    expect(text.split('Iptc4xmpExt:DigitalSourceType>').length).toBe(3);
  });

  it('converts other formats to JPEG when writing the mark', async () => {
    const marked = await processor.writeMetadata(face(astronaut), { digitalSourceType: digitalSourceType.generated });
    expect((await sharp(marked).metadata()).format).toBe('jpeg');
    expect(await readDigitalSourceType(marked)).toBe(digitalSourceType.generated);
  });

  it('reports no mark on an unmarked image', async () => {
    expect(await readDigitalSourceType(face(grace))).toBeUndefined();
  });

  it('refuses undecodable bytes with a ValidationError', async () => {
    const junk = new TextEncoder().encode('not an image');
    for (const call of [
      () => processor.normalize(junk),
      () => processor.resize(junk, { width: 10, height: 10 }),
      () => processor.writeMetadata(junk, { digitalSourceType: digitalSourceType.generated }),
    ]) {
      const error = await call().catch((e: unknown) => e);
      expect(ValidationError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(/could not be decoded/);
    }
  });
});
