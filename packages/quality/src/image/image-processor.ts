import {
  type CallOptions,
  type ImageMetadata,
  type ImageProcessor,
  type NormalizeOptions,
  ValidationError,
} from '@model-studio/core';
import { defaultMaxPixels } from '../engine/decode-image.js';
import { loadSharp } from '../engine/load-sharp.js';
import { perceptualHash } from '../metrics/perceptual-hash.js';
import { decoderCause, normalizeImage } from './normalize-image.js';
import { buildXmpPacket, digitalSourceTypeOf, replaceJpegXmp } from './xmp.js';

/** Options of {@link createImageProcessor}. */
export interface ImageProcessorOptions {
  /**
   * Refuse inputs with more pixels than this (decompression bombs).
   * @default 100_000_000
   */
  maxPixels?: number;
  /**
   * JPEG quality used when none is given.
   * @default 90
   */
  quality?: number;
}

function refuse(operation: string, error: unknown): never {
  if (error instanceof Error && error.name === 'AbortError') throw error;
  throw new ValidationError(
    `Cannot ${operation}: the image could not be decoded (${decoderCause(error)}). The file is not an image, or it is damaged.`,
    { field: 'bytes', cause: error },
  );
}

/**
 * Core's {@link ImageProcessor} on sharp: normalise to JPEG (EXIF orientation applied, optional longest side, pixel and
 * byte limits), resize, write the AI-generated mark (IPTC Digital Source Type in XMP), and a perceptual hash (dHash)
 * for finding near-duplicates.
 *
 * `normalize` refuses what cannot become a single still photo with a `ValidationError` whose `field` says why:
 * `format` (SVG, GIF, TIFF, HEIC/AVIF, BMP, or `value: 'unknown'` for bytes that are no image at all), `frames`
 * (animated GIF, WebP or PNG), `pixels` (above `maxPixels` of these options: a decompression bomb), `maxBytes`, or
 * `bytes` (empty, damaged or cut off). Messages are plain sentences; a decoder's cause is kept to one short line.
 *
 * `writeMetadata` on a JPEG rewrites only its XMP segment, so the pixels are not re-compressed; other formats are
 * converted to JPEG first.
 *
 * @example
 * ```ts
 * import { digitalSourceType } from '@model-studio/core';
 * const processor = createImageProcessor();
 * const marked = await processor.writeMetadata(jpeg, { digitalSourceType: digitalSourceType.composite });
 * ```
 */
export function createImageProcessor(options: ImageProcessorOptions = {}): ImageProcessor {
  const maxPixels = options.maxPixels ?? defaultMaxPixels;
  const defaultQuality = options.quality ?? 90;
  return {
    specificationVersion: 'v1',
    provider: 'quality',
    normalize: (bytes: Uint8Array, opts: NormalizeOptions = {}) =>
      normalizeImage(bytes, { ...opts, maxInputPixels: maxPixels, defaultQuality }),
    async perceptualHash(bytes: Uint8Array, opts: CallOptions = {}) {
      opts.signal?.throwIfAborted();
      return perceptualHash(bytes);
    },
    async resize(bytes: Uint8Array, size: { width: number; height: number }, opts: CallOptions = {}) {
      opts.signal?.throwIfAborted();
      if (!(size.width >= 1 && size.height >= 1)) {
        throw new ValidationError('resize needs a width and height of at least 1 px.', { field: 'size', value: size });
      }
      const sharp = await loadSharp();
      try {
        const data = await sharp(bytes, { limitInputPixels: maxPixels })
          .rotate()
          .resize({ width: Math.round(size.width), height: Math.round(size.height), fit: 'inside' })
          .flatten({ background: '#ffffff' })
          .jpeg({ quality: defaultQuality })
          .toBuffer();
        return new Uint8Array(data.buffer, data.byteOffset, data.length);
      } catch (error) {
        refuse('resize', error);
      }
    },
    async writeMetadata(bytes: Uint8Array, metadata: ImageMetadata, opts: CallOptions = {}) {
      opts.signal?.throwIfAborted();
      const packet = buildXmpPacket(metadata);
      const direct = replaceJpegXmp(bytes, packet);
      if (direct) return direct;
      const sharp = await loadSharp();
      try {
        const data = await sharp(bytes, { limitInputPixels: maxPixels })
          .rotate()
          .flatten({ background: '#ffffff' })
          .jpeg({ quality: defaultQuality })
          .withXmp(packet)
          .toBuffer();
        return new Uint8Array(data.buffer, data.byteOffset, data.length);
      } catch (error) {
        refuse('write metadata', error);
      }
    },
  };
}

/**
 * The IPTC Digital Source Type written in an image's XMP (e.g. the AI-generated mark), or `undefined`.
 *
 * @example
 * ```ts
 * const type = await readDigitalSourceType(bytes); // 'http://cv.iptc.org/newscodes/digitalsourcetype/...'
 * ```
 */
export async function readDigitalSourceType(bytes: Uint8Array): Promise<string | undefined> {
  const sharp = await loadSharp();
  try {
    const { xmp } = await sharp(bytes, { limitInputPixels: false }).metadata();
    return digitalSourceTypeOf(xmp ? new TextDecoder().decode(xmp) : undefined);
  } catch (error) {
    refuse('read metadata', error);
  }
}
