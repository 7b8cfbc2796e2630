import type {
  TrainingArtifact,
  TrainingCost,
  TrainingEvent,
  TrainingJob,
  TrainingProgress,
} from '../../interfaces/trainer.js';
import type { RunBudget } from '../studio-types.js';

/** Options of `studio.train`. */
export interface TrainOptions {
  /** The dataset version to train on (`models/<model>/datasets/<dataset>/`, built by `studio.buildDataset`). */
  dataset: string;
  /** The LoRA version to write (`models/<model>/loras/<version>/`). @default the dataset version */
  version?: string;
  /** Trainer configuration (e.g. a SimpleTuner config). */
  config: Record<string, unknown>;
  /**
   * The most the job may cost, in USD: reserved in the ledger (and checked against the budget) before the job is
   * started, settled with the trainer's actual cost afterwards. @default 0 (a free local trainer)
   */
  estimateUsd?: number;
  /** Spending allowance in USD for this training, on top of what the ledger already holds. */
  budget?: RunBudget;
  /** Ratings in the dataset; the consent record must allow `train` for each. @default the ratings with enhanced results */
  ratings?: string[];
  /**
   * Start again after a start whose answer was lost (the job may exist). Safe with trainers that reuse the job of the
   * same run id (the RunPod trainer does); otherwise it may pay twice. @default false
   */
  resubmitUncertain?: boolean;
  /**
   * Stops waiting. The job keeps running (and billing) and `studio.train` again reattaches it, unless
   * {@link TrainOptions.cancelOnAbort} is set.
   */
  signal?: AbortSignal;
  /**
   * When `signal` aborts while the job runs, cancel the job at the trainer (a RunPod pod is terminated: it stops
   * billing), wait for its final status and settle its cost in the ledger; the stage ends failed (cancelled) and
   * `studio.train` again starts a new job. Use it for a user's cancel; leave it off when your process is only stopping
   * (a worker shutting down) so the next process reattaches the job instead of paying for a new one. A function is
   * asked when the signal aborts (e.g. "was this abort a user's cancel?"). @default false
   */
  cancelOnAbort?: boolean | (() => boolean);
  /** Every training event (job start, progress with step, loss, ETA and cost, artifacts, logs, job end). */
  onEvent?: (event: TrainEvent) => void;
}

/** An event of `studio.train`: the trainer's events, and the ledger's reservation and settlement. */
export type TrainEvent =
  | TrainingEvent
  | { type: 'training-reattach'; job: TrainingJob }
  | { type: 'training-cost'; kind: 'reserved' | 'actual' | 'released'; usd: number };

/** What `studio.train` returns. */
export interface TrainSummary {
  model: string;
  /** The journal and ledger id of the stage, e.g. `andie:train:v1`. */
  stageId: string;
  version: string;
  dataset: string;
  /** The job (pod id for RunPod). */
  job: TrainingJob;
  /** True when the job was started by an earlier process and reattached here (nothing was paid again). */
  reattached: boolean;
  /** True when the stage had already finished: nothing ran. */
  alreadyDone: boolean;
  /** The final progress (status, steps, loss). */
  progress: TrainingProgress;
  /** The actual cost recorded in the ledger (USD). */
  cost?: TrainingCost;
  /** Storage keys of the trainer's outputs under `models/<model>/training/<version>/` (the `.safetensors` first). */
  outputKeys: string[];
  /**
   * The finished job's artifacts (bytes included), when this call finished the job; record them as a LoRA version
   * (`recordLoraVersion` from `@model-studio/lora-trainer`). Absent when the stage was already done: read `outputKeys`.
   */
  artifacts?: TrainingArtifact[];
  /** Storage key of the LoRA file, when the job completed. */
  loraKey?: string;
}
