import type { JobRecord } from '@model-studio/jobs';
import { z } from 'zod';

/** Job states, as `GET /v1/jobs/:id` shows them. */
export const jobStateSchema = z.enum(['queued', 'running', 'completed', 'failed', 'cancelled', 'stopped']);

/** A job as the API answers it. */
export const jobSchema = z
  .object({
    id: z.string(),
    type: z.string().describe('`run`, `resume`, `caption` or `train`.'),
    model: z.string(),
    owner: z.string().describe('The user who asked.'),
    params: z.unknown().describe('What was asked (the body of the request that made the job).'),
    state: jobStateSchema.describe(
      '`stopped`: ended early on purpose (budget, credits) and resumable; `cancelled`: cancelled by its owner.',
    ),
    createdAt: z.string(),
    startedAt: z.string().optional(),
    endedAt: z.string().optional(),
    attempts: z.number().int().describe('How many times a worker started it (a takeover or a resume adds one).'),
    result: z
      .unknown()
      .optional()
      .describe('The run summary (or training summary), with `sandbox: true` when sandboxes ran.'),
    error: z.object({ name: z.string(), message: z.string() }).optional().describe('The typed error name and message.'),
    cancelRequested: z.boolean().optional(),
    worker: z.string().optional(),
  })
  .meta({ id: 'Job' });

/** A job for the API: the record as stored (JSON values only). */
export function jobView(job: JobRecord): z.infer<typeof jobSchema> {
  return job as z.infer<typeof jobSchema>;
}
