import type { JobEvent, JobQueue, JobRecord } from '@model-studio/jobs';

/** One message of a job's live stream: a logged event, or the final `end` with the job as it ended. */
export type JobStreamMessage = ({ kind: 'event' } & JobEvent) | { kind: 'end'; job: JobRecord | undefined };

/**
 * A job's events with `seq > after`: what is logged first (the replay), then live ones as they are appended, then an
 * `end` message with the job once it reached a final state. Stops early when `signal` aborts (the client left).
 */
export async function* jobEventStream(
  queue: JobQueue,
  id: string,
  after: number,
  signal: AbortSignal,
): AsyncGenerator<JobStreamMessage> {
  for await (const event of queue.events(id, { after, signal })) {
    yield { kind: 'event', ...event };
  }
  if (!signal.aborted) yield { kind: 'end', job: await queue.get(id) };
}

/** The `seq` to start after: `?after=`, else the SSE `Last-Event-ID` header, else 0 (the whole log). */
export function startAfter(query: number | undefined, lastEventId: string | string[] | undefined): number {
  if (query !== undefined) return query;
  const header = Array.isArray(lastEventId) ? lastEventId[0] : lastEventId;
  const parsed = header === undefined ? Number.NaN : Number(header);
  return Number.isInteger(parsed) && parsed >= 0 ? parsed : 0;
}
