import { ProviderError, type ProviderErrorReason } from '@model-studio/core';
import { redactSecret } from './redact-secret.js';
import { readProviderMessage } from './response-schemas.js';
import { parseRetryAfter } from './retry-after.js';

/** The provider id used in errors, jobs and adapters. */
export const maxStudioProvider = 'maxstudio';

/** What a failed attempt was doing, for error messages and for deciding what is safe to retry. */
export interface AttemptDescription {
  /** A short name, e.g. `swap submission`, `enhance poll`. */
  operation: string;
  /** True for a paid submission: once the request may have reached MaxStudio it is never re-sent. */
  paid: boolean;
  /** The job id, for polls. */
  jobId?: string;
}

const requestIdHeaders = ['x-request-id', 'x-amzn-requestid', 'x-amz-request-id', 'request-id', 'cf-ray'];
/** Error codes that mean no connection was made, so nothing can have been accepted. */
const notConnectedCodes = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function error(
  message: string,
  reason: ProviderErrorReason,
  isRetryable: boolean,
  extra: Partial<ConstructorParameters<typeof ProviderError>[1]> = {},
) {
  return new ProviderError(message, { provider: maxStudioProvider, reason, isRetryable, ...extra });
}

/** The part of `Headers` the error mapping reads. */
export type HeaderReader = Pick<Headers, 'get'>;

/** The provider's request id from `x-request-id` or a similar header, if any. */
export function requestIdFrom(headers: HeaderReader): string | undefined {
  for (const name of requestIdHeaders) {
    const value = headers.get(name);
    if (value) return value;
  }
  return undefined;
}

/** The `ProviderError` for a non-2xx response. `keyProven` says whether this key has had a success before. */
export function errorFromResponse(
  attempt: AttemptDescription,
  response: { status: number; headers: HeaderReader },
  bodyText: string,
  apiKey: string,
  keyProven: boolean,
): ProviderError {
  const { status } = response;
  const providerMessage = (() => {
    const message = readProviderMessage(bodyText);
    return message === undefined ? undefined : redactSecret(message, apiKey);
  })();
  const requestId = requestIdFrom(response.headers);
  const said = providerMessage === undefined ? `HTTP ${status}` : `HTTP ${status}: "${providerMessage}"`;
  const extra = { status, providerMessage, requestId, jobId: attempt.jobId };
  const what = `MaxStudio refused the ${attempt.operation} (${said})`;
  if (status === 402) {
    return error(
      `${what}: the account has insufficient credits. Buy credits at maxstudio.ai, then resume; this call was not charged.`,
      'insufficient-credits',
      false,
      extra,
    );
  }
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    const wait = retryAfterMs === undefined ? 'with backoff' : `after ${retryAfterMs} ms (Retry-After)`;
    return error(
      `${what}: rate limited. Retried ${wait}; if this persists lower maxConcurrency or requestsPerSecond.`,
      'rate-limited',
      true,
      { ...extra, retryAfterMs },
    );
  }
  if (status === 401 || status === 403) {
    return error(
      `${what}: the API key was refused. Check MAXSTUDIO_API_KEY (or the apiKey setting).`,
      'authentication',
      false,
      extra,
    );
  }
  if (status === 500 && !keyProven) {
    return error(
      `MaxStudio answered HTTP 500 to the ${attempt.operation} and no call with this API key has succeeded yet. MaxStudio answers 500 (not 401) to an invalid key, so this is most likely an authentication problem: check MAXSTUDIO_API_KEY (or the apiKey setting). If the key is known to be good, the service may be failing; try again later.`,
      'authentication',
      false,
      extra,
    );
  }
  if (status === 504 && attempt.paid) {
    return error(
      `${what}: the gateway timed out, so the submission may have been accepted and charged. It was not re-sent; check your MaxStudio dashboard before submitting again.`,
      'uncertain',
      false,
      extra,
    );
  }
  if (status >= 500 || status === 408) {
    return error(
      `${what}: the service failed. Retried with backoff; if this persists, try again later.`,
      'server',
      true,
      extra,
    );
  }
  if (status === 404) {
    return error(
      attempt.operation.endsWith('download')
        ? `${what}: the result is gone (result URLs expire). Wait for job ${attempt.jobId ?? ''} again to get a fresh URL.`
        : `${what}: the path does not exist. Check the baseURL setting.`,
      'invalid-response',
      false,
      extra,
    );
  }
  return error(`${what}. The input was refused; fix it rather than retrying.`, 'input', false, extra);
}

function collectCodes(value: unknown, codes: string[], depth = 0): void {
  if (depth > 5 || typeof value !== 'object' || value === null) return;
  const record = value as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof record.code === 'string') codes.push(record.code);
  collectCodes(record.cause, codes, depth + 1);
  if (Array.isArray(record.errors)) for (const inner of record.errors) collectCodes(inner, codes, depth + 1);
}

/** A plain copy of a network error (name, code, message, redacted): raw fetch/ky errors may hold the request and its headers. */
function sanitizedCause(raw: unknown, apiKey: string, codes: string[]): Error {
  const messages: string[] = [];
  let current: unknown = raw;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    messages.push(current.message);
    current = current.cause;
  }
  const cause = new Error(redactSecret(messages.join(': ') || String(raw), apiKey));
  cause.name = 'NetworkFailure';
  return Object.assign(cause, codes[0] === undefined ? {} : { code: codes[0] });
}

/** The `ProviderError` for a request that got no (complete) response: refused, reset, timed out. */
export function errorFromNetworkFailure(
  attempt: AttemptDescription,
  raw: unknown,
  apiKey: string,
  timedOutAfterMs: number | undefined,
): ProviderError {
  const codes: string[] = [];
  collectCodes(raw, codes);
  const cause = sanitizedCause(raw, apiKey, codes);
  const notConnected = timedOutAfterMs === undefined && codes.some((code) => notConnectedCodes.has(code));
  const happened =
    timedOutAfterMs !== undefined
      ? `no response within ${timedOutAfterMs} ms`
      : `the connection failed (${codes[0] ?? cause.message})`;
  if (attempt.paid && !notConnected) {
    return error(
      `The MaxStudio ${attempt.operation} may have been accepted and charged: ${happened} after the request was sent. It was not re-sent, to avoid paying twice. Check your MaxStudio dashboard (or the sandbox's billing) before submitting again.`,
      'uncertain',
      false,
      { cause, jobId: attempt.jobId },
    );
  }
  return error(
    `The MaxStudio ${attempt.operation} failed: ${happened}. Retried with backoff; check your network and the baseURL setting if this persists.`,
    'network',
    true,
    { cause, jobId: attempt.jobId },
  );
}

/** The `ProviderError` for a 2xx response whose body is not what we expect. */
export function errorFromInvalidBody(
  attempt: AttemptDescription,
  status: number,
  requestId: string | undefined,
): ProviderError {
  if (attempt.paid) {
    return error(
      `MaxStudio accepted the ${attempt.operation} (HTTP ${status}) but its response could not be read (no single complete job id in it), so the job id is unknown and the job may have been charged. It was not re-sent; check your MaxStudio dashboard before submitting again.`,
      'uncertain',
      false,
      { status, requestId },
    );
  }
  return error(
    `MaxStudio's answer to the ${attempt.operation} (HTTP ${status}) did not have the expected shape. Retried; report this if it persists.`,
    'invalid-response',
    true,
    { status, requestId, jobId: attempt.jobId },
  );
}

/**
 * The `ProviderError` for an answer whose body is over the client's `maxResponseBytes` (after decompression). A paid
 * submission answered 2xx that way may have been accepted: `uncertain`. Anything else is not retried: the same answer
 * would come again.
 */
export function errorFromOversizedBody(attempt: AttemptDescription, status: number, limit: number): ProviderError {
  const what = `MaxStudio's answer to the ${attempt.operation} (HTTP ${status}) is larger than maxResponseBytes (${limit} bytes), so it was not read.`;
  if (attempt.paid && status >= 200 && status <= 299) {
    return error(
      `${what} The submission may have been accepted and charged, and its job id is unknown. It was not re-sent; check your MaxStudio dashboard before submitting again.`,
      'uncertain',
      false,
      { status },
    );
  }
  return error(`${what} Raise maxResponseBytes if such answers are expected.`, 'invalid-response', false, {
    status,
    jobId: attempt.jobId,
  });
}

/** The `ProviderError` for a call the caller aborted. */
export function abortedError(attempt: AttemptDescription, reason: unknown, sent: boolean): ProviderError {
  const note =
    attempt.paid && sent
      ? ' The submission may already have been accepted and charged: check before submitting again.'
      : '';
  // A paid submission aborted after it was sent may have created (and charged) a job: that is an uncertain
  // submission, which the caller must resolve rather than resend blindly.
  return error(`The MaxStudio ${attempt.operation} was aborted.${note}`, note ? 'uncertain' : 'aborted', false, {
    cause: reason,
    jobId: attempt.jobId,
  });
}

/** The error for a missing API key. */
export function missingKeyError(): ProviderError {
  return error(
    'No MaxStudio API key: set MAXSTUDIO_API_KEY (or pass apiKey to createMaxStudio). To try things without a key, run the sandbox (`npx maxstudio-sandbox`, or startMaxStudioSandbox() from @model-studio/maxstudio/testing) and point baseURL at it.',
    'authentication',
    false,
  );
}

/** What {@link unknownJobError} reports: the job and how long MaxStudio kept saying it does not know it. */
export interface UnknownJobReport {
  operation: string;
  jobId: string;
  /** Polls in a row that answered "not found". */
  polls: number;
  /** Ms from the first of them to the last. */
  elapsedMs: number;
  /** The message of a 404 answer, if it had one. */
  providerMessage: string | undefined;
}

/**
 * The `ProviderError` for a job MaxStudio kept saying it does not know. Reason `job-failed`, not retryable: such a job
 * never finishes, so waiting again (or reattaching it on every resume) cannot help; the work has to be submitted again.
 */
export function unknownJobError(report: UnknownJobReport): ProviderError {
  const seconds = (report.elapsedMs / 1000).toFixed(1);
  return error(
    `MaxStudio does not know ${report.operation} job ${report.jobId} (${report.polls} polls in a row over ${seconds} s answered "not-found"): it may have expired, belong to another account (API key) or base URL, or to a MaxStudio sandbox that was restarted (a sandbox without a state file keeps its jobs in memory). It will never finish: the work has to be submitted again as a new job (retryable: a studio run records no charge for a job the service does not know, and submits again). If jobs submitted moments ago are reported unknown, raise unknownJobGracePeriod.`,
    'job-failed',
    // Retryable: the job is over and a new submission is the only way to get the work done.
    true,
    { jobId: report.jobId, providerMessage: report.providerMessage ?? 'not-found', unknownJob: true },
  );
}
