import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunpodSandbox, startRunpodSandbox } from '../src/testing/index.js';

describe('RunPod sandbox (REST v2 wire format)', () => {
  let sandbox: RunpodSandbox;
  const auth = () => ({ authorization: `Bearer ${sandbox.apiKey}`, 'content-type': 'application/json' });

  beforeAll(async () => {
    sandbox = await startRunpodSandbox({ clockFactor: 200, defaultSteps: 4 });
  });
  afterAll(() => sandbox.close());

  it('refuses a missing or wrong key with an RFC 9457 problem', async () => {
    const missing = await fetch(`${sandbox.url}/v2/pods`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('content-type')).toBe('application/problem+json');
    expect(await missing.json()).toEqual({ title: 'Unauthorized', status: 401, detail: 'missing bearer token' });
    const wrong = await fetch(`${sandbox.url}/v2/pods`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
  });

  it('wraps lists and answers 404 for unknown pods', async () => {
    const list = await fetch(`${sandbox.url}/v2/pods`, { headers: auth() });
    expect(await list.json()).toEqual({ pods: [] });
    const unknown = await fetch(`${sandbox.url}/v2/pods/nope`, { headers: auth() });
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).detail).toBe('pod not found');
  });

  it('validates create bodies (422 with errors) and needs product with include=AVAILABILITY', async () => {
    const bad = await fetch(`${sandbox.url}/v2/pods`, {
      method: 'POST',
      headers: auth(),
      body: JSON.stringify({ image: 'x' }),
    });
    expect(bad.status).toBe(422);
    const problem = await bad.json();
    expect(problem.errors).toContain('$.name: required, minLength 1');
    const catalog = await fetch(`${sandbox.url}/v2/catalog/gpus?include=AVAILABILITY`, { headers: auth() });
    expect(catalog.status).toBe(400);
    const ok = await fetch(`${sandbox.url}/v2/catalog/gpus?include=AVAILABILITY&product=POD`, { headers: auth() });
    const { gpus } = await ok.json();
    expect(gpus.find((gpu: { id: string }) => gpu.id === 'NVIDIA GeForce RTX 4090').availability).toBe('HIGH');
  });

  it('runs a pod PROVISIONING -> RUNNING, scopes the pod key, bills until terminated', async () => {
    const created = await fetch(`${sandbox.url}/v2/pods`, {
      method: 'POST',
      headers: auth(),
      body: JSON.stringify({
        name: 'raw-test',
        image: 'img',
        gpu: { id: 'NVIDIA GeForce RTX 4090', count: 1 },
        env: {},
      }),
    });
    expect(created.status).toBe(201);
    const pod = await created.json();
    expect(pod.status).toBe('PROVISIONING');
    expect(pod.cost).toBe(0.69);
    const seen = new Set<string>();
    for (let i = 0; i < 200 && !seen.has('RUNNING'); i++) {
      const now = await (await fetch(`${sandbox.url}/v2/pods/${pod.id}`, { headers: auth() })).json();
      seen.add(now.status);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(seen.has('RUNNING')).toBe(true);
    const record = sandbox.created[0]!;
    const scoped = { authorization: `Bearer ${record.podKey}` };
    expect((await fetch(`${sandbox.url}/v2/pods`, { headers: scoped })).status).toBe(403);
    expect((await fetch(`${sandbox.url}/v2/pods/${pod.id}`, { headers: scoped })).status).toBe(200);
    const deleted = await fetch(`${sandbox.url}/v2/pods/${pod.id}`, { method: 'DELETE', headers: auth() });
    expect(deleted.status).toBe(204);
    expect((await fetch(`${sandbox.url}/v2/pods/${pod.id}`, { headers: auth() })).status).toBe(404);
    const billing = await (await fetch(`${sandbox.url}/v2/billing/pods?podId=${pod.id}`, { headers: auth() })).json();
    expect(billing.records).toHaveLength(1);
    expect(billing.records[0].totalAmount).toBeGreaterThan(0);
    expect(billing.records[0].totalAmount).toBe(sandbox.billing()[0]!.usd);
    expect(sandbox.billing()[0]!.sandbox).toBe(true);
  });

  it('injects 429 with Retry-After and 5xx on request', async () => {
    sandbox.injectHttpFault({ status: 429, path: '/v2/pods', method: 'GET', retryAfterSeconds: 3 });
    sandbox.injectHttpFault({ status: 503, path: '/v2/pods', method: 'GET' });
    const limited = await fetch(`${sandbox.url}/v2/pods`, { headers: auth() });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect((await fetch(`${sandbox.url}/v2/pods`, { headers: auth() })).status).toBe(503);
    expect((await fetch(`${sandbox.url}/v2/pods`, { headers: auth() })).status).toBe(200);
  });
});
