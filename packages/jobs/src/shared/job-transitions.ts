import type { JobError, JobRecord } from '../job-queue.js';
import type { HandlerOutcome } from './run-handler.js';

/** The record of a job that ended with `outcome` (a final state, `endedAt`, its result or error). */
export function endedRecord(record: JobRecord, outcome: Exclude<HandlerOutcome, { state: 'released' }>): JobRecord {
  const next: JobRecord = { ...record, state: outcome.state, endedAt: new Date().toISOString() };
  delete next.cancelRequested;
  delete next.result;
  delete next.error;
  if ('result' in outcome && outcome.result !== undefined) next.result = outcome.result;
  if ('error' in outcome && outcome.error !== undefined) next.error = outcome.error;
  return next;
}

/** The record of a job a worker starts: `running`, one more attempt, started now by `workerId`. */
export function claimedRecord(record: JobRecord, workerId: string): JobRecord {
  const next: JobRecord = {
    ...record,
    state: 'running',
    attempts: record.attempts + 1,
    startedAt: new Date().toISOString(),
    worker: workerId,
  };
  delete next.endedAt;
  return next;
}

/** The record of a resumed job: `queued` again, same id and attempts, without the last run's outcome. */
export function resumedRecord(record: JobRecord): JobRecord {
  const next: JobRecord = { ...record, state: 'queued' };
  for (const field of ['endedAt', 'startedAt', 'error', 'result', 'cancelRequested', 'worker'] as const) {
    delete next[field];
  }
  return next;
}

/** True for the states `resume` accepts. */
export function isResumable(record: JobRecord): boolean {
  return record.state === 'stopped' || record.state === 'failed' || record.state === 'cancelled';
}

/** The error of a job no handler of the worker can run. */
export function unknownTypeError(type: string): JobError {
  return {
    name: 'JobStateError',
    message: `No handler for job type "${type}" in this worker: start a worker with one, then resume the job.`,
  };
}

/** The data of the `job-state` event for a record's state now. */
export function stateEventData(record: JobRecord, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    state: record.state,
    attempt: record.attempts,
    ...(record.error ? { error: record.error } : {}),
    ...(record.worker && record.state === 'running' ? { worker: record.worker } : {}),
    ...extra,
  };
}
