import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webAssets } from '../../server/src/web-assets.js';

// The server's static serving of this package's dist (examples/server/src/web-assets.ts), on a built-like folder and
// on a missing one. The browser test checks the same routes on the real server.
describe('webAssets (the dashboard served by studio-server)', () => {
  let dist: string;
  let app: FastifyInstance;
  let bare: FastifyInstance;

  beforeAll(async () => {
    dist = await mkdtemp(join(tmpdir(), 'studio-web-dist-'));
    await mkdir(join(dist, 'assets'));
    await writeFile(join(dist, 'index.html'), '<!doctype html><title>AI Model Studio</title><div id="root"></div>');
    await writeFile(join(dist, 'assets', 'index-AbC123.js'), 'console.log("dashboard");');
    await writeFile(join(dist, 'robots.txt'), 'User-agent: *\nDisallow: /\n');
    const notFound = (instance: FastifyInstance) =>
      instance.setNotFoundHandler((request, reply) =>
        reply.code(404).type('application/problem+json').send({ status: 404, code: 'NotFound', instance: request.url }),
      );
    app = Fastify();
    notFound(app);
    app.get('/v1/health', async () => ({ status: 'ok' }));
    await app.register(webAssets, { root: dist });
    bare = Fastify();
    notFound(bare);
    await bare.register(webAssets, { root: join(dist, 'missing') });
  });

  afterAll(async () => {
    await app?.close();
    await bare?.close();
    await rm(dist, { recursive: true, force: true });
  });

  it('serves index.html at / and for the dashboard routes, never cached', async () => {
    for (const url of ['/', '/models/andie', '/models/andie?tab=results']) {
      const response = await app.inject({ url });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type']).toContain('text/html');
      expect(response.headers['cache-control']).toBe('no-cache');
      expect(response.body).toContain('<div id="root">');
    }
  });

  it('serves hashed assets with a year-long immutable cache and other files uncached', async () => {
    const asset = await app.inject({ url: '/assets/index-AbC123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toContain('javascript');
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const robots = await app.inject({ url: '/robots.txt' });
    expect(robots.statusCode).toBe(200);
    expect(robots.headers['cache-control']).toBe('no-cache');
  });

  it('leaves /v1 to the API: known routes answer, unknown ones get the API 404, not the page', async () => {
    expect((await app.inject({ url: '/v1/health' })).json()).toEqual({ status: 'ok' });
    for (const url of ['/v1/nope', '/v1', '/assets/missing-123.js']) {
      const response = await app.inject({ url });
      expect(response.statusCode, url).toBe(404);
      expect(response.headers['content-type'], url).toContain('application/problem+json');
    }
  });

  it('without a build, the server still answers: / says how to build the dashboard', async () => {
    const page = await bare.inject({ url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('pnpm --filter @model-studio/web build');
    expect((await bare.inject({ url: '/models/andie' })).statusCode).toBe(404);
  });
});
