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
}

/** A handle to a training job; persist `id` to reattach after a restart. */
export interface TrainingJob {
  id: string;
  provider: string;
}

/** Progress of a training job. */
export interface TrainingProgress {
  status: TrainingStatus;
  step?: number;
  totalSteps?: number;
  loss?: number;
  message?: string;
}

/** An output file of a finished training job. */
export interface TrainingArtifact {
  name: string;
  bytes: Uint8Array;
}

/** Trains a LoRA. A started job can be reattached by id after a restart. */
export interface Trainer {
  readonly specificationVersion: 'v1';
  readonly provider: string;
  prepare(request: TrainingRequest, options?: CallOptions): Promise<void>;
  start(request: TrainingRequest, options?: CallOptions): Promise<TrainingJob>;
  status(job: TrainingJob, options?: CallOptions): Promise<TrainingProgress>;
  fetchArtifacts(job: TrainingJob, options?: CallOptions): Promise<TrainingArtifact[]>;
  cancel(job: TrainingJob, options?: CallOptions): Promise<void>;
}
