import { ProviderError } from '@model-studio/core';
import { withDeadline } from './deadline-signal.js';
import {
  type AttemptDescription,
  abortedError,
  errorFromInvalidBody,
  errorFromNetworkFailure,
  errorFromResponse,
  type HeaderReader,
} from './maxstudio-errors.js';
import type { RawHttpResponse } from './node-http-fetch.js';
import { type RetryShared, withRetries } from './with-retries.js';

/** The fetch a client sends with, and its `Response`-free twin when it is one of ours. */
export interface Fetcher {
  fetchImpl: typeof globalThis.fetch;
  rawFetch: ((url: string, init?: RequestInit) => Promise<RawHttpResponse>) | undefined;
}

/** The body as a Uint8Array of its own (a Buffer may be a view into a larger one the socket read). */
function ownBytes(body: Buffer | null): Uint8Array {
  if (body === null) return new Uint8Array(0);
  if (body.byteOffset === 0 && body.byteLength === body.buffer.byteLength) return body;
  return new Uint8Array(body);
}

/** Downloads a job's result URL (no API key is sent to it), retrying like any call of the client. */
export async function downloadResult(
  shared: RetryShared,
  fetcher: Fetcher,
  url: string,
  operation: string,
  jobId: string,
  signal?: AbortSignal,
): Promise<{ bytes: Uint8Array; contentType: string | undefined }> {
  const { fetchImpl, rawFetch } = fetcher;
  const description: AttemptDescription = { operation, paid: false, jobId };
  if (!/^https?:\/\//i.test(url)) {
    throw new ProviderError(`MaxStudio's result for job ${jobId} is not an http(s) URL, so it cannot be downloaded.`, {
      provider: 'maxstudio',
      reason: 'invalid-response',
      isRetryable: false,
      jobId,
    });
  }
  return withRetries(shared, description, signal, async (state) => {
    const deadline = withDeadline(signal, shared.resolved.timeout);
    const combined = deadline.signal;
    try {
      state.sent = true;
      let status: number;
      let headers: HeaderReader;
      let bytes: Uint8Array;
      if (rawFetch) {
        const answer = await rawFetch(url, { signal: combined });
        status = answer.status;
        headers = { get: answer.header };
        bytes = ownBytes(answer.body);
      } else {
        const response = await fetchImpl(url, { signal: combined });
        status = response.status;
        headers = response.headers;
        bytes = new Uint8Array(await response.arrayBuffer());
      }
      if (status < 200 || status > 299)
        throw errorFromResponse(
          description,
          { status, headers },
          new TextDecoder().decode(bytes.subarray(0, 300)),
          '',
          true,
        );
      if (bytes.byteLength === 0) throw errorFromInvalidBody(description, status, undefined);
      return { bytes, contentType: headers.get('content-type') ?? undefined };
    } catch (raw) {
      if (ProviderError.isInstance(raw)) throw raw;
      if (signal?.aborted) throw abortedError(description, signal.reason, false);
      throw errorFromNetworkFailure(description, raw, '', deadline.timedOut() ? shared.resolved.timeout : undefined);
    } finally {
      deadline.dispose();
    }
  });
}
