/**
 * The client's HTTP path (ky over the built-in fetch) against real loopback servers: decompression, the response size
 * cap, redirects (the API key never leaves the origin), keep-alive reuse, cut-off bodies, and what a `fetch` setting
 * receives, and how a request is given up (fetch gets no signal: the client races it).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMaxStudio, type MaxStudioSettings } from '../src/index.js';
import { caught } from './helpers/caught.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  remotePort: number | undefined;
}

type Route = (req: IncomingMessage, res: ServerResponse, body: string) => void;

/** A real HTTP server on 127.0.0.1 that records what it receives and answers from a route table. */
async function startServer(routes: Record<string, Route>) {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      const entry = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      seen.push({ ...entry, remotePort: req.socket.remotePort });
      const route = routes[(req.url ?? '').split('?')[0]!];
      if (route) route(req, res, body);
      else res.writeHead(404, { 'content-type': 'application/json' }).end('{"status":404,"error":"Not Found"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const completed = JSON.stringify({ status: 'completed', result: { mediaUrl: 'https://cdn.example/x.jpg' } });
const json =
  (status: number, body: string, headers: Record<string, string> = {}) =>
  (_req: IncomingMessage, res: ServerResponse) =>
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body);
const detected = JSON.stringify({ detectedFaces: [{ x: 1, y: 2, width: 30, height: 40 }] });

describe('the HTTP path (ky over fetch)', () => {
  let api: Awaited<ReturnType<typeof startServer>>;
  let other: Awaited<ReturnType<typeof startServer>>;
  const key = 'sk-http-path-secret';
  const slowAnswered: number[] = [];
  const settings = (extra: MaxStudioSettings = {}): MaxStudioSettings => ({
    baseURL: api.url,
    apiKey: key,
    retry: { retries: 2, minDelay: 5, maxDelay: 20 },
    ...extra,
  });

  beforeAll(async () => {
    other = await startServer({
      '/swap-image/elsewhere': json(200, completed),
      '/detect-face-image': json(200, detected),
    });
    const encoded = (encoding: string, bytes: Buffer) => (_req: IncomingMessage, res: ServerResponse) =>
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': encoding }).end(bytes);
    api = await startServer({
      '/swap-image/plain': json(200, completed),
      '/swap-image/gzip': encoded('gzip', gzipSync(completed)),
      '/swap-image/deflate': encoded('deflate', deflateSync(completed)),
      '/swap-image/br': encoded('br', brotliCompressSync(completed)),
      '/swap-image/bad-gzip': encoded('gzip', Buffer.from('not gzip at all')),
      // 4 MiB of JSON (a long status string) in a few KB of gzip.
      '/swap-image/bomb': encoded('gzip', gzipSync(`{"status":"${'x'.repeat(4 * 1024 * 1024)}"}`)),
      '/swap-image/big': json(200, `{"status":"${'y'.repeat(4096)}"}`),
      '/swap-image/same-origin': (_req, res) => res.writeHead(307, { location: '/swap-image/plain' }).end(),
      '/swap-image/away': (_req, res) => res.writeHead(302, { location: `${other.url}/swap-image/elsewhere` }).end(),
      '/swap-image/loop': (_req, res) => res.writeHead(302, { location: '/swap-image/loop' }).end(),
      '/swap-image/half': (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
        res.write('{"status":"comp');
        setTimeout(() => res.socket?.destroy(), 20);
      },
      '/detect-face-image': json(200, detected),
      '/moved/detect-face-image': (_req, res) => res.writeHead(307, { location: '/detect-face-image' }).end(),
      '/see-other/detect-face-image': (_req, res) => res.writeHead(303, { location: '/detect-face-image' }).end(),
      '/elsewhere/detect-face-image': (_req, res) =>
        res.writeHead(308, { location: `${other.url}/detect-face-image` }).end(),
      '/big/swap-image': json(200, `{"jobId":"job-big","padding":"${'z'.repeat(4096)}"}`),
      '/half/swap-image': (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
        res.write('{"job');
        setTimeout(() => res.socket?.destroy(), 20);
      },
      // Answers after 3 s (the slow answer is recorded when it is sent).
      '/swap-image/slow': (_req, res) => {
        setTimeout(() => {
          slowAnswered.push(Date.now());
          if (!res.destroyed) json(200, completed)(_req, res);
        }, 3000);
      },
      // Headers at once, then part of the body, then nothing (the connection stays open until the server closes).
      '/swap-image/stall': (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
        res.write('{"status":"comp');
      },
      '/results/big.jpg': (_req, res) =>
        res.writeHead(200, { 'content-type': 'image/jpeg' }).end(Buffer.alloc(8192, 1)),
      '/results/moved.jpg': (_req, res) => res.writeHead(302, { location: `${other.url}/results/x.jpg` }).end(),
    });
  });

  afterAll(async () => {
    await Promise.all([api?.close(), other?.close()]);
  });

  it.each(['gzip', 'deflate', 'br'])(
    'reads a %s-encoded answer (ky asks for compression, fetch decodes)',
    async (encoding) => {
      const job = await createMaxStudio(settings()).getSwapJob(encoding);
      expect(job).toMatchObject({ status: 'completed', result: { mediaUrl: 'https://cdn.example/x.jpg' } });
      expect(api.seen.at(-1)?.headers['accept-encoding']).toMatch(/gzip/);
    },
  );

  it('reports a body that does not decode as its content-encoding says as a network failure of the poll (retried)', async () => {
    const before = api.seen.length;
    const error = await caught(createMaxStudio(settings()).getSwapJob('bad-gzip'));
    expect(error).toMatchObject({ reason: 'network', isRetryable: true });
    expect(api.seen.length - before).toBe(3);
    expect(error.message).not.toContain(key);
  });

  it('refuses an answer over maxResponseBytes, counted after decompression, without retrying it', async () => {
    const small = createMaxStudio(settings({ maxResponseBytes: 1024 * 1024 }));
    const before = api.seen.length;
    const bomb = await caught(small.getSwapJob('bomb'));
    expect(bomb).toMatchObject({ reason: 'invalid-response', isRetryable: false, status: 200, jobId: 'bomb' });
    expect(bomb.message).toMatch(/maxResponseBytes \(1048576 bytes\)/);
    expect(api.seen.length - before).toBe(1);
    const tiny = createMaxStudio(settings({ maxResponseBytes: 1000 }));
    expect(await caught(tiny.getSwapJob('big'))).toMatchObject({ reason: 'invalid-response', isRetryable: false });
    // Under the limit the same answer is read.
    expect((await createMaxStudio(settings({ maxResponseBytes: 8192 })).getSwapJob('big')).providerStatus).toHaveLength(
      4096,
    );
  });

  it('calls an oversized 2xx answer to a paid submission uncertain (it may have been accepted), and caps downloads', async () => {
    const client = createMaxStudio(settings({ baseURL: `${api.url}/big`, maxResponseBytes: 1000 }));
    const before = api.seen.length;
    const error = await caught(
      client.submitSwap({
        mediaUrl: 'https://x/t.jpg',
        faces: [{ originalFace: { x: 0, y: 0, width: 1, height: 1 }, newFace: 'https://x/s.jpg' }],
      }),
    );
    expect(error).toMatchObject({ reason: 'uncertain', isRetryable: false, status: 200 });
    expect(api.seen.length - before).toBe(1);
    const download = await caught(
      client.downloadResult(`${api.url}/results/big.jpg`, { id: 'big', operation: 'swap' }),
    );
    expect(download).toMatchObject({ reason: 'invalid-response', isRetryable: false, jobId: 'big' });
  });

  it('calls a 2xx answer cut off mid-body uncertain for a paid submission, and a network failure (retried) for a poll', async () => {
    const swapped = caught(
      createMaxStudio(settings({ baseURL: `${api.url}/half` })).submitSwap({
        mediaUrl: 'https://x/t.jpg',
        faces: [{ originalFace: { x: 0, y: 0, width: 1, height: 1 }, newFace: 'https://x/s.jpg' }],
      }),
    );
    expect(await swapped).toMatchObject({ reason: 'uncertain', isRetryable: false });
    const before = api.seen.length;
    expect(await caught(createMaxStudio(settings()).getSwapJob('half'))).toMatchObject({ reason: 'network' });
    expect(api.seen.length - before).toBe(3);
  });

  it('follows a same-origin redirect with the key, and keeps method and body on 307/308', async () => {
    const job = await createMaxStudio(settings()).getSwapJob('same-origin');
    expect(job.status).toBe('completed');
    expect(api.seen.at(-1)).toMatchObject({ url: '/swap-image/plain', headers: { 'x-api-key': key } });
    const faces = await createMaxStudio(settings({ baseURL: `${api.url}/moved` })).detectFaces('https://x/a.jpg');
    expect(faces).toHaveLength(1);
    expect(api.seen.at(-1)).toMatchObject({
      method: 'POST',
      url: '/detect-face-image',
      body: '{"imageUrl":"https://x/a.jpg"}',
    });
  });

  it('turns a 303 after a POST into a GET without a body, as fetch does', async () => {
    const client = createMaxStudio(settings({ baseURL: `${api.url}/see-other`, retry: false }));
    expect(await client.detectFaces('https://x/a.jpg')).toHaveLength(1);
    const last = api.seen.at(-1)!;
    expect(last).toMatchObject({ method: 'GET', url: '/detect-face-image', body: '' });
    expect(last.headers['content-type']).toBeUndefined();
  });

  it('never sends the API key to another origin when a redirect leaves the API', async () => {
    const job = await createMaxStudio(settings({ headers: { 'x-trace': 'kept' } })).getSwapJob('away');
    expect(job.status).toBe('completed');
    const landed = other.seen.at(-1)!;
    expect(landed.url).toBe('/swap-image/elsewhere');
    expect(landed.headers['x-api-key']).toBeUndefined();
    expect(landed.headers['x-trace']).toBe('kept');
    await createMaxStudio(settings({ baseURL: `${api.url}/elsewhere` })).detectFaces('https://x/a.jpg');
    expect(other.seen.at(-1)).toMatchObject({
      method: 'POST',
      url: '/detect-face-image',
      body: '{"imageUrl":"https://x/a.jpg"}',
    });
    expect(other.seen.at(-1)?.headers['x-api-key']).toBeUndefined();
    // Result downloads carry no key at all, redirected or not.
    await caught(
      createMaxStudio(settings()).downloadResult(`${api.url}/results/moved.jpg`, { id: 'm', operation: 'swap' }),
    );
    expect(other.seen.at(-1)).toMatchObject({ url: '/results/x.jpg' });
    expect(other.seen.at(-1)?.headers['x-api-key']).toBeUndefined();
  });

  it('stops after 20 redirects with a network error that names the loop', async () => {
    const before = api.seen.length;
    const error = await caught(createMaxStudio(settings({ retry: false })).getSwapJob('loop'));
    expect(error).toMatchObject({ reason: 'network', isRetryable: true });
    expect(error.message).toMatch(/more than 20 redirects/);
    expect(api.seen.length - before).toBe(21);
  });

  it('reuses keep-alive connections: ten sequential calls open at most two', async () => {
    // undici may start the next request before it has put the last connection back, hence two, not one.
    const client = createMaxStudio(settings());
    for (let i = 0; i < 10; i++) await client.getSwapJob('plain');
    const last = api.seen.slice(-10);
    const ports = new Set(last.map((entry) => entry.remotePort));
    expect(ports.size).toBeLessThanOrEqual(2);
    expect(last.every((entry) => entry.headers.connection === 'keep-alive')).toBe(true);
  });

  it('sends through the fetch of the settings, read at each request, with a Request from ky', async () => {
    const requests: Request[] = [];
    const recording: typeof fetch = (input, init) => {
      requests.push(input as Request);
      return fetch(input, init);
    };
    const client = createMaxStudio(settings({ fetch: recording }));
    await client.getSwapJob('plain');
    expect(requests).toHaveLength(1);
    expect(requests[0]).toBeInstanceOf(Request);
    expect(requests[0]?.redirect).toBe('manual');
    expect(requests[0]?.headers.get('x-api-key')).toBe(key);
  });

  it('gives fetch no signal, and gives up a request the server has not answered when the timeout passes', async () => {
    const signals: unknown[] = [];
    const recording: typeof fetch = (input, init) => {
      signals.push(init && 'signal' in init ? init.signal : 'absent');
      return fetch(input, init);
    };
    const client = createMaxStudio(settings({ fetch: recording, timeout: 200, retry: { retries: 0 } }));
    const error = await caught(client.getSwapJob('slow'));
    // Given up at the timeout, not when the answer came 3 s later.
    expect(slowAnswered).toHaveLength(0);
    expect(error).toMatchObject({ reason: 'network', isRetryable: true });
    expect(error.message).toMatch(/no response within 200 ms/);
    // null, not undefined: fetch would otherwise take the signal of ky's Request.
    expect(signals).toEqual([null]);
  });

  it('gives up a body that stops coming when the timeout passes, and when the caller aborts', async () => {
    const client = createMaxStudio(settings({ timeout: 200, retry: { retries: 0 } }));
    const stalled = await caught(client.getSwapJob('stall'));
    expect(stalled).toMatchObject({ reason: 'network', isRetryable: true });
    expect(stalled.message).toMatch(/no response within 200 ms/);
    const controller = new AbortController();
    const patient = createMaxStudio(settings({ timeout: 60_000, retry: { retries: 0 } }));
    setTimeout(() => controller.abort(new Error('stop')), 100);
    const aborted = await caught(patient.getSwapJob('stall', { signal: controller.signal }));
    expect(aborted).toMatchObject({ reason: 'aborted' });
  });
});
