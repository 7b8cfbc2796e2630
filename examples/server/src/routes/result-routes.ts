import { parseResultName, type SharedLink, type Storage, storageKeys } from '@model-studio/core';
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

const targetLinkSchema = z
  .object({
    name: z.string().describe('The target photo, e.g. `andie-t003.jpg`.'),
    url: z.string().describe('Signed GET URL, as short-lived as the result link.'),
    expiresAt: z.string(),
  })
  .meta({ id: 'TargetLink' });

const resultLinkSchema = linkSchema
  .extend({
    target: targetLinkSchema
      .optional()
      .describe(
        'For a result (not a source): the target photo it was made from, for a before/after comparison; absent when ' +
          'that target is no longer stored or the storage cannot sign it.',
      ),
  })
  .meta({ id: 'ResultLink' });

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

type TargetLink = z.infer<typeof targetLinkSchema>;

/**
 * Signed GET links to the target photo of each result link (by result name), signed by the model's own storage (the
 * one targets are imported into). The key is built by the naming rules from the parsed result name, for this model
 * only: a name of another model, or a key outside `models/<model>/targets/`, is never signed; a target no longer
 * stored gets no link.
 */
async function targetLinks(
  storage: Storage,
  model: string,
  links: readonly SharedLink[],
  expiresIn: number,
): Promise<Map<string, TargetLink>> {
  const answer = new Map<string, TargetLink>();
  if (typeof storage.signedUrl !== 'function') return answer;
  const wanted = new Map<string, string[]>();
  for (const link of links) {
    const parts = link.stage === 'source' ? undefined : parseResultName(link.name);
    if (parts?.model !== model) continue;
    const key = storageKeys.target(model, parts.rating, parts.target);
    if (!key.startsWith(storageKeys.targetPrefix(model, parts.rating))) continue;
    wanted.set(key, [...(wanted.get(key) ?? []), link.name]);
  }
  const ratings = new Set([...wanted.keys()].map((key) => key.split('/').at(-2) as string));
  const stored = new Set<string>();
  for (const rating of ratings) {
    for await (const info of storage.list({ prefix: storageKeys.targetPrefix(model, rating) })) stored.add(info.key);
  }
  for (const [key, names] of wanted) {
    if (!stored.has(key)) continue;
    const expiresAt = new Date((Math.floor(Date.now() / 1000) + expiresIn) * 1000).toISOString();
    const url = await storage.signedUrl(key, { method: 'GET', expiresIn });
    for (const name of names) answer.set(name, { name: key.slice(key.lastIndexOf('/') + 1), url, expiresAt });
  }
  return answer;
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
        summary:
          'Your results, each with a short-lived signed download URL from the storage that holds it, and one of ' +
          'the target photo it was made from',
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
        response: {
          200: z.object({ results: z.array(resultLinkSchema), sandbox: z.boolean() }),
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const { model } = request.params;
      const ratings = toList(request.query.rating);
      const stages = toList(request.query.stage) as ('enhanced' | 'swapped' | 'source')[] | undefined;
      const { expiresIn } = request.query;
      return withOwnedStudio(context, request, model, async ({ studio, workspace, sandbox }) => {
        const links = await studio.downloadLinks(model, {
          expiresIn,
          ...(ratings && { ratings }),
          ...(stages && { stages }),
        });
        const targets = await targetLinks(workspace.storage, model, links, expiresIn);
        const results = links.map((link) => {
          const target = targets.get(link.name);
          return { ...linkView(link), ...(target && { target }) };
        });
        return { results, sandbox };
      });
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
