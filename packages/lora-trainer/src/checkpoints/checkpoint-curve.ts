/** What one validation sample of a checkpoint measured. */
export interface CheckpointSampleMeasure {
  /** Storage key of the sample. */
  key: string;
  /** Faces the face checker found (undefined when identity was not measured). */
  faces?: number | undefined;
  /** Distance of the sample's first face to the nearest source face (lower is closer). */
  distance?: number | undefined;
  /** `1 - distance` clamped to 0-1; 0 for a sample without a face. */
  identity?: number | undefined;
  /** Normalised Hamming distance (0-1) between the sample's perceptual hash and the nearest dataset image's. */
  nearestDatasetDistance?: number | undefined;
  /** The nearest dataset image's file name. */
  nearestDatasetImage?: string | undefined;
  /** Luminance entropy, bits. */
  entropy: number;
  /** RMS contrast, 0-0.5. */
  contrast: number;
}

/** One point of a version's checkpoint curve. */
export interface CheckpointPoint {
  step: number;
  /** Storage key of the checkpoint's weights, when stored. */
  weights?: string | undefined;
  /** The last step (the version's recorded LoRA). */
  last: boolean;
  samples: CheckpointSampleMeasure[];
  /** Mean identity of the samples (0-1, higher is closer to the source); undefined when not measured. */
  identity?: number | undefined;
  /** Smallest normalised distance of a sample to a dataset image; undefined without dataset images. */
  nearestDatasetDistance?: number | undefined;
  /** `1 - nearestDatasetDistance`: how close the most copied sample is to a dataset image (memorising when high). */
  memorisation?: number | undefined;
  /** Mean entropy of the samples, bits. */
  entropy: number;
  /** Mean RMS contrast of the samples. */
  contrast: number;
  /** Training loss at this step (or the last logged step before it). */
  loss?: number | undefined;
}

/** `loras/<version>/checkpoint-curve.json`: the measured curve of a version, step by step. */
export interface CheckpointCurve {
  curveVersion: 1;
  model: string;
  version: string;
  /** True when the version came from the sandbox trainer: the curve measures the pipeline, not a trained model. */
  sandbox: boolean;
  /** What the figures mean (says "sandbox" for a sandbox version). */
  note: string;
  /** ISO 8601. */
  computedAt: string;
  /** The face checker's provider, when identity was measured. */
  faceChecker?: string | undefined;
  /** How the perceptual hashes were made: the image processor's provider, or `dhash` (built in). */
  perceptualHash: string;
  /** Dataset images the samples were compared with. */
  datasetImages: number;
  checkpoints: CheckpointPoint[];
}

/** File name of the stored curve, beside `version.json`. */
export const checkpointCurveFile = 'checkpoint-curve.json';

/** The note a curve carries. */
export function checkpointCurveNote(sandbox: boolean): string {
  return sandbox
    ? 'Sandbox version: its samples come from the sandbox trainer, so this curve measures the pipeline, not a trained model.'
    : 'Identity: mean 1 - face distance of the samples to the nearest source face. Memorisation: 1 - normalised perceptual-hash distance of the most copied sample to its nearest dataset image.';
}
