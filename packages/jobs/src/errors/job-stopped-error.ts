import { ModelStudioError, type ModelStudioErrorOptions } from '@model-studio/core';

/**
 * Thrown by a job handler to end its job `stopped` rather than `failed`: it ended early on purpose (a budget, no
 * credits left, an uncertain paid call to settle) and can be resumed. Its message is stored as the job's error.
 *
 * @example
 * ```ts no-run
 * throw new JobStoppedError('The budget of $5.00 is reached: raise it, then resume the job.');
 * ```
 */
export class JobStoppedError extends ModelStudioError {
  constructor(message: string, options: ModelStudioErrorOptions = {}) {
    super('job-stopped', message, options);
    this.name = 'JobStoppedError';
  }
  /** True for a JobStoppedError from any copy of this package. */
  static override isInstance(error: unknown): error is JobStoppedError {
    return ModelStudioError.hasCode(error, 'job-stopped');
  }
}
