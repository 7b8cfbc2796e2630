import type { ConsentRecord } from '@model-studio/core';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemResponses } from '../errors/problem-schema.js';
import type { ServerContext } from '../server-context.js';
import { consentSchema, modelOverviewSchema, modelSummarySchema } from './model-schemas.js';
import { modelParams, withOwnedStudio, withStudio } from './route-helpers.js';

const tags = ['models'];

/** Models and consent: `GET/POST /v1/models`, `GET /v1/models/:model`, consent get/put/revoke. */
export async function modelRoutes(app: FastifyInstance, context: ServerContext): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  routes.get(
    '/models',
    {
      schema: {
        tags,
        summary: 'List your models',
        response: { 200: z.object({ models: z.array(modelSummarySchema) }), ...problemResponses },
      },
    },
    async (request) => ({
      models: (await context.accounts.listModels(request.caller.user.id)).map((name) => ({ name })),
    }),
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
      return withOwnedStudio(context, request, model, async ({ studio, workspace, sandbox }) => {
        const overview = await workspace.overview(model);
        const costs = await studio.costs(model, { by: [] });
        const [lastJob] = await context.queue.list({ model, owner: request.caller.user.id });
        return {
          ...overview,
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
          sandbox,
        };
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
