/**
 * Settings read once by `loadServerConfig` (environment first, overrides win): webhook delivery and job takeover
 * (`STUDIO_WEBHOOK_*`, `STUDIO_JOB_*`) with their defaults, S3 through `s3StorageOptionsFromEnv` (half-set settings
 * stop the start with an error naming the variable, never a secret), and a started server whose webhook dispatcher
 * honours `STUDIO_WEBHOOK_ATTEMPTS` and `STUDIO_WEBHOOK_RETRY_MS`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { ValidationError } from '@model-studio/core';
import type { JobRecord } from '@model-studio/jobs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServerConfig } from '../src/server-config.js';
import { startServer } from '../src/start-server.js';
import { webhookServices } from '../src/webhooks/webhook-services.js';
import { type ApiServer, startApiServer } from './api-rig.js';

describe('loadServerConfig: webhook delivery and job takeover', () => {
  it('has documented defaults, reads the environment, and lets overrides win', () => {
    const defaults = loadServerConfig({});
    expect(defaults.webhooks).toEqual({ attempts: 6, retryDelayMs: 1000, maxRetryDelayMs: 60_000, timeoutMs: 10_000 });
    expect(defaults.jobTakeover).toEqual({});
    const env = {
      STUDIO_WEBHOOK_ATTEMPTS: '3',
      STUDIO_WEBHOOK_RETRY_MS: '250',
      STUDIO_WEBHOOK_MAX_RETRY_MS: '5000',
      STUDIO_WEBHOOK_TIMEOUT_MS: ' 2000 ',
      STUDIO_JOB_LOCK_MS: '3000',
      STUDIO_JOB_STALLED_MS: '1000',
    };
    const fromEnv = loadServerConfig(env);
    expect(fromEnv.webhooks).toEqual({ attempts: 3, retryDelayMs: 250, maxRetryDelayMs: 5000, timeoutMs: 2000 });
    expect(fromEnv.jobTakeover).toEqual({ lockMs: 3000, stalledMs: 1000 });
    const overridden = loadServerConfig(env, { webhooks: { attempts: 1 }, jobTakeover: { lockMs: 500 } });
    expect(overridden.webhooks).toMatchObject({ attempts: 1, retryDelayMs: 250 });
    expect(overridden.jobTakeover).toEqual({ lockMs: 500, stalledMs: 1000 });
  });

  it('refuses a malformed number with an error that names its variable', () => {
    expect(() => loadServerConfig({ STUDIO_WEBHOOK_ATTEMPTS: '0' })).toThrow(
      'STUDIO_WEBHOOK_ATTEMPTS must be a whole number >= 1 (got "0").',
    );
    expect(() => loadServerConfig({ STUDIO_WEBHOOK_RETRY_MS: '1.5' })).toThrow(/STUDIO_WEBHOOK_RETRY_MS/);
    expect(() => loadServerConfig({ STUDIO_JOB_LOCK_MS: 'soon' })).toThrow(/STUDIO_JOB_LOCK_MS must be a whole/);
  });
});

describe('loadServerConfig and the start: S3 from the S3_* variables', () => {
  const keyId = 'AKIA-SERVER-DISTINCTIVE-7';
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'studio-server-settings-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('keeps the S3_* variables as set when one configures S3 (a region alone does not)', () => {
    expect(loadServerConfig({ S3_REGION: 'eu-west-1' }).s3).toBeUndefined();
    const config = loadServerConfig({ S3_BUCKET: 'b', S3_REGION: 'auto', S3_SESSION_TOKEN: 'tok-12345', X: '1' });
    expect(config.s3).toEqual({ S3_BUCKET: 'b', S3_REGION: 'auto', S3_SESSION_TOKEN: 'tok-12345' });
    expect(config.secrets).toContain('tok-12345');
  });

  it('half-set S3 settings stop the start with a ValidationError naming the variable, never the key', async () => {
    const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });
    const start = (env: Record<string, string>) =>
      startServer(loadServerConfig({ STUDIO_WORKSPACE: root, PORT: '0', ...env }), { logStream: quiet, listen: false });
    const noBucket = await start({ S3_ENDPOINT: 'http://127.0.0.1:9' }).catch((error: unknown) => error);
    expect(noBucket).toBeInstanceOf(ValidationError);
    expect(noBucket).toMatchObject({ field: 'S3_BUCKET' });
    expect((noBucket as Error).message).toMatch(/S3_ENDPOINT is set but S3_BUCKET is not/);
    const noSecret = await start({ S3_BUCKET: 'b', S3_ACCESS_KEY_ID: keyId }).catch((error: unknown) => error);
    expect(noSecret).toMatchObject({ field: 'S3_SECRET_ACCESS_KEY' });
    expect((noSecret as Error).message).not.toContain(keyId);
  });
});

describe('a started server honours STUDIO_WEBHOOK_ATTEMPTS and STUDIO_WEBHOOK_RETRY_MS', () => {
  let rig: ApiServer;
  let receiver: Server;
  let receiverUrl: string;
  const attempts: number[] = [];
  beforeAll(async () => {
    receiver = createServer((request, response) => {
      request.resume();
      attempts.push(Date.now());
      response.writeHead(503).end();
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hooks`;
    rig = await startApiServer({ STUDIO_WEBHOOK_ATTEMPTS: '2', STUDIO_WEBHOOK_RETRY_MS: '20' });
  });
  afterAll(async () => {
    await rig?.close();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it('gives up on a receiver that keeps failing after the configured number of attempts', async () => {
    expect(rig.server.context.config.webhooks).toMatchObject({ attempts: 2, retryDelayMs: 20 });
    const user = await rig.user('hooked');
    const created = await rig.api(user.key, 'POST', '/v1/webhooks', { url: receiverUrl });
    expect(created.status).toBe(201);
    const ended: JobRecord = {
      id: 'job-settings-1',
      type: 'run',
      model: 'any',
      owner: user.id,
      params: {},
      state: 'completed',
      createdAt: new Date().toISOString(),
      endedAt: new Date().toISOString(),
      attempts: 1,
    };
    // Resolves once every delivery succeeded or ran out of attempts (it never rejects).
    await webhookServices(rig.server.context).dispatcher.deliver(ended);
    expect(attempts).toHaveLength(2);
    expect(rig.logs.join('\n')).toMatch(/webhook delivery abandoned/);
  });
});
