import type { ImageFacts } from '@model-studio/core';

/** How much of a person the frame shows, judged from the largest face's height relative to the image's. */
export type ShotType = 'close-up' | 'portrait' | 'half body' | 'full body';

/**
 * Face box height / image height from which each shot type starts (checked in this order; below the last, `full
 * body`). Set on 22 hand-labelled photos with face boxes from `@model-studio/quality` (blazeface): close-ups measured
 * 0.55-0.60, portraits 0.26-0.36, half-body shots 0.14-0.26, full-body shots 0.08-0.14. Other detectors draw boxes of
 * other sizes: check the bench before relying on it.
 */
export const shotThresholds: ReadonlyArray<readonly [ShotType, number]> = [
  ['close-up', 0.45],
  ['portrait', 0.26],
  ['half body', 0.14],
];

/** The shot type from the largest face box, or `undefined` without a face (nothing honest to say). */
export function shotFromFacts(facts: ImageFacts | undefined): ShotType | undefined {
  if (!facts?.faces?.length || !(facts.height > 0)) return undefined;
  const largest = facts.faces.reduce((max, face) => Math.max(max, face.height), 0);
  const share = largest / facts.height;
  for (const [shot, from] of shotThresholds) if (share >= from) return shot;
  return 'full body';
}

/** `landscape`, `vertical` or `square` (within 10%). */
export function orientationFromFacts(facts: Pick<ImageFacts, 'width' | 'height'>): string {
  if (facts.width > facts.height * 1.1) return 'landscape';
  if (facts.height > facts.width * 1.1) return 'vertical';
  return 'square';
}

/** `solo`, `two people`, `group of N people`, or `undefined` when the faces are unknown or none were found. */
export function peopleFromFacts(facts: ImageFacts): string | undefined {
  const count = facts.faces?.length ?? 0;
  if (count === 0) return undefined;
  if (count === 1) return 'solo';
  if (count === 2) return 'two people';
  return `group of ${count} people`;
}

/**
 * Lighting words from the exposure statistics: `dim lighting` below a mean of 0.3, `bright lighting` above 0.7,
 * `high contrast` when more than 8% of pixels are clipped, else `even lighting`; `undefined` without figures.
 */
export function lightingFromFacts(facts: ImageFacts): string | undefined {
  if (facts.exposureMean === undefined) return undefined;
  const words: string[] = [];
  if (facts.exposureMean < 0.3) words.push('dim lighting');
  else if (facts.exposureMean > 0.7) words.push('bright lighting');
  if ((facts.clippedShare ?? 0) > 0.08) words.push('high contrast');
  if (words.length === 0) words.push('even lighting');
  return words.join(', ');
}
