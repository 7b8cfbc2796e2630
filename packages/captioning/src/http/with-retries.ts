import { ProviderError } from '@model-studio/core';
import pRetry from 'p-retry';
import type { ResolvedRetrySettings } from './retry-settings.js';

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Throws the signal's reason when it has fired (adapters reject with it, as core's contract asks). */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason;
}

/**
 * Runs `attempt` under p-retry with exponential backoff: only {@link ProviderError}s marked retryable are retried; a
 * server's Retry-After (or `estimated_time`) is waited out first. The caller's signal stops waiting and rejects with
 * its reason.
 */
export async function withRetries<T>(
  settings: ResolvedRetrySettings,
  signal: AbortSignal | undefined,
  attempt: (attemptSignal: AbortSignal) => Promise<T>,
): Promise<T> {
  throwIfAborted(signal);
  try {
    return await pRetry(
      () => {
        const timeout = AbortSignal.timeout(settings.timeoutMs);
        return attempt(signal ? AbortSignal.any([signal, timeout]) : timeout);
      },
      {
        retries: settings.retries,
        minTimeout: settings.minRetryDelayMs,
        maxTimeout: settings.maxRetryDelayMs,
        factor: 2,
        randomize: true,
        signal,
        shouldRetry: ({ error }) => ProviderError.isInstance(error) && error.isRetryable && !signal?.aborted,
        onFailedAttempt: async ({ error, retriesLeft }) => {
          if (retriesLeft > 0 && ProviderError.isInstance(error) && error.isRetryable && error.retryAfterMs) {
            await sleep(error.retryAfterMs, signal);
          }
        },
      },
    );
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw error;
  }
}
