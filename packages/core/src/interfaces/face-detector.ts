import type { CallOptions, DetectedFace } from './shared.js';

/** Where an image to inspect comes from: bytes, or a storage key the adapter can read or sign a URL for. */
export type ImageSource = { bytes: Uint8Array } | { key: string };

/** Finds faces in an image. */
export interface FaceDetector {
  readonly specificationVersion: 'v1';
  /** A short id, e.g. `maxstudio`, `quality`. */
  readonly provider: string;
  /** Faces found in the image, in the image's pixel coordinates. */
  detectFaces(image: ImageSource, options?: CallOptions): Promise<DetectedFace[]>;
}
