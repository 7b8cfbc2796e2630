import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type ApiKeyRecord, keyScopes, type UserRecord } from '../auth/account-store.js';
import { HttpProblem } from '../errors/http-problem.js';
import { problemResponses } from '../errors/problem-schema.js';
import type { ServerContext } from '../server-context.js';

const userSchema = z
  .object({ id: z.string(), name: z.string(), admin: z.boolean(), createdAt: z.string() })
  .meta({ id: 'User' });
const keySchema = z
  .object({
    id: z.string(),
    userId: z.string(),
    prefix: z.string().describe('The first 8 characters of the key.'),
    scope: z.enum(keyScopes as ['read', 'write', 'admin']),
    name: z.string().optional(),
    createdAt: z.string(),
    lastUsedAt: z.string().optional().describe('Updated at most once a minute.'),
    revokedAt: z.string().optional(),
  })
  .meta({ id: 'ApiKey' });
const createdKeySchema = z
  .object({ key: keySchema, secret: z.string().describe('The API key: shown once, stored only as a hash.') })
  .meta({ id: 'CreatedApiKey' });

const userView = (user: UserRecord) => ({ ...user });
const keyView = (key: ApiKeyRecord) => ({ ...key });

/** `GET /v1/me`, `POST/GET /v1/users` (admin), `POST/GET /v1/keys`, `DELETE /v1/keys/:id`. */
export async function accountRoutes(app: FastifyInstance, context: ServerContext): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { accounts } = context;
  routes.get(
    '/me',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Who the API key belongs to',
        response: { 200: z.object({ user: userSchema, key: keySchema }), ...problemResponses },
      },
    },
    async (request) => ({ user: userView(request.caller.user), key: keyView(request.caller.key) }),
  );
  routes.post(
    '/users',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['accounts'],
        summary: 'Create a user (admin), optionally with a first API key',
        body: z.object({
          name: z.string().describe('Lower-case letters, digits and hyphens.'),
          admin: z.boolean().default(false),
          key: z
            .enum(keyScopes as ['read', 'write', 'admin'])
            .optional()
            .describe('Also create a key of this scope.'),
        }),
        response: { 201: z.object({ user: userSchema, key: createdKeySchema.optional() }), ...problemResponses },
      },
    },
    async (request, reply) => {
      const user = await accounts.createUser(request.body.name, { admin: request.body.admin });
      const key = request.body.key ? await accounts.createKey(user.id, { scope: request.body.key }) : undefined;
      reply.code(201);
      return { user: userView(user), ...(key && { key: { key: keyView(key.key), secret: key.secret } }) };
    },
  );
  routes.get(
    '/users',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['accounts'],
        summary: 'List users (admin)',
        response: { 200: z.object({ users: z.array(userSchema) }), ...problemResponses },
      },
    },
    async () => ({ users: (await accounts.listUsers()).map(userView) }),
  );
  routes.post(
    '/keys',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Create an API key (for yourself; admins may name another user). The key is shown once.',
        body: z.object({
          scope: z.enum(keyScopes as ['read', 'write', 'admin']).default('write'),
          name: z.string().max(100).optional(),
          userId: z.string().optional().describe('Admins only: create the key for this user.'),
        }),
        response: { 201: createdKeySchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const { caller } = request;
      const userId = request.body.userId ?? caller.user.id;
      if (userId !== caller.user.id && caller.key.scope !== 'admin') {
        throw new HttpProblem(403, 'Forbidden', 'Only an admin key may create keys for another user.');
      }
      if (request.body.scope === 'admin' && caller.key.scope !== 'admin') {
        throw new HttpProblem(403, 'Forbidden', 'Only an admin key may create admin keys.');
      }
      const created = await accounts.createKey(userId, {
        scope: request.body.scope,
        ...(request.body.name && { name: request.body.name }),
      });
      reply.code(201);
      return { key: keyView(created.key), secret: created.secret };
    },
  );
  routes.get(
    '/keys',
    {
      schema: {
        tags: ['accounts'],
        summary: 'List your API keys (admins: every key with ?all=true)',
        querystring: z.object({ all: z.enum(['true', 'false']).optional() }),
        response: { 200: z.object({ keys: z.array(keySchema) }), ...problemResponses },
      },
    },
    async (request) => {
      const all = request.query.all === 'true' && request.caller.key.scope === 'admin';
      return { keys: (await accounts.listKeys(all ? undefined : request.caller.user.id)).map(keyView) };
    },
  );
  routes.delete(
    '/keys/:id',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Revoke an API key',
        params: z.object({ id: z.string().max(100) }),
        response: { 200: keySchema, ...problemResponses },
      },
    },
    async (request) => {
      const key = await accounts.getKey(request.params.id);
      const mayRevoke = key && (key.userId === request.caller.user.id || request.caller.key.scope === 'admin');
      if (!key || !mayRevoke)
        throw new HttpProblem(404, 'NotFoundError', `No API key has the id "${request.params.id}".`);
      return keyView(await accounts.revokeKey(key.id));
    },
  );
}
