import { isFinalJobState, type JobRecord } from '@model-studio/jobs';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HttpProblem } from '../errors/http-problem.js';
import { problemResponses } from '../errors/problem-schema.js';
import type { ServerContext } from '../server-context.js';
import { webhookServices } from '../webhooks/webhook-services.js';
import { assertOwnModel } from './assert-own-model.js';
import { jobTypes } from './job-handlers.js';
import { captionJobParams, resumeJobParams, runJobParams, trainJobParams } from './job-params.js';
import { jobSchema, jobStateSchema, jobView } from './job-schema.js';
import { ownedJob } from './owned-job.js';

const modelParams = z.object({ model: z.string().min(1).max(100).describe('The model name.') });
const jobParams = z.object({ id: z.string().min(1).max(100).describe('The job id.') });
const listQuery = z.object({
  model: z.string().min(1).optional().describe('Only this model.'),
  state: jobStateSchema.optional().describe('Only jobs in this state.'),
});

/** 409 when the model has a queued or running job of a paying type: one at a time per model. */
async function assertModelIdle(context: ServerContext, model: string): Promise<void> {
  const busy = (await context.queue.list({ model })).find(
    (job) => (job.state === 'queued' || job.state === 'running') && (jobTypes as readonly string[]).includes(job.type),
  );
  if (busy) {
    throw new HttpProblem(
      409,
      'ModelBusyError',
      `Model "${model}" already has a ${busy.state} ${busy.type} job (${busy.id}): wait for it to end, or cancel it, then ask again.`,
    );
  }
}

const enqueueRoutes = [
  {
    url: '/models/:model/runs',
    type: 'run',
    body: runJobParams.default({}),
    summary: 'Run the model (swap, verify, enhance)',
  },
  {
    url: '/models/:model/resume',
    type: 'resume',
    body: resumeJobParams.default({}),
    summary: "Resume the model's planned run",
  },
  {
    url: '/models/:model/captions/jobs',
    type: 'caption',
    body: captionJobParams.default({}),
    summary: 'Caption the results',
  },
  {
    url: '/models/:model/trainings',
    type: 'train',
    body: trainJobParams.default({ dataset: 'v1' }),
    summary: 'Train a LoRA on a dataset',
  },
] as const;

/**
 * Job routes, registered under `/v1`: `POST /models/:model/runs`, `/resume`, `/captions/jobs`, `/trainings` (each
 * 202 with the queued job; 409 while the model has a queued or running job), `GET /jobs`, `GET /jobs/:id`,
 * `POST /jobs/:id/cancel`, `POST /jobs/:id/resume`. Another user's job or model is a 404.
 */
export async function jobRoutes(app: FastifyInstance, context: ServerContext): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { queue } = context;
  for (const route of enqueueRoutes) {
    routes.post(
      route.url,
      {
        schema: {
          tags: ['jobs'],
          summary: `${route.summary}: a background job (202)`,
          params: modelParams,
          body: route.body,
          response: { 202: jobSchema, ...problemResponses },
        },
      },
      async (request, reply) => {
        const { model } = request.params;
        const owner = request.caller.user.id;
        await assertOwnModel(context.accounts, model, owner);
        await assertModelIdle(context, model);
        const job = await queue.add({ type: route.type, model, owner, params: request.body as object });
        return reply.code(202).header('location', `/v1/jobs/${job.id}`).send(jobView(job));
      },
    );
  }

  routes.get(
    '/jobs',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Your jobs, newest first',
        querystring: listQuery,
        response: { 200: z.object({ jobs: z.array(jobSchema) }), ...problemResponses },
      },
    },
    async (request) => {
      const filter: Parameters<typeof queue.list>[0] = { owner: request.caller.user.id };
      if (request.query.model) filter.model = request.query.model;
      if (request.query.state) filter.state = request.query.state;
      return { jobs: (await queue.list(filter)).map(jobView) };
    },
  );

  routes.get(
    '/jobs/:id',
    {
      schema: {
        tags: ['jobs'],
        summary: 'A job: its state, result or error',
        params: jobParams,
        response: { 200: jobSchema, ...problemResponses },
      },
    },
    async (request) => jobView(await ownedJob(queue, request.params.id, request.caller.user.id)),
  );

  routes.post(
    '/jobs/:id/cancel',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Cancel a job (a running one stops cleanly; jobs in flight stay journaled for a resume)',
        params: jobParams,
        response: { 200: jobSchema, ...problemResponses },
      },
    },
    async (request) => {
      const before: JobRecord = await ownedJob(queue, request.params.id, request.caller.user.id);
      const job = await queue.cancel(before.id);
      // A queued job never reaches a worker: its end is delivered from here.
      if (!isFinalJobState(before.state) && job.state === 'cancelled')
        void webhookServices(context).dispatcher.deliver(job);
      return jobView(job);
    },
  );

  routes.post(
    '/jobs/:id/resume',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Queue a stopped, failed or cancelled job again (the journal skips what is done)',
        params: jobParams,
        response: { 202: jobSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const before = await ownedJob(queue, request.params.id, request.caller.user.id);
      await assertModelIdle(context, before.model);
      return reply.code(202).send(jobView(await queue.resume(before.id)));
    },
  );
}
