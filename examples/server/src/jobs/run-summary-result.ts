import { ConsentError, ModelStudioError, type RunSummary, StorageError } from '@model-studio/core';
import { JobStoppedError } from '@model-studio/jobs';

/** A run, resume or caption job's result: the orchestrator's summary and whether sandboxes ran. */
export type RunJobResult = RunSummary & { sandbox: boolean };

/** An `AbortError` for a handler whose signal was aborted (the queue ends the job `cancelled` or hands it on). */
export function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  return new DOMException('The job was cancelled or its worker stopped.', 'AbortError');
}

function failureMessage(summary: RunSummary): string {
  const first = summary.failed[0];
  return first ? `${first.unitId}: ${first.message}` : `The run of "${summary.model}" stopped (${summary.outcome}).`;
}

/**
 * Turns a run summary into the job's end: the result for `completed` and `incomplete` runs (failures are listed in
 * it), a stop (resumable, ends the job `stopped`; the summary is in the job's `run-end` event) for a budget or credits stop, an `AbortError` when the job's signal
 * stopped it, and a typed error (the job `failed` with its name) for a revoked consent, a failing storage or a failure
 * of the whole run.
 */
export function runSummaryResult(summary: RunSummary, sandbox: boolean, signal: AbortSignal): RunJobResult {
  const result: RunJobResult = { ...summary, sandbox };
  switch (summary.outcome) {
    case 'completed':
    case 'incomplete':
      return result;
    case 'aborted':
      if (signal.aborted) throw abortError(signal);
      throw new ModelStudioError('aborted', `The run of "${summary.model}" was stopped: resume the job to finish it.`);
    case 'budget-exceeded':
      throw new JobStoppedError(
        `The run of "${summary.model}" stopped before going over its budget (${summary.succeeded} of ${summary.total} units done): resume the job with a larger budget to finish it.`,
      );
    case 'insufficient-credits':
      throw new JobStoppedError(
        `The provider has too few credits left for the run of "${summary.model}" (${summary.succeeded} of ${summary.total} units done): top up, then resume the job.`,
      );
    case 'consent-revoked':
      throw new ConsentError(`The consent of "${summary.model}" was revoked during the run: nothing more was sent.`, {
        model: summary.model,
        missing: ['consent revoked'],
      });
    case 'storage-failed':
      throw new StorageError(`${failureMessage(summary)} (nothing new was submitted; resume the job once fixed).`, {
        operation: 'put',
      });
    default:
      throw new ModelStudioError('run-failed', failureMessage(summary));
  }
}
