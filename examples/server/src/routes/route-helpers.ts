import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ServerContext, ServerStudio } from '../server-context.js';

/** `:model` path parameter: a model name (a slug). */
export const modelParams = z.object({
  model: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a model name is lower-case letters, digits and hyphens')
    .describe('The model name.'),
});

/**
 * Checks that the caller owns `model` (a 404 otherwise: another user's model looks like no model), opens a studio,
 * runs `work` and closes the studio.
 */
export async function withOwnedStudio<T>(
  context: ServerContext,
  request: FastifyRequest,
  model: string,
  work: (opened: ServerStudio) => Promise<T>,
): Promise<T> {
  await context.accounts.assertModelOwner(model, request.caller.user.id);
  return withStudio(context, work);
}

/** Opens a studio, runs `work` and closes the studio. */
export async function withStudio<T>(context: ServerContext, work: (opened: ServerStudio) => Promise<T>): Promise<T> {
  const opened = await context.openStudio();
  try {
    return await work(opened);
  } finally {
    await opened.close();
  }
}
