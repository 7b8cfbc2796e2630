import { storageKeys, ValidationError } from '@model-studio/core';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemResponses } from '../errors/problem-schema.js';
import type { ServerContext } from '../server-context.js';
import { modelParams, withOwnedStudio } from './route-helpers.js';

const versionParams = modelParams.extend({
  version: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,40}$/, 'a version is like v1')
    .describe('The LoRA version.'),
});

const samplesSchema = z
  .object({
    version: z.string(),
    sandbox: z.boolean().describe('True when a sandbox trainer made the version: its samples are SANDBOX images.'),
    expiresAt: z.string().describe('When the signed URLs stop working (ISO 8601).'),
    samples: z.array(
      z.object({
        file: z.string().describe("The file name under the version's `samples/` folder."),
        prompt: z.string().optional(),
        url: z.string().describe('A short-lived signed GET URL of the image.'),
      }),
    ),
  })
  .meta({ id: 'LoraSamples' });

/**
 * `GET /v1/models/:model/loras/:version/samples`: a version's validation samples with short-lived signed URLs (the
 * browser loads them from storage, never through the server), for the web dashboard's side-by-side sample grid.
 */
export async function trainingSampleRoutes(app: FastifyInstance, context: ServerContext): Promise<void> {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/models/:model/loras/:version/samples',
    {
      schema: {
        tags: ['training'],
        summary: "A LoRA version's validation samples, each with a short-lived signed download URL",
        params: versionParams,
        querystring: z.object({
          expiresIn: z.coerce.number().int().min(1).max(86_400).default(900).describe('Seconds the URLs stay valid.'),
        }),
        response: { 200: samplesSchema, ...problemResponses },
      },
    },
    async (request) =>
      withOwnedStudio(context, request, request.params.model, async ({ workspace }) => {
        const lora = await import('@model-studio/lora-trainer');
        const { model, version } = request.params;
        // The library's NotFoundError (404) for a version that does not exist.
        const record = await lora.readLoraVersion(workspace.storage, model, version);
        const { storage } = workspace;
        if (!storage.signedUrl) throw new ValidationError('The workspace storage cannot sign URLs.');
        const { expiresIn } = request.query;
        const expiresAt = new Date((Math.floor(Date.now() / 1000) + expiresIn) * 1000).toISOString();
        const samples = [];
        for (const sample of record.samples) {
          const key = storageKeys.lora(model, version, `${lora.loraVersionFiles.samplesFolder}${sample.file}`);
          const url = await storage.signedUrl(key, { method: 'GET', expiresIn });
          samples.push({ file: sample.file, ...(sample.prompt !== undefined && { prompt: sample.prompt }), url });
        }
        return { version, sandbox: record.sandbox, expiresAt, samples };
      }),
  );
}
