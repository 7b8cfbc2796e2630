import { ProviderError } from '@model-studio/core';
import pRetry from 'p-retry';
import { type AttemptDescription, abortedError } from './maxstudio-errors.js';
import type { ResolvedMaxStudioSettings } from './maxstudio-settings.js';
import type { RateLimiter } from './rate-limiter.js';
import type { RetryBudget } from './retry-budget.js';

/** What all calls of one client share when retrying. */
export interface RetryShared {
  limiter: RateLimiter;
  budget: RetryBudget;
  /** Errors that were attempt timeouts (they cost the budget more). */
  timeouts: WeakSet<object>;
  resolved: ResolvedMaxStudioSettings;
}

/** Runs `attempt` under p-retry: only retryable errors, each retry paid from the shared budget; 429s slow everyone down. */
export async function withRetries<T>(
  shared: RetryShared,
  description: AttemptDescription,
  signal: AbortSignal | undefined,
  attempt: (state: { sent: boolean }) => Promise<T>,
): Promise<T> {
  const { limiter, budget, timeouts, resolved } = shared;
  let spent = 0;
  const state = { sent: false };
  try {
    const result = await pRetry(() => attempt(state), {
      retries: resolved.retries,
      minTimeout: resolved.minDelay,
      maxTimeout: resolved.maxDelay,
      factor: 2,
      randomize: true,
      signal,
      onFailedAttempt: ({ error }) => {
        if (ProviderError.isInstance(error) && error.reason === 'rate-limited') limiter.onThrottle(error.retryAfterMs);
      },
      shouldRetry: ({ error }) => {
        if (!ProviderError.isInstance(error) || !error.isRetryable || signal?.aborted) return false;
        const cost = budget.tryTake(timeouts.has(error) ? 'timeout' : 'retry');
        if (cost === undefined) return false;
        spent += cost;
        return true;
      },
    });
    budget.onSuccess(spent);
    limiter.onSuccess();
    return result;
  } catch (error) {
    if (signal?.aborted) throw abortedError(description, signal.reason, state.sent);
    throw error;
  }
}
