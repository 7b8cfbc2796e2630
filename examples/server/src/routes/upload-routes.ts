import { formatSourceName, formatTargetName, type ImportResult } from '@model-studio/core';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { fileCountLimit } from '../app-limits.js';
import { HttpProblem } from '../errors/http-problem.js';
import { problemResponses } from '../errors/problem-schema.js';
import type { ServerContext } from '../server-context.js';
import { readUploads, type Uploads } from './read-uploads.js';
import { modelParams, withOwnedStudio } from './route-helpers.js';

const tags = ['photos'];

const uploadResultSchema = z
  .object({
    name: z.string().describe('The uploaded file name.'),
    accepted: z.boolean(),
    storedName: z.string().optional().describe('Its new name, e.g. `andie-source-3.jpg`, when accepted.'),
    reason: z
      .object({
        code: z.string().describe('`not-an-image`, `unsupported-format`, `animated`, `unreadable`, `too-small`, ...'),
        message: z.string(),
        category: z.enum(['file', 'duplicate', 'face', 'consent']),
      })
      .optional(),
    duplicateOf: z.string().optional(),
    warnings: z.array(z.object({ code: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'UploadResult' });
const uploadResponse = z.object({ results: z.array(uploadResultSchema) });

const filesProperty = {
  type: 'array',
  items: { type: 'string', format: 'binary' },
  description: `The photos (JPEG, PNG or WebP), at most ${fileCountLimit}; the type is sniffed from the bytes.`,
};

function resultView(result: ImportResult) {
  return {
    name: result.name,
    accepted: result.accepted,
    ...(result.key && { storedName: result.key.split('/').pop() as string }),
    ...(result.reason && { reason: { ...result.reason } }),
    ...(result.duplicateOf && { duplicateOf: result.duplicateOf }),
    ...(result.warnings && { warnings: result.warnings.map((warning) => ({ ...warning })) }),
  };
}

/** The answer per file in upload order: the import's results, and the refusals made from the first bytes. */
function inOrder(order: Uploads['order'], results: ImportResult[]) {
  return order.map((entry) => (typeof entry === 'number' ? resultView(results[entry] as ImportResult) : entry));
}

/** `POST/GET /v1/models/:model/sources` and `.../targets`: multipart uploads through the CLI's import checks. */
export async function uploadRoutes(app: FastifyInstance, context: ServerContext): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const maxTotal = context.config.uploadMaxTotalBytes;
  routes.post(
    '/models/:model/sources',
    {
      config: { multipartBody: { type: 'object', required: ['files'], properties: { files: filesProperty } } },
      schema: {
        tags,
        summary: 'Upload source photos (one face each; the same person as the consent record)',
        description: 'Answers 200 with one result per file, accepted with its new name or refused with its reason.',
        params: modelParams,
        response: { 200: uploadResponse, 413: problemResponses[400], ...problemResponses },
      },
    },
    async (request) => {
      const { model } = request.params;
      await context.accounts.assertModelOwner(model, request.caller.user.id);
      const { files, order, fields } = await readUploads(request, maxTotal);
      if (files.length === 0) return { results: inOrder(order, []) };
      return withOwnedStudio(context, request, model, async ({ studio }) => ({
        results: inOrder(
          order,
          await studio.importSources(model, files, { allowNearDuplicates: fields.allowNearDuplicates === 'true' }),
        ),
      }));
    },
  );
  routes.post(
    '/models/:model/targets',
    {
      config: {
        multipartBody: {
          type: 'object',
          required: ['files', 'rating', 'origin', 'rightsStatement'],
          properties: {
            files: filesProperty,
            rating: { type: 'string', description: 'The content rating, e.g. `sfw`.' },
            origin: { type: 'string', description: 'Where the photos came from (a folder, URL, collection).' },
            rightsStatement: { type: 'string', description: 'Your statement that you hold the rights to use them.' },
            adultsConsented: {
              type: 'string',
              enum: ['true', 'false'],
              description: 'For ratings other than `sfw`: everyone shown is an adult who consented.',
            },
          },
        },
      },
      schema: {
        tags,
        summary: 'Upload target photos of one rating, with their origin and your rights statement',
        params: modelParams,
        response: { 200: uploadResponse, 413: problemResponses[400], ...problemResponses },
      },
    },
    async (request) => {
      const { model } = request.params;
      await context.accounts.assertModelOwner(model, request.caller.user.id);
      const { files, order, fields } = await readUploads(request, maxTotal);
      const { rating, origin, rightsStatement } = fields;
      if (!rating || !origin || !rightsStatement) {
        throw new HttpProblem(
          400,
          'ValidationError',
          'Target uploads need the form fields `rating`, `origin` and `rightsStatement` (and `adultsConsented=true` ' +
            'for ratings other than sfw).',
        );
      }
      const provenance = {
        origin,
        rightsStatement,
        ...(fields.adultsConsented !== undefined && { adultsConsented: fields.adultsConsented === 'true' }),
      };
      if (files.length === 0) return { results: inOrder(order, []) };
      return withOwnedStudio(context, request, model, async ({ studio }) => ({
        results: inOrder(order, await studio.importTargets(model, rating, files, provenance)),
      }));
    },
  );
  await listRoutes(app, context);
}

async function listRoutes(app: FastifyInstance, context: ServerContext): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  routes.get(
    '/models/:model/sources',
    {
      schema: {
        tags,
        summary: "The model's source photos",
        params: modelParams,
        response: {
          200: z.object({ sources: z.array(z.object({ number: z.number().int(), name: z.string() })) }),
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const { model } = request.params;
      return withOwnedStudio(context, request, model, async ({ workspace }) => ({
        sources: (await workspace.sourceNumbers(model)).map((number) => ({
          number,
          name: formatSourceName(model, number),
        })),
      }));
    },
  );
  routes.get(
    '/models/:model/targets',
    {
      schema: {
        tags,
        summary: "The model's target photos per rating, with their stated provenance",
        params: modelParams,
        response: {
          200: z.object({
            targets: z.array(
              z.object({
                rating: z.string(),
                number: z.number().int(),
                name: z.string(),
                origin: z.string().optional(),
                rightsStatement: z.string().optional(),
                adultsConsented: z.boolean().optional(),
              }),
            ),
          }),
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const { model } = request.params;
      return withOwnedStudio(context, request, model, async ({ workspace }) => {
        const overview = await workspace.overview(model);
        const targets = [];
        for (const rating of Object.keys(overview.targets).sort()) {
          const provenance = new Map((await workspace.getTargets(model, rating)).map((entry) => [entry.n, entry]));
          for (const number of await workspace.targetNumbers(model, rating)) {
            const stated = provenance.get(number);
            targets.push({
              rating,
              number,
              name: formatTargetName(model, number),
              ...(stated && { origin: stated.origin, rightsStatement: stated.rightsStatement }),
              ...(stated?.adultsConsented !== undefined && { adultsConsented: stated.adultsConsented }),
            });
          }
        }
        return { targets };
      });
    },
  );
}
