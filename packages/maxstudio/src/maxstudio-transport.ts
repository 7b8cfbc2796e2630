import { createHash } from 'node:crypto';
import { withDeadline } from './deadline-signal.js';
import { downloadResult } from './download-result.js';
import { createKySender, type KyAnswer, ResponseTooLargeError } from './ky-sender.js';
import {
  type AttemptDescription,
  abortedError,
  errorFromInvalidBody,
  errorFromNetworkFailure,
  errorFromOversizedBody,
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
import { RateLimiter } from './rate-limiter.js';
import { redactSecret } from './redact-secret.js';
import { readProviderMessage } from './response-schemas.js';
import { RetryBudget } from './retry-budget.js';
import { type RetryShared, withRetries } from './with-retries.js';

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
  /**
   * What a 2xx answer whose body is not valid JSON (cut off, garbled) can still be read as, from its raw text, or
   * `undefined`. Submissions use it to find the job id before calling the answer uncertain.
   */
  salvage?: (text: string, answer: { status: number; requestId: string | undefined }) => T | undefined;
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

function fromKy(answer: KyAnswer): Answer {
  // Decoded as `Response.text()` would: UTF-8, a byte-order mark dropped.
  return { status: answer.status, headers: answer.headers, text: utf8.decode(answer.bytes) };
}

/** The largest response body the client reads, by default (after decompression). */
export const defaultMaxResponseBytes = 256 * 1024 * 1024;

/** Builds the transport of one client. */
export function createTransport(settings: MaxStudioSettings, resolved: ResolvedMaxStudioSettings): Transport {
  const limiter = new RateLimiter({
    maxConcurrency: settings.maxConcurrency,
    requestsPerSecond: settings.requestsPerSecond,
  });
  const budget = new RetryBudget(settings.retry === false ? {} : settings.retry?.budget);
  const provenKeys = new Set<string>();
  const timeouts = new WeakSet<object>();
  const shared: RetryShared = { limiter, budget, timeouts, resolved };
  let hashed: { key: string; hash: string } | undefined;
  /** Keys are remembered only as SHA-256 hashes (for "has this key worked before?"). */
  const hashKey = (key: string) => {
    if (hashed?.key !== key) hashed = { key, hash: createHash('sha256').update(key).digest('hex') };
    return hashed.hash;
  };
  const maxResponseBytes = settings.maxResponseBytes ?? defaultMaxResponseBytes;
  const sendHttp = createKySender({ fetch: () => settings.fetch ?? globalThis.fetch, maxResponseBytes });
  // Extra headers, names lower-cased once (the API key and content type are set per request and always win).
  const extraHeaders: Record<string, string> = {};
  for (const [name, value] of Object.entries(settings.headers ?? {})) extraHeaders[name.toLowerCase()] = value;

  const baseURL = () =>
    (settings.baseURL ?? process.env.MAXSTUDIO_BASE_URL ?? defaultMaxStudioBaseURL).replace(/\/+$/, '');

  /** One HTTP attempt of an API call, through ky. Retries, timeouts and errors are this transport's own. */
  const request = async (call: TransportCall<unknown>, apiKey: string, signal: AbortSignal): Promise<Answer> => {
    const headers: Record<string, string> = { accept: 'application/json', ...extraHeaders, 'x-api-key': apiKey };
    // The JSON content type wins over an extra header (ky would keep a caller's).
    if (call.json !== undefined) headers['content-type'] = 'application/json';
    const url = `${baseURL()}/${call.path}`;
    const method = call.method === 'get' ? 'GET' : 'POST';
    return fromKy(await sendHttp({ url, method, headers, json: call.json, signal }));
  };

  async function send<T>(call: TransportCall<T>): Promise<T> {
    const apiKey = settings.apiKey ?? process.env.MAXSTUDIO_API_KEY;
    if (apiKey === undefined || apiKey === '') throw missingKeyError();
    const keyHash = hashKey(apiKey);
    return withRetries(shared, call, call.signal, async (state) => {
      const release = await limiter.acquire(call.signal);
      const deadline = withDeadline(call.signal, resolved.timeout);
      const { signal } = deadline;
      let answer: Answer;
      try {
        state.sent = true;
        answer = await request(call, apiKey, signal);
      } catch (raw) {
        if (call.signal?.aborted) throw abortedError(call, call.signal.reason, true);
        if (raw instanceof ResponseTooLargeError) throw errorFromOversizedBody(call, raw.status, raw.limit);
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
        const salvaged = call.salvage?.(text, { status, requestId: requestIdFrom(headers) });
        if (salvaged !== undefined) return salvaged;
        body = undefined;
      }
      const value = body === undefined ? undefined : call.read(body);
      if (value === undefined) throw errorFromInvalidBody(call, status, requestIdFrom(headers));
      return value;
    });
  }

  return {
    get baseURL() {
      return baseURL();
    },
    send,
    download: (url, operation, jobId, signal) => downloadResult(shared, sendHttp, url, operation, jobId, signal),
  };
}
