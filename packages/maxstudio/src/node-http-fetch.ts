import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate, inflateRaw } from 'node:zlib';
import { BufferedResponse } from './buffered-response.js';

/** Options of {@link createNodeHttpFetch}. */
export interface NodeHttpFetchOptions {
  /**
   * Idle keep-alive sockets are closed after this many ms.
   * @default 4000
   */
  keepAliveMs?: number;
  /**
   * Redirects followed before the request fails (as fetch does).
   * @default 20
   */
  maxRedirects?: number;
  /**
   * Largest response body accepted, in bytes, after decompression; a larger one fails the request with
   * `TypeError('fetch failed')` (cause code `ERR_BODY_TOO_LARGE`) instead of filling memory.
   * @default 268435456 (256 MiB)
   */
  maxBodyBytes?: number;
}

/**
 * A response read whole, without the `Response` and `Headers` objects fetch's shape needs (their construction cost
 * more CPU than the MaxStudio client's small JSON answers). @internal
 */
export interface RawHttpResponse {
  status: number;
  /** A header's value by name (any case), repeats joined with `, `, as `Headers.get` gives it; `null` when absent. */
  header(name: string): string | null;
  /** The whole body, decoded when it was compressed; `null` for a response without one (HEAD, 204, 304...). */
  body: Buffer | null;
}

/** A request answered as a {@link RawHttpResponse}. @internal */
export type RawHttpFetch = (url: string, init?: RequestInit) => Promise<RawHttpResponse>;

/**
 * The key under which a fetch made by {@link createNodeHttpFetch} carries its {@link RawHttpFetch} twin, which the
 * MaxStudio client uses when present. @internal
 */
export const rawHttpFetch = Symbol('model-studio.rawHttpFetch');

/** The {@link RawHttpFetch} twin of `fetchImpl`, when it was made by {@link createNodeHttpFetch}. @internal */
export function rawFetchOf(fetchImpl: typeof globalThis.fetch): RawHttpFetch | undefined {
  return (fetchImpl as Partial<Record<typeof rawHttpFetch, RawHttpFetch>>)[rawHttpFetch];
}

/** Headers that are not sent on to another origin when a redirect leaves the original one. */
const credentialHeaders = new Set(['authorization', 'cookie', 'proxy-authorization', 'x-api-key']);
const nullBodyStatuses = new Set([101, 103, 204, 205, 304]);
const redirectStatuses = new Set([301, 302, 303, 307, 308]);

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);
const inflateRawAsync = promisify(inflateRaw);
const brotliAsync = promisify(brotliDecompress);

/** Decoders of whole bodies by content-encoding; output is capped like the body itself. */
const decoders: Record<string, (body: Buffer, maxOutputLength: number) => Promise<Buffer>> = {
  gzip: (body, maxOutputLength) => gunzipAsync(body, { maxOutputLength }),
  'x-gzip': (body, maxOutputLength) => gunzipAsync(body, { maxOutputLength }),
  // zlib-wrapped as the standard says, or raw deflate as some servers send.
  deflate: (body, maxOutputLength) =>
    inflateAsync(body, { maxOutputLength }).catch(() => inflateRawAsync(body, { maxOutputLength })),
  br: (body, maxOutputLength) => brotliAsync(body, { maxOutputLength }),
};

function tooLarge(limit: number): Error {
  return Object.assign(new Error(`the response body is larger than maxBodyBytes (${limit})`), {
    code: 'ERR_BODY_TOO_LARGE',
  });
}

function connectionClosed(): Error {
  return Object.assign(new Error('the connection closed before the response ended'), { code: 'ECONNRESET' });
}

interface Outgoing {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
  signal: AbortSignal | undefined;
  redirect: RequestRedirect;
}

/**
 * A `fetch` for Node on `node:http`/`node:https` with keep-alive agents: the same call shape and `Response`, at a
 * fraction of the CPU of the built-in fetch (whose spec machinery and web streams cost ~0.6 ms per request on a
 * mostly idle 2-core machine, measured in the pipeline benchmark). It follows redirects like fetch (303, and 301/302
 * after a POST, become GETs; credentials such as `x-api-key` and `authorization` are dropped when a redirect leaves
 * the origin), asks for and decodes gzip, deflate and brotli, and rejects with the signal's reason on abort and with a
 * `TypeError('fetch failed', { cause })` on network errors, as fetch does. Bodies over `maxBodyBytes` are refused.
 *
 * Differences from the built-in fetch: the response body is read whole before the promise resolves (right for API
 * JSON and images, not for unbounded streams); request bodies are read whole before sending; no HTTP/2, no proxy
 * from a global dispatcher. Pass `fetch: globalThis.fetch` to the client where those matter.
 *
 * @example
 * ```ts no-run
 * const fetch = createNodeHttpFetch({ keepAliveMs: 10_000 });
 * const client = createMaxStudio({ fetch });
 * ```
 */
export function createNodeHttpFetch(options: NodeHttpFetchOptions = {}): typeof globalThis.fetch {
  const keepAliveMs = options.keepAliveMs ?? 4000;
  const maxRedirects = options.maxRedirects ?? 20;
  const maxBodyBytes = options.maxBodyBytes ?? 256 * 1024 * 1024;
  const agents: Agents = {
    'http:': new HttpAgent({ keepAlive: true, timeout: keepAliveMs, scheduling: 'lifo' }),
    'https:': new HttpsAgent({ keepAlive: true, timeout: keepAliveMs, scheduling: 'lifo' }),
  };

  async function nodeFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const outgoing = await toOutgoing(input, init);
    if (outgoing.url.protocol !== 'http:' && outgoing.url.protocol !== 'https:') {
      return globalThis.fetch(input, init);
    }
    const incoming = await fetchIncoming(outgoing);
    const headers = new Headers();
    const raw = incoming.rawHeaders;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      try {
        headers.append(raw[i]!, raw[i + 1]!);
      } catch {
        // A header value fetch would refuse: left out, as a browser would.
      }
    }
    const { status, body, decoded } = await readIncoming(incoming, outgoing, maxBodyBytes);
    if (decoded) {
      headers.delete('content-encoding');
      headers.delete('content-length');
    }
    return new BufferedResponse(body, { status, statusText: incoming.statusMessage ?? '', headers }, outgoing.url.href);
  }

  /** The same request as {@link nodeFetch}, answered without building a `Response` (see {@link RawHttpResponse}). */
  async function rawFetch(url: string, init: RequestInit = {}): Promise<RawHttpResponse> {
    const outgoing = await toOutgoing(url, init);
    if (outgoing.url.protocol !== 'http:' && outgoing.url.protocol !== 'https:') {
      const response = await globalThis.fetch(url, init);
      const body = Buffer.from(await response.arrayBuffer());
      return { status: response.status, header: (name) => response.headers.get(name), body };
    }
    const incoming = await fetchIncoming(outgoing);
    const { status, body, decoded } = await readIncoming(incoming, outgoing, maxBodyBytes);
    const parsed = incoming.headers;
    const header = (name: string): string | null => {
      const key = name.toLowerCase();
      if (decoded && (key === 'content-encoding' || key === 'content-length')) return null;
      const value = parsed[key];
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
    };
    return { status, header, body };
  }

  /** Sends `outgoing`, following redirects as fetch does; resolves with the final response, its body unread. */
  async function fetchIncoming(outgoing: Outgoing): Promise<IncomingMessage> {
    outgoing.signal?.throwIfAborted();
    for (let redirects = 0; ; redirects++) {
      const response = await send(outgoing, agents);
      const location = response.headers.location;
      const status = response.statusCode ?? 0;
      if (!redirectStatuses.has(status) || location === undefined || outgoing.redirect === 'manual') {
        return response;
      }
      response.resume();
      if (outgoing.redirect === 'error' || redirects >= maxRedirects) {
        throw new TypeError('fetch failed', {
          cause: new Error(
            outgoing.redirect === 'error'
              ? `redirected to ${redactUrl(location)} with redirect: 'error'`
              : `more than ${maxRedirects} redirects`,
          ),
        });
      }
      followRedirect(outgoing, status, location);
    }
  }

  return Object.assign(nodeFetch, { [rawHttpFetch]: rawFetch }) as typeof globalThis.fetch;
}

/** One keep-alive agent per protocol. */
interface Agents {
  'http:': HttpAgent;
  'https:': HttpsAgent;
}

/** Sends one request (no redirects followed) and resolves with its response, the body unread. */
function send(outgoing: Outgoing, agents: Agents): Promise<IncomingMessage> {
  const { url, method, headers, body, signal } = outgoing;
  const requestFn = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const sent: OutgoingHttpHeaders = { ...headers };
  if (body !== undefined) sent['content-length'] = body.byteLength;
  else if (method !== 'GET' && method !== 'HEAD') sent['content-length'] = 0;
  return new Promise<IncomingMessage>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const request = requestFn(url, { method, headers: sent, agent: agents[url.protocol as 'http:' | 'https:'] });
    const onAbort = () => {
      request.destroy();
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    request.once('response', (response) => {
      signal?.removeEventListener('abort', onAbort);
      resolve(response);
    });
    request.once('error', (error) => {
      signal?.removeEventListener('abort', onAbort);
      reject(signal?.aborted ? signal.reason : new TypeError('fetch failed', { cause: error }));
    });
    request.end(body);
  });
}

/** Reads a response's whole body (decoded when it was compressed), honouring the abort signal and size limit. */
function readIncoming(
  incoming: IncomingMessage,
  outgoing: Outgoing,
  maxBodyBytes: number,
): Promise<{ status: number; body: Buffer | null; decoded: boolean }> {
  const { signal } = outgoing;
  const status = incoming.statusCode ?? 0;
  const noBody = outgoing.method === 'HEAD' || nullBodyStatuses.has(status);
  const encoding = (incoming.headers['content-encoding'] ?? '').trim().toLowerCase();
  const decode = noBody ? undefined : decoders[encoding];
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      incoming.destroy();
      reject(signal?.aborted ? signal.reason : new TypeError('fetch failed', { cause: error }));
    };
    const onAbort = () => fail(signal?.reason);
    if (signal?.aborted) {
      onAbort();
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    incoming.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > maxBodyBytes) fail(tooLarge(maxBodyBytes));
      else chunks.push(chunk);
    });
    incoming.once('error', fail);
    // A connection closed before the body ended is an error, as in fetch.
    incoming.once('close', () => {
      if (!incoming.complete) fail(connectionClosed());
    });
    incoming.once('end', async () => {
      if (settled) return;
      if (!incoming.complete) {
        fail(connectionClosed());
        return;
      }
      try {
        let body: Buffer | null = noBody ? null : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
        // An empty body needs no decoding (and a decoder would call it truncated).
        if (decode && body && body.byteLength > 0) body = await decode(body, maxBodyBytes);
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        resolve({ status, body, decoded: decode !== undefined });
      } catch (error) {
        fail(error);
      }
    });
  });
}

/** The default {@link createNodeHttpFetch} instance (the MaxStudio client's default `fetch`). */
export const nodeHttpFetch: typeof globalThis.fetch = createNodeHttpFetch();

async function toOutgoing(input: RequestInfo | URL, init: RequestInit | undefined): Promise<Outgoing> {
  // A Request (what ky passes): read it. `init` then only carries options a Request does not know.
  const request =
    input instanceof Request
      ? init && ('method' in init || 'headers' in init || 'body' in init || 'signal' in init)
        ? new Request(input, init)
        : input
      : undefined;
  if (request) {
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      headers[name] = value;
    });
    headers['accept-encoding'] ??= 'gzip, deflate, br';
    return {
      url: new URL(request.url),
      method: request.method,
      headers,
      body: request.body === null ? undefined : Buffer.from(await request.arrayBuffer()),
      signal: request.signal,
      redirect: request.redirect,
    };
  }
  const body = init?.body;
  if (body !== undefined && body !== null && typeof body !== 'string' && !(body instanceof Uint8Array)) {
    // FormData, streams, blobs...: let the Request class encode them.
    return toOutgoing(new Request(input as string | URL, init), undefined);
  }
  const headers = headerRecord(init?.headers);
  if (typeof body === 'string') headers['content-type'] ??= 'text/plain;charset=UTF-8';
  headers['accept-encoding'] ??= 'gzip, deflate, br';
  return {
    url: new URL(typeof input === 'string' ? input : input.toString()),
    method: (init?.method ?? 'GET').toUpperCase(),
    headers,
    body: body === undefined || body === null ? undefined : Buffer.from(body),
    signal: init?.signal ?? undefined,
    redirect: init?.redirect ?? 'follow',
  };
}

/**
 * Request headers as a record with lower-case names. A plain object of strings (what the MaxStudio client passes) is
 * copied directly; anything else goes through `Headers`, which also validates it. Repeated names are joined with
 * `, ` as `Headers` does.
 */
const httpWhitespaceAtEnds = /^[\t\n\r ]+|[\t\n\r ]+$/g;

function headerRecord(init: HeadersInit | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  const proto = init === null || typeof init !== 'object' ? undefined : Object.getPrototypeOf(init);
  if (proto === Object.prototype || proto === null) {
    for (const [name, value] of Object.entries(init as Record<string, unknown>)) {
      if (typeof value !== 'string') return headerRecordViaHeaders(init);
      const key = name.toLowerCase();
      const trimmed = value.replace(httpWhitespaceAtEnds, '');
      const previous = headers[key];
      headers[key] = previous === undefined ? trimmed : `${previous}, ${trimmed}`;
    }
    return headers;
  }
  return headerRecordViaHeaders(init);
}

function headerRecordViaHeaders(init: HeadersInit | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  new Headers(init).forEach((value, name) => {
    headers[name] = value;
  });
  return headers;
}

/** Applies a redirect the way fetch does. */
function followRedirect(outgoing: Outgoing, status: number, location: string): void {
  const next = new URL(location, outgoing.url);
  if (next.protocol !== 'http:' && next.protocol !== 'https:') {
    throw new TypeError('fetch failed', { cause: new Error(`redirected to a ${next.protocol} URL`) });
  }
  if (status === 303 || ((status === 301 || status === 302) && outgoing.method === 'POST')) {
    if (outgoing.method !== 'HEAD') outgoing.method = 'GET';
    outgoing.body = undefined;
    for (const name of ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location'])
      delete outgoing.headers[name];
  }
  if (next.origin !== outgoing.url.origin) {
    for (const name of credentialHeaders) delete outgoing.headers[name];
  }
  outgoing.url = next;
}

/** A URL for messages, without its query (signed URLs carry credentials there). */
function redactUrl(location: string): string {
  return location.replace(/[?#].*$/, '');
}
