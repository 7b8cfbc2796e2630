import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import ky from 'ky';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeHttpFetch, nodeHttpFetch, rawFetchOf } from '../src/node-http-fetch.js';

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
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body,
        remotePort: req.socket.remotePort,
      });
      const route = routes[(req.url ?? '').split('?')[0]!];
      if (route) route(req, res, body);
      else res.writeHead(404).end('no route');
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

const payload = JSON.stringify({ jobId: 'job-1', status: 'completed', text: 'é'.repeat(2000) });

describe('nodeHttpFetch', () => {
  let main: Awaited<ReturnType<typeof startServer>>;
  let other: Awaited<ReturnType<typeof startServer>>;

  beforeAll(async () => {
    other = await startServer({
      '/landing': (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('landed elsewhere'),
    });
    main = await startServer({
      '/json': (_req, res) =>
        res
          .writeHead(201, [
            ['content-type', 'application/json'],
            ['set-cookie', 'a=1'],
            ['set-cookie', 'b=2'],
            ['x-request-id', 'req-7'],
          ])
          .end(payload),
      '/echo': (req, res, body) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            method: req.method,
            body,
            contentType: req.headers['content-type'],
            key: req.headers['x-api-key'],
          }),
        ),
      '/gzip': (_req, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync(payload)),
      '/deflate': (_req, res) => res.writeHead(200, { 'content-encoding': 'deflate' }).end(deflateSync(payload)),
      '/br': (_req, res) => res.writeHead(200, { 'content-encoding': 'br' }).end(brotliCompressSync(payload)),
      '/bad-gzip': (_req, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end('not gzip at all'),
      '/raw-deflate': (_req, res) => res.writeHead(200, { 'content-encoding': 'deflate' }).end(deflateRawSync(payload)),
      '/empty-gzip': (_req, res) => res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': '0' }).end(),
      '/bomb': (_req, res) =>
        res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync(Buffer.alloc(4 * 1024 * 1024))),
      '/multiple-choices': (_req, res) => res.writeHead(300, { location: '/echo' }).end('pick one'),
      '/empty': (_req, res) => res.writeHead(204).end(),
      '/see-other': (_req, res) => res.writeHead(303, { location: '/echo' }).end(),
      '/found': (_req, res) => res.writeHead(302, { location: '/echo?from=found' }).end(),
      '/temporary': (_req, res) => res.writeHead(307, { location: '/echo' }).end(),
      '/away': (_req, res) => res.writeHead(302, { location: `${other.url}/landing` }).end(),
      '/loop': (_req, res) => res.writeHead(302, { location: '/loop' }).end(),
      '/slow': (_req, res) => {
        setTimeout(() => res.writeHead(200).end('late'), 2000).unref();
      },
      '/half': (_req, res) => {
        res.writeHead(200, { 'content-length': '1000' });
        res.write('only part of it');
        setTimeout(() => res.socket?.destroy(), 20);
      },
      '/hang-up': (req) => req.socket.destroy(),
    });
  });

  afterAll(async () => {
    await main.close();
    await other.close();
  });

  it('returns a standard Response with status, repeated headers and the body', async () => {
    const response = await nodeHttpFetch(`${main.url}/json`);
    expect(response).toBeInstanceOf(Response);
    expect(response.status).toBe(201);
    expect(response.ok).toBe(true);
    expect(response.url).toBe(`${main.url}/json`);
    expect(response.headers.get('x-request-id')).toBe('req-7');
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await response.json()).toEqual(JSON.parse(payload));
  });

  it('reads the body once, whichever way, like a fetch Response', async () => {
    const url = `${main.url}/json`;
    const viaText = await nodeHttpFetch(url);
    expect(viaText.bodyUsed).toBe(false);
    expect(JSON.parse(await viaText.text())).toEqual(JSON.parse(payload));
    expect(viaText.bodyUsed).toBe(true);
    await expect(viaText.text()).rejects.toThrow(TypeError);
    await expect(viaText.json()).rejects.toThrow(TypeError);
    expect(() => viaText.clone()).toThrow(TypeError);

    // The stream, for callers that want one, carries the same bytes and marks the body used.
    const viaStream = await nodeHttpFetch(url);
    const reader = viaStream.body!.getReader();
    const parts: Uint8Array[] = [];
    for (let next = await reader.read(); !next.done; next = await reader.read()) parts.push(next.value);
    expect(Buffer.concat(parts).toString()).toBe(payload);
    expect(viaStream.bodyUsed).toBe(true);
    await expect(viaStream.text()).rejects.toThrow(TypeError);

    const viaJson = await nodeHttpFetch(url);
    expect(await viaJson.json()).toEqual(JSON.parse(payload));
    const viaBlob = await nodeHttpFetch(url);
    const blob = await viaBlob.blob();
    expect(blob.type).toBe('application/json');
    expect(await blob.text()).toBe(payload);
  });

  it('clones into independent bodies, and hands out copies of the bytes', async () => {
    const response = await nodeHttpFetch(`${main.url}/json`);
    const copy = response.clone();
    expect(copy).toBeInstanceOf(Response);
    expect(copy.status).toBe(201);
    expect(copy.url).toBe(`${main.url}/json`);
    expect(copy.headers.get('x-request-id')).toBe('req-7');
    const first = new Uint8Array(await response.arrayBuffer());
    first.fill(0); // Writing to one copy changes nothing else.
    expect(await copy.text()).toBe(payload);
    const bytes = await (await nodeHttpFetch(`${main.url}/json`)).bytes();
    expect(Buffer.from(bytes).toString()).toBe(payload);
    // A clone taken after the stream was opened reads from that stream's twin.
    const streamed = await nodeHttpFetch(`${main.url}/json`);
    expect(streamed.body).not.toBeNull();
    const twin = streamed.clone();
    expect(await twin.text()).toBe(payload);
    expect(await streamed.text()).toBe(payload);
  });

  it('sends the method, headers and body of a Request, as ky builds them', async () => {
    const api = ky.create({ prefixUrl: main.url, fetch: nodeHttpFetch, retry: 0 });
    const answer = await api
      .post('echo', { json: { hello: 'wörld' }, headers: { 'x-api-key': 'sk-test-visible' } })
      .json<{ method: string; body: string; contentType: string; key: string }>();
    expect(answer).toEqual({
      method: 'POST',
      body: JSON.stringify({ hello: 'wörld' }),
      contentType: 'application/json',
      key: 'sk-test-visible',
    });
    expect(main.seen.at(-1)?.headers['accept-encoding']).toBe('gzip, deflate, br');
  });

  it('sends headers given as a plain object, a Headers or pairs alike (names lower-cased, repeats joined, values trimmed)', async () => {
    const sent: IncomingMessage['headers'][] = [];
    for (const headers of [
      { 'X-Trace': ' one ', 'x-trace': 'two', Accept: 'application/json' },
      new Headers([
        ['X-Trace', ' one '],
        ['x-trace', 'two'],
        ['Accept', 'application/json'],
      ]),
      [
        ['X-Trace', ' one '],
        ['x-trace', 'two'],
        ['Accept', 'application/json'],
      ] as [string, string][],
    ]) {
      await (await nodeHttpFetch(`${main.url}/echo`, { headers })).text();
      sent.push(main.seen.at(-1)!.headers);
    }
    for (const headers of sent) {
      expect(headers['x-trace']).toBe('one, two');
      expect(headers.accept).toBe('application/json');
    }
    // A header value fetch would refuse is refused here too, before anything is sent.
    await expect(nodeHttpFetch(`${main.url}/echo`, { headers: { 'x-bad': 'a\u0000b' } })).rejects.toThrow(TypeError);
  });

  it('has a raw twin that answers what the Response says, without building one (used by the client)', async () => {
    const raw = rawFetchOf(nodeHttpFetch);
    expect(raw).toBeTypeOf('function');
    expect(rawFetchOf(globalThis.fetch)).toBeUndefined();
    for (const path of ['/json', '/gzip', '/br', '/empty', '/found', '/hang-up']) {
      const viaFetch = await nodeHttpFetch(`${main.url}${path}`).then(
        async (response) => ({
          status: response.status,
          type: response.headers.get('content-type'),
          encoding: response.headers.get('content-encoding'),
          cookies: response.headers.get('set-cookie'),
          text: await response.text(),
        }),
        (error: unknown) => ({ error: `${(error as Error).name}: ${(error as Error).message}` }),
      );
      const viaRaw = await raw!(`${main.url}${path}`).then(
        (answer) => ({
          status: answer.status,
          type: answer.header('Content-Type'),
          encoding: answer.header('content-encoding'),
          cookies: answer.header('set-cookie'),
          text: answer.body === null ? '' : answer.body.toString('utf8'),
        }),
        (error: unknown) => ({ error: `${(error as Error).name}: ${(error as Error).message}` }),
      );
      expect(viaRaw, path).toEqual(viaFetch);
    }
    expect(await raw!(`${main.url}/empty`).then((answer) => answer.body)).toBeNull();
  });

  it('sends string and byte bodies given in init', async () => {
    const text = await (await nodeHttpFetch(`${main.url}/echo`, { method: 'post', body: 'plain' })).json();
    expect(text).toMatchObject({ method: 'POST', body: 'plain', contentType: 'text/plain;charset=UTF-8' });
    const bytes = await (
      await nodeHttpFetch(`${main.url}/echo`, { method: 'PUT', body: new TextEncoder().encode('raw bytes') })
    ).json();
    expect(bytes).toMatchObject({ method: 'PUT', body: 'raw bytes' });
  });

  it.each(['gzip', 'deflate', 'br'])('decodes a %s body', async (encoding) => {
    const response = await nodeHttpFetch(`${main.url}/${encoding}`);
    expect(response.headers.get('content-encoding')).toBeNull();
    expect(await response.text()).toBe(payload);
  });

  it('decodes raw deflate too, and reads an empty encoded body as empty', async () => {
    expect(await (await nodeHttpFetch(`${main.url}/raw-deflate`)).text()).toBe(payload);
    const empty = await nodeHttpFetch(`${main.url}/empty-gzip`);
    expect(empty.status).toBe(200);
    expect(await empty.text()).toBe('');
  });

  it('refuses a body larger than maxBodyBytes, after decompression too', async () => {
    const small = createNodeHttpFetch({ maxBodyBytes: 1024 * 1024 });
    await expect(small(`${main.url}/bomb`)).rejects.toMatchObject({
      message: 'fetch failed',
      cause: { code: 'ERR_BUFFER_TOO_LARGE' },
    });
    await expect(createNodeHttpFetch({ maxBodyBytes: 100 })(`${main.url}/json`)).rejects.toMatchObject({
      cause: { code: 'ERR_BODY_TOO_LARGE' },
    });
  });

  it('rejects a body that does not decode as its content-encoding says', async () => {
    await expect(nodeHttpFetch(`${main.url}/bad-gzip`)).rejects.toMatchObject({
      name: 'TypeError',
      message: 'fetch failed',
      cause: { code: 'Z_DATA_ERROR' },
    });
  });

  it('gives a null body for 204 and HEAD', async () => {
    const empty = await nodeHttpFetch(`${main.url}/empty`);
    expect(empty.status).toBe(204);
    expect(empty.body).toBeNull();
    const head = await nodeHttpFetch(`${main.url}/json`, { method: 'HEAD' });
    expect(head.status).toBe(201);
    expect(head.body).toBeNull();
  });

  it('follows redirects like fetch: 303 and 302-after-POST become GET without a body, 307 keeps both', async () => {
    const seeOther = await (await nodeHttpFetch(`${main.url}/see-other`, { method: 'POST', body: 'x' })).json();
    expect(seeOther).toMatchObject({ method: 'GET', body: '' });
    const found = await nodeHttpFetch(`${main.url}/found`, { method: 'POST', body: 'x' });
    expect(found.url).toBe(`${main.url}/echo?from=found`);
    expect(await found.json()).toMatchObject({ method: 'GET', body: '' });
    const temporary = await (await nodeHttpFetch(`${main.url}/temporary`, { method: 'POST', body: 'kept' })).json();
    expect(temporary).toMatchObject({ method: 'POST', body: 'kept' });
  });

  it('drops credentials when a redirect leaves the origin', async () => {
    const response = await nodeHttpFetch(`${main.url}/away`, {
      headers: { 'x-api-key': 'sk-must-not-leak', authorization: 'Bearer secret', 'x-trace': 'kept' },
    });
    expect(await response.text()).toBe('landed elsewhere');
    const landed = other.seen.at(-1)!;
    expect(landed.headers['x-api-key']).toBeUndefined();
    expect(landed.headers.authorization).toBeUndefined();
    expect(landed.headers['x-trace']).toBe('kept');
  });

  it('returns the redirect itself with redirect: manual, and fails with redirect: error or too many', async () => {
    const manual = await nodeHttpFetch(`${main.url}/found`, { redirect: 'manual' });
    expect(manual.status).toBe(302);
    expect(manual.headers.get('location')).toBe('/echo?from=found');
    await expect(nodeHttpFetch(`${main.url}/found`, { redirect: 'error' })).rejects.toThrow(TypeError);
    const limited = createNodeHttpFetch({ maxRedirects: 3 });
    await expect(limited(`${main.url}/loop`)).rejects.toMatchObject({
      message: 'fetch failed',
      cause: { message: 'more than 3 redirects' },
    });
  });

  it('rejects with the signal reason when aborted before or while waiting', async () => {
    const before = new AbortController();
    before.abort(new Error('stopped before'));
    await expect(nodeHttpFetch(`${main.url}/json`, { signal: before.signal })).rejects.toThrow('stopped before');
    const during = new AbortController();
    setTimeout(() => during.abort(new Error('stopped while waiting')), 50);
    await expect(nodeHttpFetch(`${main.url}/slow`, { signal: during.signal })).rejects.toThrow('stopped while waiting');
  });

  it('reports network failures as TypeError("fetch failed") with the system error as cause', async () => {
    const closed = await startServer({});
    await closed.close();
    await expect(nodeHttpFetch(`${closed.url}/json`)).rejects.toMatchObject({
      name: 'TypeError',
      message: 'fetch failed',
      cause: { code: 'ECONNREFUSED' },
    });
    await expect(nodeHttpFetch(`${main.url}/hang-up`)).rejects.toMatchObject({
      message: 'fetch failed',
      cause: { code: 'ECONNRESET' },
    });
  });

  it('rejects a response cut off before its declared length, as a reset connection', async () => {
    await expect(nodeHttpFetch(`${main.url}/half`)).rejects.toMatchObject({
      name: 'TypeError',
      cause: { code: 'ECONNRESET' },
    });
  });

  it('follows only the redirect statuses fetch follows (not 300)', async () => {
    const response = await nodeHttpFetch(`${main.url}/multiple-choices`);
    expect(response.status).toBe(300);
    expect(await response.text()).toBe('pick one');
  });

  it('reuses one keep-alive connection for sequential requests', async () => {
    const fetch = createNodeHttpFetch();
    for (let i = 0; i < 5; i++) await (await fetch(`${main.url}/echo`)).text();
    const last = main.seen.slice(-5);
    expect(new Set(last.map((entry) => entry.remotePort)).size).toBe(1);
    expect(last.every((entry) => entry.headers.connection === 'keep-alive')).toBe(true);
  });
});
