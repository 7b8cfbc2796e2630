import { JobStoppedError } from '../errors/job-stopped-error.js';
import type { JobError, JobHandler, JobRecord } from '../job-queue.js';
import { toJobError } from './to-job-error.js';

/** Why a running job's signal was aborted. */
export type AbortWhy = 'cancel' | 'worker-stop';

/** How a handler run ended: a final state to store, or `released` (the worker stopped: the job stays running). */
export type HandlerOutcome =
  | { state: 'completed'; result: unknown }
  | { state: 'cancelled'; result?: unknown; error?: JobError }
  | { state: 'failed' | 'stopped'; error: JobError }
  | { state: 'released' };

/** One job running in this worker: abort it with a reason. */
export interface RunningJob {
  readonly id: string;
  readonly model: string;
  readonly controller: AbortController;
  why: AbortWhy | undefined;
  done: Promise<void>;
}

/** Aborts a running job's signal once, remembering why (a cancel wins over nothing; a stop over a cancel). */
export function abortRunning(running: RunningJob, why: AbortWhy): void {
  if (running.why === 'worker-stop') return;
  running.why = why;
  running.controller.abort(
    new DOMException(why === 'cancel' ? 'The job was cancelled.' : 'The worker stopped.', 'AbortError'),
  );
}

/** Runs a handler (its `emit` and `emitMany` go to `append`) and says how the job ends, from how it settled and why its signal was aborted. */
export async function runHandler(
  handler: JobHandler,
  job: JobRecord,
  running: RunningJob,
  append: (events: readonly { type: string; data: unknown }[]) => Promise<void>,
): Promise<HandlerOutcome> {
  try {
    const result = await handler(job, {
      signal: running.controller.signal,
      emit: (type, data) => append([{ type, data }]),
      emitMany: (events) => append(events),
      attempt: job.attempts,
      cancelled: () => running.why === 'cancel',
    });
    if (running.why === 'worker-stop') return { state: 'released' };
    if (running.why === 'cancel') return result === undefined ? { state: 'cancelled' } : { state: 'cancelled', result };
    return { state: 'completed', result: result === undefined ? null : result };
  } catch (error) {
    if (running.why === 'worker-stop') return { state: 'released' };
    if (running.why === 'cancel') return { state: 'cancelled' };
    if (JobStoppedError.isInstance(error)) return { state: 'stopped', error: toJobError(error) };
    return { state: 'failed', error: toJobError(error) };
  }
}
