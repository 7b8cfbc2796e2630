import { ValidationError } from '../errors/index.js';
import type { QualityMetrics } from '../interfaces/face-checker.js';
import type { ImageMetadata } from '../interfaces/image-processor.js';
import type { BoundingBox } from '../interfaces/shared.js';

/**
 * The first bytes of every mock image: `MOCKIMG1` and a newline. The rest is UTF-8 JSON (a {@link MockImage}).
 * No real image starts like this, so the mocks tell their images apart from JPEG or PNG bytes.
 */
export const mockImageMagic = 'MOCKIMG1\n';

/** The content type the mock swapper and enhancer report for their output (mock images are not JPEGs). */
export const mockImageContentType = 'image/x-model-studio-mock';

/** A face in a {@link mockImage} description: who it is and, optionally, where. */
export interface MockFaceInput {
  /** Who the face belongs to, e.g. `alice`. The mock face checker derives the face's embedding from it. */
  identity: string;
  /** Where the face is, in pixels of the image. @default a box derived from the face's position in the list */
  box?: BoundingBox;
  /** Detector confidence in [0, 1]. @default 0.99 */
  confidence?: number;
}

/** A face in a {@link MockImage}: every field filled in. */
export interface MockFace {
  identity: string;
  box: BoundingBox;
  confidence: number;
}

/** What {@link mockImage} makes an image from. Every field is optional. */
export interface MockImageInput {
  /** Width in px (a positive integer). @default 1024 */
  width?: number;
  /** Height in px (a positive integer). @default 1024 */
  height?: number;
  /** The faces the image shows. @default none */
  faces?: MockFaceInput[];
  /** Quality figures the mock face checker reports instead of its defaults (see `createMockFaceChecker`). */
  quality?: Partial<QualityMetrics>;
  /** Metadata, as the mock image processor's `writeMetadata` records it. */
  metadata?: ImageMetadata;
  /** A free-text label for your assertions, e.g. `target 1`. Kept through every mock operation. */
  label?: string;
  /** The paid operations applied, oldest first, e.g. `['swap mock-swap-1']` (the mock swapper and enhancer append). */
  history?: string[];
}

/** The description a mock image carries, as {@link readMockImage} returns it: boxes and confidences filled in. */
export interface MockImage {
  width: number;
  height: number;
  faces: MockFace[];
  quality?: Partial<QualityMetrics>;
  metadata?: ImageMetadata;
  label?: string;
  history: string[];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });
const qualityFields = ['sharpness', 'noise', 'exposureMean', 'clippedShare', 'suitability'] as const;

function refuse(message: string, field: string, value?: unknown): never {
  throw new ValidationError(`mockImage: ${message}`, { field, value });
}

function positiveInteger(value: unknown, field: string): number {
  if (!(typeof value === 'number' && Number.isInteger(value) && value > 0)) {
    refuse(`${field} must be a positive integer.`, field, value);
  }
  return value;
}

/** Box `index` of `count` derived faces: squares in a row across the middle of the image, half a cell wide. */
function derivedBox(index: number, count: number, width: number, height: number): BoundingBox {
  const cell = Math.floor(width / count);
  if (cell < 1) refuse(`${count} faces do not fit in a width of ${width} px; give boxes.`, 'faces');
  const side = Math.max(1, Math.floor(Math.min(cell, height) / 2));
  return {
    x: index * cell + Math.floor((cell - side) / 2),
    y: Math.floor((height - side) / 2),
    width: side,
    height: side,
  };
}

function checkedBox(box: BoundingBox, width: number, height: number, field: string): BoundingBox {
  const { x, y, width: w, height: h } = box;
  const ok =
    [x, y, w, h].every((n) => typeof n === 'number' && Number.isFinite(n)) &&
    x >= 0 &&
    y >= 0 &&
    w > 0 &&
    h > 0 &&
    x + w <= width &&
    y + h <= height;
  if (!ok) refuse(`${field} must have a positive size and lie inside the ${width}x${height} image.`, field, box);
  return { x, y, width: w, height: h };
}

/** The full description of `input`, checked; key order fixed so the bytes are deterministic. */
export function completeMockImage(input: MockImageInput): MockImage {
  const width = positiveInteger(input.width ?? 1024, 'width');
  const height = positiveInteger(input.height ?? 1024, 'height');
  const inputs = input.faces ?? [];
  if (!Array.isArray(inputs)) refuse('faces must be an array.', 'faces');
  const faces = inputs.map((face, index): MockFace => {
    const field = `faces[${index}]`;
    if (typeof face?.identity !== 'string' || face.identity.length === 0) {
      refuse(`${field}.identity must be a non-empty string.`, `${field}.identity`, face?.identity);
    }
    const confidence = face.confidence ?? 0.99;
    if (!(typeof confidence === 'number' && confidence >= 0 && confidence <= 1)) {
      refuse(`${field}.confidence must be in [0, 1].`, `${field}.confidence`, confidence);
    }
    const box = face.box
      ? checkedBox(face.box, width, height, `${field}.box`)
      : derivedBox(index, inputs.length, width, height);
    return { identity: face.identity, box, confidence };
  });
  const image: MockImage = { width, height, faces, history: [...(input.history ?? [])] };
  if (input.quality !== undefined) {
    const quality: Partial<QualityMetrics> = {};
    for (const name of qualityFields) {
      const value = input.quality[name];
      if (value === undefined) continue;
      if (!(typeof value === 'number' && Number.isFinite(value) && value >= 0)) {
        refuse(`quality.${name} must be a finite number >= 0.`, `quality.${name}`, value);
      }
      quality[name] = value;
    }
    image.quality = quality;
  }
  if (input.metadata !== undefined) image.metadata = { ...input.metadata };
  if (input.label !== undefined) image.label = input.label;
  return image;
}

/**
 * Makes a mock image: the tiny self-describing format the mocks of `@model-studio/core/testing` read and write
 * instead of pixels. The bytes are {@link mockImageMagic} (`MOCKIMG1\n`) followed by UTF-8 JSON of the complete
 * {@link MockImage} (`{"width":1024,"height":1024,"faces":[{"identity":"alice","box":{...},"confidence":0.99}],"history":[]}`).
 * They are not a JPEG: real image libraries refuse them, and the mocks refuse real images.
 *
 * Faces without a box get one derived from their position: equal cells across the image, a square half a cell wide,
 * centred vertically. Throws a `ValidationError` for sizes that are not positive integers or boxes outside the image.
 *
 * @example
 * ```ts no-run
 * const target = mockImage({ width: 1200, height: 900, faces: [{ identity: 'stand-in' }], label: 'beach' });
 * readMockImage(target)?.faces[0]?.identity; // 'stand-in'
 * ```
 */
export function mockImage(input: MockImageInput = {}): Uint8Array {
  return encodeMockImage(completeMockImage(input));
}

/** Serialises a complete description (internal: the mocks call it after changing one). */
export function encodeMockImage(image: MockImage): Uint8Array {
  const ordered: MockImage = {
    width: image.width,
    height: image.height,
    faces: image.faces.map((face) => ({
      identity: face.identity,
      box: { x: face.box.x, y: face.box.y, width: face.box.width, height: face.box.height },
      confidence: face.confidence,
    })),
    history: image.history,
  };
  if (image.quality !== undefined) ordered.quality = image.quality;
  if (image.metadata !== undefined) ordered.metadata = image.metadata;
  if (image.label !== undefined) ordered.label = image.label;
  return encoder.encode(mockImageMagic + JSON.stringify(ordered));
}

/**
 * The description inside a mock image made by {@link mockImage} (or output by a mock adapter), or `undefined` for
 * any other bytes (a real JPEG, a PNG, text, a damaged mock image).
 *
 * @example
 * ```ts no-run
 * const result = await swapper.waitForSwap(job);
 * expect(readMockImage(result.bytes)?.faces.map((face) => face.identity)).toEqual(['alice']);
 * ```
 */
export function readMockImage(bytes: Uint8Array): MockImage | undefined {
  if (!(bytes instanceof Uint8Array) || bytes.byteLength < mockImageMagic.length) return undefined;
  for (let i = 0; i < mockImageMagic.length; i++) if (bytes[i] !== mockImageMagic.charCodeAt(i)) return undefined;
  try {
    const parsed = JSON.parse(decoder.decode(bytes.subarray(mockImageMagic.length))) as MockImageInput;
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    return completeMockImage(parsed);
  } catch {
    return undefined;
  }
}

/** The description of `bytes`, or a `ValidationError` saying the mocks read only mock images. */
export function requireMockImage(bytes: Uint8Array, who: string): MockImage {
  const image = readMockImage(bytes);
  if (image) return image;
  throw new ValidationError(
    `${who} reads only mock images (made with mockImage() from @model-studio/core/testing, starting "MOCKIMG1"); these ${bytes?.byteLength ?? 0} bytes are not one. Use a real adapter (e.g. @model-studio/quality) for real JPEG or PNG files.`,
    { field: 'bytes' },
  );
}

/** `image` scaled to `width` x `height`, its face boxes scaled with it and kept inside. */
export function scaleMockImage(image: MockImage, width: number, height: number): MockImage {
  const sx = width / image.width;
  const sy = height / image.height;
  const faces = image.faces.map((face) => {
    const w = Math.min(width, Math.max(1, Math.round(face.box.width * sx)));
    const h = Math.min(height, Math.max(1, Math.round(face.box.height * sy)));
    const x = Math.min(width - w, Math.round(face.box.x * sx));
    const y = Math.min(height - h, Math.round(face.box.y * sy));
    return { ...face, box: { x, y, width: w, height: h } };
  });
  return { ...image, width, height, faces };
}
