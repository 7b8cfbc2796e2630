import type { DecodedImage } from './decode-image.js';

/** Collapse signals of one image. */
export interface ImageStatistics {
  /** Shannon entropy of the luminance histogram (256 bins), in bits: 0 for a flat image, ~7-8 for a photo. */
  entropy: number;
  /** RMS contrast: standard deviation of the luminance over 255 (0 for a flat image, at most 0.5). */
  contrast: number;
}

/** BT.601 luminance of pixel `index` (0-255). */
export function luminanceAt(image: DecodedImage, index: number): number {
  const offset = index * 4;
  return (
    0.299 * (image.data[offset] ?? 0) + 0.587 * (image.data[offset + 1] ?? 0) + 0.114 * (image.data[offset + 2] ?? 0)
  );
}

/** Entropy and RMS contrast of an image's luminance: a collapsed sample (near-uniform) scores near 0 on both. */
export function imageStatistics(image: DecodedImage): ImageStatistics {
  const pixels = image.width * image.height;
  if (pixels === 0) return { entropy: 0, contrast: 0 };
  const histogram = new Float64Array(256);
  let sum = 0;
  let squares = 0;
  for (let index = 0; index < pixels; index++) {
    const value = luminanceAt(image, index);
    histogram[Math.min(255, Math.round(value))] = (histogram[Math.min(255, Math.round(value))] ?? 0) + 1;
    sum += value;
    squares += value * value;
  }
  let entropy = 0;
  for (const count of histogram) {
    if (count === 0) continue;
    const p = count / pixels;
    entropy -= p * Math.log2(p);
  }
  const mean = sum / pixels;
  const variance = Math.max(0, squares / pixels - mean * mean);
  return { entropy, contrast: Math.sqrt(variance) / 255 };
}

/**
 * A 64-bit difference hash (dHash) as 16 hex digits: the luminance box-averaged to 9 x 8, one bit per horizontal
 * neighbour pair. Near-identical images (resized, re-compressed, lightly noised) differ in few bits.
 */
export function differenceHash(image: DecodedImage): string {
  const columns = 9;
  const rows = 8;
  const cells = new Float64Array(columns * rows);
  const counts = new Float64Array(columns * rows);
  for (let y = 0; y < image.height; y++) {
    const row = Math.min(rows - 1, Math.floor((y * rows) / image.height));
    for (let x = 0; x < image.width; x++) {
      const column = Math.min(columns - 1, Math.floor((x * columns) / image.width));
      const cell = row * columns + column;
      cells[cell] = (cells[cell] ?? 0) + luminanceAt(image, y * image.width + x);
      counts[cell] = (counts[cell] ?? 0) + 1;
    }
  }
  const mean = (cell: number) => (cells[cell] ?? 0) / Math.max(1, counts[cell] ?? 0);
  let hex = '';
  for (let row = 0; row < rows; row++) {
    let byte = 0;
    for (let column = 0; column < 8; column++) {
      const bit = mean(row * columns + column) < mean(row * columns + column + 1) ? 1 : 0;
      byte = (byte << 1) | bit;
    }
    hex += byte.toString(16).padStart(2, '0');
  }
  return hex;
}
