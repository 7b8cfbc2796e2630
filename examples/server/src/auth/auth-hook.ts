import type { FastifyRequest } from 'fastify';
import { HttpProblem } from '../errors/http-problem.js';
import { type AccountStore, type KeyScope, scopeAllows } from './account-store.js';
import './caller.js';

const bearerPattern = /^Bearer\s+(\S+)\s*$/i;
const protocolPrefix = 'studio-key.';

/**
 * The key a request presents: `Authorization: Bearer <key>`, or (WebSocket clients in browsers) a
 * `Sec-WebSocket-Protocol` entry `studio-key.<key>`. Never from the URL.
 */
export function presentedKey(request: FastifyRequest): string | undefined {
  const authorization = request.headers.authorization;
  if (typeof authorization === 'string') return bearerPattern.exec(authorization)?.[1];
  const protocols = request.headers['sec-websocket-protocol'];
  if (typeof protocols === 'string') {
    for (const entry of protocols.split(',')) {
      const trimmed = entry.trim();
      if (trimmed.startsWith(protocolPrefix)) return trimmed.slice(protocolPrefix.length);
    }
  }
  return undefined;
}

/** The scope a route needs: its `config.scope`, else `read` for GET/HEAD and `write` for the rest. */
export function requiredScope(request: FastifyRequest): KeyScope {
  const configured = request.routeOptions.config?.scope;
  if (configured) return configured;
  return request.method === 'GET' || request.method === 'HEAD' ? 'read' : 'write';
}

/**
 * The `onRequest` hook of every `/v1` route (but routes with `config.public`): 401 without a key or with an unknown or
 * revoked one, 403 when the key's scope is too small; sets `request.caller`.
 */
export function authHook(accounts: AccountStore) {
  return async function authenticate(request: FastifyRequest): Promise<void> {
    if (request.routeOptions.config?.public) return;
    const secret = presentedKey(request);
    if (!secret) {
      throw new HttpProblem(401, 'Unauthorized', 'Send an API key: `Authorization: Bearer msk_...`.');
    }
    const caller = await accounts.authenticate(secret);
    if (!caller) {
      throw new HttpProblem(401, 'Unauthorized', 'The API key is unknown or revoked: create a new one.');
    }
    const needs = requiredScope(request);
    if (!scopeAllows(caller.key.scope, needs)) {
      throw new HttpProblem(
        403,
        'Forbidden',
        `This API key has the "${caller.key.scope}" scope; this route needs "${needs}". Use a key with that scope.`,
      );
    }
    request.caller = caller;
  };
}
