import type { RuleReason } from './rule-result.js';

/** Why a source photo with `faceCount` faces fails: it needs exactly one face. Empty when it passes. */
export function sourceReasons(faceCount: number): RuleReason[] {
  if (faceCount === 0) {
    return [{ code: 'no-face', message: "No face was found. A source photo must show one person's face clearly." }];
  }
  if (faceCount > 1) {
    return [
      {
        code: 'multiple-faces',
        message: `${faceCount} faces were found. A source photo must show exactly one face; crop it to one person.`,
      },
    ];
  }
  return [];
}

/** Why a target photo with `faceCount` faces fails: it needs at least `minFaces`. Empty when it passes. */
export function targetReasons(faceCount: number, minFaces: number): RuleReason[] {
  if (faceCount >= minFaces) return [];
  return [
    faceCount === 0
      ? { code: 'no-face', message: 'No face was found. A target photo needs a visible face to swap.' }
      : { code: 'too-few-faces', message: `${faceCount} face(s) found; this target needs at least ${minFaces}.` },
  ];
}

/**
 * Why a swap result fails, given the smallest distance between one of its faces and the source (undefined when it has
 * no face): it needs a face closer than `threshold`. Empty when it passes.
 */
export function swapReasons(distance: number | undefined, threshold: number): RuleReason[] {
  if (distance === undefined) {
    return [{ code: 'no-face', message: 'No face was found in the swap result; the swap failed. Do not enhance it.' }];
  }
  if (!(distance < threshold)) {
    return [
      {
        code: 'identity-mismatch',
        message: `The face in the swap result does not look like the source person (distance ${distance.toFixed(2)}, must be below ${threshold}).`,
      },
    ];
  }
  return [];
}
