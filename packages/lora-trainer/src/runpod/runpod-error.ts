import { NotFoundError, ProviderError, type ProviderErrorReason } from '@model-studio/core';
import { parseRetryAfter } from './retry-after.js';

/** What RunPod says for each status, mapped onto core's error reasons. */
function reasonOf(status: number): { reason: ProviderErrorReason; isRetryable: boolean } {
  if (status === 401 || status === 403) return { reason: 'authentication', isRetryable: false };
  if (status === 402) return { reason: 'insufficient-credits', isRetryable: false };
  if (status === 429) return { reason: 'rate-limited', isRetryable: true };
  if (status >= 500) return { reason: 'server', isRetryable: true };
  return { reason: 'input', isRetryable: false };
}

function advice(status: number): string {
  if (status === 401) return 'Check the RunPod API key (RUNPOD_API_KEY).';
  if (status === 402) return 'Add funds to the RunPod account; nothing was started.';
  if (status === 403) return 'The API key lacks access to this resource; create a key with pod read/write access.';
  if (status === 429) return 'RunPod is rate limiting; retry after the Retry-After delay.';
  if (status >= 500) return 'RunPod failed; retry later.';
  return 'Fix the request.';
}

/**
 * Turns a RunPod error response (an RFC 9457 problem document) into a typed error: `NotFoundError` for 404,
 * `ProviderError` otherwise, with the reason, status, RunPod's `detail` and `Retry-After`. Never includes the key.
 */
export function runpodError(
  operation: string,
  response: Response,
  body: unknown,
  resource?: { kind: string; name: string },
): Error {
  const problem = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const detail = typeof problem.detail === 'string' ? problem.detail : response.statusText;
  const errors = Array.isArray(problem.errors) ? `: ${problem.errors.join('; ')}` : '';
  if (response.status === 404 && resource) {
    return new NotFoundError(`RunPod has no ${resource.kind} ${resource.name} (${detail}).`, resource);
  }
  const { reason, isRetryable } = reasonOf(response.status);
  return new ProviderError(
    `RunPod ${operation} failed with ${response.status} (${detail}${errors}). ${advice(response.status)}`,
    {
      provider: 'runpod',
      reason,
      isRetryable,
      status: response.status,
      providerMessage: detail,
      retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
      jobId: resource?.kind === 'pod' ? resource.name : undefined,
    },
  );
}

/** A request that never got a response (connection refused, reset, DNS). */
export function runpodNetworkError(operation: string, cause: unknown, uncertain: boolean): ProviderError {
  const what = cause instanceof Error ? cause.message : String(cause);
  return new ProviderError(
    uncertain
      ? `RunPod ${operation}: the connection failed after sending (${what}); RunPod may have acted on it. Look the pod up by name before retrying.`
      : `RunPod ${operation}: could not reach RunPod (${what}). Check the network and retry.`,
    { provider: 'runpod', reason: uncertain ? 'uncertain' : 'network', isRetryable: !uncertain, cause },
  );
}
