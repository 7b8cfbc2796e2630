import type { CallOptions, DetectedFace } from './shared.js';

/** Where an image to inspect comes from: bytes, or a storage key the adapter can read or sign a URL for. */
export type ImageSource = { bytes: Uint8Array } | { key: string };

/** Finds faces in an image. */
export interface FaceDetector {
  readonly specificationVersion: 'v1';
  /** A short id, e.g. `maxstudio`, `quality`. */
  readonly provider: string;
  /**
   * True when the provider fetches images by URL from the internet, so storage must give public URLs
   * (`Storage.publicUrls`). A sandbox on loopback sets it to false. The orchestrator refuses to pair a provider
   * that needs public URLs with storage that cannot give them. @default false
   */
  readonly requiresPublicUrls?: boolean;
  /** Faces found in the image, in the image's pixel coordinates. */
  detectFaces(image: ImageSource, options?: CallOptions): Promise<DetectedFace[]>;
}
