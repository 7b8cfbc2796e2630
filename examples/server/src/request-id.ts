import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const safeRequestId = /^[A-Za-z0-9._:-]{1,128}$/;

/** Fastify's `genReqId`: the caller's `x-request-id` when it is short and safe to log, else a new UUID. */
export function generateRequestId(request: IncomingMessage): string {
  const presented = request.headers['x-request-id'];
  return typeof presented === 'string' && safeRequestId.test(presented) ? presented : randomUUID();
}
