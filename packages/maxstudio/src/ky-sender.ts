import ky, { type KyInstance } from 'ky';

/** One HTTP request of the client: everything ky needs, the URL already joined to the base URL. */
export interface KyRequest {
  url: string;
  method: 'GET' | 'POST';
  /** Request headers, names lower-case. */
  headers: Record<string, string>;
  /** A JSON body (serialised by ky, sent as `application/json`). */
  json?: unknown;
  signal: AbortSignal;
}

/** A response read whole: status, headers and the bytes of the body (decoded by fetch when it was compressed). */
export interface KyAnswer {
  status: number;
  headers: Headers;
  bytes: Uint8Array;
}

/** Options of {@link createKySender}. */
export interface KySenderOptions {
  /** The fetch ky sends with; read at each request, so a fetch patched or replaced later is used. */
  fetch: () => typeof globalThis.fetch;
  /** Largest response body accepted, after decompression. */
  maxResponseBytes: number;
  /** Redirects followed before the request fails. */
  maxRedirects?: number;
}

/** Sends one request through ky and reads its answer whole. */
export type KySender = (request: KyRequest) => Promise<KyAnswer>;

/** Headers that are not sent on to another origin when a redirect leaves the original one. */
const credentialHeaders = ['authorization', 'cookie', 'proxy-authorization', 'x-api-key'];
const redirectStatuses = new Set([301, 302, 303, 307, 308]);
const bodyHeaders = ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location'];

/** The error for a body over the size limit; the client maps it to a typed `ProviderError`. */
export class ResponseTooLargeError extends Error {
  readonly code = 'ERR_BODY_TOO_LARGE';
  constructor(
    readonly status: number,
    readonly limit: number,
  ) {
    super(`the response body is larger than maxResponseBytes (${limit})`);
    this.name = 'ResponseTooLargeError';
  }
}

/**
 * Reads a body whole, refusing (and cancelling) it once it passes `limit` bytes; when `signal` fires first, cancels it
 * and throws the signal's reason (fetch was not given the signal: see {@link fetchWith}).
 */
async function readCapped(response: Response, limit: number, signal: AbortSignal): Promise<Uint8Array> {
  if (response.body === null) return new Uint8Array(0);
  const declared = Number(response.headers.get('content-length'));
  if (!response.headers.has('content-encoding') && declared > limit) {
    await response.body.cancel().catch(() => {});
    throw new ResponseTooLargeError(response.status, limit);
  }
  const reader = response.body.getReader();
  const onAbort = () => void reader.cancel(signal.reason).catch(() => {});
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      size += next.value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => {});
        throw new ResponseTooLargeError(response.status, limit);
      }
      chunks.push(next.value);
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  // A body cut short by the signal ends as if it were whole: the signal's reason is the answer.
  if (signal.aborted) throw signal.reason;
  const [only] = chunks;
  // One chunk that is the whole of its buffer is handed out as is; otherwise the bytes get a buffer of their own.
  if (chunks.length === 1 && only && only.byteOffset === 0 && only.byteLength === only.buffer.byteLength) return only;
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/**
 * The fetch of one request: the configured fetch, given no signal (`signal: null`, so not even ky's), raced with the
 * caller's signal. When the signal fires first, the request is given up at once (rejected with the signal's reason) and
 * its answer, if one still comes, is cancelled unread; a body being read is cancelled (see {@link readCapped}).
 *
 * Why not hand the signal to fetch: on Node 20, fetch keeps a request made with a signal reachable through a weak
 * reference and a finalizer until a full garbage collection (a `FinalizationRegistry` entry whose target the young
 * generation's collector treats as strong), and that keeps the request's whole state (its promise, response and
 * connection handlers) alive: every request left that garbage in the old generation, about 15 MB more peak RSS at
 * 10,000 units (measured: 213 against 198 MB, the pipeline bench at 1 ms). The cost: a request given up while the
 * server has not answered keeps its connection until the answer comes or fetch's own limits end it (5 minutes for
 * headers or body, undici's defaults); the client's concurrency slot is freed at once.
 */
function fetchWith(options: KySenderOptions, signal: AbortSignal): typeof globalThis.fetch {
  return (input, init) => raced(options.fetch()(input, { ...init, signal: null }), signal);
}

/** `response`, or the signal's reason when it fires first (the response, when it comes, is then cancelled unread). */
function raced(response: Promise<Response>, signal: AbortSignal): Promise<Response> {
  const giveUp = () =>
    void response.then(
      (late) => late.body?.cancel().catch(() => {}),
      () => {},
    );
  if (signal.aborted) {
    giveUp();
    return Promise.reject(signal.reason);
  }
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      giveUp();
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    response.then(
      (answer) => {
        signal.removeEventListener('abort', onAbort);
        resolve(answer);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * The client's HTTP layer: ky over fetch (the built-in one unless the settings give another), with retries, timeouts
 * and HTTP errors left to the client (which has its own policy for paid submissions). Redirects are followed here
 * rather than by fetch, because fetch would forward `x-api-key` to another origin: a redirect that leaves the origin
 * drops it (and other credentials), and 303 (or 301/302 after a POST) becomes a GET without a body, as in fetch.
 * Bodies are read whole, up to `maxResponseBytes` after decompression.
 *
 * The caller's signal goes neither to ky (which would link it with its own through `AbortSignal.any`) nor to fetch:
 * the request is raced with it (see {@link fetchWith}).
 */
export function createKySender(options: KySenderOptions): KySender {
  const maxRedirects = options.maxRedirects ?? 20;
  const api: KyInstance = ky.create({ retry: 0, timeout: false, throwHttpErrors: false, redirect: 'manual' });

  return async (request) => {
    let { url, method, json } = request;
    const headers = { ...request.headers };
    for (let redirects = 0; ; redirects++) {
      const response = await api(url, { method, headers, json, fetch: fetchWith(options, request.signal) });
      const location = response.headers.get('location');
      if (!redirectStatuses.has(response.status) || location === null) {
        return {
          status: response.status,
          headers: response.headers,
          bytes: await readCapped(response, options.maxResponseBytes, request.signal),
        };
      }
      await response.body?.cancel().catch(() => {});
      if (redirects >= maxRedirects)
        throw new TypeError('fetch failed', { cause: new Error(`more than ${maxRedirects} redirects`) });
      const next = new URL(location, url);
      if (next.protocol !== 'http:' && next.protocol !== 'https:')
        throw new TypeError('fetch failed', { cause: new Error(`redirected to a ${next.protocol} URL`) });
      if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
        method = 'GET';
        json = undefined;
        for (const name of bodyHeaders) delete headers[name];
      }
      if (next.origin !== new URL(url).origin) for (const name of credentialHeaders) delete headers[name];
      url = next.href;
    }
  };
}
