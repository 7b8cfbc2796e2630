/**
 * Users, API keys and scopes over real HTTP, problem details and request ids, per-key rate limits, and logs without
 * secrets (the logger's stream is captured).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServer, startApiServer, type TestUser } from './api-rig.js';

let server: ApiServer;
let writer: TestUser;
let reader: TestUser;

beforeAll(async () => {
  server = await startApiServer({ STUDIO_RATE_LIMIT_MAX: '40' });
  writer = await server.user('writer', 'write');
  reader = await server.user('reader', 'read');
}, 60_000);

afterAll(async () => {
  await server?.close();
});

describe('API keys', () => {
  it('are msk_ keys stored only as a SHA-256 hash, listed by prefix', async () => {
    expect(writer.key).toMatch(/^msk_[A-Za-z0-9_-]{43}$/);
    const dir = join(server.root, 'server', 'keys');
    const stored = await Promise.all((await readdir(dir)).map((name) => readFile(join(dir, name), 'utf8')));
    expect(stored.length).toBe(3);
    for (const text of stored) {
      expect(text).not.toContain(writer.key);
      expect(text).not.toContain(writer.key.slice(12));
      expect(JSON.parse(text).hash).toMatch(/^[0-9a-f]{64}$/);
    }
    const { data } = await writer.client.GET('/v1/keys');
    expect(data?.keys).toHaveLength(1);
    expect(data?.keys[0]).toMatchObject({ prefix: writer.key.slice(0, 8), scope: 'write' });
    expect(data?.keys[0]?.lastUsedAt).toBeTruthy();
    expect(JSON.stringify(data)).not.toContain(writer.key);
  });

  it('enforce scopes: read < write < admin (403), and another user’s key is a 404', async () => {
    const me = await reader.client.GET('/v1/me');
    expect(me.data?.user.name).toBe('reader');
    const write = await server.api(reader.key, 'POST', '/v1/models', { name: 'nope' });
    expect(write.status).toBe(403);
    expect(write.body).toMatchObject({ code: 'Forbidden', status: 403 });
    const admin = await server.api(writer.key, 'GET', '/v1/users');
    expect(admin.status).toBe(403);
    const users = await server.admin.client.GET('/v1/users');
    expect(users.data?.users.map((user) => user.name)).toEqual(['admin', 'writer', 'reader']);
    const escalate = await server.api(writer.key, 'POST', '/v1/keys', { scope: 'admin' });
    expect(escalate.status).toBe(403);
    const readerKeyId = (await reader.client.GET('/v1/me')).data?.key.id;
    const foreign = await server.api(writer.key, 'DELETE', `/v1/keys/${readerKeyId}`);
    expect(foreign.status).toBe(404);
  });

  it('are shown once, revocable (then 401), and a bad key is a 401', async () => {
    const created = await writer.client.POST('/v1/keys', { body: { scope: 'read', name: 'ci' } });
    expect(created.response.status).toBe(201);
    const secret = created.data?.secret ?? '';
    expect((await server.api(secret, 'GET', '/v1/me')).status).toBe(200);
    const listed = await writer.client.GET('/v1/keys');
    expect(JSON.stringify(listed.data)).not.toContain(secret);
    const revoked = await writer.client.DELETE('/v1/keys/{id}', {
      params: { path: { id: created.data?.key.id ?? '' } },
    });
    expect(revoked.data?.revokedAt).toBeTruthy();
    const after = await server.api(secret, 'GET', '/v1/me');
    expect(after.status).toBe(401);
    expect(after.body.detail).toMatch(/unknown or revoked/);
    expect((await server.api('msk_not-a-key', 'GET', '/v1/me')).status).toBe(401);
    const altered = `${writer.key.slice(0, -1)}${writer.key.endsWith('A') ? 'B' : 'A'}`;
    expect((await server.api(altered, 'GET', '/v1/me')).status).toBe(401);
  });
});

describe('problem details and request ids', () => {
  it('answers RFC 9457 problem details with the typed error name and the request id', async () => {
    const response = await fetch(`${server.url}/v1/models/unknown-model`, {
      headers: { authorization: `Bearer ${writer.key}`, 'x-request-id': 'trace-123' },
    });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.headers.get('x-request-id')).toBe('trace-123');
    expect(await response.json()).toEqual({
      type: 'urn:model-studio:problem:NotFoundError',
      title: 'Not Found',
      status: 404,
      detail: expect.stringContaining('unknown-model'),
      instance: '/v1/models/unknown-model',
      code: 'NotFoundError',
      requestId: 'trace-123',
    });
    const unsafe = await fetch(`${server.url}/v1/health`, {
      headers: { 'x-request-id': 'bad id with spaces and {braces}' },
    });
    expect(unsafe.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const unknownRoute = await server.api(writer.key, 'GET', '/v1/nowhere');
    expect(unknownRoute.status).toBe(404);
    expect(unknownRoute.body.code).toBe('NotFound');
  });
});

describe('logs', () => {
  it('carry no API key, authorization header or URL signature', async () => {
    await fetch(`${server.url}/v1/me?sig=supersecretsignature&X-Amz-Signature=abcdef0123456789`, {
      headers: { authorization: `Bearer ${writer.key}`, cookie: 'session=cookie-secret' },
    });
    await fetch(`${server.url}/v1/me`, { headers: { 'sec-websocket-protocol': `studio-key.${reader.key}` } });
    await server.api(writer.key, 'POST', '/v1/keys', { scope: 'read' });
    server.server.app.log.info({ key: writer.key, nested: { token: reader.key } }, 'a line with secrets in fields');
    const text = server.logs.join('');
    expect(text).toContain('"url":"/v1/me?sig=***&X-Amz-Signature=***"');
    expect(text).toContain('a line with secrets in fields');
    for (const secret of [writer.key, reader.key, server.admin.key, 'supersecretsignature', 'abcdef0123456789']) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toContain('cookie-secret');
    expect(text).not.toMatch(/msk_[A-Za-z0-9_-]{20,}/);
  });
});

describe('rate limits', () => {
  it('limit each API key on its own (429 problem details)', async () => {
    let limited: { status: number; body: { code?: string } } | undefined;
    for (let n = 0; n < 45 && !limited; n++) {
      const response = await server.api(reader.key, 'GET', '/v1/me');
      if (response.status === 429) limited = response;
    }
    expect(limited?.body.code).toBe('RateLimited');
    expect((await server.api(server.admin.key, 'GET', '/v1/me')).status).toBe(200);
  });
});
