import { createHash } from 'node:crypto';
import { ValidationError } from '../errors/index.js';
import type { ImageProcessor } from '../interfaces/image-processor.js';
import { encodeMockImage, type MockImage, requireMockImage, scaleMockImage } from './mock-image.js';

/** Options of {@link createMockImageProcessor}. */
export interface MockImageProcessorOptions {
  /** The provider id. @default 'mock' */
  provider?: string;
}

const who = 'The mock image processor';

/**
 * A deterministic in-memory {@link ImageProcessor} over mock images (see `mockImage`):
 *
 * - `normalize()`: the image re-serialised with its width and height; with `maxSide` and `maxPixels`, scaled down
 *   (never up) so its longest side and its pixel count fit, face boxes scaled with it. `quality` is ignored; `maxBytes`
 *   is met as mock images are tiny (a `ValidationError` if it is not).
 * - `resize()`: scaled to fit within the size, keeping the aspect ratio (up or down, like sharp's `fit: 'inside'`).
 * - `writeMetadata()`: the metadata merged into the image's `metadata`, so tests can assert that the AI-generated
 *   mark was written: `readMockImage(bytes)?.metadata?.digitalSourceType`.
 * - `perceptualHash()`: 16 hex digits derived from what the image shows: its `label`, its faces (identity and where,
 *   relative to the image) and its aspect ratio; not its pixel size, quality figures, metadata or history. So a scaled
 *   copy (or one with other quality figures) is a near-duplicate (distance 0), and images with different labels or
 *   faces are not (about 32 of 64 bits differ).
 *
 * Real JPEG or PNG bytes (anything that is not a mock image) are refused with a `ValidationError` saying the mock
 * reads only mock images; nothing is decoded. An aborted signal rejects with the signal's reason.
 *
 * @example
 * ```ts no-run
 * const processor = createMockImageProcessor();
 * const { width, height } = await processor.normalize(mockImage({ width: 4000, height: 3000 }), { maxSide: 2000 });
 * // width 2000, height 1500
 * const marked = await processor.writeMetadata(mockImage(), { digitalSourceType: digitalSourceType.composite });
 * readMockImage(marked)?.metadata?.digitalSourceType === digitalSourceType.composite; // true
 * ```
 */
export function createMockImageProcessor(options: MockImageProcessorOptions = {}): ImageProcessor {
  return {
    specificationVersion: 'v1',
    provider: options.provider ?? 'mock',
    async normalize(bytes, call = {}) {
      call.signal?.throwIfAborted();
      let image = requireMockImage(bytes, who);
      if (call.maxPixels !== undefined) image = fitPixels(image, call.maxPixels);
      const longest = Math.max(image.width, image.height);
      if (call.maxSide !== undefined) {
        if (!(call.maxSide >= 1)) {
          throw new ValidationError('normalize needs a maxSide of at least 1 px.', {
            field: 'maxSide',
            value: call.maxSide,
          });
        }
        if (longest > call.maxSide) {
          const scale = call.maxSide / longest;
          const width = Math.max(1, Math.round(image.width * scale));
          const height = Math.max(1, Math.round(image.height * scale));
          image = scaleMockImage(image, width, height);
        }
      }
      const out = encodeMockImage(image);
      if (call.maxBytes !== undefined && out.byteLength > call.maxBytes) {
        throw new ValidationError(
          `${who} cannot fit this mock image in ${call.maxBytes} bytes: its description alone takes ${out.byteLength}.`,
          { field: 'maxBytes', value: call.maxBytes },
        );
      }
      return { bytes: out, width: image.width, height: image.height };
    },
    async resize(bytes, size, call = {}) {
      call.signal?.throwIfAborted();
      if (!(size.width >= 1 && size.height >= 1)) {
        throw new ValidationError('resize needs a width and height of at least 1 px.', { field: 'size', value: size });
      }
      const image = requireMockImage(bytes, who);
      const scale = Math.min(size.width / image.width, size.height / image.height);
      const width = Math.max(1, Math.round(image.width * scale));
      const height = Math.max(1, Math.round(image.height * scale));
      return encodeMockImage(scaleMockImage(image, width, height));
    },
    async writeMetadata(bytes, metadata, call = {}) {
      call.signal?.throwIfAborted();
      const image = requireMockImage(bytes, who);
      return encodeMockImage({ ...image, metadata: { ...image.metadata, ...metadata } });
    },
    async perceptualHash(bytes, call = {}) {
      call.signal?.throwIfAborted();
      return mockPerceptualHash(requireMockImage(bytes, who));
    },
  };
}

/** `image` scaled down (never up) so that width x height is at most `maxPixels`. */
function fitPixels(image: MockImage, maxPixels: number): MockImage {
  if (!(maxPixels >= 1)) {
    throw new ValidationError('normalize needs a maxPixels of at least 1.', { field: 'maxPixels', value: maxPixels });
  }
  if (image.width * image.height <= maxPixels) return image;
  const scale = Math.sqrt(maxPixels / (image.width * image.height));
  const width = Math.max(1, Math.floor(image.width * scale));
  const height = Math.max(1, Math.floor(image.height * scale));
  return scaleMockImage(image, width, height);
}

/** The mock's perceptual hash: what the image shows, independent of its pixel size (see the processor's docs). */
function mockPerceptualHash(image: MockImage): string {
  const relative = (value: number, of: number) => Math.round((value / of) * 16);
  const content = {
    label: image.label ?? null,
    aspect: Math.round((image.width / image.height) * 20),
    faces: image.faces.map((face) => [
      face.identity,
      relative(face.box.x, image.width),
      relative(face.box.y, image.height),
      relative(face.box.width, image.width),
      relative(face.box.height, image.height),
    ]),
  };
  return createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, 16);
}
