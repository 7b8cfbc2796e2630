import type { BoundingBox } from '@model-studio/core';
import type { Point } from './load-models.js';

/** A face found by the detector, in the coordinates of the image it ran on. */
export interface RawFace {
  box: BoundingBox;
  confidence: number;
  /** Blazeface keypoints: eyes, nose, mouth, ears. */
  keypoints: Point[];
}

/** Intersection over union of two boxes. */
export function iou(a: BoundingBox, b: BoundingBox): number {
  const inter = intersection(a, b);
  return inter / (a.width * a.height + b.width * b.height - inter);
}

/** Intersection over the smaller box's area (catches a small box nested in a large one). */
export function intersectionOverSmaller(a: BoundingBox, b: BoundingBox): number {
  return intersection(a, b) / Math.min(a.width * a.height, b.width * b.height);
}

function intersection(a: BoundingBox, b: BoundingBox): number {
  const x1 = Math.max(a.x, b.x);
  const y1 = Math.max(a.y, b.y);
  const x2 = Math.min(a.x + a.width, b.x + b.width);
  const y2 = Math.min(a.y + a.height, b.y + b.height);
  return Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
}

/** Greedy non-maximum suppression: keeps the most confident of overlapping faces. */
export function suppressOverlaps<T extends { box: BoundingBox; confidence: number }>(
  faces: readonly T[],
  iouThreshold = 0.3,
  nestedThreshold = 0.6,
): T[] {
  const sorted = [...faces].sort((a, b) => b.confidence - a.confidence);
  const kept: T[] = [];
  for (const face of sorted) {
    if (
      kept.every(
        (k) => iou(k.box, face.box) < iouThreshold && intersectionOverSmaller(k.box, face.box) < nestedThreshold,
      )
    ) {
      kept.push(face);
    }
  }
  return kept;
}

/** The box enclosing a set of points. */
export function boxOfPoints(points: readonly Point[]): BoundingBox {
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return { x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y };
}

/** Roll angle (radians) of a face from its eye keypoints; 0 when upright. */
export function faceRoll(face: RawFace): number {
  const [right, left] = face.keypoints;
  if (!right || !left) return 0;
  return Math.atan2(left[1] - right[1], left[0] - right[0]);
}
