import { defaultMaxPixels } from '../engine/decode-image.js';
import { loadSharp } from '../engine/load-sharp.js';
import { encodeJpeg } from '../image/encode-jpeg.js';
import type { FileIssue } from './file-issue.js';
import { claimedFormat, type SniffedFormat, sniffFormat } from './sniff-format.js';

/** Formats a model accepts. */
export type AcceptedFormat = 'jpeg' | 'png' | 'webp';

/** Options of {@link checkFile}. */
export interface FileCheckOptions {
  /** The file's name, to report a content/extension mismatch. */
  fileName?: string;
  /** The declared content type, to report a mismatch. */
  contentType?: string;
  /**
   * Shortest side, in px (after EXIF orientation), the model needs.
   * @default 800
   */
  minShortSide?: number;
  /**
   * Largest file, in bytes, the model accepts.
   * @default 5 * 1024 * 1024
   */
  maxBytes?: number;
  /**
   * Refuse images with more pixels than this, before decoding (decompression bombs).
   * @default 100_000_000
   */
  maxPixels?: number;
  /**
   * Accepted formats.
   * @default ['jpeg', 'png', 'webp']
   */
  formats?: readonly AcceptedFormat[];
  /**
   * Re-encode a file that is too large (as JPEG, quality stepping down, then size, never below `minShortSide`)
   * instead of refusing it. The result's `bytes` hold the re-encoded file.
   * @default false
   */
  reencodeToFit?: boolean;
  signal?: AbortSignal;
}

/** Outcome of {@link checkFile}. */
export interface FileCheckResult {
  /** True when no issue is an error. */
  ok: boolean;
  /** Every finding; errors first. */
  issues: FileIssue[];
  /** The format found in the content. */
  format: SniffedFormat;
  /** Width after EXIF orientation, when the header could be read. */
  width?: number;
  /** Height after EXIF orientation, when the header could be read. */
  height?: number;
  /** EXIF orientation tag (1-8) found in the file, if any. */
  orientation?: number;
  /** The re-encoded file (EXIF orientation applied), when `reencodeToFit` was used. */
  bytes?: Uint8Array;
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

/**
 * Checks an image file before any money is spent on it: format by content, one frame, pixel limit, shortest side and
 * byte size from the header (no full decode), then a decode of the pixel data to catch truncated or damaged files.
 * Never throws for a bad file: every problem is an issue with a code and a sentence.
 *
 * @example
 * ```ts
 * const result = await checkFile(bytes, { fileName: 'me.jpg', minShortSide: 800 });
 * if (!result.ok) console.log(result.issues.map((i) => i.message).join('\n'));
 * ```
 */
export async function checkFile(bytes: Uint8Array, options: FileCheckOptions = {}): Promise<FileCheckResult> {
  const minShortSide = options.minShortSide ?? 800;
  const maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
  const maxPixels = options.maxPixels ?? defaultMaxPixels;
  const formats = options.formats ?? ['jpeg', 'png', 'webp'];
  const issues: FileIssue[] = [];
  const done = (extra: Partial<FileCheckResult>): FileCheckResult => {
    issues.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
    return { ok: issues.every((i) => i.severity !== 'error'), issues, format: 'unknown', ...extra };
  };
  options.signal?.throwIfAborted();
  if (bytes.length === 0) {
    issues.push({ code: 'empty', severity: 'error', message: 'The file is empty (0 bytes). Upload the image again.' });
    return done({});
  }
  const format = sniffFormat(bytes);
  const claimed = claimedFormat(options.fileName, options.contentType);
  if (!(formats as readonly string[]).includes(format)) {
    const what = format === 'unknown' ? 'not an image this tool can read' : `a ${format.toUpperCase()} file`;
    issues.push({
      code: 'unsupported-format',
      severity: 'error',
      message: `The file is ${what}. Use a ${formats.map((f) => f.toUpperCase()).join(', ')} image.`,
    });
    return done({ format });
  }
  if (claimed && claimed !== format) {
    issues.push({
      code: 'format-mismatch',
      severity: 'warning',
      message: `The file is named or labelled as ${claimed.toUpperCase()} but its content is ${format.toUpperCase()}; it is used as ${format.toUpperCase()}. Rename it to avoid confusion.`,
    });
  }
  const sharp = await loadSharp();
  let meta: Awaited<ReturnType<ReturnType<typeof sharp>['metadata']>>;
  try {
    // Header only: no pixel data is decoded here. No pixel limit yet, so a bomb's size can be reported.
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    issues.push({
      code: 'corrupt',
      severity: 'error',
      message: `The image header cannot be read (${error instanceof Error ? error.message.trim() : String(error)}). The file is damaged; export it again.`,
    });
    return done({ format });
  }
  const width = meta.autoOrient?.width ?? meta.width ?? 0;
  const height = meta.autoOrient?.height ?? meta.height ?? 0;
  const extra: Partial<FileCheckResult> = { format, width, height };
  if (meta.orientation !== undefined) extra.orientation = meta.orientation;
  if ((meta.pages ?? 1) > 1) {
    issues.push({
      code: 'multi-frame',
      severity: 'error',
      message: `The file has ${meta.pages} frames or pages. Use a single still image.`,
    });
  }
  if (width * height > maxPixels) {
    issues.push({
      code: 'too-many-pixels',
      severity: 'error',
      message: `The image is ${width}x${height} (${Math.round((width * height) / 1e6)} MP), above the ${Math.round(maxPixels / 1e6)} MP limit. Resize it before uploading.`,
    });
    return done(extra);
  }
  if (Math.min(width, height) < minShortSide) {
    issues.push({
      code: 'too-small',
      severity: 'error',
      message: `The image is ${width}x${height}; its shortest side must be at least ${minShortSide} px. Use a larger photo.`,
    });
  }
  if (issues.some((i) => i.severity === 'error')) return done(extra);
  try {
    // Decodes all pixel data (shrink-on-load keeps memory low) and fails on truncated or damaged data.
    await sharp(bytes, { limitInputPixels: maxPixels, failOn: 'warning' })
      .resize(64, 64, { fit: 'inside' })
      .raw()
      .toBuffer();
  } catch (error) {
    issues.push({
      code: 'corrupt',
      severity: 'error',
      message: `The image data is damaged or cut off (${error instanceof Error ? error.message.trim().split('\n')[0] : String(error)}). Export or download it again.`,
    });
    return done(extra);
  }
  if (bytes.length > maxBytes) {
    if (options.reencodeToFit) {
      const encodeOptions: Parameters<typeof encodeJpeg>[1] = { maxBytes, minShortSide, maxPixels };
      if (options.signal) encodeOptions.signal = options.signal;
      const encoded = await encodeJpeg(bytes, encodeOptions);
      if (encoded.fits) {
        return done({ ...extra, format: 'jpeg', width: encoded.width, height: encoded.height, bytes: encoded.bytes });
      }
    }
    issues.push({
      code: 'too-large-bytes',
      severity: 'error',
      message: `The file is ${mb(bytes.length)}, above the ${mb(maxBytes)} limit.${options.reencodeToFit ? ' It could not be re-encoded small enough without going below the minimum size.' : ' Compress it, or check with reencodeToFit: true.'}`,
    });
  }
  return done(extra);
}
