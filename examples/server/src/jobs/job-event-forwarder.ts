import type { JobContext } from '@model-studio/jobs';

/**
 * Forwards events of a synchronous callback (the orchestrator's `onEvent`) to the job's log in order, without making
 * the run wait on the queue: emits are chained, and {@link JobEventForwarder.flush} awaits the chain before the
 * handler returns. A failed emit is kept and rethrown by `flush` (a job whose progress cannot be written is not lost:
 * the journal has the truth, the queue retries it).
 */
export interface JobEventForwarder {
  /** Queues one event for the job's log. */
  push(type: string, data: unknown): void;
  /** Waits for every queued event to be written. */
  flush(): Promise<void>;
}

/** A {@link JobEventForwarder} over a handler's `ctx.emit`. */
export function createJobEventForwarder(context: Pick<JobContext, 'emit'>): JobEventForwarder {
  let chain: Promise<void> = Promise.resolve();
  let failure: unknown;
  return {
    push(type, data) {
      chain = chain.then(() =>
        context.emit(type, data).catch((error: unknown) => {
          failure ??= error;
        }),
      );
    },
    async flush() {
      await chain;
      if (failure !== undefined) throw failure;
    },
  };
}
