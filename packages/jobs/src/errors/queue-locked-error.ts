import { ModelStudioError } from '@model-studio/core';

/**
 * Another live process works this embedded queue's folder (it holds `worker.lock`). Only one process may work a
 * folder; stop the other one, or use the BullMQ queue to run several workers.
 */
export class QueueLockedError extends ModelStudioError {
  /** The folder. */
  readonly dir: string;
  /** The process holding the lock. */
  readonly pid: number;
  constructor(dir: string, pid: number) {
    super(
      'queue-locked',
      `The job folder ${dir} is worked by another live process (pid ${pid}): only one process may work it. ` +
        'Stop that process first, or use the BullMQ queue (Redis) to run several workers.',
    );
    this.name = 'QueueLockedError';
    this.dir = dir;
    this.pid = pid;
  }
  /** True for a QueueLockedError from any copy of this package. */
  static override isInstance(error: unknown): error is QueueLockedError {
    return ModelStudioError.hasCode(error, 'queue-locked');
  }
}
