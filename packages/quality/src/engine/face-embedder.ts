import type { BoundingBox } from '@model-studio/core';
import type * as Tfjs from '@tensorflow/tfjs';
import { faceRoll, type RawFace } from './face-geometry.js';
import type { FaceApi, FaceApiLandmarks } from './load-models.js';
import type { Tf } from './load-tfjs.js';
import { cropRgb, type RgbImage } from './rgb-image.js';

/** Faces turned more than this (radians, ~10 degrees) are rotated upright before embedding. */
const rollTolerance = 0.17;
/** The landmark net looks at a square this many times the detector box's larger side. */
const landmarkCropScale = 1.3;
/** Half-side of the region cut around a face, in detector-box sizes (covers the aligned crop when rotated). */
const regionScale = 1.1;

/**
 * 128-d identity descriptors with face-api's 68-point landmark net and ResNet-34-like recognition net.
 * Faces are turned upright by their eye keypoints first, so rotated photos give the same identity.
 */
export class FaceEmbedder {
  constructor(
    private readonly tf: Tf,
    private readonly faceapi: FaceApi,
  ) {}

  /** One descriptor per face (a face without keypoints is treated as upright). */
  async embed(
    image: RgbImage,
    faces: ReadonlyArray<RawFace | { box: BoundingBox; keypoints?: undefined }>,
  ): Promise<Float32Array[]> {
    const { tf } = this;
    const results: Float32Array[] = [];
    for (const face of faces) {
      const roll = face.keypoints ? faceRoll(face as RawFace) : 0;
      const size = Math.max(face.box.width, face.box.height);
      const cx = face.box.x + face.box.width / 2;
      const cy = face.box.y + face.box.height / 2;
      // Work on a region around the face only: cheaper to rotate, and large enough for the aligned crop.
      const region = clampRect(
        cx - size * regionScale,
        cy - size * regionScale,
        2 * size * regionScale,
        2 * size * regionScale,
        image,
      );
      const pixels = cropRgb(image, region.x, region.y, region.width, region.height);
      const rx = cx - region.x;
      const ry = cy - region.y;
      const tensor = tf.tensor3d(pixels.data, [pixels.height, pixels.width, 3], 'int32');
      const upright =
        Math.abs(roll) > rollTolerance
          ? (tf.tidy(() =>
              tf.image
                .rotateWithOffset(tensor.toFloat().expandDims(0) as Tfjs.Tensor4D, roll, 0, [
                  rx / pixels.width,
                  ry / pixels.height,
                ])
                .squeeze([0]),
            ) as Tfjs.Tensor3D)
          : tensor;
      try {
        results.push(await this.describe(upright, rx, ry, size, pixels));
      } finally {
        tensor.dispose();
        if (upright !== tensor) upright.dispose();
      }
    }
    return results;
  }

  private async describe(
    pixels: Tfjs.Tensor3D,
    cx: number,
    cy: number,
    size: number,
    image: RgbImage,
  ): Promise<Float32Array> {
    const { faceapi } = this;
    const side = size * landmarkCropScale;
    const crop = clampRect(cx - side / 2, cy - side / 2, side, side, image);
    const [cropTensor] = await faceapi.extractFaceTensors(pixels, [
      new faceapi.Rect(crop.x, crop.y, crop.width, crop.height),
    ]);
    let landmarks: FaceApiLandmarks;
    try {
      landmarks = (await faceapi.nets.faceLandmark68Net.detectLandmarks(cropTensor!)) as FaceApiLandmarks;
    } finally {
      cropTensor?.dispose();
    }
    const aligned = landmarks.shiftBy(crop.x, crop.y).align();
    const box = clampRect(aligned.x, aligned.y, aligned.width, aligned.height, image);
    const [faceTensor] = await faceapi.extractFaceTensors(pixels, [
      new faceapi.Rect(box.x, box.y, box.width, box.height),
    ]);
    try {
      const descriptor = await faceapi.nets.faceRecognitionNet.computeFaceDescriptor(faceTensor!);
      return Array.isArray(descriptor) ? descriptor[0]! : descriptor;
    } finally {
      faceTensor?.dispose();
    }
  }
}

function clampRect(x: number, y: number, width: number, height: number, image: RgbImage): BoundingBox {
  const x1 = Math.max(0, Math.floor(x));
  const y1 = Math.max(0, Math.floor(y));
  const x2 = Math.min(image.width, Math.ceil(x + width));
  const y2 = Math.min(image.height, Math.ceil(y + height));
  return { x: x1, y: y1, width: Math.max(1, x2 - x1), height: Math.max(1, y2 - y1) };
}

/** Euclidean distance between two descriptors. */
export function euclideanDistance(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new RangeError(`Embeddings differ in length (${a.length} vs ${b.length}).`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    sum += d * d;
  }
  return Math.sqrt(sum);
}
