import type { ImageFacts } from './captioner.js';
import type { CallOptions } from './shared.js';

/** What to score. */
export interface ScoreRequest {
  image: Uint8Array;
  contentType?: string;
  /** What the pipeline knows about the image (offline scorers may use only this). */
  facts?: ImageFacts;
}

/** A score in [0, 1] (higher is better for training) and the metric that produced it. */
export interface ImageScore {
  /** In [0, 1]. */
  score: number;
  /** The metric's name, e.g. `clip-iqa` or `offline-quality`. */
  metric: string;
  usage?: { inputTokens?: number; outputTokens?: number; units?: number; unit?: string };
}

/**
 * Scores an image's suitability for training (the brief's "CLIP beauty score > 0.6"); the dataset builder selects
 * images above the model's threshold.
 */
export interface ImageScorer {
  readonly specificationVersion: 'v1';
  readonly provider: string;
  /** The metric's name, as in {@link ImageScore.metric}. */
  readonly metric: string;
  /** Whether calls cost money (a paid scorer runs with the caption's paid call, never twice after a crash). */
  readonly paid?: boolean;
  score(request: ScoreRequest, options?: CallOptions): Promise<ImageScore>;
}
