import type { BoundingBox, CallOptions, DetectedFace, FaceDetector, ImageSource } from '@model-studio/core';
import { loadSharp } from './load-sharp.js';

/** Grid the heuristic works on: the image is scaled to this many cells per side. */
const grid = 64;

/**
 * The box the sandbox's heuristic "detects" when it finds no skin: a square of 40% of the shorter side, centred
 * horizontally, its centre at 35% of the height (where a portrait's face usually is).
 */
export function heuristicFaceBox(width: number, height: number): BoundingBox {
  const side = Math.max(1, Math.round(0.4 * Math.min(width, height)));
  const x = Math.round((width - side) / 2);
  const y = Math.max(0, Math.min(height - side, Math.round(height * 0.35 - side / 2)));
  return { x, y, width: side, height: side };
}

/** Whether an RGB pixel is skin-coloured (the classic YCbCr rule: Cb 77-127, Cr 133-173, not too dark). */
function isSkin(r: number, g: number, b: number): boolean {
  const y = 0.299 * r + 0.587 * g + 0.114 * b;
  const cb = 128 - 0.168736 * r - 0.331264 * g + 0.5 * b;
  const cr = 128 + 0.5 * r - 0.418688 * g - 0.081312 * b;
  return y > 40 && cb >= 77 && cb <= 127 && cr >= 133 && cr <= 173;
}

/**
 * The sandbox's documented face heuristic. The image is scaled to a 64x64 grid and skin-coloured cells are counted;
 * the face is the square window (40% of the shorter side) holding the most skin, the topmost on ties. When fewer
 * than 15% of that window's cells are skin, it falls back to {@link heuristicFaceBox}. Deterministic; always one face.
 */
export async function skinFaceBox(bytes: Uint8Array): Promise<BoundingBox> {
  const sharp = await loadSharp();
  const { width, height } = await orientedSize(bytes);
  const { data } = await sharp(bytes)
    .rotate()
    .removeAlpha()
    .resize(grid, grid, { fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const sums = new Float64Array((grid + 1) * (grid + 1));
  for (let y = 0; y < grid; y++) {
    for (let x = 0; x < grid; x++) {
      const i = (y * grid + x) * 3;
      const skin = isSkin(data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0) ? 1 : 0;
      sums[(y + 1) * (grid + 1) + x + 1] =
        skin +
        (sums[y * (grid + 1) + x + 1] ?? 0) +
        (sums[(y + 1) * (grid + 1) + x] ?? 0) -
        (sums[y * (grid + 1) + x] ?? 0);
    }
  }
  const side = Math.max(1, Math.round(0.4 * Math.min(width, height)));
  const cellsX = Math.max(1, Math.min(grid, Math.round((side / width) * grid)));
  const cellsY = Math.max(1, Math.min(grid, Math.round((side / height) * grid)));
  const at = (x: number, y: number) => sums[y * (grid + 1) + x] ?? 0;
  let best = { count: -1, x: 0, y: 0 };
  for (let y = 0; y + cellsY <= grid; y++) {
    for (let x = 0; x + cellsX <= grid; x++) {
      const count = at(x + cellsX, y + cellsY) - at(x, y + cellsY) - at(x + cellsX, y) + at(x, y);
      if (count > best.count) best = { count, x, y };
    }
  }
  if (best.count < 0.15 * cellsX * cellsY) return heuristicFaceBox(width, height);
  const x = Math.min(width - side, Math.max(0, Math.round((best.x / grid) * width)));
  const y = Math.min(height - side, Math.max(0, Math.round((best.y / grid) * height)));
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
 * A `FaceDetector` that finds one face with the {@link skinFaceBox} heuristic in any decodable image. The sandbox
 * uses it when no `faceDetector` is injected. It reads `{ bytes }` only.
 */
export function createHeuristicFaceDetector(): FaceDetector {
  return {
    specificationVersion: 'v1',
    provider: 'sandbox-heuristic',
    async detectFaces(image: ImageSource, options: CallOptions = {}): Promise<DetectedFace[]> {
      options.signal?.throwIfAborted();
      if (!('bytes' in image)) throw new Error('The heuristic face detector reads image bytes only.');
      return [{ box: await skinFaceBox(image.bytes), confidence: 0.5 }];
    },
  };
}
