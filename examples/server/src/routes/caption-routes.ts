import type { CaptionChangeResult, CaptionFilter, CaptionReview } from '@model-studio/captioning';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemResponses } from '../errors/problem-schema.js';
import type { ServerContext } from '../server-context.js';
import { modelParams, withOwnedStudio } from './route-helpers.js';

const tags = ['captions'];

const filterSchema = z
  .object({
    state: z.array(z.enum(['generated', 'reviewed', 'edited'])).optional(),
    rating: z.string().optional(),
    source: z.string().optional().describe('`captioner`, `person`, `imported`, or a captioner provider.'),
    match: z.string().optional().describe('A regular expression the caption must match.'),
    overTokens: z.union([z.boolean(), z.number().int()]).optional(),
    names: z.array(z.string()).optional().describe('Only these images (result file names).'),
  })
  .meta({ id: 'CaptionFilter' });

const changeResultSchema = z
  .object({
    operation: z.string().optional().describe('The operation id, for undo (absent in a dry run).'),
    dryRun: z.boolean(),
    changes: z.array(
      z.object({ name: z.string(), before: z.string(), after: z.string(), issues: z.array(z.string()) }),
    ),
  })
  .meta({ id: 'CaptionChanges' });

const captionSchema = z
  .object({
    name: z.string(),
    rating: z.string(),
    text: z.string(),
    state: z.enum(['generated', 'reviewed', 'edited']),
    source: z.string().describe('Who wrote the current text: `captioner`, `person` or `imported`.'),
    at: z.string(),
    valid: z.boolean(),
    issues: z.array(z.string()).describe('`empty`, `trigger-missing`, `trigger-repeated`, `too-long`, `artifact`.'),
  })
  .meta({ id: 'Caption' });

function changesView(result: CaptionChangeResult) {
  return {
    ...(result.operation !== undefined && { operation: result.operation }),
    dryRun: result.dryRun,
    changes: result.changes.map((change) => ({ ...change, issues: [...change.issues] })),
  };
}

/** Runs `work` with the caption review of an owned model's studio (the captioning package's, as the CLI uses). */
async function withReview<T>(
  context: ServerContext,
  request: FastifyRequest,
  model: string,
  work: (review: CaptionReview) => Promise<T>,
): Promise<T> {
  const { createCaptionReview } = await import('@model-studio/captioning');
  return withOwnedStudio(context, request, model, ({ studio, workspace }) =>
    work(createCaptionReview({ studio, workspace })),
  );
}

function filterOf(filter: z.infer<typeof filterSchema> | undefined): CaptionFilter | undefined {
  if (!filter) return undefined;
  const { state, ...rest } = filter;
  return { ...rest, ...(state && { state }) } as CaptionFilter;
}

/** Captions: list, set one, bulk edits with dry run, mark reviewed, undo (the captioning package's caption review). */
export async function captionRoutes(app: FastifyInstance, context: ServerContext): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  routes.get(
    '/models/:model/captions',
    {
      schema: {
        tags,
        summary: 'The captions of the results, each with its check',
        params: modelParams,
        querystring: z.object({
          state: z.enum(['generated', 'reviewed', 'edited']).optional(),
          rating: z.string().optional(),
          match: z.string().optional(),
        }),
        response: { 200: z.object({ captions: z.array(captionSchema) }), ...problemResponses },
      },
    },
    async (request) => {
      const { state, rating, match } = request.query;
      const filter: CaptionFilter = { ...(state && { state }), ...(rating && { rating }), ...(match && { match }) };
      return withReview(context, request, request.params.model, async (review) => ({
        captions: (await review.list(request.params.model, filter)).map((caption) => ({
          name: caption.name,
          rating: caption.rating,
          text: caption.text,
          state: caption.state,
          source: caption.source.kind,
          at: caption.at,
          valid: caption.check.valid,
          issues: [...caption.check.issues],
        })),
      }));
    },
  );
  routes.patch(
    '/models/:model/captions/:name',
    {
      schema: {
        tags,
        summary: "Set one caption's text (a person's edit; unchanged text accepts it as reviewed)",
        params: modelParams.extend({ name: z.string().max(200).describe('The result file name.') }),
        body: z.object({ text: z.string().max(10_000) }),
        response: { 200: changeResultSchema, ...problemResponses },
      },
    },
    async (request) =>
      withReview(context, request, request.params.model, async (review) =>
        changesView(
          await review.set(request.params.model, request.params.name, request.body.text, {
            by: request.caller.user.name,
          }),
        ),
      ),
  );
  await bulkRoutes(app, context);
}

async function bulkRoutes(app: FastifyInstance, context: ServerContext): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  routes.post(
    '/models/:model/captions/edits',
    {
      schema: {
        tags,
        summary: 'Prefix, suffix or regex-replace captions (`dryRun` previews every change)',
        params: modelParams,
        body: z.object({
          action: z.enum(['prefix', 'suffix', 'replace']),
          text: z.string().max(10_000).describe('The prefix, suffix or replacement (`$1` groups allowed).'),
          pattern: z.string().max(1000).optional().describe('For `replace`: the regular expression.'),
          flags: z.string().max(10).optional().describe('For `replace`: regex flags. Default `g`.'),
          dryRun: z.boolean().default(false),
          filter: filterSchema.optional(),
        }),
        response: { 200: changeResultSchema, ...problemResponses },
      },
    },
    async (request) => {
      const { model } = request.params;
      const { action, text, pattern, flags, dryRun } = request.body;
      const options = {
        dryRun,
        by: request.caller.user.name,
        ...(request.body.filter && { filter: filterOf(request.body.filter) }),
      };
      return withReview(context, request, model, async (review) =>
        changesView(
          action === 'prefix'
            ? await review.prefix(model, text, options)
            : action === 'suffix'
              ? await review.suffix(model, text, options)
              : await review.replace(model, pattern ?? '', text, { ...options, ...(flags && { flags }) }),
        ),
      );
    },
  );
  routes.post(
    '/models/:model/captions/reviewed',
    {
      schema: {
        tags,
        summary: 'Mark captions as reviewed (accepted as they are)',
        params: modelParams,
        body: z
          .object({ dryRun: z.boolean().default(false), filter: filterSchema.optional() })
          .default({ dryRun: false }),
        response: { 200: changeResultSchema, ...problemResponses },
      },
    },
    async (request) => {
      const { model } = request.params;
      const filter = filterOf(request.body.filter);
      return withReview(context, request, model, async (review) =>
        changesView(
          await review.markReviewed(model, {
            dryRun: request.body.dryRun,
            by: request.caller.user.name,
            ...(filter && { filter }),
          }),
        ),
      );
    },
  );
  routes.post(
    '/models/:model/captions/undo',
    {
      schema: {
        tags,
        summary: 'Undo the last caption edit (or the one named)',
        params: modelParams,
        body: z.object({ operation: z.string().max(100).optional() }).default({}),
        response: {
          200: z.object({
            undone: z.object({ id: z.string(), kind: z.string(), description: z.string() }),
            restored: z.array(z.string()),
            skipped: z.array(z.string()),
          }),
          ...problemResponses,
        },
      },
    },
    async (request) =>
      withReview(context, request, request.params.model, async (review) => {
        const result = await review.undo(request.params.model, request.body.operation);
        const { id, kind, description } = result.undone;
        return { undone: { id, kind, description }, restored: result.restored, skipped: result.skipped };
      }),
  );
}
