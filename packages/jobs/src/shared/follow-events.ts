import { JobNotFoundError } from '../errors/job-not-found-error.js';
import { isFinalJobState, type JobEvent, type JobState } from '../job-queue.js';

/** What {@link followEvents} needs from a queue's store. */
export interface JobEventSource {
  /** Stored events with `seq > after`, in order. */
  read(after: number): Promise<JobEvent[]>;
  /** The job's state now; `undefined` when no job has the id. */
  state(): Promise<JobState | undefined>;
  /** The last stored event. */
  tail(): Promise<JobEvent | undefined>;
  /** Resolves when a new event may have been appended (or after a while); never rejects. */
  wait(after: number, signal: AbortSignal): Promise<void>;
  /** Releases what waiting used (a connection), once the subscriber ends. */
  dispose?(): void;
}

/** True for the `job-state` event a job's log ends with. */
export function isFinalStateEvent(event: JobEvent | undefined): boolean {
  if (event?.type !== 'job-state') return false;
  const state = (event.data as { state?: JobState } | null)?.state;
  return state !== undefined && isFinalJobState(state);
}

/**
 * A job's events with `seq > after`: the stored ones, then live ones, until the job is in a final state and its log
 * ends with that state's `job-state` event, or `signal` aborts. Throws a JobNotFoundError for an unknown id.
 */
export async function* followEvents(
  id: string,
  source: JobEventSource,
  options: { after?: number; signals: AbortSignal[] },
): AsyncGenerator<JobEvent> {
  const stop = AbortSignal.any(options.signals);
  let last = Math.max(0, Math.floor(options.after ?? 0));
  try {
    if ((await source.state()) === undefined) throw new JobNotFoundError(id);
    while (!stop.aborted) {
      const events = await source.read(last);
      for (const event of events) {
        if (stop.aborted) return;
        last = event.seq;
        yield event;
      }
      if (events.length > 0) continue;
      const state = await source.state();
      if (state === undefined) return;
      if (isFinalJobState(state)) {
        const tail = await source.tail();
        if (isFinalStateEvent(tail) && (tail?.seq ?? 0) <= last) return;
      }
      await source.wait(last, stop);
    }
  } finally {
    source.dispose?.();
  }
}
