import type { Caller, KeyScope } from './account-store.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who made the request (set by the auth hook on every `/v1` route but `/v1/health`). */
    caller: Caller;
  }
  interface FastifyContextConfig {
    /** The smallest key scope the route needs. @default `read` for GET/HEAD, `write` otherwise */
    scope?: KeyScope;
    /** No key needed (`/v1/health`). */
    public?: boolean;
    /** The multipart form's JSON schema, for the OpenAPI document (the handler reads the parts itself). */
    multipartBody?: Record<string, unknown>;
  }
}

export type { Caller };
