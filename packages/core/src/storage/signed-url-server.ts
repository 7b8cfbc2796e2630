import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { NotFoundError, StorageError, ValidationError } from '../errors/index.js';
import type { StorageObjectInfo } from '../interfaces/index.js';
import { type ChunkSource, nodeStreamSource } from './chunk-source.js';
import type { OpenFile } from './open-file.js';
import { assertStorageKey } from './storage-key.js';

/** Signed URL settings with defaults applied. @internal */
export interface SignedUrlSettings {
  host: string;
  port: number;
  secret: Uint8Array;
  defaultExpiresIn: number;
  maxExpiresIn: number;
}

/** What the URL server needs from its storage. @internal */
export interface SignedUrlBackend {
  /** Opens a key for reading, or `undefined` when it is missing. */
  open(key: string): Promise<{ file: OpenFile; info: StorageObjectInfo } | undefined>;
  /** Writes a key atomically from a stream of chunks. */
  write(key: string, source: ChunkSource): Promise<StorageObjectInfo>;
}

/** What a signed URL grants. @internal */
export interface SignedGrant {
  method: 'GET' | 'PUT';
  key: string;
  /** Unix time, in seconds, after which the URL is refused. */
  expires: number;
  /** For PUT: the Content-Type the upload must carry; `''` for any. */
  contentType: string;
}

/** HMAC-SHA256 (hex) over everything a URL grants. Changing any part of the URL invalidates it. @internal */
export function signGrant(secret: Uint8Array, grant: SignedGrant): string {
  const payload = ['model-studio-local-v1', grant.method, grant.key, String(grant.expires), grant.contentType].join(
    '\n',
  );
  return createHmac('sha256', secret).update(payload).digest('hex');
}

function signatureMatches(secret: Uint8Array, grant: SignedGrant, signature: string): boolean {
  if (!/^[0-9a-f]{64}$/.test(signature)) return false;
  return timingSafeEqual(Buffer.from(signGrant(secret, grant), 'hex'), Buffer.from(signature, 'hex'));
}

function encodeKey(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

/** Files up to this size are served from one buffer instead of a stream. */
const smallFileBytes = 1024 * 1024;

/** Reads the `size` bytes a small file had when opened (fewer if it shrank since). */
async function readWhole(file: OpenFile, size: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(size);
  let filled = 0;
  while (filled < size) {
    const bytesRead = await file.read(buffer, filled, size - filled, filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled === size ? buffer : buffer.subarray(0, filled);
}

/** Sends a short plain-text answer and closes the connection (the request body may be unread). */
function reply(res: ServerResponse, status: number, text: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = `${text}\n`;
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    connection: 'close',
  });
  res.end(body);
}

/** Parses the request target by hand: WHATWG URL parsing would resolve `..` and `%2e%2e` segments. */
function parseRequest(req: IncomingMessage): { grant: SignedGrant; signature: string } | string {
  const target = req.url ?? '/';
  const question = target.indexOf('?');
  const rawPath = question === -1 ? target : target.slice(0, question);
  const query = new URLSearchParams(question === -1 ? '' : target.slice(question + 1));
  let key: string;
  try {
    key = decodeURIComponent(rawPath.slice(1));
  } catch {
    return 'Malformed URL. Request a new signed URL.';
  }
  const method = query.get('method');
  const expires = query.get('expires');
  const signature = query.get('sig');
  if ((method !== 'GET' && method !== 'PUT') || !expires || !/^\d{1,12}$/.test(expires) || !signature) {
    return 'This URL is not signed. Request a signed URL from the storage.';
  }
  return { grant: { method, key, expires: Number(expires), contentType: query.get('type') ?? '' }, signature };
}

/**
 * The loopback HTTP server behind `LocalStorage.signedUrl`, started on first use.
 *
 * URLs look like `http://127.0.0.1:<port>/<key>?method=GET&expires=<unix seconds>&sig=<hex>` (plus `&type=<content
 * type>` for a PUT bound to a content type), where `sig` is the hex HMAC-SHA256, under the storage's secret, of the
 * lines `model-studio-local-v1`, method, key, expires and content type (`''` when unbound). The server answers:
 * - `GET`/`HEAD` on a GET URL: 200 with the file, `Content-Type` (from the extension), `Content-Length`, `ETag`;
 * - `PUT` on a PUT URL: the body is streamed to the key atomically, then 200 with `ETag`;
 * - 403 for a missing, wrong or tampered signature, a method the URL does not grant, an expired URL, or a PUT whose
 *   `Content-Type` differs from the signed one; 404 when the key does not exist; 400 for a bad key or body.
 *
 * @internal
 */
export class SignedUrlServer {
  readonly #settings: SignedUrlSettings;
  readonly #backend: SignedUrlBackend;
  #listening: Promise<{ server: Server; origin: string }> | undefined;

  constructor(settings: SignedUrlSettings, backend: SignedUrlBackend) {
    this.#settings = settings;
    this.#backend = backend;
  }

  /** A signed URL for `grant` minus its expiry, valid for `expiresIn` seconds (checked by the caller). */
  async sign(method: 'GET' | 'PUT', key: string, expiresIn: number, contentType: string): Promise<string> {
    const { origin } = await this.#start();
    const grant: SignedGrant = { method, key, expires: Math.ceil(Date.now() / 1000) + expiresIn, contentType };
    const query = new URLSearchParams({ method, expires: String(grant.expires) });
    if (contentType) query.set('type', contentType);
    query.set('sig', signGrant(this.#settings.secret, grant));
    return `${origin}/${encodeKey(key)}?${query}`;
  }

  /** Stops listening and drops open connections. The next {@link sign} starts the server again. */
  async close(): Promise<void> {
    const listening = this.#listening;
    this.#listening = undefined;
    if (!listening) return;
    const { server } = await listening.catch(() => ({ server: undefined }));
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  #start(): Promise<{ server: Server; origin: string }> {
    this.#listening ??= new Promise<{ server: Server; origin: string }>((resolve, reject) => {
      const { host, port } = this.#settings;
      const server = createServer((req, res) => {
        this.#handle(req, res).catch(() => reply(res, 500, 'Internal error.'));
      });
      server.once('error', (error: NodeJS.ErrnoException) => {
        this.#listening = undefined;
        reject(
          new StorageError(
            `LocalStorage could not start its signed URL server on ${host}:${port}: ${error.code ?? error.message}. Choose another signedUrls.port (0 picks a free one).`,
            { operation: 'signedUrl', backendCode: error.code, cause: error },
          ),
        );
      });
      server.listen(port, host, () => {
        // Serving URLs must not keep a process alive by itself; open connections still do.
        server.unref();
        const { port: bound } = server.address() as AddressInfo;
        const urlHost = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
        resolve({ server, origin: `http://${urlHost.includes(':') ? `[${urlHost}]` : urlHost}:${bound}` });
      });
    });
    return this.#listening;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const parsed = parseRequest(req);
    if (typeof parsed === 'string') return reply(res, 403, parsed);
    const { grant, signature } = parsed;
    if (!signatureMatches(this.#settings.secret, grant, signature)) {
      return reply(res, 403, 'Signature does not match. Request a new signed URL; do not edit it.');
    }
    const requested = req.method === 'HEAD' ? 'GET' : req.method;
    if (requested !== grant.method) return reply(res, 403, `This URL only allows ${grant.method}.`);
    if (grant.expires * 1000 <= Date.now()) return reply(res, 403, 'This URL has expired. Request a new signed URL.');
    try {
      assertStorageKey(grant.key);
    } catch {
      return reply(res, 400, 'Bad storage key.');
    }
    try {
      if (grant.method === 'GET') await this.#serveFile(grant.key, req, res);
      else await this.#receiveFile(grant, req, res);
    } catch (error) {
      if (NotFoundError.isInstance(error)) return reply(res, 404, 'Not found.');
      if (ValidationError.isInstance(error)) return reply(res, 400, error.message);
      if (StorageError.isInstance(error)) return reply(res, 500, `Storage error (${error.backendCode ?? 'unknown'}).`);
      throw error;
    }
  }

  async #serveFile(key: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const opened = await this.#backend.open(key);
    if (!opened) return reply(res, 404, 'Not found.');
    const { file, info } = opened;
    res.writeHead(200, {
      'content-type': info.contentType ?? 'application/octet-stream',
      'content-length': info.size,
      'last-modified': info.lastModified.toUTCString(),
      'cache-control': 'private, no-store',
      ...(info.etag ? { etag: `"${info.etag}"` } : {}),
    });
    if (req.method === 'HEAD') {
      file.close();
      res.end();
      return;
    }
    if (info.size <= smallFileBytes) {
      // One read and one write: a stream pipeline costs more than the bytes of a small image.
      let body: Buffer;
      try {
        body = await readWhole(file, info.size);
      } finally {
        file.close();
      }
      res.end(body);
      return;
    }
    // The client may hang up mid-download; that is not an error of ours.
    await pipeline(file.toReadStream(), res).catch(() => {});
  }

  async #receiveFile(grant: SignedGrant, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (grant.contentType && req.headers['content-type'] !== grant.contentType) {
      return reply(res, 403, `This URL only accepts Content-Type: ${grant.contentType}.`);
    }
    const info = await this.#backend.write(grant.key, nodeStreamSource(req));
    res.writeHead(200, { 'content-length': 0, ...(info.etag ? { etag: `"${info.etag}"` } : {}) });
    res.end();
  }
}
