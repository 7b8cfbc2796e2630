import type { Storage, TrainingEvent } from '@model-studio/core';
import type { TrainingEngine } from '../training-engine.js';

/** Settings of {@link LocalTrainer}. */
export interface LocalTrainerSettings {
  /** Where the dataset archive is read from (and outputs copied to, when a job has an `outputPrefix`). */
  storage: Storage;
  /** Folder on this machine holding one sub-folder per run (config, dataset, output, console log). */
  workRoot: string;
  /**
   * The command that trains. SimpleTuner configs: run in the run's folder with `CONFIG_BACKEND=json` and
   * `CONFIG_PATH=<run>/config.json`. ai-toolkit configs: run in `aiToolkitDir` (else the run's folder) with the path
   * of `<run>/config.yaml` appended (`python run.py <config>`).
   * @default ['simpletuner', 'train'] for SimpleTuner, ['python', 'run.py'] for ai-toolkit
   */
  command?: string[];
  /**
   * Your ai-toolkit checkout (`git clone https://github.com/ostris/ai-toolkit` at a pinned commit, its venv
   * activated or `command` pointing at its python): the folder `run.py` is run from.
   */
  aiToolkitDir?: string;
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
  /** The engine (absent in runs started before engines existed: SimpleTuner). */
  engine?: TrainingEngine;
  /** ai-toolkit: `config.name` (the output folder and file names). */
  jobName?: string;
}
