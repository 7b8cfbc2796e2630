import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
// `schema.hide` (kept out of the OpenAPI document) comes from @fastify/swagger's types.
import type {} from '@fastify/swagger';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Where `pnpm --filter @model-studio/web build` writes the dashboard (`examples/web/dist`), from src or dist. */
export const defaultWebRoot = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/** Options of {@link webAssets}. */
export interface WebAssetsOptions {
  /** The built dashboard's folder (its `index.html` and `assets/`). @default {@link defaultWebRoot} */
  root?: string;
}

/** Vite names files under `assets/` after their content hash: they never change, so they are cached for a year. */
const immutable = 'public, max-age=31536000, immutable';

const missingPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>AI Model Studio server</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem">
<h1>AI Model Studio server</h1>
<p>The API is running (<a href="/docs">API docs</a>, <a href="/openapi.json">OpenAPI document</a>), but the web
dashboard is not built.</p>
<p>Build it with <code>pnpm --filter @model-studio/web build</code> (or <code>pnpm build</code> at the repository
root), then restart <code>studio-server</code>.</p>
</body></html>`;

/**
 * Serves the web dashboard at `/`: the built files of `@model-studio/web` (hashed `assets/` cached for a year,
 * `index.html` never cached) and `index.html` for every other GET outside `/v1`, `/docs` and `/openapi.json`, so the
 * dashboard's own routes (`/models/andie`) load on a reload. Without a build, the server still starts (API only) and
 * `/` says how to build the dashboard.
 */
export async function webAssets(app: FastifyInstance, options: WebAssetsOptions = {}): Promise<void> {
  const root = options.root ?? defaultWebRoot;
  if (!existsSync(join(root, 'index.html'))) {
    app.get('/', { schema: { hide: true } }, async (_request, reply) =>
      reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(missingPage),
    );
    return;
  }
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    wildcard: false,
    index: false,
    cacheControl: false,
    setHeaders: (reply, path) => {
      const hashed = path.slice(root.length).replaceAll('\\', '/').replace(/^\/+/, '').startsWith('assets/');
      reply.header('cache-control', hashed ? immutable : 'no-cache');
    },
  });
  const sendIndex = async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? '/';
    if (path === '/v1' || path.startsWith('/v1/') || path.startsWith('/assets/')) return reply.callNotFound();
    return reply.header('cache-control', 'no-cache').sendFile('index.html', root);
  };
  app.get('/', { schema: { hide: true } }, sendIndex);
  app.get('/*', { schema: { hide: true } }, sendIndex);
}
