import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../server-context.js';
import { accountRoutes } from './account-routes.js';
import { captionRoutes } from './caption-routes.js';
import { creditsRoutes } from './credits-routes.js';
import { datasetRoutes } from './dataset-routes.js';
import { healthRoute } from './health-route.js';
import { loraRoutes } from './lora-routes.js';
import { modelRoutes } from './model-routes.js';
import { planRoutes } from './plan-routes.js';
import { resultRoutes } from './result-routes.js';
import { trainingSampleRoutes } from './training-sample-routes.js';
import { uploadRoutes } from './upload-routes.js';

/** Every route of the API engineer's table, registered under `/v1`. */
export async function apiRoutes(app: FastifyInstance, context: ServerContext): Promise<void> {
  await healthRoute(app, context);
  await accountRoutes(app, context);
  await modelRoutes(app, context);
  await uploadRoutes(app, context);
  await planRoutes(app, context);
  await resultRoutes(app, context);
  await creditsRoutes(app, context);
  await captionRoutes(app, context);
  await datasetRoutes(app, context);
  await loraRoutes(app, context);
  await trainingSampleRoutes(app, context);
}
