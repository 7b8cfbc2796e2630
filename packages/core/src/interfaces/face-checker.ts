import type { ImageSource } from './face-detector.js';
import type { BoundingBox, CallOptions, DetectedFace } from './shared.js';

/** Image quality figures. */
export interface QualityMetrics {
  /** Laplacian variance of the greyscale image; higher is sharper. */
  sharpness: number;
  /** Estimated noise level (standard deviation of the high-frequency residual). */
  noise: number;
  /** Mean brightness in [0, 1]. */
  exposureMean: number;
  /** Share of pixels clipped to black or white, in [0, 1]. */
  clippedShare: number;
  /** Training suitability in [0, 1]; see the implementation's docs for the formula. */
  suitability: number;
}

/** A face with an identity embedding. */
export interface FaceWithEmbedding extends DetectedFace {
  /** Identity embedding; compare two with {@link FaceChecker.distance}. */
  embedding: Float32Array;
}

/** Inspects faces and image quality, for deciding whether to spend money on an image or keep a result. */
export interface FaceChecker {
  readonly specificationVersion: 'v1';
  readonly provider: string;
  /** Faces in the image. */
  faces(image: ImageSource, options?: CallOptions): Promise<DetectedFace[]>;
  /** Faces with identity embeddings. Pass `boxes` to embed known faces only. */
  embeddings(image: ImageSource, options?: CallOptions & { boxes?: BoundingBox[] }): Promise<FaceWithEmbedding[]>;
  /** Distance between two embeddings; same person when below the model's identity threshold. */
  distance(a: Float32Array, b: Float32Array): number;
  /** Quality figures for the image. */
  quality(image: ImageSource, options?: CallOptions): Promise<QualityMetrics>;
}
