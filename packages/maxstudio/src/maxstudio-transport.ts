import { createHash } from 'node:crypto';
import { ProviderError } from '@model-studio/core';
import pRetry from 'p-retry';
import { withDeadline } from './deadline-signal.js';
import {
  type AttemptDescription,
  abortedError,
  errorFromInvalidBody,
  errorFromNetworkFailure,
  errorFromResponse,
  type HeaderReader,
  missingKeyError,
  requestIdFrom,
} from './maxstudio-errors.js';
import {
  defaultMaxStudioBaseURL,
  type MaxStudioSettings,
  type ResolvedMaxStudioSettings,
} from './maxstudio-settings.js';
import { nodeHttpFetch, type RawHttpResponse, rawFetchOf } from './node-http-fetch.js';
import { RateLimiter } from './rate-limiter.js';
import { redactSecret } from './redact-secret.js';
import { readProviderMessage } from './response-schemas.js';
import { RetryBudget } from './retry-budget.js';

/** One API call: path, body, and how to read the answer. */
export interface TransportCall<T> extends AttemptDescription {
  method: 'get' | 'post';
  /** Path relative to the base URL, without a leading slash. */
  path: string;
  json?: unknown;
  /** Reads the parsed JSON body; `undefined` means it did not have the expected shape. */
  read: (body: unknown) => T | undefined;
  /**
   * What an HTTP 404 answer means for this call, given the answer's message (redacted), if any. Polls use it: MaxStudio
   * may answer a job id it does not know with 404. Without it a 404 is an error.
   */
  notFound?: (message: string | undefined) => T;
  signal?: AbortSignal;
}

/** Sends API calls through one shared limiter, retry budget and p-retry policy. Holds the key only in closures. */
export interface Transport {
  readonly baseURL: string;
  send<T>(call: TransportCall<T>): Promise<T>;
  /** Downloads a result URL (no API key is sent to it). */
  download(
    url: string,
    operation: string,
    jobId: string,
    signal?: AbortSignal,
  ): Promise<{ bytes: Uint8Array; contentType: string | undefined }>;
}

/** What an API call's answer is read for. */
interface Answer {
  status: number;
  headers: HeaderReader;
  text: string;
}

const utf8 = new TextDecoder();

function fromRaw(raw: RawHttpResponse): Answer {
  // Decoded as `Response.text()` would: UTF-8, a byte-order mark dropped.
  return { status: raw.status, headers: { get: raw.header }, text: raw.body === null ? '' : utf8.decode(raw.body) };
}

/** The body as a Uint8Array of its own (a Buffer may be a view into a larger one the socket read). */
function ownBytes(body: Buffer | null): Uint8Array {
  if (body === null) return new Uint8Array(0);
  if (body.byteOffset === 0 && body.byteLength === body.buffer.byteLength) return body;
  return new Uint8Array(body);
}

/** Builds the transport of one client. */
export function createTransport(settings: MaxStudioSettings, resolved: ResolvedMaxStudioSettings): Transport {
  const limiter = new RateLimiter({
    maxConcurrency: settings.maxConcurrency,
    requestsPerSecond: settings.requestsPerSecond,
  });
  const budget = new RetryBudget(settings.retry === false ? {} : settings.retry?.budget);
  const provenKeys = new Set<string>();
  const timeouts = new WeakSet<object>();
  let hashed: { key: string; hash: string } | undefined;
  /** Keys are remembered only as SHA-256 hashes (for "has this key worked before?"). */
  const hashKey = (key: string) => {
    if (hashed?.key !== key) hashed = { key, hash: createHash('sha256').update(key).digest('hex') };
    return hashed.hash;
  };
  const fetchImpl = settings.fetch ?? nodeHttpFetch;
  /** The same fetch without `Response` objects, when it is one of ours (see `RawHttpResponse`). */
  const rawFetch = rawFetchOf(fetchImpl);
  // Extra headers, names lower-cased once (the API key and content type are set per request and always win).
  const extraHeaders: Record<string, string> = {};
  for (const [name, value] of Object.entries(settings.headers ?? {})) extraHeaders[name.toLowerCase()] = value;

  const baseURL = () =>
    (settings.baseURL ?? process.env.MAXSTUDIO_BASE_URL ?? defaultMaxStudioBaseURL).replace(/\/+$/, '');

  /**
   * One HTTP attempt of an API call, straight on `fetchImpl` with a plain init (no `Request` object: building one,
   * and the copy an HTTP library keeps for retries, cost more CPU than the request itself). Retries, timeouts and
   * errors are this transport's own.
   */
  const request = async (call: TransportCall<unknown>, apiKey: string, signal: AbortSignal): Promise<Answer> => {
    const headers: Record<string, string> = { accept: 'application/json', ...extraHeaders, 'x-api-key': apiKey };
    let body: string | undefined;
    if (call.json !== undefined) {
      body = JSON.stringify(call.json);
      headers['content-type'] = 'application/json';
    }
    const url = `${baseURL()}/${call.path}`;
    const init: RequestInit = { method: call.method.toUpperCase(), headers, body, signal };
    if (rawFetch) return fromRaw(await rawFetch(url, init));
    const response = await fetchImpl(url, init);
    return { status: response.status, headers: response.headers, text: await response.text() };
  };

  /** Runs `attempt` under p-retry: only retryable errors, each retry paid from the shared budget; 429s slow everyone down. */
  async function withRetries<T>(
    description: AttemptDescription,
    signal: AbortSignal | undefined,
    attempt: (state: { sent: boolean }) => Promise<T>,
  ): Promise<T> {
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
          if (ProviderError.isInstance(error) && error.reason === 'rate-limited')
            limiter.onThrottle(error.retryAfterMs);
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

  async function send<T>(call: TransportCall<T>): Promise<T> {
    const apiKey = settings.apiKey ?? process.env.MAXSTUDIO_API_KEY;
    if (apiKey === undefined || apiKey === '') throw missingKeyError();
    const keyHash = hashKey(apiKey);
    return withRetries(call, call.signal, async (state) => {
      const release = await limiter.acquire(call.signal);
      const deadline = withDeadline(call.signal, resolved.timeout);
      const { signal } = deadline;
      let answer: Answer;
      try {
        state.sent = true;
        answer = await request(call, apiKey, signal);
      } catch (raw) {
        if (call.signal?.aborted) throw abortedError(call, call.signal.reason, true);
        const failure = errorFromNetworkFailure(call, raw, apiKey, deadline.timedOut() ? resolved.timeout : undefined);
        if (deadline.timedOut()) timeouts.add(failure);
        throw failure;
      } finally {
        deadline.dispose();
        release();
      }
      const { status, headers, text } = answer;
      if (status === 404 && call.notFound) {
        const message = readProviderMessage(text);
        return call.notFound(message === undefined ? undefined : redactSecret(message, apiKey));
      }
      if (status < 200 || status > 299)
        throw errorFromResponse(call, { status, headers }, text, apiKey, provenKeys.has(keyHash));
      provenKeys.add(keyHash);
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      const value = body === undefined ? undefined : call.read(body);
      if (value === undefined) throw errorFromInvalidBody(call, status, requestIdFrom(headers));
      return value;
    });
  }

  async function download(url: string, operation: string, jobId: string, signal?: AbortSignal) {
    const description: AttemptDescription = { operation, paid: false, jobId };
    if (!/^https?:\/\//i.test(url)) {
      throw new ProviderError(
        `MaxStudio's result for job ${jobId} is not an http(s) URL, so it cannot be downloaded.`,
        {
          provider: 'maxstudio',
          reason: 'invalid-response',
          isRetryable: false,
          jobId,
        },
      );
    }
    return withRetries(description, signal, async (state) => {
      const deadline = withDeadline(signal, resolved.timeout);
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
        throw errorFromNetworkFailure(description, raw, '', deadline.timedOut() ? resolved.timeout : undefined);
      } finally {
        deadline.dispose();
      }
    });
  }

  return {
    get baseURL() {
      return baseURL();
    },
    send,
    download,
  };
}
