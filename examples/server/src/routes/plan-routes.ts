import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemResponses } from '../errors/problem-schema.js';
import type { ServerContext } from '../server-context.js';
import { modelParams, withOwnedStudio } from './route-helpers.js';

const tags = ['runs'];

const planBody = z
  .object({
    ratings: z.array(z.string()).optional().describe('Default: every rating with targets that consent covers.'),
    sources: z.array(z.number().int().min(1)).optional().describe('Default: every source.'),
    targets: z.array(z.number().int().min(1)).optional().describe('Default: every target of each rating.'),
  })
  .default({});

const stateCounts = z.object({
  total: z.number().int(),
  done: z.number().int(),
  pending: z.number().int(),
  inFlight: z.number().int(),
  uncertain: z.number().int(),
  failed: z.number().int(),
});

const totalsSchema = z.object({
  unitOfAccount: z.string(),
  actual: z.number(),
  reserved: z.number(),
  uncertain: z.number(),
  estimate: z.number(),
  committed: z.number(),
});

/** `POST /v1/models/:model/estimate`, `GET .../status`, `GET .../costs`. */
export async function planRoutes(app: FastifyInstance, context: ServerContext): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  routes.post(
    '/models/:model/estimate',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: 'Plan a run and price it (nothing is paid or journaled)',
        params: modelParams,
        body: planBody,
        response: {
          200: z
            .object({
              units: z.number().int().describe('Units (source x target x rating) in the plan.'),
              ratings: z.array(z.string()),
              perOp: z.record(z.string(), z.object({ count: z.number(), amount: z.number(), unit: z.string() })),
              total: z.record(z.string(), z.number()),
              alreadyDone: z.number().int(),
              note: z.string(),
              sandbox: z.boolean(),
            })
            .meta({ id: 'Estimate' }),
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const { model } = request.params;
      return withOwnedStudio(context, request, model, async ({ studio, sandbox }) => {
        const plan = await studio.plan(model, request.body);
        const estimate = await studio.estimate(plan);
        return { units: plan.units.length, ratings: plan.ratings, ...estimate, sandbox };
      });
    },
  );
  routes.get(
    '/models/:model/status',
    {
      schema: {
        tags,
        summary: "The model's work from its journal: units and stages by state, in-flight jobs, failures",
        params: modelParams,
        response: {
          200: z
            .object({
              model: z.string(),
              units: stateCounts,
              stages: stateCounts,
              inFlight: z.array(
                z.object({ stageId: z.string(), unitId: z.string(), jobId: z.string(), op: z.string() }),
              ),
              uncertain: z.array(z.string()),
              failed: z.array(
                z.object({
                  unitId: z.string(),
                  stageId: z.string().optional(),
                  stage: z.string(),
                  code: z.string(),
                  message: z.string(),
                  retryable: z.boolean(),
                }),
              ),
            })
            .meta({ id: 'ModelStatus' }),
          ...problemResponses,
        },
      },
    },
    async (request) =>
      withOwnedStudio(context, request, request.params.model, async ({ studio }) => {
        const status = await studio.status(request.params.model);
        return { ...status, failed: status.failed.map((failure) => ({ ...failure })) };
      }),
  );
  routes.get(
    '/models/:model/costs',
    {
      schema: {
        tags,
        summary: "The model's cost ledger, summed per op and rating, with totals",
        params: modelParams,
        response: {
          200: z
            .object({
              model: z.string(),
              rows: z.array(totalsSchema.extend({ op: z.string().optional(), rating: z.string().optional() })),
              totals: z.array(totalsSchema),
              note: z.string().optional(),
              skippedLines: z.number().int(),
            })
            .meta({ id: 'ModelCosts' }),
          ...problemResponses,
        },
      },
    },
    async (request) =>
      withOwnedStudio(context, request, request.params.model, async ({ studio }) => {
        const costs = await studio.costs(request.params.model, { by: ['op', 'rating'] });
        return {
          model: costs.model,
          rows: costs.summary.rows,
          totals: costs.summary.totals,
          ...(costs.summary.note && { note: costs.summary.note }),
          skippedLines: costs.skippedLines,
        };
      }),
  );
}
