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

/** Reads a body whole, refusing (and cancelling) it once it passes `limit` bytes. */
async function readCapped(response: Response, limit: number): Promise<Uint8Array> {
  if (response.body === null) return new Uint8Array(0);
  const declared = Number(response.headers.get('content-length'));
  if (!response.headers.has('content-encoding') && declared > limit) {
    await response.body.cancel().catch(() => {});
    throw new ResponseTooLargeError(response.status, limit);
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    size += next.value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw new ResponseTooLargeError(response.status, limit);
    }
    chunks.push(next.value);
  }
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
 * The fetch of one request: the configured fetch, with the caller's signal. ky's own request (and its clone, kept for
 * retries) then follow ky's plain signal, which is never aborted here (no ky timeout), and fetch's request follows the
 * caller's signal alone: nothing links the two with `AbortSignal.any`.
 */
function fetchWith(options: KySenderOptions, signal: AbortSignal): typeof globalThis.fetch {
  return (input, init) => options.fetch()(input, { ...init, signal });
}

/**
 * The client's HTTP layer: ky over fetch (the built-in one unless the settings give another), with retries, timeouts
 * and HTTP errors left to the client (which has its own policy for paid submissions). Redirects are followed here
 * rather than by fetch, because fetch would forward `x-api-key` to another origin: a redirect that leaves the origin
 * drops it (and other credentials), and 303 (or 301/302 after a POST) becomes a GET without a body, as in fetch.
 * Bodies are read whole, up to `maxResponseBytes` after decompression.
 *
 * The caller's signal goes to fetch, not to ky: given a signal, ky links it with its own through `AbortSignal.any`,
 * and on Node 20 a linked signal that a request listens to is kept alive until a full garbage collection has run the
 * request's finalizer, so every request left garbage that outlived the young generation (see {@link fetchWith}).
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
          bytes: await readCapped(response, options.maxResponseBytes),
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
