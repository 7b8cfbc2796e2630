import type { BoundingBox, QualityMetrics } from '@model-studio/core';
import type { RgbImage } from '../engine/rgb-image.js';

/** Greyscale (Rec. 601 luma, 0-255) of an RGB image. */
export function toGrey(image: RgbImage): Float32Array {
  const grey = new Float32Array(image.width * image.height);
  const { data } = image;
  for (let i = 0; i < grey.length; i++)
    grey[i] = 0.299 * data[i * 3]! + 0.587 * data[i * 3 + 1]! + 0.114 * data[i * 3 + 2]!;
  return grey;
}

/** Variance of the 4-neighbour Laplacian over the greyscale image (0-255 scale). Higher is sharper. */
export function laplacianVariance(grey: Float32Array, width: number, height: number): number {
  let sum = 0;
  let sumSq = 0;
  let n = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const v = grey[i - 1]! + grey[i + 1]! + grey[i - width]! + grey[i + width]! - 4 * grey[i]!;
      sum += v;
      sumSq += v * v;
      n++;
    }
  }
  if (n === 0) return 0;
  const mean = sum / n;
  return sumSq / n - mean * mean;
}

/**
 * Noise standard deviation (0-255 scale) by Immerkær's method: the mean absolute response of a 3x3 mask that
 * cancels edges and smooth gradients, scaled to a Gaussian sigma (J. Immerkær, "Fast Noise Variance Estimation", 1996).
 */
export function noiseSigma(grey: Float32Array, width: number, height: number): number {
  let sum = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const v =
        grey[i - width - 1]! -
        2 * grey[i - width]! +
        grey[i - width + 1]! -
        2 * grey[i - 1]! +
        4 * grey[i]! -
        2 * grey[i + 1]! +
        grey[i + width - 1]! -
        2 * grey[i + width]! +
        grey[i + width + 1]!;
      sum += Math.abs(v);
    }
  }
  const n = (width - 2) * (height - 2);
  return n > 0 ? (Math.sqrt(Math.PI / 2) * sum) / (6 * n) : 0;
}

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

/** The parts of the suitability score, each in [0, 1]. */
export interface SuitabilityParts {
  sharpness: number;
  noise: number;
  exposure: number;
  clipping: number;
  faceSize: number;
  faceCount: number;
}

/**
 * Training suitability in [0, 1]:
 * `faceCount x (0.35 sharpness + 0.15 noise + 0.2 exposure + 0.1 clipping + 0.2 faceSize)` where
 * - sharpness = clamp((log10(1 + laplacianVariance) - 1) / 1.5): 0 at variance 9, 1 from ~315 up;
 * - noise = clamp(1 - (sigma - 2) / 10): 1 at sigma <= 2, 0 from 12 up;
 * - exposure = 1 - clamp((|mean - 0.5| - 0.2) / 0.3): 1 for a mean brightness in [0.3, 0.7];
 * - clipping = 1 - clamp((clippedShare - 0.02) / 0.2);
 * - faceSize = clamp((largest face height / image height - 0.05) / 0.2): 1 when the face fills a quarter of the height;
 * - faceCount = 0 without a face, 1 with exactly one, 0.5 with more (a person's LoRA wants one face per image).
 */
export function suitabilityParts(
  metrics: Omit<QualityMetrics, 'suitability'>,
  faces: readonly BoundingBox[],
  imageHeight: number,
): SuitabilityParts {
  const largest = faces.reduce((max, f) => Math.max(max, f.height), 0);
  return {
    sharpness: clamp01((Math.log10(1 + metrics.sharpness) - 1) / 1.5),
    noise: clamp01(1 - (metrics.noise - 2) / 10),
    exposure: 1 - clamp01((Math.abs(metrics.exposureMean - 0.5) - 0.2) / 0.3),
    clipping: 1 - clamp01((metrics.clippedShare - 0.02) / 0.2),
    faceSize: imageHeight > 0 ? clamp01((largest / imageHeight - 0.05) / 0.2) : 0,
    faceCount: faces.length === 0 ? 0 : faces.length === 1 ? 1 : 0.5,
  };
}

/** Combines {@link SuitabilityParts} as documented there. */
export function suitabilityScore(parts: SuitabilityParts): number {
  return clamp01(
    parts.faceCount *
      (0.35 * parts.sharpness +
        0.15 * parts.noise +
        0.2 * parts.exposure +
        0.1 * parts.clipping +
        0.2 * parts.faceSize),
  );
}

/**
 * Quality figures of an image (computed on the analysis copy, at most 640 px on the longest side, so figures are
 * comparable across resolutions). `faces` are boxes in the same image's coordinates.
 */
export function computeQualityMetrics(image: RgbImage, faces: readonly BoundingBox[]): QualityMetrics {
  const grey = toGrey(image);
  let sum = 0;
  let clipped = 0;
  for (const v of grey) {
    sum += v;
    if (v <= 2 || v >= 253) clipped++;
  }
  const base = {
    sharpness: laplacianVariance(grey, image.width, image.height),
    noise: noiseSigma(grey, image.width, image.height),
    exposureMean: grey.length > 0 ? sum / grey.length / 255 : 0,
    clippedShare: grey.length > 0 ? clipped / grey.length : 0,
  };
  return { ...base, suitability: suitabilityScore(suitabilityParts(base, faces, image.height)) };
}
