import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemResponses } from '../errors/problem-schema.js';
import type { ServerContext } from '../server-context.js';
import { webhookServices } from './webhook-services.js';
import { webhookEventTypes, withoutSecret } from './webhook-store.js';

const webhookSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.enum(webhookEventTypes)),
    description: z.string().optional(),
    createdAt: z.string(),
  })
  .meta({ id: 'Webhook' });

const createdSchema = webhookSchema
  .extend({
    secret: z
      .string()
      .describe(
        'The signing secret (`whsec_...`), shown only now: verify deliveries with it (Standard Webhooks headers).',
      ),
  })
  .meta({ id: 'CreatedWebhook' });

const createBody = z
  .object({
    url: z.url().describe('Where deliveries are POSTed (http or https).'),
    events: z
      .array(z.enum(webhookEventTypes))
      .min(1)
      .optional()
      .describe('The job ends to deliver (default: all of them).'),
    description: z.string().max(200).optional(),
  })
  .strict();

function view(webhook: ReturnType<typeof withoutSecret>): z.infer<typeof webhookSchema> {
  const { owner: _owner, ...rest } = webhook;
  return rest;
}

/**
 * `POST /v1/webhooks` (the secret shown once), `GET /v1/webhooks`, `DELETE /v1/webhooks/:id`, registered under
 * `/v1`: a user's webhooks, told when each of their jobs ends (completed, failed, stopped, cancelled) with a delivery
 * signed by the Standard Webhooks scheme and retried with backoff.
 */
export async function webhookRoutes(app: FastifyInstance, context: ServerContext): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const services = webhookServices(context);
  app.addHook('onClose', async () => {
    await services.dispatcher.close();
  });

  routes.post(
    '/webhooks',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Register a webhook for the ends of your jobs (its secret is shown once)',
        body: createBody,
        response: { 201: createdSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const store = await services.store();
      const input: Parameters<typeof store.create>[1] = { url: request.body.url };
      if (request.body.events) input.events = request.body.events;
      if (request.body.description) input.description = request.body.description;
      const created = await store.create(request.caller.user.id, input);
      return reply.code(201).send({ ...view(withoutSecret(created)), secret: created.secret });
    },
  );

  routes.get(
    '/webhooks',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Your webhooks (without secrets)',
        response: { 200: z.object({ webhooks: z.array(webhookSchema) }), ...problemResponses },
      },
    },
    async (request) => {
      const store = await services.store();
      return { webhooks: (await store.list(request.caller.user.id)).map((webhook) => view(withoutSecret(webhook))) };
    },
  );

  routes.delete(
    '/webhooks/:id',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Delete one of your webhooks',
        params: z.object({ id: z.string().min(1).max(100) }),
        response: { 204: z.null().describe('Deleted.'), ...problemResponses },
      },
    },
    async (request, reply) => {
      const store = await services.store();
      await store.delete(request.caller.user.id, request.params.id);
      return reply.code(204).send(null);
    },
  );
}
