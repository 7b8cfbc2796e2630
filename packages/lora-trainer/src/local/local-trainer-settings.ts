import type { Storage, TrainingEvent } from '@model-studio/core';

/** Settings of {@link LocalTrainer}. */
export interface LocalTrainerSettings {
  /** Where the dataset archive is read from (and outputs copied to, when a job has an `outputPrefix`). */
  storage: Storage;
  /** Folder on this machine holding one sub-folder per run (config, dataset, output, console log). */
  workRoot: string;
  /**
   * The command that trains, run in the run's folder with `CONFIG_BACKEND=json` and `CONFIG_PATH=<run>/config.json`.
   * @default ['simpletuner', 'train']
   */
  command?: string[];
  /**
   * The dataset builder's `remoteRoot`: paths in the archive's multidatabackend.json that start with it are rebased
   * onto the run's dataset folder.
   * @default '/workspace/dataset'
   */
  remoteRoot?: string;
  /** Extra environment variables (e.g. `HF_TOKEN`, `CUDA_VISIBLE_DEVICES`). Never logged. */
  env?: Record<string, string>;
  /**
   * Milliseconds between polls while waiting.
   * @default 2000
   */
  pollIntervalMs?: number;
  /**
   * Milliseconds between SIGTERM and SIGKILL when cancelling.
   * @default 10000
   */
  killGraceMs?: number;
  /** Receives every event of every job. */
  onEvent?: (event: TrainingEvent) => void;
}

/** What a run folder's `job.json` records, so that a fresh process can reattach. */
export interface LocalJobRecord {
  runId: string;
  /** Process id of the process group leader. */
  pid: number;
  startedAt: string;
  command: string[];
  outputPrefix?: string;
}
