import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ConsentRecord, LocalStorage, openWorkspace, storageKeys } from '@model-studio/core';
import type { JobRecord } from '@model-studio/jobs';
import { loadServerConfig } from '../src/server-config.js';
import { type StartedServer, startServer } from '../src/start-server.js';

/** Test fixtures of the job tests: a 320 px portrait (source) and a 320 px target. */
export const jobFixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'jobs');

/** A consent record covering sfw swaps and training. */
export function testConsent(uses: string[] = ['swap', 'train']): ConsentRecord {
  return {
    subject: 'Grace Hopper (public-domain test portrait)',
    adultAttested: true,
    attestedBy: 'server test',
    allowedRatings: ['sfw'],
    allowedUses: uses,
    obtainedAt: '2026-11-25T00:00:00.000Z',
    evidenceRef: 'test fixture: public-domain US Navy photo',
  } as ConsentRecord;
}

/** A server started on a free loopback port over a fresh workspace, with helpers for the job tests. */
export interface JobsServer {
  server: StartedServer;
  url: string;
  root: string;
  /** Creates a user with a `write` key; returns its id and secret. */
  user(name: string): Promise<{ id: string; key: string }>;
  /** Creates a model owned by `owner` with one source and `targets` sfw targets (no import checks: small fixtures). */
  model(owner: string, name: string, options?: { targets?: number; consent?: ConsentRecord }): Promise<void>;
  /** `fetch` with the key, JSON in and out. */
  api(key: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** Polls `GET /v1/jobs/:id` until the job is in a final state. */
  waitForEnd(key: string, id: string, timeoutMs?: number): Promise<JobRecord>;
  close(): Promise<void>;
}

/** Starts a server for one test file (the MaxStudio sandbox in process, the embedded queue). */
export async function startJobsServer(env: Record<string, string> = {}): Promise<JobsServer> {
  const root = await mkdtemp(join(tmpdir(), 'studio-server-jobs-'));
  const config = loadServerConfig({ STUDIO_WORKSPACE: root, PORT: '0', LOG_LEVEL: 'warn', ...env });
  const server = await startServer(config);
  const storage = new LocalStorage({ root });
  const workspace = await openWorkspace({ root, storage });
  const source = await readFile(join(jobFixtures, 'source.jpg'));
  const target = await readFile(join(jobFixtures, 'target.jpg'));
  const api: JobsServer['api'] = async (key, method, path, body) => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  return {
    server,
    url: server.url,
    root,
    async user(name) {
      const user = await server.context.accounts.createUser(name);
      const created = await server.context.accounts.createKey(user.id, { scope: 'write' });
      return { id: user.id, key: created.secret };
    },
    async model(owner, name, options = {}) {
      const targets = options.targets ?? 2;
      await workspace.createModel(name, { thresholds: { minShortSide: 256 } });
      await workspace.setConsent(name, options.consent ?? testConsent());
      await storage.put(storageKeys.source(name, 1), source);
      for (let n = 1; n <= targets; n++) await storage.put(storageKeys.target(name, 'sfw', n), target);
      await workspace.recordTargets(
        name,
        'sfw',
        Array.from({ length: targets }, (_, i) => ({
          n: i + 1,
          origin: 'examples/cli/samples/targets/astronaut.png',
          rightsStatement: 'public domain (NASA)',
        })),
      );
      await server.context.accounts.setModelOwner(name, owner);
    },
    api,
    async waitForEnd(key, id, timeoutMs = 60_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const { body } = await api(key, 'GET', `/v1/jobs/${id}`);
        if (['completed', 'failed', 'cancelled', 'stopped'].includes(body.state)) return body as JobRecord;
        if (Date.now() > until) throw new Error(`job ${id} still ${body.state} after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async close() {
      await server.close();
      await workspace.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}
