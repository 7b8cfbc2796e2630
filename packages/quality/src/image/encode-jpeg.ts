import { loadSharp } from '../engine/load-sharp.js';

/** Options of {@link encodeJpeg}. */
export interface EncodeJpegOptions {
  /** Longest side to fit within (no enlargement). */
  maxSide?: number;
  /** Scale down (no enlargement, aspect ratio kept) until width x height is at most this. */
  maxOutputPixels?: number;
  /** Step quality down (then size) until the JPEG is at most this many bytes. */
  maxBytes?: number;
  /** Starting JPEG quality. @default 90 */
  quality?: number;
  /** Never shrink the shortest side below this while fitting `maxBytes`. @default 0 */
  minShortSide?: number;
  /** Refuse inputs with more pixels than this (decompression bombs): sharp's `limitInputPixels`. */
  maxPixels: number;
  signal?: AbortSignal;
}

/** A re-encoded JPEG. `fits` is false when `maxBytes` could not be reached. */
export interface EncodedJpeg {
  bytes: Uint8Array;
  width: number;
  height: number;
  quality: number;
  fits: boolean;
}

/**
 * Decodes, applies EXIF orientation, and encodes as baseline sRGB JPEG (mozjpeg off, 4:2:0), scaled down to fit
 * `maxSide` and `maxOutputPixels`. With `maxBytes`, quality steps down by 10 to 50, then the image shrinks by 15% per
 * step (not below `minShortSide`) until it fits.
 */
export async function encodeJpeg(input: Uint8Array, options: EncodeJpegOptions): Promise<EncodedJpeg> {
  const sharp = await loadSharp();
  const startQuality = Math.min(100, Math.max(1, Math.round(options.quality ?? 90)));
  const meta = await sharp(input, { limitInputPixels: options.maxPixels }).metadata();
  let width = meta.autoOrient?.width ?? meta.width ?? 0;
  let height = meta.autoOrient?.height ?? meta.height ?? 0;
  if (options.maxSide && Math.max(width, height) > options.maxSide) {
    const f = options.maxSide / Math.max(width, height);
    width = Math.max(1, Math.round(width * f));
    height = Math.max(1, Math.round(height * f));
  }
  if (options.maxOutputPixels && width * height > options.maxOutputPixels) {
    // Floor, not round: the product must not end up above the limit.
    const f = Math.sqrt(options.maxOutputPixels / (width * height));
    width = Math.max(1, Math.floor(width * f));
    height = Math.max(1, Math.floor(height * f));
  }
  const encode = async (w: number, h: number, quality: number) => {
    options.signal?.throwIfAborted();
    const { data, info } = await sharp(input, { limitInputPixels: options.maxPixels })
      .rotate()
      .resize({ width: w, height: h, fit: 'fill' })
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .jpeg({ quality })
      .toBuffer({ resolveWithObject: true });
    return {
      bytes: new Uint8Array(data.buffer, data.byteOffset, data.length),
      width: info.width,
      height: info.height,
      quality,
    };
  };
  let last = await encode(width, height, startQuality);
  if (!options.maxBytes || last.bytes.length <= options.maxBytes) return { ...last, fits: true };
  for (let q = startQuality - 10; q >= 50; q -= 10) {
    last = await encode(width, height, q);
    if (last.bytes.length <= options.maxBytes) return { ...last, fits: true };
  }
  const minShort = options.minShortSide ?? 0;
  for (;;) {
    const w = Math.round(last.width * 0.85);
    const h = Math.round(last.height * 0.85);
    if (Math.min(w, h) < Math.max(1, minShort)) return { ...last, fits: false };
    last = await encode(w, h, 80);
    if (last.bytes.length <= options.maxBytes) return { ...last, fits: true };
  }
}
