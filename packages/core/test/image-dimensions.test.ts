import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { imageDimensions } from '../src/orchestrator/image-dimensions.js';

const dir = new URL('./fixtures/dimensions/', import.meta.url);
const images = readdirSync(dir).filter((name) => name !== 'not-an-image.bin');

describe('image dimensions from the header', () => {
  it.each(images)('reads %s without decoding it', (name) => {
    expect(imageDimensions(readFileSync(new URL(name, dir)))).toEqual({ width: 37, height: 23 });
  });

  it('returns undefined for bytes it does not know, and for a cut-off header', () => {
    expect(imageDimensions(readFileSync(new URL('not-an-image.bin', dir)))).toBeUndefined();
    const jpeg = readFileSync(new URL('progressive-37x23.jpg', dir));
    expect(imageDimensions(jpeg.subarray(0, 40))).toBeUndefined();
    expect(imageDimensions(new Uint8Array(0))).toBeUndefined();
  });

  it('reads a JPEG header that starts inside a larger buffer', () => {
    const jpeg = readFileSync(new URL('baseline-37x23.jpg', dir));
    const padded = new Uint8Array(jpeg.length + 11);
    padded.set(jpeg, 11);
    expect(imageDimensions(padded.subarray(11))).toEqual({ width: 37, height: 23 });
  });
});
