import { createHash } from 'node:crypto';

/** The part of a smithy HttpRequest that the middlewares touch. */
interface RequestLike {
  headers: Record<string, string>;
  query?: Record<string, string | string[] | null>;
  body?: unknown;
}

/** The subset of a command's middleware stack used here (a build-step middleware, as on every @aws-sdk/client-s3 command). */
interface MiddlewareStackLike {
  add(
    middleware: (
      next: (args: { request: unknown }) => Promise<unknown>,
    ) => (args: { request: unknown }) => Promise<unknown>,
    options: { step: 'build'; name: string; priority?: 'high' | 'normal' | 'low'; override?: boolean },
  ): void;
}

function asRequest(request: unknown): RequestLike | undefined {
  if (typeof request !== 'object' || request === null) return undefined;
  const headers = (request as { headers?: unknown }).headers;
  return typeof headers === 'object' && headers !== null ? (request as RequestLike) : undefined;
}

/**
 * Adds `Content-MD5` to a command's request. S3 requires an integrity header on DeleteObjects; recent SDKs send only
 * a CRC32 there, which OpenStack Swift (and older S3-compatible servers) refuse. AWS accepts both.
 *
 * @internal
 */
export function addContentMd5(commandStack: object): void {
  (commandStack as MiddlewareStackLike).add(
    (next) => async (args) => {
      const request = asRequest(args.request);
      const body = request?.body;
      if (request && (typeof body === 'string' || body instanceof Uint8Array)) {
        const has = Object.keys(request.headers).some((name) => name.toLowerCase() === 'content-md5');
        if (!has) request.headers['content-md5'] = createHash('md5').update(body).digest('base64');
      }
      return next(args);
    },
    { step: 'build', name: 'modelStudioContentMd5', priority: 'low', override: true },
  );
}

/**
 * Removes flexible-checksum headers from a request that is being presigned. With an SDK left at its default
 * `requestChecksumCalculation: 'WHEN_SUPPORTED'`, a presigned PUT carries the CRC32 of an EMPTY body, and real AWS S3
 * then refuses the uploader's non-empty body. S3Storage's own client is configured `WHEN_REQUIRED`; this also protects
 * injected clients.
 *
 * @internal
 */
export function stripPresignChecksums(commandStack: object): void {
  (commandStack as MiddlewareStackLike).add(
    (next) => async (args) => {
      const request = asRequest(args.request);
      if (request) {
        for (const name of Object.keys(request.headers)) {
          const lower = name.toLowerCase();
          if (lower.startsWith('x-amz-checksum-') || lower === 'x-amz-sdk-checksum-algorithm')
            delete request.headers[name];
        }
        for (const name of Object.keys(request.query ?? {})) {
          const lower = name.toLowerCase();
          if (lower.startsWith('x-amz-checksum-') || lower === 'x-amz-sdk-checksum-algorithm')
            delete request.query?.[name];
        }
      }
      return next(args);
    },
    { step: 'build', name: 'modelStudioStripPresignChecksums', priority: 'low', override: true },
  );
}
