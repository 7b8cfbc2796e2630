import type { CallOptions, FaceChecker, ImageScore, ImageScorer, ScoreRequest } from '@model-studio/core';

/** The metric name of {@link createOfflineImageScorer}. */
export const offlineQualityMetric = 'offline-quality';

/** Settings of {@link createOfflineImageScorer}. */
export interface OfflineImageScorerOptions {
  /** The face checker that measures the image: `createQualityChecker()` (close it yourself when done). */
  checker: FaceChecker;
}

/**
 * A free, offline {@link ImageScorer} (metric `offline-quality`): the face checker's training suitability, from its
 * own measures of the image mapped to [0, 1] as documented in `suitabilityParts`:
 * `faceCount x (0.35 sharpness + 0.15 noise + 0.2 exposure + 0.1 clipping + 0.2 faceSize)`, where sharpness is the
 * log Laplacian variance (0 at 9, 1 from ~315), noise the Immerkær sigma (1 at <= 2, 0 from 12), exposure 1 for a mean
 * brightness in [0.3, 0.7], clipping 1 up to 2% clipped pixels, faceSize 1 when the largest face is a quarter of the
 * height, and faceCount 1 for one face, 0.5 for several, 0 for none. Not a CLIP aesthetic score: it measures what
 * makes a photo usable for training a person's LoRA.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { createOfflineImageScorer, createQualityChecker } from '@model-studio/quality';
 *
 * const checker = createQualityChecker({ workers: 0 });
 * const scorer = createOfflineImageScorer({ checker });
 * const { score, metric } = await scorer.score({ image: readFileSync('samples/grace-hopper.jpg') });
 * console.log(metric, score.toFixed(2));
 * await checker.close();
 * ```
 */
export function createOfflineImageScorer(options: OfflineImageScorerOptions): ImageScorer {
  const { checker } = options;
  return {
    specificationVersion: 'v1',
    provider: 'quality',
    metric: offlineQualityMetric,
    paid: false,
    async score(request: ScoreRequest, callOptions: CallOptions = {}): Promise<ImageScore> {
      if (callOptions.signal?.aborted) throw callOptions.signal.reason;
      const quality = await checker.quality({ bytes: request.image }, callOptions);
      const score = Math.min(1, Math.max(0, quality.suitability));
      return { score, metric: offlineQualityMetric, usage: { units: 1, unit: 'image' } };
    },
  };
}
