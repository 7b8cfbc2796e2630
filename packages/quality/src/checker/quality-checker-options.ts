import type { Storage } from '@model-studio/core';
import type { QualityBackend } from '../engine/backend.js';
import type { DetectorSettings } from '../engine/blazeface-detector.js';

/**
 * Identity threshold for face-api's 128-d descriptors (euclidean distance): the midpoint between the largest
 * same-person distance (0.593) and the smallest different-person distance (0.635) on the labelled fixtures.
 */
export const defaultIdentityThreshold = 0.61;

/** Options of {@link createQualityChecker}. */
export interface QualityCheckerOptions {
  /**
   * Worker threads running the models. `0` runs them in the calling thread.
   * @default os.availableParallelism() (one per core: tfjs wasm is single-threaded in Node)
   */
  workers?: number;
  /**
   * tfjs backend. `auto` uses @tensorflow/tfjs-node when you have installed it, else wasm, else the (slow) cpu backend.
   * @default 'auto'
   */
  backend?: QualityBackend;
  /**
   * Two faces are the same person when the distance of their embeddings is below this.
   * @default 0.61
   */
  identityThreshold?: number;
  /** Storage to read `{ key }` image sources from. Without it, key sources are refused. */
  storage?: Storage;
  /**
   * Longest side, in px, of the copy the models look at.
   * @default 640
   */
  analysisSide?: number;
  /**
   * Images with more pixels are refused before decoding (decompression bombs).
   * @default 100_000_000
   */
  maxPixels?: number;
  /** Detector tuning; see {@link DetectorSettings}. */
  detector?: Partial<DetectorSettings>;
  /**
   * Faces a target image needs at least ({@link QualityChecker.checkTarget}).
   * @default 1
   */
  minTargetFaces?: number;
}
