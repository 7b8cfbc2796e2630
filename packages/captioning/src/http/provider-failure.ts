import { ProviderError, type ProviderErrorReason } from '@model-studio/core';

/** What an HTTP failure looked like, for {@link providerErrorFromHttp}. */
export interface HttpFailure {
  provider: string;
  status: number;
  /** The parsed JSON body or the text body. */
  body: unknown;
  requestId?: string;
  /** The Retry-After header's value. */
  retryAfter?: string | null;
  /** Caps a Retry-After or `estimated_time` wait. */
  maxDelayMs: number;
}

/** A Retry-After header (seconds or an HTTP date) in ms, or `undefined`. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The provider's own message from an error body (`{error}`, `{error:{message}}`, `{detail}`, `{message}`, text). */
export function providerMessageOf(body: unknown): string | undefined {
  if (typeof body === 'string') return body.slice(0, 500) || undefined;
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as Record<string, unknown>;
  const error = record.error;
  if (typeof error === 'string') return error;
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
    return (error as { message: string }).message;
  }
  for (const key of ['detail', 'message'] as const) if (typeof record[key] === 'string') return record[key] as string;
  return undefined;
}

function reasonOf(status: number): { reason: ProviderErrorReason; isRetryable: boolean; advice: string } {
  if (status === 401 || status === 403)
    return { reason: 'authentication', isRetryable: false, advice: 'check the access token (HF_TOKEN) or API key' };
  if (status === 402)
    return { reason: 'insufficient-credits', isRetryable: false, advice: 'add credits to the account' };
  if (status === 429)
    return { reason: 'rate-limited', isRetryable: true, advice: 'wait and retry, or lower the concurrency' };
  if (status === 408) return { reason: 'timeout', isRetryable: true, advice: 'retry later' };
  if (status >= 500) return { reason: 'server', isRetryable: true, advice: 'retry later, or pick another provider' };
  return { reason: 'input', isRetryable: false, advice: 'check the model name and the image' };
}

/**
 * Maps an HTTP error response to a {@link ProviderError}: 401/403 authentication, 402 credits, 429 rate-limited (with
 * Retry-After), 503 with `estimated_time` (a model loading) and other 5xx server errors (retryable), other 4xx input.
 * The message names the status and what to do; it never contains request headers (where the token is).
 */
export function providerErrorFromHttp(failure: HttpFailure): ProviderError {
  const { reason, isRetryable, advice } = reasonOf(failure.status);
  const providerMessage = providerMessageOf(failure.body);
  let retryAfterMs = parseRetryAfter(failure.retryAfter);
  const estimated = (failure.body as { estimated_time?: unknown } | null)?.estimated_time;
  if (retryAfterMs === undefined && typeof estimated === 'number' && estimated >= 0) retryAfterMs = estimated * 1000;
  if (retryAfterMs !== undefined) retryAfterMs = Math.min(retryAfterMs, failure.maxDelayMs);
  const loading = failure.status === 503 && typeof estimated === 'number' ? ' (the model is loading)' : '';
  const said = providerMessage ? `: ${providerMessage}` : '';
  return new ProviderError(
    `${failure.provider} answered HTTP ${failure.status}${loading}${said}. ${advice[0]!.toUpperCase()}${advice.slice(1)}.`,
    {
      provider: failure.provider,
      reason,
      isRetryable,
      status: failure.status,
      providerMessage,
      requestId: failure.requestId || undefined,
      retryAfterMs,
    },
  );
}

/** A response that arrived but could not be used (malformed JSON, missing caption). */
export function invalidResponseError(
  provider: string,
  what: string,
  status?: number,
  requestId?: string,
): ProviderError {
  return new ProviderError(
    `${provider} sent a response that is not usable: ${what}. Retry, or check the endpoint's model.`,
    {
      provider,
      reason: 'invalid-response',
      isRetryable: true,
      status,
      requestId,
    },
  );
}

/**
 * The connection failed. For a paid call that may have been received, the outcome is `uncertain` and never retried
 * automatically; for a free endpoint it is a retryable `network` error.
 */
export function networkError(provider: string, paid: boolean, cause: unknown): ProviderError {
  const detail =
    cause instanceof Error ? (cause.cause instanceof Error ? cause.cause.message : cause.message) : String(cause);
  const code = (cause as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  const neverSent = code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN';
  if (paid && !neverSent) {
    return new ProviderError(
      `The connection to ${provider} failed (${detail}) after the request was sent: it may have been charged. It is not retried automatically; caption the image again if you accept paying twice.`,
      { provider, reason: 'uncertain', isRetryable: false },
    );
  }
  return new ProviderError(
    `Could not reach ${provider} (${detail}). Check that the server runs and the URL is right.`,
    {
      provider,
      reason: 'network',
      isRetryable: true,
    },
  );
}
