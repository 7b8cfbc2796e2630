import type { CallOptions } from '@model-studio/core';

/**
 * A caption's review state, as core's caption manifest records it: written by a captioner (`generated`), accepted by
 * a person (`reviewed`) or written by a person (`edited`).
 */
export type DatasetCaptionState = 'generated' | 'reviewed' | 'edited';

/** One enhanced result offered to {@link buildDataset}: plain typed facts, no dependency on other packages. */
export interface DatasetCandidate {
  /** File name, e.g. `andie-s1-t003-sfw-enhanced.jpg`; kept in the dataset. */
  name: string;
  /** Storage key of the image (recorded in the manifest). */
  key: string;
  /** Reads the image's bytes. */
  read: (options?: CallOptions) => Promise<Uint8Array>;
  /** The current caption, when there is one. */
  caption?: { text: string; state: DatasetCaptionState } | undefined;
  /** Training score in [0, 1] (core's `ImageScorer`), when scored. */
  score?: number | undefined;
  /** Identity check against the model's source face: same person, and the embedding distance when known. */
  identity?: { samePerson: boolean; distance?: number | undefined } | undefined;
  /** Perceptual hash as hex (e.g. a 64-bit dHash, 16 hex digits), for near-duplicate removal. */
  perceptualHash?: string | undefined;
  /** Pixel size, when known (the pre-flight's bucket check uses it). */
  width?: number | undefined;
  height?: number | undefined;
}

/** Why an image was kept or left out. */
export type SelectionReason =
  | 'selected'
  | 'score-below-threshold'
  | 'score-missing'
  | 'not-same-person'
  | 'identity-unknown'
  | 'near-duplicate'
  | 'caption-missing'
  | 'caption-not-reviewed'
  | 'webp-not-supported';

/** The decision for one candidate, with its reason in words. */
export interface SelectionDecision {
  name: string;
  key: string;
  selected: boolean;
  reason: SelectionReason;
  /** The reason in words, e.g. `score 0.42 is not above the threshold 0.6`. */
  detail: string;
  /** For `near-duplicate`: the kept image it duplicates. */
  duplicateOf?: string;
}
