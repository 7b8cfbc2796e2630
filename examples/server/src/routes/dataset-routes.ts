import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemResponses } from '../errors/problem-schema.js';
import type { ServerContext } from '../server-context.js';
import { modelParams, withOwnedStudio } from './route-helpers.js';

const tags = ['training'];
const versionSchema = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,40}$/, 'a version is like v1');

const datasetSchema = z
  .object({
    model: z.string(),
    version: z.string(),
    prefix: z.string(),
    manifestKey: z.string(),
    archiveKey: z.string(),
    selected: z.array(z.string()),
    rejected: z.array(z.object({ name: z.string(), reason: z.string(), detail: z.string().optional() })),
    alreadyBuilt: z.boolean().optional(),
  })
  .meta({ id: 'Dataset' });

/** Datasets (`POST/GET /v1/models/:model/datasets`) and `POST .../trainings/preflight`. */
export async function datasetRoutes(app: FastifyInstance, context: ServerContext): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  routes.post(
    '/models/:model/datasets',
    {
      schema: {
        tags,
        summary: 'Build a dataset version from the captioned, scored results (images + captions + manifest)',
        params: modelParams,
        body: z.object({
          version: versionSchema.default('v1'),
          ratings: z.array(z.string()).optional(),
          minScore: z.number().min(0).max(1).optional(),
          allowUnreviewed: z.boolean().optional(),
          family: z.string().optional().describe('The base model family, e.g. `flux`, `sdxl`.'),
          repeats: z.number().int().min(1).optional(),
        }),
        response: { 201: datasetSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const { model } = request.params;
      const { version, ratings, minScore, allowUnreviewed, family, repeats } = request.body;
      const summary = await withOwnedStudio(context, request, model, ({ studio }) =>
        studio.buildDataset(model, {
          version,
          ...(ratings && { ratings }),
          ...(minScore !== undefined && { minScore }),
          ...(allowUnreviewed && { allowUnreviewed }),
          config: { ...(family && { family }), ...(repeats !== undefined && { repeats }) },
        }),
      );
      reply.code(201);
      return summary;
    },
  );
  routes.get(
    '/models/:model/datasets',
    {
      schema: {
        tags,
        summary: "The model's built dataset versions",
        params: modelParams,
        response: { 200: z.object({ datasets: z.array(datasetSchema) }), ...problemResponses },
      },
    },
    async (request) => {
      const { model } = request.params;
      return withOwnedStudio(context, request, model, async ({ workspace }) => {
        const lora = await import('@model-studio/lora-trainer');
        const builder = lora.createDatasetBuilder();
        const prefix = `models/${model}/datasets/`;
        const versions = new Set<string>();
        for await (const info of workspace.storage.list({ prefix })) {
          const version = info.key.slice(prefix.length).split('/')[0];
          if (version) versions.add(version);
        }
        const datasets = [];
        for (const version of [...versions].sort()) {
          const summary = await builder.read?.(workspace.storage, model, version);
          if (summary) datasets.push(summary);
        }
        return { datasets };
      });
    },
  );
  await preflightRoute(app, context);
}

async function preflightRoute(app: FastifyInstance, context: ServerContext): Promise<void> {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/models/:model/trainings/preflight',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: 'The checks before paying: config validity, images and captions, LoRA size, GPU memory, cost',
        params: modelParams,
        body: z.object({
          dataset: versionSchema.default('v1'),
          engine: z.enum(['simpletuner', 'ai-toolkit']).default('simpletuner'),
          steps: z.number().int().min(1).optional(),
          rank: z.number().int().min(1).optional(),
        }),
        response: {
          200: z
            .object({
              ok: z.boolean(),
              engine: z.string(),
              findings: z.array(z.looseObject({ severity: z.string(), message: z.string() })),
              estimates: z.record(z.string(), z.union([z.number(), z.string()])),
            })
            .meta({ id: 'Preflight' }),
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const { model } = request.params;
      const { dataset, engine, steps, rank } = request.body;
      return withOwnedStudio(context, request, model, async ({ workspace }) => {
        const lora = await import('@model-studio/lora-trainer');
        const settings = (await workspace.getModel(model)).settings;
        const setup = await lora.loadTrainingSetup({
          storage: workspace.storage,
          model,
          dataset,
          engine,
          trigger: settings.triggerWord,
          classWord: settings.classWord,
          ...(steps !== undefined && { steps }),
          ...(rank !== undefined && { rank }),
          buildHint: `POST /v1/models/${model}/datasets`,
        });
        const report = await lora.runPreflight(setup.preflight);
        return {
          ok: report.ok,
          engine,
          findings: report.findings.map((finding) => ({ ...finding })),
          estimates: Object.fromEntries(Object.entries(report.estimates).filter(([, value]) => value !== undefined)),
        };
      });
    },
  );
}
