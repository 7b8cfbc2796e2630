import { createHash, createHmac, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalStorage, StorageError, ValidationError } from '@model-studio/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { errorOf } from './fixtures/storage/helpers.js';

const secret = 'test-secret-0123456789abcdef';
const encoder = new TextEncoder();

/** Signs a grant the way the README documents, to check the format and to forge expired URLs. */
function sign(method: string, key: string, expires: number, contentType = ''): string {
  return createHmac('sha256', secret)
    .update(['model-studio-local-v1', method, key, String(expires), contentType].join('\n'))
    .digest('hex');
}

/** Sends a raw request target, which fetch would normalise (`..`, `%2e%2e`). */
function rawGet(origin: string, path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (data: Buffer) => {
        body += data.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('LocalStorage signed URLs', () => {
  let root: string;
  let storage: LocalStorage;
  let signedUrl: NonNullable<LocalStorage['signedUrl']>;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'local-storage-urls-'));
    storage = new LocalStorage({ root, signedUrls: { secret } });
    signedUrl = storage.signedUrl!;
    await storage.put('models/a/x.jpg', encoder.encode('jpeg bytes'));
  });
  afterEach(async () => {
    await storage.close();
    await rm(root, { recursive: true, force: true });
  });

  it('makes URLs in the documented format, valid for expiresIn seconds', async () => {
    const before = Math.ceil(Date.now() / 1000);
    const url = new URL(await signedUrl('models/a/x.jpg', { method: 'GET', expiresIn: 600 }));
    expect(url.protocol).toBe('http:');
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.pathname).toBe('/models/a/x.jpg');
    expect(url.searchParams.get('method')).toBe('GET');
    const expires = Number(url.searchParams.get('expires'));
    expect(expires - before).toBeGreaterThanOrEqual(600);
    expect(expires - before).toBeLessThanOrEqual(601);
    expect(url.searchParams.get('sig')).toBe(sign('GET', 'models/a/x.jpg', expires));
    const defaults = new URL(await signedUrl('models/a/x.jpg', { method: 'GET' }));
    expect(Number(defaults.searchParams.get('expires')) - before).toBeGreaterThanOrEqual(3600);
  });

  it('serves GET and HEAD with type, length and ETag, and 404 for a missing key', async () => {
    const url = await signedUrl('models/a/x.jpg', { method: 'GET' });
    const got = await fetch(url);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('image/jpeg');
    expect(got.headers.get('content-length')).toBe('10');
    expect(got.headers.get('etag')).toBe(`"${(await storage.head('models/a/x.jpg'))?.etag}"`);
    expect(await got.text()).toBe('jpeg bytes');
    const head = await fetch(url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('10');
    expect(await head.text()).toBe('');
    const missing = await fetch(await signedUrl('models/a/missing.jpg', { method: 'GET' }));
    expect(missing.status).toBe(404);
    expect(await missing.text()).toBe('Not found.\n');
  });

  it('encodes keys with spaces and non-ASCII names', async () => {
    const key = 'models/a/datasets/v1/10_andie woman/é 😀 #1.txt';
    await storage.put(key, encoder.encode('caption'));
    const response = await fetch(await signedUrl(key, { method: 'GET' }));
    expect(await response.text()).toBe('caption');
  });

  it('refuses missing, malformed, tampered, expired and wrong-method requests with a short 403', async () => {
    const url = new URL(await signedUrl('models/a/x.jpg', { method: 'GET' }));
    const expires = Number(url.searchParams.get('expires'));
    const origin = url.origin;
    const cases: [string, string][] = [
      [`${origin}/models/a/x.jpg`, 'not signed'],
      [`${origin}/models/a/x.jpg?method=GET&expires=${expires}&sig=zz`, 'does not match'],
      [`${origin}/models/a/x.jpg?method=GET&expires=${expires}&sig=${'0'.repeat(64)}`, 'does not match'],
      [`${origin}/models/a/y.jpg${url.search}`, 'does not match'],
      [
        `${origin}/models/a/x.jpg?method=GET&expires=${expires + 1}&sig=${url.searchParams.get('sig')}`,
        'does not match',
      ],
      [`${origin}/models/a/x.jpg?method=PUT&expires=${expires}&sig=${url.searchParams.get('sig')}`, 'does not match'],
      // Correctly signed but expired a second ago.
      [
        `${origin}/models/a/x.jpg?method=GET&expires=${expires - 3601}&sig=${sign('GET', 'models/a/x.jpg', expires - 3601)}`,
        'expired',
      ],
    ];
    for (const [target, reason] of cases) {
      const response = await fetch(target);
      const body = await response.text();
      expect(response.status, target).toBe(403);
      expect(body).toContain(reason);
      expect(body.length).toBeLessThan(120);
      expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    }
    const wrongMethod = await fetch(url, { method: 'PUT', body: encoder.encode('overwrite') });
    expect(wrongMethod.status).toBe(403);
    expect(await wrongMethod.text()).toContain('only allows GET');
    const putUrl = await signedUrl('models/a/x.jpg', { method: 'PUT' });
    const getOnPut = await fetch(putUrl);
    expect(getOnPut.status).toBe(403);
    await getOnPut.arrayBuffer();
    expect(await new Response(await storage.get('models/a/x.jpg')).text()).toBe('jpeg bytes');
  });

  it('refuses raw traversal targets that fetch would normalise', async () => {
    const url = new URL(await signedUrl('models/a/x.jpg', { method: 'GET' }));
    for (const path of [
      `/models/a/../../../etc/passwd${url.search}`,
      `/models/a/%2e%2e/%2e%2e/x.jpg${url.search}`,
      '/%zz',
    ]) {
      const { status, body } = await rawGet(url.origin, path);
      expect(status).toBe(403);
      expect(body).not.toContain('root:');
    }
  });

  it('stores PUT bodies atomically, enforcing a signed content type', async () => {
    const bound = await signedUrl('models/a/up.jpg', { method: 'PUT', contentType: 'image/jpeg' });
    expect(new URL(bound).searchParams.get('type')).toBe('image/jpeg');
    const wrongType = await fetch(bound, {
      method: 'PUT',
      body: encoder.encode('png'),
      headers: { 'content-type': 'image/png' },
    });
    expect(wrongType.status).toBe(403);
    expect(await wrongType.text()).toContain('Content-Type: image/jpeg');
    expect(await storage.head('models/a/up.jpg')).toBeUndefined();
    const ok = await fetch(bound, {
      method: 'PUT',
      body: encoder.encode('jpeg'),
      headers: { 'content-type': 'image/jpeg' },
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('etag')).toBe(`"${(await storage.head('models/a/up.jpg'))?.etag}"`);
    const unbound = await signedUrl('models/a/any.bin', { method: 'PUT' });
    expect((await fetch(unbound, { method: 'PUT', body: encoder.encode('any') })).status).toBe(200);
    expect(await new Response(await storage.get('models/a/any.bin')).text()).toBe('any');
  });

  it('streams a large PUT body to disk', async () => {
    const chunk = randomBytes(1024 * 1024);
    const chunks = 24;
    const expected = createHash('sha256');
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ === chunks) return controller.close();
        expected.update(chunk);
        controller.enqueue(new Uint8Array(chunk));
      },
    });
    const url = await signedUrl('models/a/big.bin', { method: 'PUT' });
    const response = await fetch(url, { method: 'PUT', body, duplex: 'half' } as RequestInit);
    expect(response.status).toBe(200);
    const stored = createHash('sha256');
    for await (const part of (await storage.get('models/a/big.bin')) as unknown as AsyncIterable<Uint8Array>) {
      stored.update(part);
    }
    expect(stored.digest('hex')).toBe(expected.digest('hex'));
    expect((await readdir(join(root, 'models/a'))).filter((name) => name.startsWith('.'))).toEqual([]);
  });

  it('validates method, expiry, content type and key', async () => {
    for (const expiresIn of [0, -5, 1.5, Number.NaN, 7 * 24 * 3600 + 1]) {
      const error = await errorOf(() => signedUrl('models/a/x.jpg', { method: 'GET', expiresIn }));
      expect(ValidationError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain('expiresIn');
    }
    const method = 'POST' as 'GET';
    expect(ValidationError.isInstance(await errorOf(() => signedUrl('models/a/x.jpg', { method })))).toBe(true);
    const contentType = 'image/jpeg\r\nx-injected: 1';
    expect(ValidationError.isInstance(await errorOf(() => signedUrl('a.jpg', { method: 'PUT', contentType })))).toBe(
      true,
    );
    expect(ValidationError.isInstance(await errorOf(() => signedUrl('../a.jpg', { method: 'GET' })))).toBe(true);
    expect(await signedUrl('a.jpg', { method: 'GET', expiresIn: 7 * 24 * 3600 })).toContain('sig=');
    const aborted = await errorOf(() => signedUrl('a.jpg', { method: 'GET', signal: AbortSignal.abort() }));
    expect((aborted as Error).name).toBe('AbortError');
  });

  it('validates its settings without echoing the secret', () => {
    const settings = [
      { port: 70000 },
      { port: 1.5 },
      { secret: 'short' },
      { defaultExpiresIn: 10, maxExpiresIn: 5 },
      { host: '' },
    ];
    for (const signedUrls of settings) {
      let caught: unknown;
      try {
        new LocalStorage({ root, signedUrls });
      } catch (error) {
        caught = error;
      }
      expect(ValidationError.isInstance(caught)).toBe(true);
      expect((caught as Error).message).not.toContain('short');
    }
  });

  it('frees its port on close and starts again on the next signedUrl call', async () => {
    const first = await signedUrl('models/a/x.jpg', { method: 'GET' });
    const { port } = new URL(first);
    await storage.close();
    await expect(fetch(first)).rejects.toThrow();
    // The port is free again: another server can listen on it.
    const probe = createServer();
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen(Number(port), '127.0.0.1', resolve);
    });
    await new Promise((resolve) => probe.close(resolve));
    const second = await signedUrl('models/a/x.jpg', { method: 'GET' });
    expect(await (await fetch(second)).text()).toBe('jpeg bytes');
    await storage.close();
    await storage.close();
  });

  it('keeps URLs valid across instances that share secret and port', async () => {
    const port = await freePort();
    const one = new LocalStorage({ root, signedUrls: { secret, port } });
    const url = await one.signedUrl!('models/a/x.jpg', { method: 'GET' });
    await one.close();
    const two = new LocalStorage({ root, signedUrls: { secret: encoder.encode(secret), port } });
    try {
      await two.signedUrl!('models/a/other.jpg', { method: 'GET' }); // starts the server
      expect(await (await fetch(url)).text()).toBe('jpeg bytes');
    } finally {
      await two.close();
    }
  });

  it('reports a taken port as a StorageError', async () => {
    const port = await freePort();
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
    try {
      const busy = new LocalStorage({ root, signedUrls: { port } });
      const error = await errorOf(() => busy.signedUrl!('a.jpg', { method: 'GET' }));
      expect(StorageError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ operation: 'signedUrl', backendCode: 'EADDRINUSE' });
      await busy.close();
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });
});
