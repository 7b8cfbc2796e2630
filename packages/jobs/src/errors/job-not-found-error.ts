import { NotFoundError } from '@model-studio/core';

/**
 * No job has this id (in this queue's folder or Redis prefix). A {@link NotFoundError} with `kind: 'job'`, so a
 * server answers 404 for it like for any other missing thing.
 */
export class JobNotFoundError extends NotFoundError {
  /** The id that was asked for. */
  readonly jobId: string;
  constructor(jobId: string) {
    super(`No job has the id "${jobId}". List the jobs to find the right id.`, { kind: 'job', name: jobId });
    this.name = 'JobNotFoundError';
    this.jobId = jobId;
  }
  /** True for a JobNotFoundError from any copy of this package. */
  static override isInstance(error: unknown): error is JobNotFoundError {
    return NotFoundError.isInstance(error) && (error as NotFoundError).kind === 'job';
  }
}
