import type { ModelFamily } from '../model-family.js';
import type { DatasetCaptionState, SelectionReason } from './dataset-candidate.js';

/** One selected image in a dataset manifest. */
export interface DatasetManifestFile {
  /** File name in the dataset. */
  file: string;
  /** Where the image came from (its storage key). */
  sourceKey: string;
  /** sha256 of the image bytes, hex. */
  sha256: string;
  /** Size in bytes. */
  size: number;
  /** The caption written beside it. */
  caption: string;
  captionState: DatasetCaptionState;
  score: number;
  /** Pixel size, when the candidate gave it (the pre-flight's bucket check uses it). */
  width?: number | undefined;
  height?: number | undefined;
  /** Why it was selected, in words. */
  reason: string;
}

/** One candidate left out, with its reason. */
export interface DatasetManifestRejection {
  file: string;
  sourceKey: string;
  reason: SelectionReason;
  detail: string;
}

/** `datasets/<version>/manifest.json`: what is in a dataset version and why. */
export interface DatasetManifest {
  manifestVersion: 1;
  model: string;
  version: string;
  family: ModelFamily;
  /** ISO 8601. */
  createdAt: string;
  trigger: string;
  classWord: string;
  /** kohya repeats; SimpleTuner's are one less. */
  repeats: number;
  scoreThreshold: number;
  layouts: Array<'simpletuner' | 'kohya'>;
  files: DatasetManifestFile[];
  rejected: DatasetManifestRejection[];
  /** The upload archive (see `openDatasetArchive`). */
  archive: { key: string; format: 'tar'; size: number; sha256: string; files: string[] };
}
