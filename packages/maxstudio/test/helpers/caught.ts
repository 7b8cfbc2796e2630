import { ProviderError } from '@model-studio/core';

/** Awaits a promise that must reject with a `ProviderError`, and returns that error. */
export async function caught(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!ProviderError.isInstance(error)) throw new Error(`expected a ProviderError, got ${String(error)}`);
  return error;
}
