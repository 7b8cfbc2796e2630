import type * as Tfjs from '@tensorflow/tfjs';
import { type RawFace, suppressOverlaps } from './face-geometry.js';
import type { FaceVerifier } from './face-verifier.js';
import type { Point } from './load-models.js';
import type { Tf } from './load-tfjs.js';
import { cropRgb, type RgbImage, rotateRgb, unrotatePoint } from './rgb-image.js';

const inputSize = 256;

/** Tuning of the detector. Defaults were chosen on the labelled fixtures (see README). */
export interface DetectorSettings {
  /**
   * Minimum blazeface score for a face.
   * @default 0.6
   */
  minConfidence: number;
  /**
   * Look again in four overlapping tiles (60% of each side) when the whole-image pass finds at least this many
   * faces: groups tend to hold small faces the 256 px pass misses. `0` disables tiling.
   * @default 2
   */
  tileWhenFaces: number;
  /**
   * When no face is found upright, look again in the image turned by 180, 90 and 270 degrees.
   * @default true
   */
  tryRotations: boolean;
  /**
   * Minimum score for faces found in a rotated pass (higher than upright: turned scenes yield more look-alikes).
   * @default 0.8
   */
  rotatedMinConfidence: number;
  /**
   * Faces scored below this are confirmed by a second detector (face-api's tiny detector on a crop); `0` disables.
   * @default 0.75
   */
  verifyBelow: number;
}

/** Default {@link DetectorSettings}. */
export const defaultDetectorSettings: DetectorSettings = {
  minConfidence: 0.6,
  tileWhenFaces: 2,
  tryRotations: true,
  rotatedMinConfidence: 0.8,
  verifyBelow: 0.75,
};

function makeAnchors(): Point[] {
  const anchors: Point[] = [];
  const spec = [
    { stride: inputSize / 16, count: 2 },
    { stride: inputSize / 8, count: 6 },
  ];
  for (const { stride, count } of spec) {
    const grid = Math.floor((inputSize + stride - 1) / stride);
    for (let y = 0; y < grid; y++) {
      for (let x = 0; x < grid; x++) {
        for (let n = 0; n < count; n++) anchors.push([stride * (x + 0.5), stride * (y + 0.5)]);
      }
    }
  }
  return anchors;
}

/**
 * Overlapping tiles `[x, y, width, height]` that magnify small faces in the 256 px pass. Letterboxing wastes the
 * short side, so an oblong image is cut along its long side only: two tiles of 2/3 of it, or three of half of it from 2:1 on
 * (about as strong as a 2x2 grid, for half the passes); a squarish image gets a 2x2 grid of 60% tiles.
 */
export function tilesOf(width: number, height: number): Array<[number, number, number, number]> {
  const long = Math.max(width, height);
  const short = Math.min(width, height);
  if (long >= short * 1.3) {
    const count = long >= short * 2 ? 3 : 2;
    const size = Math.ceil(long * (count === 3 ? 0.5 : 2 / 3));
    return Array.from({ length: count }, (_, i): [number, number, number, number] => {
      const offset = Math.round((i * (long - size)) / (count - 1));
      return width >= height ? [offset, 0, size, height] : [0, offset, width, size];
    });
  }
  const w = Math.ceil(width * 0.6);
  const h = Math.ceil(height * 0.6);
  return [
    [0, 0, w, h],
    [width - w, 0, w, h],
    [0, height - h, w, h],
    [width - w, height - h, w, h],
  ];
}

/**
 * MediaPipe BlazeFace (back-camera 256 px model, shipped in @vladmandic/human) run directly on a tfjs graph model:
 * letterboxed whole-image pass, optional tiles for groups and rotations when nothing is found, merged by NMS.
 */
export class BlazefaceDetector {
  private readonly anchors = makeAnchors();

  constructor(
    private readonly tf: Tf,
    private readonly model: Tfjs.GraphModel,
    readonly settings: DetectorSettings = defaultDetectorSettings,
    private readonly verifier?: FaceVerifier,
  ) {}

  /**
   * Faces in `image`, in its pixel coordinates. A lone face scored below `verifyBelow`, and any face found only in a
   * rotated pass, must be confirmed by the verifier (in groups, faces back each other up; the verifier misses small ones).
   */
  async detect(image: RgbImage): Promise<RawFace[]> {
    const min = this.settings.minConfidence;
    let faces = suppressOverlaps(await this.pass(image, min));
    if (faces.length > 0 && this.settings.tileWhenFaces > 0 && faces.length >= this.settings.tileWhenFaces) {
      const all = [...faces];
      for (const [x0, y0, tileW, tileH] of tilesOf(image.width, image.height)) {
        const tile = cropRgb(image, x0, y0, tileW, tileH);
        for (const face of await this.pass(tile, min)) all.push(shiftFace(face, x0, y0));
      }
      faces = suppressOverlaps(all);
    }
    const lone = faces.length === 1 ? faces[0]! : undefined;
    if (lone && lone.confidence < this.settings.verifyBelow && !(await this.confirm(image, lone))) faces = [];
    if (faces.length === 0 && this.settings.tryRotations) {
      for (const turns of [2, 1, 3] as const) {
        const rotated = rotateRgb(image, turns);
        const found = suppressOverlaps(await this.pass(rotated, this.settings.rotatedMinConfidence));
        const confirmed: RawFace[] = [];
        for (const face of found) if (await this.confirm(rotated, face)) confirmed.push(face);
        if (confirmed.length > 0) return confirmed.map((face) => unrotateFace(face, turns, image.width, image.height));
      }
    }
    return faces;
  }

  private async confirm(image: RgbImage, face: RawFace): Promise<boolean> {
    return !this.verifier || this.settings.verifyBelow <= 0 || this.verifier.confirm(image, face);
  }

  /** One letterboxed 256 px pass; faces above `min` (before NMS). */
  private async pass(image: RgbImage, min: number): Promise<RawFace[]> {
    const { tf } = this;
    const side = Math.max(image.width, image.height);
    const scale = side / inputSize;
    const input = tf.tidy(() => {
      const pixels = tf.tensor3d(image.data, [image.height, image.width, 3], 'int32').toFloat();
      const padded = tf.pad(pixels, [
        [0, side - image.height],
        [0, side - image.width],
        [0, 0],
      ]);
      return tf.image
        .resizeBilinear(padded as Tfjs.Tensor3D, [inputSize, inputSize])
        .div(127.5)
        .sub(1)
        .expandDims(0);
    });
    const outputs = this.model.execute(input) as Tfjs.Tensor[];
    input.dispose();
    // Outputs: scores 512x1 and 384x1, regressors 512x16 and 384x16 (sorted by size: 384, 512, 6144, 8192).
    const sorted = [...outputs].sort((a, b) => a.size - b.size);
    const data = await Promise.all(sorted.map((t) => t.data() as Promise<Float32Array>));
    tf.dispose(outputs);
    const [scores384, scores512, boxes384, boxes512] = data as [Float32Array, Float32Array, Float32Array, Float32Array];
    const faces: RawFace[] = [];
    const decode = (scores: Float32Array, regressors: Float32Array, anchorOffset: number) => {
      for (let i = 0; i < scores.length; i++) {
        const confidence = 1 / (1 + Math.exp(-scores[i]!));
        if (confidence < min) continue;
        const [ax, ay] = this.anchors[anchorOffset + i]!;
        const r = regressors.subarray(i * 16, i * 16 + 16);
        const cx = r[0]! + ax;
        const cy = r[1]! + ay;
        const w = r[2]!;
        const h = r[3]!;
        const keypoints: Point[] = [];
        for (let k = 0; k < 6; k++) keypoints.push([(r[4 + 2 * k]! + ax) * scale, (r[5 + 2 * k]! + ay) * scale]);
        const x = Math.max(0, (cx - w / 2) * scale);
        const y = Math.max(0, (cy - h / 2) * scale);
        const box = {
          x,
          y,
          width: Math.min(image.width, (cx + w / 2) * scale) - x,
          height: Math.min(image.height, (cy + h / 2) * scale) - y,
        };
        if (box.width > 2 && box.height > 2) faces.push({ box, confidence, keypoints });
      }
    };
    decode(scores512, boxes512, 0);
    decode(scores384, boxes384, 512);
    return faces;
  }
}

function shiftFace(face: RawFace, dx: number, dy: number): RawFace {
  return {
    confidence: face.confidence,
    box: { ...face.box, x: face.box.x + dx, y: face.box.y + dy },
    keypoints: face.keypoints.map(([x, y]) => [x + dx, y + dy]),
  };
}

function unrotateFace(face: RawFace, turns: 1 | 2 | 3, w: number, h: number): RawFace {
  const { x, y, width, height } = face.box;
  const corners = [unrotatePoint([x, y], turns, w, h), unrotatePoint([x + width, y + height], turns, w, h)];
  const x1 = Math.min(corners[0]![0], corners[1]![0]);
  const y1 = Math.min(corners[0]![1], corners[1]![1]);
  return {
    confidence: face.confidence,
    box: {
      x: x1,
      y: y1,
      width: Math.abs(corners[0]![0] - corners[1]![0]),
      height: Math.abs(corners[0]![1] - corners[1]![1]),
    },
    keypoints: face.keypoints.map((p) => unrotatePoint(p, turns, w, h)),
  };
}
