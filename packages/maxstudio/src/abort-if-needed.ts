import { ProviderError } from '@model-studio/core';
import { maxStudioProvider } from './maxstudio-errors.js';

/** Throws a `ProviderError` with reason `aborted` (cause: the signal's reason) when `signal` has fired. */
export function abortIfNeeded(signal: AbortSignal | undefined, operation: string): void {
  if (!signal?.aborted) return;
  throw new ProviderError(`The MaxStudio ${operation} was aborted before anything was sent.`, {
    provider: maxStudioProvider,
    reason: 'aborted',
    isRetryable: false,
    cause: signal.reason,
  });
}
