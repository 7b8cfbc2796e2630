/** How a captioner or scorer retries a failed call (429, 503, 5xx, and network failures on free endpoints). */
export interface RetrySettings {
  /**
   * Retries after the first attempt.
   * @default 4
   */
  retries?: number;
  /**
   * First backoff delay in ms (doubled each retry, randomised).
   * @default 500
   */
  minRetryDelayMs?: number;
  /**
   * Longest wait in ms, also the cap on a server's Retry-After or `estimated_time`.
   * @default 30000
   */
  maxRetryDelayMs?: number;
  /**
   * Per-attempt timeout in ms.
   * @default 120000
   */
  timeoutMs?: number;
}

/** {@link RetrySettings} with defaults applied. */
export type ResolvedRetrySettings = Required<RetrySettings>;

/** Applies the defaults of {@link RetrySettings}. */
export function resolveRetrySettings(settings: RetrySettings): ResolvedRetrySettings {
  return {
    retries: settings.retries ?? 4,
    minRetryDelayMs: settings.minRetryDelayMs ?? 500,
    maxRetryDelayMs: settings.maxRetryDelayMs ?? 30_000,
    timeoutMs: settings.timeoutMs ?? 120_000,
  };
}
