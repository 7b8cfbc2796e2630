import type { SharedLink } from '@model-studio/core';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemResponses } from '../errors/problem-schema.js';
import type { ServerContext } from '../server-context.js';
import { modelParams, withOwnedStudio } from './route-helpers.js';

const tags = ['results'];
const sevenDays = 604_800;

const linkSchema = z
  .object({
    name: z.string(),
    url: z.string().describe('Signed GET URL: anyone holding it can download the file until it expires.'),
    expiresAt: z.string(),
    stage: z.enum(['enhanced', 'swapped', 'source']),
    rating: z.string().optional(),
    storage: z.string().describe('The storage that signed it: `local` or `s3`.'),
    reachableFrom: z.enum(['internet', 'private-network', 'this-machine']),
  })
  .meta({ id: 'SignedLink' });

const stagesSchema = z
  .array(z.enum(['enhanced', 'swapped', 'source']))
  .min(1)
  .optional()
  .describe('Default: enhanced results.');

function linkView(link: SharedLink) {
  return {
    name: link.name,
    url: link.url,
    expiresAt: link.expiresAt.toISOString(),
    stage: link.stage,
    ...(link.rating !== undefined && { rating: link.rating }),
    storage: link.storage,
    reachableFrom: link.reachableFrom,
  };
}

const toList = (value: string | string[] | undefined) =>
  value === undefined ? undefined : (Array.isArray(value) ? value : value.split(',')).filter(Boolean);

/**
 * `GET /v1/models/:model/results` (the owner's short-lived download links: `studio.downloadLinks`) and
 * `POST /v1/models/:model/links` (share links up to 7 days: `studio.share`, needs `publish` consent). Files never
 * pass through the server.
 */
export async function resultRoutes(app: FastifyInstance, context: ServerContext): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  routes.get(
    '/models/:model/results',
    {
      schema: {
        tags,
        summary: 'Your results, each with a short-lived signed download URL from the storage that holds it',
        params: modelParams,
        querystring: z.object({
          expiresIn: z.coerce
            .number()
            .int()
            .min(1)
            .max(sevenDays)
            .default(900)
            .describe('Link lifetime in seconds: 15 minutes by default, up to 7 days.'),
          rating: z
            .union([z.string(), z.array(z.string())])
            .optional()
            .describe('Only these ratings (comma-separated).'),
          stage: z
            .union([z.string(), z.array(z.string())])
            .optional()
            .describe('`enhanced` (default), `swapped`, `source` (comma-separated).'),
        }),
        response: { 200: z.object({ results: z.array(linkSchema), sandbox: z.boolean() }), ...problemResponses },
      },
    },
    async (request) => {
      const { model } = request.params;
      const ratings = toList(request.query.rating);
      const stages = toList(request.query.stage) as ('enhanced' | 'swapped' | 'source')[] | undefined;
      return withOwnedStudio(context, request, model, async ({ studio, sandbox }) => ({
        results: (
          await studio.downloadLinks(model, {
            expiresIn: request.query.expiresIn,
            ...(ratings && { ratings }),
            ...(stages && { stages }),
          })
        ).map(linkView),
        sandbox,
      }));
    },
  );
  routes.post(
    '/models/:model/links',
    {
      schema: {
        tags,
        summary: 'Share links (7 days by default) to results: needs consent covering `publish`',
        params: modelParams,
        body: z
          .object({
            expiresIn: z.number().int().min(1).max(sevenDays).default(sevenDays),
            ratings: z.array(z.string()).optional(),
            stages: stagesSchema,
          })
          .default({ expiresIn: sevenDays }),
        response: { 200: z.object({ links: z.array(linkSchema) }), ...problemResponses },
      },
    },
    async (request) => {
      const { model } = request.params;
      const { expiresIn, ratings, stages } = request.body;
      return withOwnedStudio(context, request, model, async ({ studio }) => ({
        links: (await studio.share(model, { expiresIn, ...(ratings && { ratings }), ...(stages && { stages }) })).map(
          linkView,
        ),
      }));
    },
  );
}
