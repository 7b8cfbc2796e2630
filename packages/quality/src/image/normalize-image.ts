import { type NormalizeOptions, ValidationError } from '@model-studio/core';
import { loadSharp } from '../engine/load-sharp.js';
import { isAnimatedPng } from '../file/png-animation.js';
import { type SniffedFormat, sniffFormat } from '../file/sniff-format.js';
import { encodeJpeg } from './encode-jpeg.js';

/** Options of {@link normalizeImage}: core's normalise options plus the processor's own settings. */
export interface NormalizeImageOptions extends NormalizeOptions {
  /** Refuse inputs with more pixels than this, before decoding (decompression bombs). */
  maxInputPixels: number;
  /** JPEG quality when `quality` is not given. */
  defaultQuality: number;
}

/** How each refused format is named to a person. */
const formatNames: Partial<Record<SniffedFormat, string>> = {
  svg: 'an SVG drawing',
  gif: 'a GIF image',
  tiff: 'a TIFF image',
  heif: 'a HEIC/HEIF photo',
  avif: 'an AVIF image',
  bmp: 'a BMP image',
};

/** Formats imported as they are (then re-encoded as JPEG). */
const acceptedFormats: readonly SniffedFormat[] = ['jpeg', 'png', 'webp'];

/**
 * A decoder's error as a short cause for a person: its first line, without libvips' prefixes
 * (`Input buffer has corrupt header: VipsJpeg: premature end of JPEG image` → `premature end of JPEG image`).
 */
export function decoderCause(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const line = (text.trim().split('\n')[0] ?? '')
    .replace(/^Input (buffer|file) (has corrupt header|contains unsupported image format):?\s*/i, '')
    .replace(/^(Vips\w+|\w+2vips):\s*/, '')
    .trim();
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}

function damaged(error: unknown): ValidationError {
  const cause = decoderCause(error);
  return new ValidationError(
    `The image could not be decoded: the file is damaged or cut off${cause ? ` (${cause})` : ''}. Export or download it again.`,
    { field: 'bytes', value: 'damaged', cause: error },
  );
}

/** Refuses what is not a single still JPEG, PNG or WebP, before any pixel is decoded. */
async function assertStillImage(bytes: Uint8Array): Promise<void> {
  if (bytes.length === 0) {
    throw new ValidationError('The file is empty (0 bytes). Copy or download it again.', {
      field: 'bytes',
      value: 'empty',
    });
  }
  const format = sniffFormat(bytes);
  if (format === 'unknown') {
    throw new ValidationError(
      'The file could not be decoded as an image: it is not a JPEG, PNG or WebP photo (a document, a web page or a renamed file?).',
      { field: 'format', value: 'unknown' },
    );
  }
  if (format === 'png' && isAnimatedPng(bytes)) throw animated('an animated PNG');
  if (format === 'gif' || format === 'webp') {
    const sharp = await loadSharp();
    const pages = await sharp(bytes, { limitInputPixels: false })
      .metadata()
      .then((meta) => meta.pages ?? 1)
      .catch(() => 1);
    if (pages > 1) throw animated(`an animated ${format === 'gif' ? 'GIF' : 'WebP'} (${pages} frames)`);
  }
  if (!acceptedFormats.includes(format)) {
    throw new ValidationError(
      `The file is ${formatNames[format] ?? `a ${format.toUpperCase()} file`}, not a format accepted here: export the photo as JPEG (or PNG or WebP).`,
      { field: 'format', value: format },
    );
  }
}

function animated(what: string): ValidationError {
  return new ValidationError(`The file is ${what}: use a single still photo.`, { field: 'frames', value: what });
}

/**
 * Core's `ImageProcessor.normalize` on sharp: refuses what is not a single still JPEG, PNG or WebP (SVG, GIF, HEIC,
 * animations, damaged or cut-off files, decompression bombs) with a `ValidationError` whose `field` says why (`format`,
 * `frames`, `pixels`, `maxBytes`, `bytes`), then encodes a JPEG: EXIF orientation applied, scaled down to `maxSide` and
 * `maxPixels`, and to `maxBytes` (quality, then size).
 */
export async function normalizeImage(
  bytes: Uint8Array,
  options: NormalizeImageOptions,
): Promise<{ bytes: Uint8Array; width: number; height: number }> {
  options.signal?.throwIfAborted();
  await assertStillImage(bytes);
  const sharp = await loadSharp();
  let width: number;
  let height: number;
  try {
    const meta = await sharp(bytes, { limitInputPixels: false }).metadata();
    width = meta.autoOrient?.width ?? meta.width ?? 0;
    height = meta.autoOrient?.height ?? meta.height ?? 0;
  } catch (error) {
    throw damaged(error);
  }
  if (width * height > options.maxInputPixels) {
    const mp = (n: number) => `${Math.round(n / 1e6)} MP`;
    throw new ValidationError(
      `The image is ${width}x${height} (${mp(width * height)}), more than the ${mp(options.maxInputPixels)} this tool decodes: resize it before importing.`,
      { field: 'pixels', value: width * height },
    );
  }
  const encodeOptions: Parameters<typeof encodeJpeg>[1] = {
    maxPixels: options.maxInputPixels,
    quality: options.quality ?? options.defaultQuality,
  };
  if (options.maxSide !== undefined) encodeOptions.maxSide = options.maxSide;
  if (options.maxPixels !== undefined) encodeOptions.maxOutputPixels = options.maxPixels;
  if (options.maxBytes !== undefined) encodeOptions.maxBytes = options.maxBytes;
  if (options.signal) encodeOptions.signal = options.signal;
  let encoded: Awaited<ReturnType<typeof encodeJpeg>>;
  try {
    encoded = await encodeJpeg(bytes, encodeOptions);
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw damaged(error);
  }
  if (!encoded.fits) {
    throw new ValidationError(
      `The image cannot be made smaller than ${options.maxBytes} bytes without losing too much: use a smaller file.`,
      { field: 'maxBytes', value: options.maxBytes },
    );
  }
  return { bytes: encoded.bytes, width: encoded.width, height: encoded.height };
}
