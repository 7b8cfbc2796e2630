import { loadSharp } from './load-sharp.js';
import type { RgbImage } from './rgb-image.js';

/** Default pixel limit against decompression bombs (sharp's own default is about 268 MP). */
export const defaultMaxPixels = 100_000_000;

/** An image decoded for analysis: shrunk to fit `maxSide`, oriented per EXIF. */
export interface DecodedImage {
  rgb: RgbImage;
  /** Width of the full-size image after EXIF orientation. */
  width: number;
  /** Height of the full-size image after EXIF orientation. */
  height: number;
  /** Multiply analysis coordinates by this to get full-size coordinates. */
  scale: number;
}

/** Decodes the first frame, applies EXIF orientation and shrinks to fit `maxSide` (never enlarges). */
export async function decodeForAnalysis(
  bytes: Uint8Array,
  maxSide = 640,
  maxPixels = defaultMaxPixels,
): Promise<DecodedImage> {
  const sharp = await loadSharp();
  const input = sharp(bytes, { limitInputPixels: maxPixels, failOn: 'truncated' });
  const meta = await input.metadata();
  const width = meta.autoOrient?.width ?? meta.width ?? 0;
  const height = meta.autoOrient?.height ?? meta.height ?? 0;
  const { data, info } = await input
    .rotate()
    .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const pixels = new Uint8Array(data.buffer, data.byteOffset, data.length);
  const rgb: RgbImage = { data: toRgb(pixels, info.channels), width: info.width, height: info.height };
  return { rgb, width: width || info.width, height: height || info.height, scale: (width || info.width) / info.width };
}

function toRgb(pixels: Uint8Array, channels: number): Uint8Array {
  if (channels === 3) return pixels;
  const count = pixels.length / channels;
  const out = new Uint8Array(count * 3);
  for (let i = 0; i < count; i++) {
    const v = pixels[i * channels]!;
    out[i * 3] = v;
    out[i * 3 + 1] = channels >= 3 ? pixels[i * channels + 1]! : v;
    out[i * 3 + 2] = channels >= 3 ? pixels[i * channels + 2]! : v;
  }
  return out;
}
