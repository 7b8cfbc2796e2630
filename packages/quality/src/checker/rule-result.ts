import type { DetectedFace } from '@model-studio/core';

/** Why an image failed a rule. */
export type RuleReasonCode = 'unreadable' | 'no-face' | 'multiple-faces' | 'too-few-faces' | 'identity-mismatch';

/** One reason an image failed a rule, with a sentence for people. */
export interface RuleReason {
  code: RuleReasonCode;
  message: string;
}

/** Outcome of {@link QualityChecker.checkSource}, {@link QualityChecker.checkTarget} or {@link QualityChecker.checkSwapResult}. */
export interface RuleResult {
  /** True when the image may be used. */
  ok: boolean;
  /** Empty when `ok`. */
  reasons: RuleReason[];
  /** Faces found (full-size pixel coordinates). */
  faces: DetectedFace[];
  /** Width after EXIF orientation (0 when unreadable). */
  width: number;
  /** Height after EXIF orientation (0 when unreadable). */
  height: number;
}

/** Outcome of a source check: also carries the face's embedding, to compare swap results with later. */
export interface SourceRuleResult extends RuleResult {
  /** Identity embedding of the single face, when `ok`. */
  embedding?: Float32Array;
}

/** Outcome of a swap-result check. */
export interface SwapRuleResult extends RuleResult {
  /** Smallest distance between a face in the result and the source, when a face was found. */
  distance?: number;
  /** The threshold the distance was compared with. */
  threshold: number;
}
