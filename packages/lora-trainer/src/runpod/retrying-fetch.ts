import pRetry, { AbortError } from 'p-retry';
import { parseRetryAfter } from './retry-after.js';

/** How {@link retryingFetch} retries. */
export interface RetryPolicy {
  /**
   * Retries after the first attempt.
   * @default 4
   */
  retries?: number;
  /**
   * First backoff delay in ms (doubles per attempt, with jitter); `Retry-After` wins when longer.
   * @default 500
   */
  minDelayMs?: number;
  /**
   * Longest wait between attempts in ms, also the cap on `Retry-After`.
   * @default 30000
   */
  maxDelayMs?: number;
}

class RetryableStatus extends Error {
  constructor(readonly response: Response) {
    super(`HTTP ${response.status}`);
  }
}

/**
 * Whether a request may be sent again after a 5xx or a network failure: reads, deletes and pod actions are
 * idempotent; creating a pod is not (a lost response may have created one), so only a 429 (refused, nothing done)
 * is retried for it.
 */
function idempotent(request: Request): boolean {
  if (request.method === 'GET' || request.method === 'DELETE' || request.method === 'HEAD') return true;
  return request.method === 'POST' && /\/v2\/pods\/[^/]+\/action$/.test(new URL(request.url).pathname);
}

/**
 * Wraps `fetch` with retries on 429 (always, honouring `Retry-After`) and on 5xx and network failures (idempotent
 * requests only), with exponential backoff and jitter (p-retry). Returns the last response when retries run out.
 */
export function retryingFetch(base: typeof fetch, policy: RetryPolicy = {}): (request: Request) => Promise<Response> {
  const retries = policy.retries ?? 4;
  const minTimeout = policy.minDelayMs ?? 500;
  const maxTimeout = policy.maxDelayMs ?? 30_000;
  return async (request) => {
    const template = request.clone();
    const safe = idempotent(request);
    try {
      return await pRetry(
        async () => {
          let response: Response;
          try {
            response = await base(template.clone());
          } catch (error) {
            if (request.signal.aborted || !safe) throw new AbortError(error as Error);
            throw error;
          }
          if (response.status === 429 || (safe && response.status >= 500)) throw new RetryableStatus(response);
          return response;
        },
        {
          retries,
          minTimeout,
          maxTimeout,
          randomize: true,
          signal: request.signal,
          onFailedAttempt: async ({ error, retriesLeft }) => {
            if (!(error instanceof RetryableStatus) || retriesLeft === 0) return;
            const wait = parseRetryAfter(error.response.headers.get('retry-after'));
            await error.response.body?.cancel();
            if (wait !== undefined && wait > minTimeout) await sleep(Math.min(wait, maxTimeout), request.signal);
          },
        },
      );
    } catch (error) {
      if (error instanceof RetryableStatus) return error.response;
      throw error;
    }
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms);
    function done() {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }
    function onAbort() {
      clearTimeout(timer);
      reject(signal.reason);
    }
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
