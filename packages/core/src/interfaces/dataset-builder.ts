import type { CallOptions } from './shared.js';
import type { Storage } from './storage.js';

/** One enhanced result offered to a dataset, with what the orchestrator knows of it. */
export interface DatasetBuildCandidate {
  /** File name, e.g. `andie-s1-t003-sfw-enhanced.jpg`. */
  name: string;
  /** Storage key of the image. */
  key: string;
  /** Content rating of the image. */
  rating: string;
  /** Reads the image's bytes. */
  read: (options?: CallOptions) => Promise<Uint8Array>;
  /** The caption from the model's caption manifest, when there is one. */
  caption?: { text: string; state: 'generated' | 'reviewed' | 'edited' } | undefined;
  /** Training score in [0, 1], when scored. */
  score?: number | undefined;
  /** True when the pipeline verified the image shows the model's subject (every enhanced result was verified). */
  samePerson?: boolean | undefined;
}

/** What to build: one dataset version of a model. */
export interface DatasetBuildRequest extends CallOptions {
  model: string;
  /** The dataset version, e.g. `v1` (`models/<model>/datasets/<version>/`). */
  version: string;
  candidates: readonly DatasetBuildCandidate[];
  /** The model's trigger and class words. */
  triggerWord: string;
  classWord: string;
  /** Lowest score an image needs (the model's `thresholds.minTrainingScore`). */
  minScore: number;
  /** Accept captions a person has not reviewed yet. */
  allowUnreviewed?: boolean;
  /** Builder-specific settings (base model family, repeats, resolution, layouts). */
  config?: Record<string, unknown>;
  /** Where the dataset goes (the workspace's storage). */
  storage: Storage;
  /** Progress of the build. */
  onProgress?: (progress: { done: number; total: number; name?: string }) => void;
}

/** What a build wrote. */
export interface DatasetBuildSummary {
  model: string;
  version: string;
  /** Storage prefix of the version (no trailing `/`), e.g. `models/andie/datasets/v1`. */
  prefix: string;
  manifestKey: string;
  /** The upload archive, e.g. `models/andie/datasets/v1/dataset.tar`. */
  archiveKey: string;
  /** Names of the images in the dataset. */
  selected: string[];
  /** Images left out, with the reason (e.g. `score-below-threshold`). */
  rejected: { name: string; reason: string; detail?: string }[];
  /** True when the version had already been built (nothing was written). */
  alreadyBuilt?: boolean;
}

/**
 * Builds a dataset version (images + captions + manifest + upload archive) from candidates the orchestrator gathers.
 * `@model-studio/lora-trainer`'s `createDatasetBuilder()` implements it; core journals the stage.
 */
export interface DatasetBuilder {
  readonly specificationVersion: 'v1';
  build(request: DatasetBuildRequest): Promise<DatasetBuildSummary>;
  /** The summary of a version already built, or `undefined` when it does not exist. */
  read?(
    storage: Storage,
    model: string,
    version: string,
    options?: CallOptions,
  ): Promise<DatasetBuildSummary | undefined>;
}
