import { ProviderError } from '@model-studio/core';
import { JsonText } from './json-with-base64.js';
import { invalidResponseError, networkError, providerErrorFromHttp } from './provider-failure.js';

/** One HTTP POST of a captioner or scorer. */
export interface PostRequest {
  provider: string;
  url: string;
  /** JSON-serialisable body, JSON text already serialised ({@link JsonText}), or raw bytes (sent with `contentType`). */
  body: unknown;
  contentType?: string;
  headers?: Record<string, string>;
  signal: AbortSignal;
  /** Whether the call costs money (a connection lost after sending is then `uncertain`). */
  paid: boolean;
  maxDelayMs: number;
  fetch?: typeof fetch;
}

/** The parsed JSON response and its request id. */
export interface PostResponse {
  json: unknown;
  status: number;
  requestId: string | undefined;
}

function timeoutError(provider: string): ProviderError {
  return new ProviderError(`${provider} did not answer in time. Retry later, or raise timeoutMs.`, {
    provider,
    reason: 'timeout',
    isRetryable: true,
  });
}

function jsonOf(body: unknown): string {
  return body instanceof JsonText ? body.text : JSON.stringify(body);
}

/** POSTs and parses JSON; every failure becomes a typed {@link ProviderError} (or the signal's reason). */
export async function postJson(request: PostRequest): Promise<PostResponse> {
  const raw = request.body instanceof Uint8Array;
  const headers: Record<string, string> = {
    'content-type': raw ? (request.contentType ?? 'application/octet-stream') : 'application/json',
    accept: 'application/json',
    ...request.headers,
  };
  let response: Response;
  let text: string;
  try {
    response = await (request.fetch ?? fetch)(request.url, {
      method: 'POST',
      headers,
      body: raw ? new Uint8Array(request.body as Uint8Array) : jsonOf(request.body),
      signal: request.signal,
    });
    text = await response.text();
  } catch (error) {
    if (request.signal.aborted) {
      const reason: unknown = request.signal.reason;
      if (reason instanceof DOMException && reason.name === 'TimeoutError') throw timeoutError(request.provider);
      throw reason;
    }
    throw networkError(request.provider, request.paid, error);
  }
  const requestId = response.headers.get('x-request-id') ?? undefined;
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    if (!response.ok) json = text;
    else throw invalidResponseError(request.provider, 'the body is not JSON', response.status, requestId);
  }
  if (!response.ok) {
    throw providerErrorFromHttp({
      provider: request.provider,
      status: response.status,
      body: json,
      requestId,
      retryAfter: response.headers.get('retry-after'),
      maxDelayMs: request.maxDelayMs,
    });
  }
  return { json, status: response.status, requestId };
}
