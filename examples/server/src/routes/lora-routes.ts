import { storageKeys, ValidationError } from '@model-studio/core';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemResponses } from '../errors/problem-schema.js';
import type { ServerContext } from '../server-context.js';
import { modelParams, withOwnedStudio } from './route-helpers.js';

const tags = ['training'];
const versionParams = modelParams.extend({
  version: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,40}$/, 'a version is like v1')
    .describe('The LoRA version.'),
});

const loraSchema = z
  .looseObject({
    version: z.string(),
    family: z.string(),
    engine: z.string().optional(),
    createdAt: z.string(),
    datasetVersion: z.string().optional(),
    sandbox: z.boolean().describe('True when a sandbox trainer made it: a SANDBOX file, not a trained model.'),
    final: z.boolean(),
    artifact: z.looseObject({ file: z.string(), sha256: z.string(), size: z.number(), rank: z.number() }),
    metrics: z.looseObject({ steps: z.number() }),
  })
  .meta({ id: 'LoraVersion' });

/** The value as JSON data (dates as strings, no undefined fields), for the response serializer. */
const plain = (value: unknown): Record<string, unknown> => JSON.parse(JSON.stringify(value)) as Record<string, unknown>;

/** LoRA versions: list, show, promote, signed download links, compare. */
export async function loraRoutes(app: FastifyInstance, context: ServerContext): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  routes.get(
    '/models/:model/loras',
    {
      schema: {
        tags,
        summary: "The model's trained LoRA versions, oldest first, the final one marked",
        params: modelParams,
        response: { 200: z.object({ loras: z.array(loraSchema) }), ...problemResponses },
      },
    },
    async (request) =>
      withOwnedStudio(context, request, request.params.model, async ({ workspace }) => {
        const lora = await import('@model-studio/lora-trainer');
        return {
          loras: (await lora.listLoraVersions(workspace.storage, request.params.model)).map(
            (version) => plain(version) as z.infer<typeof loraSchema>,
          ),
        };
      }),
  );
  routes.get(
    '/models/:model/loras/compare',
    {
      schema: {
        tags,
        summary: "Compare two LoRA versions: engines, config differences, artifacts, loss, samples' identity",
        params: modelParams,
        querystring: z.object({ a: versionParams.shape.version, b: versionParams.shape.version }),
        response: { 200: z.record(z.string(), z.unknown()).meta({ id: 'LoraComparison' }), ...problemResponses },
      },
    },
    async (request) =>
      withOwnedStudio(context, request, request.params.model, async ({ workspace, faceChecker }) => {
        const lora = await import('@model-studio/lora-trainer');
        const { a, b } = request.query;
        const { model } = request.params;
        // The samples' identity, measured against the model's first source face (as `studio loras compare` does).
        const check = faceChecker ? await lora.modelIdentityCheck(workspace.storage, model, faceChecker) : {};
        const comparison = await lora.compareLoraVersions(workspace.storage, model, a, b, {
          ...(check.identity && { identity: check.identity }),
        });
        return plain({ ...comparison, ...(check.note && { identityNote: check.note }) }) as Record<string, unknown>;
      }),
  );
  routes.get(
    '/models/:model/loras/:version',
    {
      schema: {
        tags,
        summary: 'One LoRA version: its record, config, loss curve, whether it is final',
        params: versionParams,
        response: { 200: z.record(z.string(), z.unknown()).meta({ id: 'LoraDetails' }), ...problemResponses },
      },
    },
    async (request) =>
      withOwnedStudio(context, request, request.params.model, async ({ workspace }) => {
        const lora = await import('@model-studio/lora-trainer');
        const { model, version } = request.params;
        return plain(await lora.showLoraVersion(workspace.storage, model, version)) as Record<string, unknown>;
      }),
  );
  routes.post(
    '/models/:model/loras/:version/promote',
    {
      schema: {
        tags,
        summary: 'Mark a version as the final LoRA',
        params: versionParams,
        response: { 200: z.looseObject({ version: z.string(), sha256: z.string() }), ...problemResponses },
      },
    },
    async (request) =>
      withOwnedStudio(context, request, request.params.model, async ({ workspace }) => {
        const lora = await import('@model-studio/lora-trainer');
        const { model, version } = request.params;
        return plain(await lora.promoteLoraVersion(workspace.storage, model, version)) as {
          version: string;
          sha256: string;
        };
      }),
  );
  await loraLinkRoute(app, context);
}

async function loraLinkRoute(app: FastifyInstance, context: ServerContext): Promise<void> {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/models/:model/loras/:version/links',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: "A signed download URL of the version's .safetensors file (15 minutes by default, up to 7 days)",
        params: versionParams,
        body: z.object({ expiresIn: z.number().int().min(1).max(604_800).default(900) }).default({ expiresIn: 900 }),
        response: {
          200: z.object({
            name: z.string(),
            url: z.string(),
            expiresAt: z.string(),
            sha256: z.string(),
            size: z.number(),
            sandbox: z.boolean(),
          }),
          ...problemResponses,
        },
      },
    },
    async (request) =>
      withOwnedStudio(context, request, request.params.model, async ({ workspace }) => {
        const lora = await import('@model-studio/lora-trainer');
        const { model, version } = request.params;
        const [record] = (await lora.listLoraVersions(workspace.storage, model)).filter((v) => v.version === version);
        if (!record) {
          // showLoraVersion throws the library's NotFoundError for a missing version.
          await lora.showLoraVersion(workspace.storage, model, version);
          throw new ValidationError(`LoRA version ${version} of "${model}" has no record.`);
        }
        const { storage } = workspace;
        if (!storage.signedUrl) throw new ValidationError('The workspace storage cannot sign URLs.');
        const expiresIn = request.body.expiresIn;
        const expiresAt = new Date((Math.floor(Date.now() / 1000) + expiresIn) * 1000).toISOString();
        const url = await storage.signedUrl(storageKeys.lora(model, version, record.artifact.file), {
          method: 'GET',
          expiresIn,
        });
        const { sha256, size } = record.artifact;
        return { name: record.artifact.file, url, expiresAt, sha256, size, sandbox: record.sandbox };
      }),
  );
}
