import { type ConsentRecord, storageKeys } from '@model-studio/core';
import type { JobRecord } from '@model-studio/jobs';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemResponses } from '../errors/problem-schema.js';
import type { ServerContext, ServerStudio } from '../server-context.js';
import { consentSchema, modelListSchema, modelOverviewSchema, modelSummarySchema } from './model-schemas.js';
import { modelParams, withOwnedStudio, withStudio } from './route-helpers.js';

const tags = ['models'];

/** Fifteen minutes: the lifetime of a card's thumbnail link. */
const thumbnailExpiresIn = 900;

/** `work` over `items`, at most `concurrency` at a time, answers in the order of `items`. */
async function mapLimited<T, R>(items: readonly T[], concurrency: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const answers: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < items.length; index = next++) answers[index] = await work(items[index] as T);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return answers;
}

/** The newest job of each of `models` that `owner` asked for (one read of the queue for the whole page). */
async function newestJobs(context: ServerContext, owner: string, models: Set<string>): Promise<Map<string, JobRecord>> {
  const newest = new Map<string, JobRecord>();
  for (const job of await context.queue.list({ owner })) {
    if (models.has(job.model) && !newest.has(job.model)) newest.set(job.model, job);
  }
  return newest;
}

/** The longest side of a card's thumbnail, in pixels (a card is 300-480 px wide, its picture 4:3). */
const thumbnailSide = 400;

/**
 * A short-lived signed link to a small copy of the model's first source photo (`models/<model>/thumbnails/`, made
 * once with the studio's image processor and kept: it goes with the model's data when that is deleted), or to the
 * photo itself when no small copy can be made. No new copy is made for a model whose consent is revoked, and one made
 * while consent was being revoked is deleted again.
 */
async function thumbnailLink(
  { workspace, imageProcessor }: ServerStudio,
  model: string,
  revoked: boolean,
): Promise<{ url: string; expiresAt: string } | undefined> {
  const storage = workspace.storage;
  const [first] = await workspace.sourceNumbers(model);
  if (first === undefined || typeof storage.signedUrl !== 'function') return undefined;
  const source = storageKeys.source(model, first);
  const small = `${storageKeys.modelPrefix(model)}thumbnails/${source.slice(source.lastIndexOf('/') + 1)}`;
  let key = (await storage.head(small)) ? small : source;
  if (key === source && imageProcessor && !revoked) {
    try {
      const bytes = new Uint8Array(await new Response(await storage.get(source)).arrayBuffer());
      const side = { width: thumbnailSide, height: thumbnailSide };
      await storage.put(small, await imageProcessor.resize(bytes, side), { contentType: 'image/jpeg' });
      if ((await workspace.getModel(model)).consent?.revokedAt !== undefined) await storage.delete([small]);
      else key = small;
    } catch {
      // The photo itself serves (a source deleted meanwhile signs a link that answers 404).
    }
  }
  const expiresAt = new Date((Math.floor(Date.now() / 1000) + thumbnailExpiresIn) * 1000).toISOString();
  return { url: await storage.signedUrl(key, { method: 'GET', expiresIn: thumbnailExpiresIn }), expiresAt };
}

/**
 * What a card shows of a model, from the library's read-only verbs: `workspace.overview` (files per rating, consent),
 * `studio.costs` (spend so far), a thumbnail link ({@link thumbnailLink}) and the newest job given.
 */
async function modelCard(
  opened: ServerStudio,
  model: string,
  lastJob: JobRecord | undefined,
  options: { thumbnail?: boolean } = {},
) {
  const [overview, costs] = await Promise.all([
    opened.workspace.overview(model),
    opened.studio.costs(model, { by: [] }),
  ]);
  const thumbnail =
    options.thumbnail === false ? undefined : await thumbnailLink(opened, model, overview.consent === 'revoked');
  const { name: _, ...counts } = overview;
  return {
    ...counts,
    costs: costs.summary.totals.map(({ unitOfAccount, actual, reserved, uncertain, estimate }) => ({
      unitOfAccount,
      actual,
      reserved,
      uncertain,
      estimate,
    })),
    ...(lastJob && {
      lastJob: { id: lastJob.id, type: lastJob.type, state: lastJob.state, createdAt: lastJob.createdAt },
    }),
    ...(thumbnail && { thumbnail }),
  };
}

/**
 * Models and consent: `GET/POST /v1/models` (the list pages, with the cards' summaries on request),
 * `GET /v1/models/:model`, consent get/put/revoke.
 */
export async function modelRoutes(app: FastifyInstance, context: ServerContext): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  routes.get(
    '/models',
    {
      schema: {
        tags,
        summary: 'List your models (a page in name order; with `include=summary`, what a dashboard card shows)',
        querystring: z.object({
          include: z
            .enum(['summary'])
            .optional()
            .describe('`summary`: each model with its counts, spend, consent, last job and a thumbnail link.'),
          limit: z.coerce.number().int().min(1).max(200).default(50).describe('Models per page (default 50).'),
          cursor: z.string().max(64).optional().describe('The `nextCursor` of the page before.'),
        }),
        response: { 200: modelListSchema, ...problemResponses },
      },
    },
    async (request) => {
      const { include, limit, cursor } = request.query;
      const owner = request.caller.user.id;
      const names = (await context.accounts.listModels(owner)).sort().filter((name) => !cursor || name > cursor);
      const page = names.slice(0, limit);
      const nextCursor = names.length > limit ? page.at(-1) : undefined;
      const base = { ...(nextCursor && { nextCursor }), sandbox: context.provider.sandbox };
      if (include !== 'summary') return { models: page.map((name) => ({ name })), ...base };
      return withStudio(context, async (opened) => {
        const lastJobs = await newestJobs(context, owner, new Set(page));
        const models = await mapLimited(page, 8, async (name) => ({
          name,
          summary: await modelCard(opened, name, lastJobs.get(name)),
        }));
        return { models, ...base };
      });
    },
  );
  routes.post(
    '/models',
    {
      schema: {
        tags,
        summary: 'Create a model (you own it)',
        body: z.object({
          name: modelParams.shape.model,
          settings: z
            .record(z.string(), z.unknown())
            .optional()
            .describe(
              'Model settings (trigger word, class word, thresholds...), as `studio models create` takes them.',
            ),
        }),
        response: { 201: modelSummarySchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const { name, settings } = request.body;
      await withStudio(context, ({ workspace }) =>
        workspace.createModel(name, settings as Parameters<typeof workspace.createModel>[1]),
      );
      await context.accounts.setModelOwner(name, request.caller.user.id);
      reply.code(201);
      return { name, createdAt: new Date().toISOString() };
    },
  );
  routes.get(
    '/models/:model',
    {
      schema: {
        tags,
        summary: 'Overview: files per rating, spend so far, consent state, last job',
        params: modelParams,
        response: { 200: modelOverviewSchema, ...problemResponses },
      },
    },
    async (request) => {
      const { model } = request.params;
      return withOwnedStudio(context, request, model, async (opened) => {
        const [lastJob] = await context.queue.list({ model, owner: request.caller.user.id });
        const { thumbnail: _, ...card } = await modelCard(opened, model, lastJob, { thumbnail: false });
        return { name: model, ...card, sandbox: opened.sandbox };
      });
    },
  );
  await consentRoutes(app, context);
}

async function consentRoutes(app: FastifyInstance, context: ServerContext): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const consentResponse = z.object({ consent: consentSchema.nullable() });
  routes.get(
    '/models/:model/consent',
    {
      schema: {
        tags,
        summary: "The model's consent record (null when none is recorded)",
        params: modelParams,
        response: { 200: consentResponse, ...problemResponses },
      },
    },
    async (request) =>
      withOwnedStudio(context, request, request.params.model, async ({ workspace }) => ({
        consent: (await workspace.getModel(request.params.model)).consent ?? null,
      })),
  );
  routes.put(
    '/models/:model/consent',
    {
      schema: {
        tags,
        summary: "Record the subject's consent (who, adult attestation, ratings, uses, evidence)",
        params: modelParams,
        body: consentSchema.omit({ revokedAt: true, revokedReason: true }),
        response: { 200: consentResponse, ...problemResponses },
      },
    },
    async (request) =>
      withOwnedStudio(context, request, request.params.model, async ({ workspace }) => ({
        consent: (await workspace.setConsent(request.params.model, request.body as ConsentRecord)).consent ?? null,
      })),
  );
  routes.post(
    '/models/:model/consent/revoke',
    {
      schema: {
        tags,
        summary: 'Revoke consent: stops further processing; `deleteData` also deletes the model data everywhere',
        params: modelParams,
        body: z.object({
          reason: z.string().min(1).max(2000),
          deleteData: z.boolean().default(false),
          waitForRunMs: z.number().int().min(0).max(120_000).default(0),
        }),
        response: {
          200: z.object({ consent: consentSchema.nullable(), deletedKeys: z.number().int() }),
          ...problemResponses,
        },
      },
    },
    async (request) =>
      withOwnedStudio(context, request, request.params.model, async ({ workspace }) => {
        const result = await workspace.revokeConsent(request.params.model, request.body);
        return { consent: result.config.consent ?? null, deletedKeys: result.deletedKeys };
      }),
  );
}
