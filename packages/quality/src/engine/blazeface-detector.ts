import type * as Tfjs from '@tensorflow/tfjs';
import { type RawFace, suppressOverlaps } from './face-geometry.js';
import type { FaceVerifier } from './face-verifier.js';
import { letterboxInput } from './letterbox-input.js';
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
   * When no face is found upright, look for faces turned by 90, 180 or 270 degrees: one survey pass over the three
   * turns shrunk into one input, then a full pass over each turn where the survey saw a face.
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
        for (const face of await this.pass(tile, min)) all.push(scaleFace(face, 1, x0, y0));
      }
      faces = suppressOverlaps(all);
    }
    const lone = faces.length === 1 ? faces[0]! : undefined;
    if (lone && lone.confidence < this.settings.verifyBelow && !(await this.confirm(image, lone))) faces = [];
    if (faces.length === 0 && this.settings.tryRotations) {
      for (const { turns } of await this.rotatedSurvey(image, this.settings.minConfidence)) {
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

  /** One letterboxed 256 px pass; faces above `min` (before NMS), in `image` coordinates. */
  private async pass(image: RgbImage, min: number): Promise<RawFace[]> {
    const { tf } = this;
    const side = Math.max(image.width, image.height);
    const input = tf.tensor4d(letterboxInput(image, inputSize), [1, inputSize, inputSize, 3]);
    const scale = side / inputSize;
    return (await this.infer(input, min))
      .map((face) => clipFace(scaleFace(face, scale, 0, 0), image))
      .filter((face) => face.box.width > 2 && face.box.height > 2);
  }

  /**
   * The image turned by 90, 180 and 270 degrees, each shrunk into a quadrant of one 256 px input: one pass tells
   * which turns may hold a face (faces must be about 1/6 of the image or larger to show at this size).
   */
  private async rotatedSurvey(image: RgbImage, min: number): Promise<Array<{ turns: 1 | 2 | 3; confidence: number }>> {
    const { tf } = this;
    const half = inputSize / 2;
    // Shrink first, then turn the small copy in JS (tfjs-wasm's reverse is slow; turning commutes with shrinking).
    const s = half / Math.max(image.width, image.height);
    const rw = Math.max(1, Math.round(image.width * s));
    const rh = Math.max(1, Math.round(image.height * s));
    const small = tf.tidy(() =>
      tf.image
        .resizeBilinear(tf.tensor3d(image.data, [image.height, image.width, 3], 'int32'), [rh, rw])
        .round()
        .toInt(),
    );
    const smallImage: RgbImage = { data: Uint8Array.from(await small.data()), width: rw, height: rh };
    small.dispose();
    const mosaic = new Uint8Array(inputSize * inputSize * 3);
    ([1, 2, 3] as const).forEach((turns, quadrant) => {
      const turned = rotateRgb(smallImage, turns);
      const x0 = (quadrant % 2) * half;
      const y0 = Math.floor(quadrant / 2) * half;
      for (let y = 0; y < turned.height; y++) {
        const row = turned.data.subarray(y * turned.width * 3, (y + 1) * turned.width * 3);
        mosaic.set(row, ((y0 + y) * inputSize + x0) * 3);
      }
    });
    const input = tf.tidy(
      () => tf.tensor4d(mosaic, [1, inputSize, inputSize, 3], 'int32').toFloat().div(127.5).sub(1) as Tfjs.Tensor4D,
    );
    const best = new Map<1 | 2 | 3, number>();
    for (const face of await this.infer(input, min)) {
      const cx = face.box.x + face.box.width / 2;
      const cy = face.box.y + face.box.height / 2;
      const quadrant = (cy < half ? 0 : 2) + (cx < half ? 0 : 1);
      const turns = ([1, 2, 3] as const)[quadrant];
      if (turns) best.set(turns, Math.max(best.get(turns) ?? 0, face.confidence));
    }
    return [...best.entries()]
      .map(([turns, confidence]) => ({ turns, confidence }))
      .sort((a, b) => b.confidence - a.confidence);
  }

  /** Runs the model on a prepared 1x256x256x3 input (disposed here); faces above `min` in input coordinates. */
  private async infer(input: Tfjs.Tensor4D, min: number): Promise<RawFace[]> {
    const { tf } = this;
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
        const keypoints: Point[] = [];
        for (let k = 0; k < 6; k++) keypoints.push([r[4 + 2 * k]! + ax, r[5 + 2 * k]! + ay]);
        const box = { x: r[0]! + ax - r[2]! / 2, y: r[1]! + ay - r[3]! / 2, width: r[2]!, height: r[3]! };
        faces.push({ box, confidence, keypoints });
      }
    };
    decode(scores512, boxes512, 0);
    decode(scores384, boxes384, 512);
    return faces;
  }
}

function scaleFace(face: RawFace, scale: number, dx: number, dy: number): RawFace {
  return {
    confidence: face.confidence,
    box: {
      x: face.box.x * scale + dx,
      y: face.box.y * scale + dy,
      width: face.box.width * scale,
      height: face.box.height * scale,
    },
    keypoints: face.keypoints.map(([x, y]) => [x * scale + dx, y * scale + dy]),
  };
}

/** Clips a face's box to the image; tiny leftovers are dropped by the caller's minimum size. */
function clipFace(face: RawFace, image: RgbImage): RawFace {
  const x = Math.max(0, face.box.x);
  const y = Math.max(0, face.box.y);
  const box = {
    x,
    y,
    width: Math.min(image.width, face.box.x + face.box.width) - x,
    height: Math.min(image.height, face.box.y + face.box.height) - y,
  };
  return { ...face, box };
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
