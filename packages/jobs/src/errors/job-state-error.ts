import { ModelStudioError } from '@model-studio/core';
import type { JobState } from '../job-queue.js';

/**
 * The job is not in a state that allows this (for example `resume` of a job that is running or completed).
 * Code `job-state`; a server answers 409 for it.
 */
export class JobStateError extends ModelStudioError {
  /** The job's id. */
  readonly jobId: string;
  /** The state the job is in. */
  readonly state: JobState;
  constructor(jobId: string, state: JobState, message: string) {
    super('job-state', message);
    this.name = 'JobStateError';
    this.jobId = jobId;
    this.state = state;
  }
  /** True for a JobStateError from any copy of this package. */
  static override isInstance(error: unknown): error is JobStateError {
    return ModelStudioError.hasCode(error, 'job-state');
  }
}
