import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../server-context.js';
import { healthRoute } from './health-route.js';

/** Every route of the API engineer's table, registered under `/v1`. */
export async function apiRoutes(app: FastifyInstance, context: ServerContext): Promise<void> {
  await healthRoute(app, context);
}
