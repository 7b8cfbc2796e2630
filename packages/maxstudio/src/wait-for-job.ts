import { ProviderError, type ProviderJobStatus } from '@model-studio/core';
import { abortableSleep } from './abortable-sleep.js';
import { withDeadline } from './deadline-signal.js';
import { maxStudioProvider, unknownJobError } from './maxstudio-errors.js';
import type { MaxStudioJobState } from './response-schemas.js';

/** Options of {@link pollJob}. */
export interface PollJobOptions {
  jobId: string;
  operation: string;
  signal?: AbortSignal;
  /** Give up after this many ms with a `timeout` error (the job may still finish). */
  timeout: number;
  /** First delay between polls, in ms; grows by 1.5x. */
  pollInterval: number;
  /** Longest delay between polls, in ms. */
  maxPollInterval: number;
  /** Called when the status changes. */
  onStatus?: (status: ProviderJobStatus, providerStatus: string) => void;
  /** Give up on a job MaxStudio does not know once it has been unknown this long (ms, from the first such answer in a row)... */
  unknownJobGracePeriod: number;
  /** ...and on at least this many polls in a row (at least 1). */
  unknownJobPolls: number;
}

/**
 * Polls `get` with a growing interval until the job completes (returned) or fails (`job-failed`), the timeout
 * passes (`timeout`, retryable: reattach later) or the caller aborts (`aborted`). Unknown statuses mean "not finished".
 * A job MaxStudio says it does not know is given a grace period (it may have been submitted a moment ago), then
 * rejected as `job-failed` too: it will never finish.
 */
export async function pollJob<Result>(
  get: (signal: AbortSignal) => Promise<MaxStudioJobState<Result>>,
  options: PollJobOptions,
): Promise<MaxStudioJobState<Result> & { result: Result }> {
  const deadline = withDeadline(options.signal, options.timeout);
  const { signal } = deadline;
  let interval = options.pollInterval;
  let last: string | undefined;
  /** Polls in a row that answered "not found", and when the first of them was answered. */
  let unknown = { polls: 0, since: 0 };
  const unknownPolls = Math.max(1, Math.floor(options.unknownJobPolls) || 1);
  try {
    for (;;) {
      const state = await get(signal);
      if (state.providerStatus !== last) {
        last = state.providerStatus;
        options.onStatus?.(state.status, state.providerStatus);
      }
      if (state.notFound) {
        const now = performance.now();
        unknown = unknown.polls === 0 ? { polls: 1, since: now } : { polls: unknown.polls + 1, since: unknown.since };
        const elapsedMs = now - unknown.since;
        if (unknown.polls >= unknownPolls && elapsedMs >= options.unknownJobGracePeriod) {
          throw unknownJobError({
            operation: options.operation,
            jobId: options.jobId,
            polls: unknown.polls,
            elapsedMs,
            providerMessage: state.error,
          });
        }
      } else {
        unknown = { polls: 0, since: 0 };
      }
      if (state.status === 'completed' && state.result !== undefined) return { ...state, result: state.result };
      if (state.status === 'failed') {
        const said = state.error === undefined ? '' : `: "${state.error}"`;
        throw new ProviderError(
          `MaxStudio reports ${options.operation} job ${options.jobId} failed${said}. Check the inputs (a visible face, a supported image) before submitting a new job.`,
          {
            provider: maxStudioProvider,
            reason: 'job-failed',
            isRetryable: false,
            jobId: options.jobId,
            providerMessage: state.error,
          },
        );
      }
      await abortableSleep(interval, signal);
      interval = Math.min(options.maxPollInterval, interval * 1.5);
    }
  } catch (error) {
    if (deadline.timedOut() && !options.signal?.aborted) {
      throw new ProviderError(
        `MaxStudio ${options.operation} job ${options.jobId} did not finish within ${options.timeout} ms (last status: ${last ?? 'unknown'}). It may still finish: wait again with the same job id later instead of submitting a new (paid) job.`,
        { provider: maxStudioProvider, reason: 'timeout', isRetryable: true, jobId: options.jobId },
      );
    }
    if (options.signal?.aborted && !ProviderError.isInstance(error)) {
      throw new ProviderError(
        `Waiting for MaxStudio ${options.operation} job ${options.jobId} was aborted; the job itself goes on (reattach by id).`,
        {
          provider: maxStudioProvider,
          reason: 'aborted',
          isRetryable: false,
          jobId: options.jobId,
          cause: options.signal.reason,
        },
      );
    }
    throw error;
  } finally {
    deadline.dispose();
  }
}
