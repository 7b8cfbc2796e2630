import type { JobContext } from '@model-studio/jobs';

/**
 * Forwards events of a synchronous callback (the orchestrator's `onEvent`) to the job's log in order, without making
 * the run wait on the queue: `push` only queues the event; one writer at a time takes every event queued so far and
 * appends them with one `ctx.emitMany` (one write and one fsync per batch on the embedded queue), so events that
 * arrive while a batch is being written go out together in the next one. {@link JobEventForwarder.flush} awaits
 * every queued event before the handler returns (and so before the job's end state is written). A failed batch is
 * kept and rethrown by `flush` (a job whose progress cannot be written is not lost: the journal has the truth, the
 * queue retries it). A kill -9 loses at most the batches not yet written; the log keeps every batch written before.
 */
export interface JobEventForwarder {
  /** Queues one event for the job's log. */
  push(type: string, data: unknown): void;
  /** Waits for every queued event to be written. */
  flush(): Promise<void>;
}

/** Options of {@link createJobEventForwarder}. */
export interface JobEventForwarderOptions {
  /**
   * How long (ms) a batch waits after its first event for more to join it: fewer, larger writes, live events that
   * much later. `flush` never waits for it.
   * @default 0 (a batch is written as soon as the previous one is)
   */
  lingerMs?: number;
}

/** A {@link JobEventForwarder} over a handler's `ctx.emitMany`. */
export function createJobEventForwarder(
  context: Pick<JobContext, 'emitMany'>,
  options: JobEventForwarderOptions = {},
): JobEventForwarder {
  const lingerMs = Math.max(0, options.lingerMs ?? 0);
  let pending: { type: string; data: unknown }[] = [];
  let writing: Promise<void> | undefined;
  let linger: { timer: NodeJS.Timeout; resolve: () => void } | undefined;
  let failure: unknown;

  const wait = (): Promise<void> =>
    new Promise((resolve) => {
      linger = { timer: setTimeout(resolve, lingerMs), resolve };
    });

  const drain = async (): Promise<void> => {
    for (;;) {
      if (lingerMs > 0 && pending.length > 0) await wait();
      linger = undefined;
      if (pending.length === 0) {
        writing = undefined;
        return;
      }
      const batch = pending;
      pending = [];
      try {
        await context.emitMany(batch);
      } catch (error) {
        failure ??= error;
      }
    }
  };

  return {
    push(type, data) {
      pending.push({ type, data });
      writing ??= drain();
    },
    async flush() {
      while (writing) {
        if (linger) {
          clearTimeout(linger.timer);
          linger.resolve();
        }
        await writing;
      }
      if (failure !== undefined) throw failure;
    },
  };
}
