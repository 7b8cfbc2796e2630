import type { RetryBudgetOptions } from './retry-budget.js';

/** The real API's address. */
export const defaultMaxStudioBaseURL = 'https://api.maxstudio.ai';

/** Retry settings of a MaxStudio client. Retries apply only to retryable errors and never re-send a paid submission that may have been accepted. */
export interface MaxStudioRetrySettings {
  /** Retries after the first attempt. @default 3 */
  retries?: number;
  /** First backoff delay in ms (doubled each retry, with jitter up to 2x). @default 500 */
  minDelay?: number;
  /** Longest backoff delay in ms. @default 20000 */
  maxDelay?: number;
  /** The retry quota shared by all calls of the client. */
  budget?: RetryBudgetOptions;
}

/**
 * Settings of {@link createMaxStudio}.
 *
 * @example
 * ```ts no-run
 * const client = createMaxStudio({ maxConcurrency: 4, requestsPerSecond: 5 });
 * ```
 */
export interface MaxStudioSettings {
  /**
   * The API key, sent as `x-api-key`. When omitted, `MAXSTUDIO_API_KEY` is read from the environment at each request
   * (never at import), so the default instance is safe to import without a key.
   */
  apiKey?: string;
  /**
   * The API's base URL. Point it at a sandbox (`startMaxStudioSandbox().url`) in tests.
   * @default process.env.MAXSTUDIO_BASE_URL ?? 'https://api.maxstudio.ai'
   */
  baseURL?: string;
  /**
   * The fetch ky sends requests with. ky calls it with a `Request` (method, headers, JSON body, and
   * `redirect: 'manual'`: the client follows redirects itself, so that `x-api-key` never goes to another origin) and
   * an init with ky's extra options and `signal: null`: the client does not hand fetch a signal (on Node 20 that kept
   * every request's state alive until a full garbage collection); on the caller's abort or the client's timeout it
   * gives the request up itself, and cancels its answer if one still comes. Pass the init on. When omitted, `globalThis.fetch` is read at each request, so undici's
   * `setGlobalDispatcher` (a proxy, a keep-alive `Agent`) applies. Pass a fetch bound to a dispatcher to tune one client
   * alone, e.g. `(input, init) => undiciFetch(input, { ...init, dispatcher })`.
   * @default globalThis.fetch
   */
  fetch?: typeof globalThis.fetch;
  /**
   * The largest response body read, in bytes, after decompression (API answers and result downloads). A larger one
   * fails the call with a `ProviderError` (reason `invalid-response`, or `uncertain` for a paid submission's 2xx answer)
   * instead of filling memory.
   * @default 268435456 (256 MiB)
   */
  maxResponseBytes?: number;
  /** Milliseconds to wait for one HTTP response before giving up on that attempt. @default 60000 */
  timeout?: number;
  /** Retry settings, or `false` to never retry. */
  retry?: MaxStudioRetrySettings | false;
  /** HTTP requests in flight at once, shared by all calls of this client. @default 8 */
  maxConcurrency?: number;
  /** Requests started per second, shared by all calls. When unset there is no limit until MaxStudio answers 429. @default undefined */
  requestsPerSecond?: number;
  /** First delay between job polls, in ms; it grows by 1.5x up to `maxPollInterval`. @default 500 */
  pollInterval?: number;
  /** Longest delay between job polls, in ms. @default 5000 */
  maxPollInterval?: number;
  /** How long {@link MaxStudioClient.waitForJob} waits when no `timeout` is given, in ms. @default 600000 */
  waitTimeout?: number;
  /**
   * How long a job MaxStudio says it does not know (a poll answering `{"status":"not-found"}`, or HTTP 404) is given to
   * appear before {@link MaxStudioClient.waitForJob} gives up on it, in ms from the first such answer in a row. A job
   * submitted a moment ago may briefly be unknown to an eventually consistent service; a job that expired, belongs to
   * another account or to a restarted sandbox never appears. Giving up rejects with reason `job-failed` (see the README);
   * any other status seen in between starts the count again. Both this and {@link unknownJobPolls} must be reached.
   * @default 10000
   */
  unknownJobGracePeriod?: number;
  /**
   * How many polls in a row must answer "not found" before {@link MaxStudioClient.waitForJob} gives up on the job
   * (together with {@link unknownJobGracePeriod}). At least 1.
   * @default 3
   */
  unknownJobPolls?: number;
  /** Extra headers sent with every API request. */
  headers?: Record<string, string>;
}

/** Settings with defaults applied (the key and base URL stay lazy). */
export interface ResolvedMaxStudioSettings {
  timeout: number;
  retries: number;
  minDelay: number;
  maxDelay: number;
  pollInterval: number;
  maxPollInterval: number;
  waitTimeout: number;
  unknownJobGracePeriod: number;
  unknownJobPolls: number;
}

/** Applies defaults. */
export function resolveSettings(settings: MaxStudioSettings): ResolvedMaxStudioSettings {
  const retry = settings.retry === false ? { retries: 0 } : (settings.retry ?? {});
  return {
    timeout: settings.timeout ?? 60_000,
    retries: retry.retries ?? 3,
    minDelay: retry.minDelay ?? 500,
    maxDelay: retry.maxDelay ?? 20_000,
    pollInterval: settings.pollInterval ?? 500,
    maxPollInterval: settings.maxPollInterval ?? 5_000,
    waitTimeout: settings.waitTimeout ?? 600_000,
    unknownJobGracePeriod: settings.unknownJobGracePeriod ?? 10_000,
    unknownJobPolls: settings.unknownJobPolls ?? 3,
  };
}
