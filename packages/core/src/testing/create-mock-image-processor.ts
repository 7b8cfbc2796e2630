import { ValidationError } from '../errors/index.js';
import type { ImageProcessor } from '../interfaces/image-processor.js';
import { encodeMockImage, requireMockImage, scaleMockImage } from './mock-image.js';

/** Options of {@link createMockImageProcessor}. */
export interface MockImageProcessorOptions {
  /** The provider id. @default 'mock' */
  provider?: string;
}

const who = 'The mock image processor';

/**
 * A deterministic in-memory {@link ImageProcessor} over mock images (see `mockImage`):
 *
 * - `normalize()`: the image re-serialised with its width and height; with `maxSide`, scaled down (never up) so its
 *   longest side fits, face boxes scaled with it. `quality` is ignored; `maxBytes` is met as mock images are tiny
 *   (a `ValidationError` if it is not).
 * - `resize()`: scaled to fit within the size, keeping the aspect ratio (up or down, like sharp's `fit: 'inside'`).
 * - `writeMetadata()`: the metadata merged into the image's `metadata`, so tests can assert that the AI-generated
 *   mark was written: `readMockImage(bytes)?.metadata?.digitalSourceType`.
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
  };
}
