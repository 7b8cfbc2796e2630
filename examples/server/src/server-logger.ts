import { type DestinationStream, type Logger, pino } from 'pino';

/** Query parameters that carry signatures or secrets; their values are replaced by `***` in logged URLs. */
const secretQueryParameters =
  /([?&](?:x-amz-signature|x-amz-credential|x-amz-security-token|sig|signature|token|key|api_key|apikey)=)[^&#]*/gi;

/** Removes signatures and secrets from a URL's query string. */
export function redactUrl(url: string): string {
  return url.replace(secretQueryParameters, '$1***');
}

/** Paths pino replaces with `[redacted]`: credentials in headers, and any `key`/`token`/`secret` field. */
export const redactedPaths = [
  'req.headers.authorization',
  'req.headers["sec-websocket-protocol"]',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers["sec-websocket-protocol"]',
  'headers.cookie',
  'key',
  'token',
  'secret',
  'apiKey',
  'password',
  '*.key',
  '*.token',
  '*.secret',
  '*.apiKey',
  '*.password',
  '*.*.key',
  '*.*.token',
  '*.*.secret',
  '*.*.apiKey',
];

/**
 * The server's pino logger: level from the config, secrets redacted (headers, `key`/`token`/`secret` fields, URL
 * signatures). Pass `stream` to capture the lines (tests).
 */
export function createServerLogger(options: { level: string; stream?: DestinationStream }): Logger {
  const settings = {
    level: options.level,
    redact: { paths: redactedPaths, censor: '[redacted]' },
    serializers: {
      req(request: { method?: string; url?: string; id?: unknown; ip?: string; hostname?: string }) {
        return {
          id: request.id,
          method: request.method,
          url: request.url === undefined ? undefined : redactUrl(request.url),
          host: request.hostname,
          remoteAddress: request.ip,
        };
      },
    },
  };
  return options.stream ? pino(settings, options.stream) : pino(settings);
}
