import type { ModelFamily } from '../model-family.js';
import type { LoraFormat } from '../safetensors/lora-tensors.js';
import type { TrainingEngine } from '../training-engine.js';

/** A training-loss point. */
export interface LossPoint {
  step: number;
  loss: number;
}

/** A validation sample of a version. */
export interface LoraSample {
  /** File name under `samples/`. */
  file: string;
  /** The prompt, when known. */
  prompt?: string | undefined;
}

/** `loras/<version>/version.json`: what a LoRA version is. */
export interface LoraVersionRecord {
  recordVersion: 1;
  model: string;
  version: string;
  family: ModelFamily;
  /** The engine that trained it (from the config's shape). Versions recorded before engines existed are SimpleTuner's. */
  engine?: TrainingEngine | undefined;
  /** ISO 8601. */
  createdAt: string;
  /** The dataset version it was trained on, when known. */
  datasetVersion?: string | undefined;
  /** Who trained it: the trainer's provider and job id. */
  trainer?: { provider: string; jobId: string } | undefined;
  /** True when the LoRA came from a sandbox trainer (not a trained model). */
  sandbox: boolean;
  /** The `.safetensors` file, its hash, and what its header says. */
  artifact: {
    file: string;
    sha256: string;
    size: number;
    rank: number;
    format: LoraFormat;
    dtype: string;
    tensors: number;
  };
  /** Loss summary from the training metrics. */
  metrics: { steps: number; finalLoss?: number | undefined; minLoss?: number | undefined };
  samples: LoraSample[];
}

/** `loras/final.json`: the version promoted as final. */
export interface FinalLoraPointer {
  version: string;
  sha256: string;
  /** ISO 8601. */
  promotedAt: string;
}

/** Files of a LoRA version, relative to `loras/<version>/`. */
export const loraVersionFiles = {
  record: 'version.json',
  config: 'config.json',
  datasetManifest: 'dataset-manifest.json',
  metrics: 'metrics.jsonl',
  samplesFolder: 'samples/',
  /** Checkpoints, named as `listCheckpoints` reads them. */
  checkpointsFolder: 'checkpoints/',
} as const;
