import { createHash } from 'node:crypto';
import type { DetectedFace, FaceDetector } from '@model-studio/core';

/** How many images' faces the sandbox remembers (the least recently used are forgotten first). */
const REMEMBERED_IMAGES = 64;

/**
 * The sandbox's face detector with a memory: the faces of the last {@link REMEMBERED_IMAGES} images, by a hash of
 * their bytes, so the same photo sent again (a target swapped once per source, a bench's thousand copies of one
 * fixture) is not detected again. Answers are the detector's own, so nothing a client sees changes; the sandbox only
 * spends less of the machine's CPU that the code under test would otherwise share. Images passed by URL (no bytes)
 * are detected every time.
 */
export function rememberedFaces(detector: FaceDetector): FaceDetector {
  const remembered = new Map<string, Promise<DetectedFace[]>>();
  return {
    specificationVersion: 'v1',
    provider: detector.provider,
    async detectFaces(image, options) {
      if (!('bytes' in image) || !image.bytes) return detector.detectFaces(image, options);
      const key = createHash('sha256').update(image.bytes).digest('base64');
      let faces = remembered.get(key);
      if (faces) remembered.delete(key);
      else {
        faces = detector.detectFaces(image, options);
        // A failed detection is not remembered: the next call tries again.
        faces.catch(() => remembered.delete(key));
      }
      remembered.set(key, faces);
      if (remembered.size > REMEMBERED_IMAGES) remembered.delete(remembered.keys().next().value!);
      return (await faces).map((face) => structuredClone(face));
    },
  };
}
