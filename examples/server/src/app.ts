import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import { fileCountLimit } from './app-limits.js';
import { authHook } from './auth/auth-hook.js';
import { HttpProblem } from './errors/http-problem.js';
import { problemErrorHandler, problemFor, sendProblem } from './errors/problem-details.js';
import { jobRoutes } from './jobs/job-routes.js';
import { eventRoutes } from './live/event-routes.js';
import { generateRequestId } from './request-id.js';
import { apiRoutes } from './routes/api-routes.js';
import type { ServerContext } from './server-context.js';
import { webAssets } from './web-assets.js';
import { webhookRoutes } from './webhooks/webhook-routes.js';

const openApiInfo = {
  title: 'AI Model Studio server',
  description:
    'The example REST server over the AI Model Studio packages: models, consent, sources and targets, estimate, runs ' +
    '(jobs), results (signed download URLs), captions, datasets, trainings and LoRA versions. Every `/v1` route but ' +
    '`/v1/health` needs `Authorization: Bearer <API key>`. Errors are RFC 9457 problem details.',
  version: '0.1.0',
};

async function registerDocs(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: openApiInfo,
      components: {
        securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An API key: `msk_...`.' } },
      },
      security: [{ apiKey: [] }],
    },
    transform: (input) => {
      const output = jsonSchemaTransform(input);
      const multipartBody = (input.route.config as { multipartBody?: Record<string, unknown> } | undefined)
        ?.multipartBody;
      if (!multipartBody) return output;
      return { ...output, schema: { ...output.schema, consumes: ['multipart/form-data'], body: multipartBody } };
    },
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}

/**
 * Builds the Fastify app (without listening): the zod type provider, OpenAPI document at `/openapi.json` and Swagger
 * UI at `/docs`, request ids (`x-request-id`), problem details, multipart uploads, and under `/v1`
 * the auth hook, per-key rate limits, the API routes and the job, event and webhook routes.
 */
export async function buildServer(context: ServerContext): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: context.logger,
    genReqId: generateRequestId,
    bodyLimit: 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(problemErrorHandler(context.config.secrets));
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      problemFor(
        new HttpProblem(404, 'NotFound', `No route ${request.method} ${request.url.split('?')[0]}: see /docs.`),
        request,
        context.config.secrets,
      ),
    ),
  );
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  await registerDocs(app);
  await app.register(multipart, {
    limits: { fileSize: context.config.uploadMaxBytes, files: fileCountLimit, parts: fileCountLimit + 20, fields: 20 },
  });
  await app.register(
    async (v1) => {
      v1.addHook('onRequest', authHook(context.accounts));
      // Another user's model is a 404 before its body is even validated: nothing tells that it exists.
      v1.addHook('preValidation', async (request) => {
        const model = (request.params as { model?: unknown } | undefined)?.model;
        if (typeof model === 'string' && request.caller) {
          await context.accounts.assertModelOwner(model, request.caller.user.id);
        }
      });
      await v1.register(rateLimit, {
        max: context.config.rateLimit.max,
        timeWindow: context.config.rateLimit.timeWindowMs,
        hook: 'preHandler',
        keyGenerator: (request) => request.caller?.key.id ?? request.ip,
        errorResponseBuilder: (_request, limit) =>
          new HttpProblem(429, 'RateLimited', `Too many requests for this API key: retry after ${limit.after}.`),
      });
      await apiRoutes(v1, context);
      await jobRoutes(v1, context);
      await eventRoutes(v1, context);
      await webhookRoutes(v1, context);
    },
    { prefix: '/v1' },
  );
  await app.register(webAssets);
  return app;
}
