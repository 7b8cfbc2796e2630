import { ValidationError } from '../errors/index.js';
import type { FaceChecker, FaceWithEmbedding, QualityMetrics } from '../interfaces/face-checker.js';
import type { FaceDetector, ImageSource } from '../interfaces/face-detector.js';
import type { BoundingBox, CallOptions, DetectedFace } from '../interfaces/shared.js';
import type { Storage } from '../interfaces/storage.js';
import { mockEmbedding } from './mock-embedding.js';
import type { MockFace, MockImage } from './mock-image.js';
import { readMockImageSource } from './read-mock-image-source.js';

/** Options of {@link createMockFaceChecker}. */
export interface MockFaceCheckerOptions {
  /** Where `{ key }` image sources are read from. Without it, only `{ bytes }` sources are accepted. */
  storage?: Storage;
  /** The provider id. @default 'mock' */
  provider?: string;
}

/** The mock face checker: a `FaceChecker` that is also a `FaceDetector` (`detectFaces` is `faces`). */
export type MockFaceChecker = FaceChecker & FaceDetector;

/**
 * The quality figures the mock face checker reports when the image sets none: plausible values for a good photo,
 * with `suitability` 0.9 for one face, 0.5 for several and 0.1 for none.
 */
export function defaultMockQuality(image: MockImage): QualityMetrics {
  const faces = image.faces.length;
  const suitability = faces === 1 ? 0.9 : faces > 1 ? 0.5 : 0.1;
  return { sharpness: 150, noise: 2, exposureMean: 0.5, clippedShare: 0.01, suitability, ...image.quality };
}

/** Overlap area of two boxes. */
function overlap(a: BoundingBox, b: BoundingBox): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/** The face a box overlaps most, or `undefined` when it overlaps none. */
export function faceUnder(image: MockImage, box: BoundingBox): MockFace | undefined {
  let best: { face: MockFace; area: number } | undefined;
  for (const face of image.faces) {
    const area = overlap(face.box, box);
    if (area > 0 && (!best || area > best.area)) best = { face, area };
  }
  return best?.face;
}

/**
 * A deterministic in-memory {@link FaceChecker} (and `FaceDetector`) over mock images (see `mockImage`):
 *
 * - `faces()` / `detectFaces()`: the faces the image describes, with their boxes and confidences.
 * - `embeddings()`: each face with `mockEmbedding(identity)`, a unit vector of 32 numbers derived from the identity.
 *   With `boxes`, one entry per box that overlaps a described face (the face it overlaps most), with the box as given;
 *   a box over no face is left out.
 * - `distance()`: euclidean distance, so 0 for the same identity and about 1.41 (never near the default
 *   threshold of 0.61) for two different ones. Throws a `ValidationError` for vectors of different lengths.
 * - `quality()`: the image's `quality` figures over {@link defaultMockQuality}.
 *
 * Real JPEG or PNG bytes (anything that is not a mock image) are refused with a `ValidationError` saying the mock
 * reads only mock images. An aborted signal rejects with the signal's reason.
 *
 * @example
 * ```ts no-run
 * const checker = createMockFaceChecker();
 * const [face] = await checker.embeddings({ bytes: mockImage({ faces: [{ identity: 'alice' }] }) });
 * const [other] = await checker.embeddings({ bytes: mockImage({ faces: [{ identity: 'bob' }] }) });
 * checker.distance(face!.embedding, other!.embedding) > 0.61; // true
 * ```
 */
export function createMockFaceChecker(options: MockFaceCheckerOptions = {}): MockFaceChecker {
  const { storage } = options;
  const provider = options.provider ?? 'mock';
  const read = (image: ImageSource, call?: CallOptions) =>
    readMockImageSource(image, storage, call, 'The mock face checker');
  const detected = (face: MockFace): DetectedFace => ({ box: { ...face.box }, confidence: face.confidence });
  return {
    specificationVersion: 'v1',
    provider,
    requiresPublicUrls: false,
    async faces(image, call) {
      return (await read(image, call)).faces.map(detected);
    },
    async detectFaces(image, call) {
      return (await read(image, call)).faces.map(detected);
    },
    async embeddings(image, call) {
      const described = await read(image, call);
      if (call?.boxes === undefined) {
        return described.faces.map((face) => ({ ...detected(face), embedding: mockEmbedding(face.identity) }));
      }
      const embedded: FaceWithEmbedding[] = [];
      for (const box of call.boxes) {
        const face = faceUnder(described, box);
        if (face)
          embedded.push({ box: { ...box }, confidence: face.confidence, embedding: mockEmbedding(face.identity) });
      }
      return embedded;
    },
    distance(a, b) {
      if (a.length !== b.length) {
        throw new ValidationError(
          `The mock face checker compares embeddings of the same length; got ${a.length} and ${b.length}.`,
          { field: 'embedding' },
        );
      }
      let sum = 0;
      for (let i = 0; i < a.length; i++) sum += (a[i]! - b[i]!) ** 2;
      return Math.sqrt(sum);
    },
    async quality(image, call) {
      return defaultMockQuality(await read(image, call));
    },
  };
}
