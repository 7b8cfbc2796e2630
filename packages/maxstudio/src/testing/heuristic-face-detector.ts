import type { BoundingBox, CallOptions, DetectedFace, FaceDetector, ImageSource } from '@model-studio/core';
import { loadSharp } from './load-sharp.js';

/**
 * The box the sandbox's heuristic "detects" in an image `width` x `height`: a square of 40% of the shorter side,
 * centred horizontally, its centre at 35% of the height (where a portrait's face usually is). Deterministic,
 * and always exactly one face: inject a real detector (e.g. the quality package's) for real boxes.
 */
export function heuristicFaceBox(width: number, height: number): BoundingBox {
  const side = Math.max(1, Math.round(0.4 * Math.min(width, height)));
  const x = Math.round((width - side) / 2);
  const y = Math.max(0, Math.min(height - side, Math.round(height * 0.35 - side / 2)));
  return { x, y, width: side, height: side };
}

/** Width and height after EXIF orientation. */
export async function orientedSize(bytes: Uint8Array): Promise<{ width: number; height: number }> {
  const sharp = await loadSharp();
  const metadata = await sharp(bytes).metadata();
  const width = metadata.autoOrient?.width ?? metadata.width;
  const height = metadata.autoOrient?.height ?? metadata.height;
  if (!width || !height) throw new Error('The image has no dimensions.');
  return { width, height };
}

/**
 * A `FaceDetector` that finds the {@link heuristicFaceBox} in any decodable image. The sandbox uses it when no
 * `faceDetector` is injected. It reads `{ bytes }` only.
 */
export function createHeuristicFaceDetector(): FaceDetector {
  return {
    specificationVersion: 'v1',
    provider: 'sandbox-heuristic',
    async detectFaces(image: ImageSource, options: CallOptions = {}): Promise<DetectedFace[]> {
      options.signal?.throwIfAborted();
      if (!('bytes' in image)) throw new Error('The heuristic face detector reads image bytes only.');
      const { width, height } = await orientedSize(image.bytes);
      return [{ box: heuristicFaceBox(width, height), confidence: 0.5 }];
    },
  };
}
