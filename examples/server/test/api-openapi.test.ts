/**
 * The OpenAPI document over real HTTP: it validates, every route it lists (the job, event and webhook routes too)
 * answers 401 without a key, and every model or job route answers 404 (never 403) to another user's key. The
 * committed typed client is generated from this document.
 */
import { readFile } from 'node:fs/promises';
import { compileErrors, validate } from '@readme/openapi-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiTypes, openApiTypesFile } from '../scripts/openapi-document.js';
import { type ApiServer, startApiServer, type TestUser } from './api-rig.js';

let server: ApiServer;
let owner: TestUser;
let other: TestUser;
let jobId: string;
let document: { paths: Record<string, Record<string, { security?: unknown[] }>> };

const methods = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** Every operation of the document: method, path template. */
function operations(): { method: string; path: string; public: boolean }[] {
  const list = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of methods) {
      const operation = item[method];
      if (operation)
        list.push({ method, path, public: Array.isArray(operation.security) && !operation.security.length });
    }
  }
  return list;
}

/** A concrete URL for a template: the owner's model and job, ids of the owner's things elsewhere. */
function urlOf(path: string, ids: { key: string; webhook: string }): string {
  return path
    .replace('{model}', 'private-model')
    .replace(/\/jobs\/\{id\}/, `/jobs/${jobId}`)
    .replace(/\/keys\/\{id\}/, `/keys/${ids.key}`)
    .replace(/\/webhooks\/\{id\}/, `/webhooks/${ids.webhook}`)
    .replace(/\{[a-zA-Z]+\}/g, 'v1');
}

beforeAll(async () => {
  server = await startApiServer();
  owner = await server.user('owner');
  other = await server.user('other');
  await owner.client.POST('/v1/models', { body: { name: 'private-model' } });
  const job = await server.server.context.queue.add({
    type: 'sweep-probe',
    model: 'private-model',
    owner: owner.id,
    params: {},
  });
  jobId = job.id;
  const response = await fetch(`${server.url}/openapi.json`);
  document = await response.json();
}, 60_000);

afterAll(async () => {
  await server?.close();
});

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document with tags and summaries on every operation', async () => {
    const result = await validate(structuredClone(document) as never);
    expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true);
    expect((document as unknown as { openapi: string }).openapi).toBe('3.1.0');
    for (const { method, path } of operations()) {
      const operation = document.paths[path]?.[method] as { tags?: string[]; summary?: string };
      expect(operation.tags?.length, `${method} ${path} tags`).toBeGreaterThan(0);
      expect(operation.summary, `${method} ${path} summary`).toBeTruthy();
    }
  });

  it('lists the routes of the table, Swagger UI answers at /docs', async () => {
    const paths = Object.keys(document.paths);
    for (const path of ['/v1/health', '/v1/models', '/v1/models/{model}/sources', '/v1/models/{model}/results']) {
      expect(paths).toContain(path);
    }
    const docs = await fetch(`${server.url}/docs`, { redirect: 'follow' });
    expect(docs.status).toBe(200);
    expect(await docs.text()).toMatch(/swagger/i);
  });

  it('has a committed typed client generated from this document (run generate:client when it fails)', async () => {
    expect(await readFile(openApiTypesFile, 'utf8')).toBe(await openApiTypes());
  }, 60_000);
});

describe('every route', () => {
  it('answers 401 problem details without a key (all but /v1/health)', async () => {
    const ids = { key: 'key_00000000000000000000', webhook: 'wh_unknown' };
    const checked = [];
    for (const { method, path, public: open } of operations()) {
      if (open) continue;
      const response = await fetch(`${server.url}${urlOf(path, ids)}`, {
        method: method.toUpperCase(),
        headers: method === 'get' || method === 'delete' ? {} : { 'content-type': 'application/json' },
        ...(method === 'get' || method === 'delete' ? {} : { body: '{}' }),
      });
      expect(response.status, `${method} ${path}`).toBe(401);
      expect((await response.json()).code).toBe('Unauthorized');
      checked.push(path);
    }
    expect(checked.length).toBeGreaterThan(20);
  });

  it('answers 404 (not 403) to another user for every model and job route', async () => {
    const ownerKey = (await owner.client.GET('/v1/me')).data?.key.id ?? '';
    const ids = { key: ownerKey, webhook: 'unused' };
    const checked = [];
    for (const { method, path } of operations()) {
      if (!/\{model\}|^\/v1\/jobs\/\{id\}|^\/v1\/keys\/\{id\}/.test(path)) continue;
      const url = urlOf(path, ids);
      const response = await fetch(`${server.url}${url}`, {
        method: method.toUpperCase(),
        headers: {
          authorization: `Bearer ${other.key}`,
          ...(method === 'get' || method === 'delete' ? {} : { 'content-type': 'application/json' }),
        },
        ...(method === 'get' || method === 'delete' ? {} : { body: '{}' }),
      });
      const body = await response.json();
      expect(response.status, `${method} ${url}: ${JSON.stringify(body)}`).toBe(404);
      expect(JSON.stringify(body)).not.toContain(owner.id);
      checked.push(path);
    }
    expect(checked.length).toBeGreaterThan(10);
  });
});
