import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

/** What the sandbox sees of an image: enough for captions that depend on it. */
export interface DecodedImage {
  width: number;
  height: number;
  /** Mean red, green, blue in 0-255. */
  mean: [number, number, number];
  /** Mean luma in [0, 1]. */
  brightness: number;
  /** Standard deviation of luma in 0-255 (contrast). */
  contrast: number;
}

function summarise(width: number, height: number, data: Uint8Array, channels: number): DecodedImage {
  const sum = [0, 0, 0];
  let lumaSum = 0;
  let lumaSq = 0;
  const pixels = width * height;
  const step = Math.max(1, Math.floor(pixels / 200_000));
  let n = 0;
  for (let p = 0; p < pixels; p += step) {
    const i = p * channels;
    const r = data[i]!;
    const g = data[i + 1]!;
    const b = data[i + 2]!;
    sum[0]! += r;
    sum[1]! += g;
    sum[2]! += b;
    const luma = 0.299 * r + 0.587 * g + 0.114 * b;
    lumaSum += luma;
    lumaSq += luma * luma;
    n++;
  }
  const mean = sum.map((v) => v / Math.max(1, n)) as [number, number, number];
  const lumaMean = lumaSum / Math.max(1, n);
  const contrast = Math.sqrt(Math.max(0, lumaSq / Math.max(1, n) - lumaMean * lumaMean));
  return { width, height, mean, brightness: lumaMean / 255, contrast };
}

/**
 * Decodes a JPEG or PNG with pure-JS decoders (jpeg-js, pngjs; no sharp) and summarises it, so the sandbox's answers
 * depend on the image that arrived. Throws on anything else.
 */
export function decodeImage(bytes: Uint8Array): DecodedImage {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer[0] === 0xff && buffer[1] === 0xd8) {
    const image = jpeg.decode(buffer, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 1024 });
    return summarise(image.width, image.height, image.data, 4);
  }
  if (buffer[0] === 0x89 && buffer[1] === 0x50) {
    const image = PNG.sync.read(buffer);
    return summarise(image.width, image.height, image.data, 4);
  }
  throw new Error('not a JPEG or PNG image');
}
