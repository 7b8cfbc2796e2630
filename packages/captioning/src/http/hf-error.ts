import {
  InferenceClientError,
  InferenceClientHubApiError,
  InferenceClientInputError,
  InferenceClientProviderApiError,
  InferenceClientProviderOutputError,
  InferenceClientRoutingError,
} from '@huggingface/inference';
import { ProviderError } from '@model-studio/core';
import { invalidResponseError, networkError, providerErrorFromHttp } from './provider-failure.js';

/** The response headers the Hugging Face client drops, captured by a wrapping fetch. */
export interface CapturedHeaders {
  retryAfter?: string | null;
  requestId?: string | null;
}

/** A fetch that records Retry-After and x-request-id of the last response into `captured`. */
export function capturingFetch(base: typeof fetch, captured: CapturedHeaders): typeof fetch {
  return async (input, init) => {
    const response = await base(input, init);
    captured.retryAfter = response.headers.get('retry-after');
    captured.requestId = response.headers.get('x-request-id');
    return response;
  };
}

/**
 * Maps what `@huggingface/inference` throws to a {@link ProviderError}: its HTTP errors by status (with the request id
 * and the Retry-After captured by {@link capturingFetch}), output errors as invalid responses, input and routing
 * errors as refused input, anything else as a network failure. The client's own error is not kept as the cause (its
 * request record holds headers).
 */
export function providerErrorFromHf(
  error: unknown,
  context: { provider: string; paid: boolean; maxDelayMs: number; captured: CapturedHeaders },
): unknown {
  const { provider } = context;
  if (ProviderError.isInstance(error)) return error;
  if (error instanceof InferenceClientProviderApiError || error instanceof InferenceClientHubApiError) {
    return providerErrorFromHttp({
      provider,
      status: error.httpResponse.status,
      body: error.httpResponse.body,
      requestId: error.httpResponse.requestId || context.captured.requestId || undefined,
      retryAfter: context.captured.retryAfter,
      maxDelayMs: context.maxDelayMs,
    });
  }
  if (error instanceof InferenceClientProviderOutputError) return invalidResponseError(provider, error.message);
  if (error instanceof InferenceClientInputError || error instanceof InferenceClientRoutingError) {
    return new ProviderError(
      `${provider} refused the request settings: ${error.message}. Check the model and provider.`,
      {
        provider,
        reason: 'input',
        isRetryable: false,
      },
    );
  }
  if (error instanceof SyntaxError) return invalidResponseError(provider, 'the body is not JSON');
  if (error instanceof InferenceClientError) return invalidResponseError(provider, error.message);
  return networkError(provider, context.paid, error);
}
