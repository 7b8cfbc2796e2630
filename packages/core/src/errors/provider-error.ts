import { ModelStudioError, type ModelStudioErrorOptions } from './model-studio-error.js';

/**
 * Why a provider call failed, for deciding what to do next:
 * - `insufficient-credits`: stop the run; never retried.
 * - `rate-limited`: retry after `retryAfterMs`.
 * - `server`: the provider failed (5xx); retryable.
 * - `network`: the connection failed before the request was accepted; retryable.
 * - `uncertain`: a paid submission whose response was lost; it may have been charged. Never re-sent automatically.
 * - `input`: the input was refused (size limit, no face found); never retried.
 * - `authentication`: the key is missing or invalid.
 * - `timeout`: a job did not finish in time (it may still finish: reattach by job id).
 * - `job-failed`: the provider reports the job failed.
 * - `invalid-response`: the response did not have the expected shape.
 * - `aborted`: the caller's AbortSignal fired.
 */
export type ProviderErrorReason =
  | 'insufficient-credits'
  | 'rate-limited'
  | 'server'
  | 'network'
  | 'uncertain'
  | 'input'
  | 'authentication'
  | 'timeout'
  | 'job-failed'
  | 'invalid-response'
  | 'aborted';

/** Options for {@link ProviderError}. */
export interface ProviderErrorOptions extends ModelStudioErrorOptions {
  /** The provider's id, e.g. `maxstudio`. */
  provider: string;
  reason: ProviderErrorReason;
  /** Whether retrying the same call may succeed. */
  isRetryable: boolean;
  /** HTTP status, when there was a response. */
  status?: number;
  /** The provider's own error message. */
  providerMessage?: string;
  /** The provider's request id, when it sent one. */
  requestId?: string;
  /** The provider's job id, when a job exists. */
  jobId?: string;
  /** Wait this long before retrying (from Retry-After). */
  retryAfterMs?: number;
  /**
   * The provider does not know the job id (with reason `job-failed`): it never accepted it, or forgot it. The
   * orchestrator records no charge for such a job and submits the work again as a new job.
   */
  unknownJob?: boolean;
}

/** A paid provider (MaxStudio, RunPod, a captioner) refused or failed a call. */
export class ProviderError extends ModelStudioError {
  readonly provider: string;
  readonly reason: ProviderErrorReason;
  readonly isRetryable: boolean;
  readonly status: number | undefined;
  readonly providerMessage: string | undefined;
  readonly requestId: string | undefined;
  readonly jobId: string | undefined;
  readonly retryAfterMs: number | undefined;
  /** See {@link ProviderErrorOptions.unknownJob}. */
  readonly unknownJob: boolean;
  constructor(message: string, options: ProviderErrorOptions) {
    super('provider', message, options);
    this.name = 'ProviderError';
    this.provider = options.provider;
    this.reason = options.reason;
    this.isRetryable = options.isRetryable;
    this.status = options.status;
    this.providerMessage = options.providerMessage;
    this.requestId = options.requestId;
    this.jobId = options.jobId;
    this.retryAfterMs = options.retryAfterMs;
    this.unknownJob = options.unknownJob === true;
  }
  static override isInstance(error: unknown): error is ProviderError {
    return ModelStudioError.hasCode(error, 'provider');
  }
}
