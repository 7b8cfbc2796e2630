import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { KeyScope } from '../src/auth/account-store.js';
import { createStudioClient, type StudioClient } from '../src/client/index.js';
import { loadServerConfig } from '../src/server-config.js';
import { type StartedServer, startServer } from '../src/start-server.js';

/** The API tests' fixtures folder. */
export const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** Bytes of a fixture, by path under `test/fixtures`. */
export async function fixture(path: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(join(fixtures, path)));
}

/** A user of the test server: its id, key and a typed client. */
export interface TestUser {
  id: string;
  key: string;
  client: StudioClient;
}

/** A started server over a fresh workspace, with what its log said. */
export interface ApiServer {
  server: StartedServer;
  url: string;
  root: string;
  /** Every log line so far (JSON text). */
  logs: string[];
  /** The admin created on first start. */
  admin: TestUser;
  /** Creates a user with a key of `scope` (through the API, with the admin's key). */
  user(name: string, scope?: KeyScope): Promise<TestUser>;
  /** `fetch` with a key (or none), JSON in and out. */
  api(
    key: string | undefined,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

/** Starts a server for one test file on a free loopback port (sandboxes, embedded queue), logs captured. */
export async function startApiServer(env: Record<string, string> = {}): Promise<ApiServer> {
  const root = await mkdtemp(join(tmpdir(), 'studio-server-api-'));
  const logs: string[] = [];
  const logStream = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const config = loadServerConfig({ STUDIO_WORKSPACE: root, PORT: '0', LOG_LEVEL: 'info', ...env });
  const server = await startServer(config, { logStream });
  const url = server.url;
  if (!server.adminKey) throw new Error('a fresh workspace should print an admin key');
  const clientOf = (key: string) => createStudioClient({ baseUrl: url, apiKey: key });
  const api: ApiServer['api'] = async (key, method, path, body) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: {
        ...(key !== undefined && { authorization: `Bearer ${key}` }),
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
  };
  const admin: TestUser = {
    id: (await server.context.accounts.findUser('admin'))?.id ?? '',
    key: server.adminKey,
    client: clientOf(server.adminKey),
  };
  return {
    server,
    url,
    root,
    logs,
    admin,
    async user(name, scope = 'write') {
      const { data, error } = await admin.client.POST('/v1/users', { body: { name, admin: false, key: scope } });
      if (error || !data?.key) throw new Error(`could not create user ${name}: ${JSON.stringify(error)}`);
      return { id: data.user.id, key: data.key.secret, client: clientOf(data.key.secret) };
    },
    api,
    async close() {
      await server.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** A consent record for the test subject. */
export function testConsent(uses: ('swap' | 'train' | 'publish')[] = ['swap', 'train']) {
  return {
    subject: 'Grace Hopper (public-domain test portrait)',
    adultAttested: true,
    attestedBy: 'server API test',
    allowedRatings: ['sfw'],
    allowedUses: uses,
    obtainedAt: '2026-11-25T00:00:00.000Z',
    evidenceRef: 'test fixture: public-domain US Navy photo',
  };
}

/** A multipart form of fixture files (and text fields). */
export function formOf(files: { name: string; bytes: Uint8Array }[], fields: Record<string, string> = {}): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  for (const file of files) form.append('files', new Blob([file.bytes as Uint8Array<ArrayBuffer>]), file.name);
  return form;
}

/** Posts a multipart form with a key; JSON answer. */
export async function upload(
  server: ApiServer,
  key: string,
  path: string,
  form: FormData,
): Promise<{ status: number; body: any }> {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}` },
    body: form,
  });
  return { status: response.status, body: await response.json() };
}
