import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { buildServer } from '../src/app.js';
import { loadServerConfig } from '../src/server-config.js';
import { createServerContext } from '../src/start-server.js';

/** The server's OpenAPI document, from an app built over a throwaway workspace (nothing listens). */
export async function openApiDocument(): Promise<Record<string, unknown>> {
  const root = await mkdtemp(join(tmpdir(), 'studio-server-openapi-'));
  const opened = await createServerContext(loadServerConfig({ STUDIO_WORKSPACE: root, LOG_LEVEL: 'silent' }));
  try {
    const app = await buildServer(opened.context);
    await app.ready();
    const document = app.swagger() as unknown as Record<string, unknown>;
    await app.close();
    return document;
  } finally {
    await opened.close();
    await rm(root, { recursive: true, force: true });
  }
}

/** The banner of the generated file. */
const banner =
  "/**\n * Generated from the server's OpenAPI document by `pnpm --filter @model-studio/server generate:client`.\n" +
  ' * Do not edit: change the route schemas and run it again (a test fails when this file is stale).\n */\n\n';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Where the generated types live. */
export const openApiTypesFile = join(packageDir, 'src', 'client', 'openapi-types.ts');

/** `src/client/openapi-types.ts` as it should be for the current routes (formatted by the repository's biome). */
export async function openApiTypes(): Promise<string> {
  const ast = await openapiTS(JSON.parse(JSON.stringify(await openApiDocument())));
  const biome = join(packageDir, '..', '..', 'node_modules', '.bin', 'biome');
  return execFileSync(biome, ['format', `--stdin-file-path=${openApiTypesFile}`], {
    input: banner + astToString(ast),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
}
