import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemResponses } from '../errors/problem-schema.js';
import type { ServerContext } from '../server-context.js';
import { withStudio } from './route-helpers.js';

const creditsSchema = z
  .object({
    known: z.boolean().describe('Whether the provider told its balance (`balance` is set only then).'),
    balance: z.number().optional().describe('Credits left on the face-swap provider account this server uses.'),
    unit: z.literal('credits'),
    provider: z.string().describe('Which provider answered: `SANDBOX: ...` when it is a sandbox.'),
    sandbox: z.boolean().describe('True for a sandbox balance: no real credits.'),
    checkedAt: z.string(),
    note: z.string().describe('What the figure is (or why there is none) and what to do.'),
  })
  .meta({ id: 'Credits' });

/**
 * `GET /v1/credits`: the credits left on the server's MaxStudio account, for the cost calculator. The MaxStudio
 * sandboxes report theirs (labelled SANDBOX); the real API documents no balance call, so the answer then says the
 * balance is unknown and where to see it, rather than guess.
 */
export async function creditsRoutes(app: FastifyInstance, context: ServerContext): Promise<void> {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/credits',
    {
      schema: {
        tags: ['runs'],
        summary: 'Credits left on the face-swap provider account (MaxStudio; SANDBOX credits on a sandbox)',
        response: { 200: creditsSchema, ...problemResponses },
      },
    },
    async () =>
      withStudio(context, async ({ providerCredits, providerLabel, sandbox }) => {
        const provider = sandbox ? `SANDBOX: ${providerLabel}` : providerLabel;
        const checkedAt = new Date().toISOString();
        if (!providerCredits) {
          return {
            known: false,
            unit: 'credits' as const,
            provider,
            sandbox,
            checkedAt,
            note:
              'MaxStudio documents no call that tells the credits left: see the balance in your MaxStudio account. ' +
              'A run that runs out stops with insufficient-credits (uncharged) and resumes after you buy more.',
          };
        }
        try {
          const balance = await providerCredits();
          const note = sandbox
            ? 'SANDBOX credits of the MaxStudio emulator: no real credits are spent.'
            : 'Credits left on the MaxStudio account.';
          return { known: true, balance, unit: 'credits' as const, provider, sandbox, checkedAt, note };
        } catch (error) {
          context.logger.warn({ err: error }, 'could not read the provider credits');
          return {
            known: false,
            unit: 'credits' as const,
            provider,
            sandbox,
            checkedAt,
            note: 'The provider did not tell its credits just now: try again.',
          };
        }
      }),
  );
}
