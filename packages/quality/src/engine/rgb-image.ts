import type { Point } from './load-models.js';

/** Packed 8-bit RGB pixels, row by row. */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Copies a rectangle out of an image (the rectangle must lie inside it). */
export function cropRgb(image: RgbImage, x: number, y: number, width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let row = 0; row < height; row++) {
    const start = ((y + row) * image.width + x) * 3;
    data.set(image.data.subarray(start, start + width * 3), row * width * 3);
  }
  return { data, width, height };
}

/** Rotates an image clockwise by `quarterTurns` x 90 degrees. */
export function rotateRgb(image: RgbImage, quarterTurns: 1 | 2 | 3): RgbImage {
  const { width: w, height: h, data: src } = image;
  const outW = quarterTurns === 2 ? w : h;
  const outH = quarterTurns === 2 ? h : w;
  const out = new Uint8Array(src.length);
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      let sx: number;
      let sy: number;
      if (quarterTurns === 1) {
        sx = y;
        sy = h - 1 - x;
      } else if (quarterTurns === 2) {
        sx = w - 1 - x;
        sy = h - 1 - y;
      } else {
        sx = w - 1 - y;
        sy = x;
      }
      const s = (sy * w + sx) * 3;
      const d = (y * outW + x) * 3;
      out[d] = src[s]!;
      out[d + 1] = src[s + 1]!;
      out[d + 2] = src[s + 2]!;
    }
  }
  return { data: out, width: outW, height: outH };
}

/** Maps a point of an image rotated clockwise by `quarterTurns` back to the unrotated image of size w x h. */
export function unrotatePoint([x, y]: Point, quarterTurns: 0 | 1 | 2 | 3, w: number, h: number): Point {
  if (quarterTurns === 1) return [y, h - x];
  if (quarterTurns === 2) return [w - x, h - y];
  if (quarterTurns === 3) return [w - y, x];
  return [x, y];
}
