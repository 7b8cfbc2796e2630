import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServerContext } from '../server-context.js';

const healthSchema = z
  .object({
    status: z.literal('ok'),
    sandbox: z.boolean().describe('True when results come from sandboxes (no real provider is configured): SANDBOX.'),
    provider: z.string().describe('The face-swap provider, e.g. `MaxStudio sandbox (in-process ...)`.'),
    queue: z.string().describe('`embedded` or `bullmq`.'),
  })
  .meta({ id: 'Health' });

/** `GET /v1/health`: no key needed. */
export async function healthRoute(app: FastifyInstance, context: ServerContext) {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/health',
    {
      config: { public: true },
      schema: {
        tags: ['server'],
        summary: 'Whether the server is up, and whether it runs on sandboxes',
        security: [],
        response: { 200: healthSchema },
      },
    },
    async () => ({
      status: 'ok' as const,
      sandbox: context.provider.sandbox,
      provider: context.provider.sandbox ? `SANDBOX: ${context.provider.label}` : context.provider.label,
      queue: context.queue.kind,
    }),
  );
}
