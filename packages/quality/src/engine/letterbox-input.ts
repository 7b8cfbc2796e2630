import type { RgbImage } from './rgb-image.js';

const f = Math.fround;

/**
 * The model input for `image`: padded with black on the right and bottom to a square, shrunk (or enlarged) to
 * `size` x `size` by bilinear sampling (tfjs' `resizeBilinear` without corner alignment) and scaled to [-1, 1].
 * Computed in one JS pass, in float32 like the tfjs kernels, instead of four tensor ops over the padded full image.
 */
export function letterboxInput(image: RgbImage, size: number): Float32Array {
  const { data, width, height } = image;
  const side = Math.max(width, height);
  const scale = f(side / size);
  // Per output column: left/right source columns (-1 = padding) and the weight of the right one.
  const left = new Int32Array(size);
  const right = new Int32Array(size);
  const xLerp = new Float32Array(size);
  for (let x = 0; x < size; x++) {
    const sx = f(x * scale);
    const lo = Math.floor(sx);
    const hi = Math.min(Math.ceil(sx), side - 1);
    left[x] = lo < width ? lo * 3 : -1;
    right[x] = hi < width ? hi * 3 : -1;
    xLerp[x] = f(sx - lo);
  }
  const out = new Float32Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    const sy = f(y * scale);
    const lo = Math.floor(sy);
    const hi = Math.min(Math.ceil(sy), side - 1);
    const yl = f(sy - lo);
    const topRow = lo < height ? lo * width * 3 : -1;
    const bottomRow = hi < height ? hi * width * 3 : -1;
    let o = y * size * 3;
    for (let x = 0; x < size; x++) {
      const l = left[x]!;
      const r = right[x]!;
      const xl = xLerp[x]!;
      const tl = topRow >= 0 && l >= 0 ? topRow + l : -1;
      const tr = topRow >= 0 && r >= 0 ? topRow + r : -1;
      const bl = bottomRow >= 0 && l >= 0 ? bottomRow + l : -1;
      const br = bottomRow >= 0 && r >= 0 ? bottomRow + r : -1;
      for (let c = 0; c < 3; c++) {
        const vtl = tl >= 0 ? data[tl + c]! : 0;
        const vtr = tr >= 0 ? data[tr + c]! : 0;
        const vbl = bl >= 0 ? data[bl + c]! : 0;
        const vbr = br >= 0 ? data[br + c]! : 0;
        const t = f(vtl + f(f(vtr - vtl) * xl));
        const b = f(vbl + f(f(vbr - vbl) * xl));
        out[o++] = f(f(t + f(f(b - t) * yl)) / 127.5) - 1;
      }
    }
  }
  return out;
}
