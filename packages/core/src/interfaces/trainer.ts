import type { CallOptions } from './shared.js';

/** A training job's state. */
export type TrainingStatus = 'preparing' | 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

/** What to train. */
export interface TrainingRequest {
  /** The model's slug. */
  model: string;
  /** Storage prefix of the prepared dataset (images + captions + manifest). */
  datasetPrefix: string;
  /** Trainer-specific configuration (e.g. SimpleTuner settings). */
  config: Record<string, unknown>;
  /**
   * Storage prefix the trainer writes its outputs under (LoRA, metrics, samples, logs), e.g. `models/<m>/loras/<v>`.
   * Trainers that keep outputs elsewhere may ignore it; when omitted, each trainer picks its own place.
   */
  outputPrefix?: string;
  /** A stable id of this training run chosen by the caller (journal key); trainers may put it in names and logs. */
  runId?: string;
}

/** A handle to a training job; persist `id` to reattach after a restart. */
export interface TrainingJob {
  id: string;
  provider: string;
  /** Storage prefix of the job's outputs, when the trainer writes to storage. */
  outputPrefix?: string;
  /** When the job was created (ISO 8601), when known. */
  createdAt?: string;
  /** Price of the machine in USD per hour, when the trainer rents one (for reserving and settling costs). */
  costPerHourUsd?: number;
}

/** Money spent on a training job so far, computed from the machine's hourly price and its billed uptime. */
export interface TrainingCost {
  /** USD charged so far (or in total, once `final`). */
  usd: number;
  /** USD per hour of the machine. */
  costPerHourUsd: number;
  /** Seconds billed so far. */
  billedSeconds: number;
  /** True once the machine is gone and the amount can no longer grow. */
  final: boolean;
}

/** Progress of a training job. */
export interface TrainingProgress {
  status: TrainingStatus;
  step?: number;
  totalSteps?: number;
  loss?: number;
  message?: string;
  /** Learning rate at the last step. */
  learningRate?: number;
  /** Seconds left, estimated from the pace of recent steps. */
  etaSeconds?: number;
  /** Money spent so far, when the trainer rents a machine. */
  cost?: TrainingCost;
  /** Names of the artifacts available so far (see {@link Trainer.fetchArtifacts}). */
  artifacts?: string[];
}

/** What an artifact is. */
export type TrainingArtifactKind = 'lora' | 'metrics' | 'sample' | 'log' | 'config' | 'other';

/** An output file of a finished training job. */
export interface TrainingArtifact {
  name: string;
  bytes: Uint8Array;
  /** What the file is. */
  kind?: TrainingArtifactKind;
  /** Where it is kept in storage, when the trainer writes to storage. */
  key?: string;
}

/** One line of a training job's console output. */
export interface TrainingLogLine {
  /** When it was written (ISO 8601). */
  ts: string;
  /** `stdout`/`stderr` for a local process, `container`/`system` for a remote machine. */
  source: string;
  line: string;
}

/**
 * What happens while a job runs, for progress bars and logs. Names are noun-verb:
 * - `job-start`: the job exists (its id is known: persist it before waiting);
 * - `progress`: a new step, loss, ETA or cost;
 * - `artifact-ready`: an output file was written;
 * - `log-line`: a console line;
 * - `machine-stop`: the rented machine was terminated (with the final cost);
 * - `job-end`: the job reached a final status.
 */
export type TrainingEvent =
  | { type: 'job-start'; job: TrainingJob }
  | { type: 'progress'; job: TrainingJob; progress: TrainingProgress }
  | { type: 'artifact-ready'; job: TrainingJob; name: string; kind: TrainingArtifactKind }
  | { type: 'log-line'; job: TrainingJob; line: TrainingLogLine }
  | { type: 'machine-stop'; job: TrainingJob; reason: string; cost?: TrainingCost }
  | { type: 'job-end'; job: TrainingJob; status: TrainingStatus; message?: string };

/** Options of {@link Trainer.wait}. */
export interface TrainingWaitOptions extends CallOptions {
  /** Called for every {@link TrainingEvent}. */
  onEvent?: (event: TrainingEvent) => void;
}

/**
 * Trains a LoRA. A started job can be reattached by id after a restart.
 *
 * Required: prepare, start, status, fetchArtifacts, cancel. Optional capabilities: `attach` (a handle from a bare id,
 * e.g. a pod id found in the provider's console), `wait` (until a final status, with events), `cost` (money spent so
 * far) and `logs`. Run `trainerContractTests` from `@model-studio/core/testing` against your implementation.
 */
export interface Trainer {
  readonly specificationVersion: 'v1';
  readonly provider: string;
  prepare(request: TrainingRequest, options?: CallOptions): Promise<void>;
  /** Starts the job and returns as soon as its id exists, before any waiting: journal `job.id`, then wait. */
  start(request: TrainingRequest, options?: CallOptions): Promise<TrainingJob>;
  status(job: TrainingJob, options?: CallOptions): Promise<TrainingProgress>;
  fetchArtifacts(job: TrainingJob, options?: CallOptions): Promise<TrainingArtifact[]>;
  /** Stops the job and releases what it rents. Idempotent: cancelling a finished job does nothing. */
  cancel(job: TrainingJob, options?: CallOptions): Promise<void>;
  /** A handle for a job known only by id (after a crash). Throws `NotFoundError` when the provider does not know it. */
  attach?(id: string, options?: CallOptions): Promise<TrainingJob>;
  /** Waits until the job reaches a final status, emitting events; returns the last progress. */
  wait?(job: TrainingJob, options?: TrainingWaitOptions): Promise<TrainingProgress>;
  /** Money spent on the job so far. */
  cost?(job: TrainingJob, options?: CallOptions): Promise<TrainingCost>;
  /** The job's console lines so far. */
  logs?(job: TrainingJob, options?: CallOptions): Promise<TrainingLogLine[]>;
}
