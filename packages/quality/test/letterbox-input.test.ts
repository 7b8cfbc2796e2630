import type * as Tfjs from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { letterboxInput } from '../src/engine/letterbox-input.js';
import { loadTfjs } from '../src/engine/load-tfjs.js';
import type { RgbImage } from '../src/engine/rgb-image.js';

function noise(width: number, height: number, seed: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  let s = seed;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    data[i] = s >>> 24;
  }
  return { data, width, height };
}

describe('letterboxInput', () => {
  it('matches tfjs pad + resizeBilinear + scaling to [-1, 1] exactly, for wide, tall, small and square images', async () => {
    const { tf } = await loadTfjs('wasm');
    for (const [width, height, seed] of [
      [640, 427, 1],
      [281, 640, 2],
      [122, 178, 3],
      [384, 384, 4],
    ] as const) {
      const image = noise(width, height, seed);
      const side = Math.max(width, height);
      const expected = tf.tidy(() =>
        tf.image
          .resizeBilinear(
            tf.pad(tf.tensor3d(image.data, [height, width, 3], 'int32').toFloat(), [
              [0, side - height],
              [0, side - width],
              [0, 0],
            ]) as Tfjs.Tensor3D,
            [256, 256],
          )
          .div(127.5)
          .sub(1),
      );
      const want = expected.dataSync() as Float32Array;
      expected.dispose();
      const got = letterboxInput(image, 256);
      expect(got.length).toBe(want.length);
      let mismatches = 0;
      for (let i = 0; i < want.length; i++) if (got[i] !== want[i]) mismatches++;
      expect(mismatches, `${width}x${height}`).toBe(0);
    }
  });
});
