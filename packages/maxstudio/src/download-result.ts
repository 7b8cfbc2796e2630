import { ProviderError } from '@model-studio/core';
import { withDeadline } from './deadline-signal.js';
import { type KySender, ResponseTooLargeError } from './ky-sender.js';
import {
  type AttemptDescription,
  abortedError,
  errorFromInvalidBody,
  errorFromNetworkFailure,
  errorFromOversizedBody,
  errorFromResponse,
} from './maxstudio-errors.js';
import { type RetryShared, withRetries } from './with-retries.js';

/** Downloads a job's result URL (no API key is sent to it), retrying like any call of the client. */
export async function downloadResult(
  shared: RetryShared,
  sendHttp: KySender,
  url: string,
  operation: string,
  jobId: string,
  signal?: AbortSignal,
): Promise<{ bytes: Uint8Array; contentType: string | undefined }> {
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
      // No API key goes to a result URL (it is usually on a CDN, not the API).
      const { status, headers, bytes } = await sendHttp({ url, method: 'GET', headers: {}, signal: combined });
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
      if (raw instanceof ResponseTooLargeError) throw errorFromOversizedBody(description, raw.status, raw.limit);
      throw errorFromNetworkFailure(description, raw, '', deadline.timedOut() ? shared.resolved.timeout : undefined);
    } finally {
      deadline.dispose();
    }
  });
}
