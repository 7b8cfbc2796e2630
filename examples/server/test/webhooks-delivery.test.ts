import { createServer, type Server } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JobsServer, startJobsServer, testConsent } from './jobs-rig.js';

interface Received {
  id: string;
  verified: boolean;
  answered: number;
  body: { type: string; data: { id: string; state: string; error?: { name: string } } };
}

/** A webhook receiver on 127.0.0.1 that verifies each delivery with the secret and fails the first one (500). */
async function startReceiver(): Promise<{
  url: string;
  received: Received[];
  secret: { value: string };
  server: Server;
}> {
  const received: Received[] = [];
  const secret = { value: '' };
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const payload = Buffer.concat(chunks).toString('utf8');
    let verified = false;
    try {
      new Webhook(secret.value).verify(payload, request.headers as Record<string, string>);
      verified = true;
    } catch {
      verified = false;
    }
    const answered = received.length === 0 ? 500 : verified ? 204 : 400;
    received.push({ id: String(request.headers['webhook-id']), verified, answered, body: JSON.parse(payload) });
    response.writeHead(answered).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/hooks`, received, secret, server };
}

async function until(check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('webhooks: signed deliveries of job ends, retried', () => {
  let rig: JobsServer;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let alice: { id: string; key: string };
  let bob: { id: string; key: string };
  beforeAll(async () => {
    // The server's webhook settings (ServerConfig, from these variables): short backoff, 4 attempts.
    rig = await startJobsServer({ STUDIO_WEBHOOK_RETRY_MS: '50', STUDIO_WEBHOOK_ATTEMPTS: '4' });
    receiver = await startReceiver();
    alice = await rig.user('alice');
    bob = await rig.user('bob');
    await rig.model(alice.id, 'hooked', { targets: 1 });
    await rig.model(alice.id, 'refused', { targets: 1, consent: { ...testConsent(), allowedRatings: ['nsfw'] } });
  });
  afterAll(async () => {
    await rig?.close();
    await new Promise((resolve) => receiver?.server.close(resolve));
  });

  it('registers a webhook (secret shown once), lists it without the secret, refuses bad URLs', async () => {
    const created = await rig.api(alice.key, 'POST', '/v1/webhooks', { url: receiver.url, description: 'test' });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_/);
    receiver.secret.value = created.body.secret;
    const listed = await rig.api(alice.key, 'GET', '/v1/webhooks');
    expect(listed.body.webhooks).toHaveLength(1);
    expect(listed.body.webhooks[0]).toMatchObject({ id: created.body.id, url: receiver.url });
    expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);
    expect((await rig.api(bob.key, 'GET', '/v1/webhooks')).body.webhooks).toEqual([]);
    const bad = await rig.api(alice.key, 'POST', '/v1/webhooks', { url: 'ftp://example.com/x' });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('ValidationError');
    const notUrl = await rig.api(alice.key, 'POST', '/v1/webhooks', { url: 'not a url' });
    expect(notUrl.status).toBe(400);
  });

  it('delivers a completed job signed; the first attempt fails and the retry carries the same webhook-id', async () => {
    const started = await rig.api(alice.key, 'POST', '/v1/models/hooked/runs', {});
    const job = await rig.waitForEnd(alice.key, started.body.id);
    expect(job.state).toBe('completed');
    await until(() => receiver.received.some((delivery) => delivery.answered === 204));
    const deliveries = receiver.received.filter((delivery) => delivery.body.data.id === job.id);
    expect(deliveries.map((delivery) => delivery.answered)).toEqual([500, 204]);
    expect(deliveries.every((delivery) => delivery.verified)).toBe(true);
    expect(new Set(deliveries.map((delivery) => delivery.id)).size).toBe(1);
    expect(deliveries[0]?.body).toMatchObject({ type: 'job.completed', data: { id: job.id, state: 'completed' } });
  });

  it('delivers a failed job with its typed error', async () => {
    const started = await rig.api(alice.key, 'POST', '/v1/models/refused/runs', { ratings: ['sfw'] });
    const job = await rig.waitForEnd(alice.key, started.body.id);
    expect(job.state).toBe('failed');
    await until(() => receiver.received.some((delivery) => delivery.body.data.id === job.id));
    const [delivery] = receiver.received.filter((d) => d.body.data.id === job.id);
    expect(delivery).toMatchObject({
      verified: true,
      body: { type: 'job.failed', data: { error: { name: 'ConsentError' } } },
    });
  });

  it("deletes a webhook (404 for another user's), then delivers nothing more", async () => {
    const [webhook] = (await rig.api(alice.key, 'GET', '/v1/webhooks')).body.webhooks;
    expect((await rig.api(bob.key, 'DELETE', `/v1/webhooks/${webhook.id}`)).status).toBe(404);
    expect((await rig.api(alice.key, 'DELETE', `/v1/webhooks/${webhook.id}`)).status).toBe(204);
    expect((await rig.api(alice.key, 'DELETE', `/v1/webhooks/${webhook.id}`)).status).toBe(404);
    const before = receiver.received.length;
    const started = await rig.api(alice.key, 'POST', '/v1/models/hooked/runs', {});
    await rig.waitForEnd(alice.key, started.body.id);
    // The end of this job is delivered by the worker after it is recorded; give it the time a retry would take.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(receiver.received.length).toBe(before);
  });
});
