import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type JobsServer, startJobsServer } from './jobs-rig.js';

interface StreamEvent {
  seq?: number;
  type: string;
  data?: Record<string, unknown>;
  job?: { id: string; state: string } | null;
}

/** Every message of a job's WebSocket until the server closes it, and the close code. */
function readWebSocket(socket: WebSocket): Promise<{ messages: StreamEvent[]; code: number }> {
  const messages: StreamEvent[] = [];
  return new Promise((resolve, reject) => {
    socket.on('message', (data) => messages.push(JSON.parse(String(data)) as StreamEvent));
    socket.on('close', (code) => resolve({ messages, code }));
    socket.on('error', reject);
  });
}

/** The handshake's HTTP status when the server refuses the upgrade. */
function refusedStatus(socket: WebSocket): Promise<number> {
  return new Promise((resolve, reject) => {
    socket.on('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.on('open', () => reject(new Error('the upgrade was accepted')));
    socket.on('error', () => {});
  });
}

/** Reads an SSE stream to its end: each event's id, type and parsed data. */
async function readSse(
  response: Response,
): Promise<{ id: string | undefined; event: string | undefined; data: StreamEvent }[]> {
  const text = await response.text();
  return text
    .split('\n\n')
    .filter((block) => block.includes('data: '))
    .map((block) => {
      const fields: Record<string, string> = Object.fromEntries(
        block
          .split('\n')
          .filter((line) => !line.startsWith(':'))
          .map((line) => [line.slice(0, line.indexOf(': ')), line.slice(line.indexOf(': ') + 2)]),
      );
      return { id: fields.id, event: fields.event, data: JSON.parse(fields.data ?? '{}') as StreamEvent };
    });
}

describe('live job events over WebSocket and SSE', () => {
  let rig: JobsServer;
  let alice: { id: string; key: string };
  let bob: { id: string; key: string };
  let wsUrl: (id: string) => string;
  beforeAll(async () => {
    rig = await startJobsServer();
    alice = await rig.user('alice');
    bob = await rig.user('bob');
    await rig.model(alice.id, 'live', { targets: 3 });
    wsUrl = (id) => `${rig.url.replace('http', 'ws')}/v1/jobs/${id}/events`;
  });
  afterAll(async () => {
    await rig?.close();
  });

  it('streams a run over a WebSocket from its start to its end, then closes with 1000', async () => {
    const started = await rig.api(alice.key, 'POST', '/v1/models/live/runs', {});
    const socket = new WebSocket(wsUrl(started.body.id), { headers: { authorization: `Bearer ${alice.key}` } });
    const { messages, code } = await readWebSocket(socket);
    expect(code).toBe(1000);
    const types = messages.map((message) => message.type);
    expect(types).toContain('run-start');
    expect(types.filter((type) => type === 'unit-start')).toHaveLength(3);
    expect(types.filter((type) => type === 'unit-end')).toHaveLength(3);
    expect(types).toContain('stage-end');
    expect(types).toContain('run-end');
    const seqs = messages.filter((message) => message.seq !== undefined).map((message) => message.seq as number);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    const unitEnds = messages.filter((message) => message.type === 'unit-end');
    const costSoFar = unitEnds.at(-1)?.data?.costSoFar as { credits?: number } | undefined;
    expect(costSoFar?.credits).toBeGreaterThan(0);
    const last = messages.at(-1);
    expect(last).toMatchObject({ type: 'end', job: { id: started.body.id, state: 'completed' } });
  });

  it('replays an ended job to a late client, over a browser-style subprotocol key', async () => {
    const [job] = (await rig.api(alice.key, 'GET', '/v1/jobs?model=live')).body.jobs;
    const socket = new WebSocket(wsUrl(job.id), ['studio-events', `studio-key.${alice.key}`]);
    const opened = new Promise<string>((resolve) => socket.on('open', () => resolve(socket.protocol)));
    const { messages, code } = await readWebSocket(socket);
    expect(await opened).toBe('studio-events');
    expect(code).toBe(1000);
    expect(messages.filter((message) => message.type === 'unit-end')).toHaveLength(3);
    expect(messages.at(-1)?.type).toBe('end');
  });

  it('serves the same stream as SSE; Last-Event-ID skips what the client has', async () => {
    const [job] = (await rig.api(alice.key, 'GET', '/v1/jobs?model=live')).body.jobs;
    const headers = { authorization: `Bearer ${alice.key}`, accept: 'text/event-stream' };
    const full = await fetch(`${rig.url}/v1/jobs/${job.id}/events`, { headers });
    expect(full.status).toBe(200);
    expect(full.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(full.headers.get('x-request-id')).toBeTruthy();
    const events = await readSse(full);
    expect(events.at(-1)?.event).toBe('end');
    const withIds = events.filter((event) => event.id !== undefined);
    expect(withIds.length).toBeGreaterThan(5);
    for (const event of withIds) expect(event.data.seq).toBe(Number(event.id));
    const middle = withIds[Math.floor(withIds.length / 2)] as (typeof withIds)[number];
    const rest = await readSse(
      await fetch(`${rig.url}/v1/jobs/${job.id}/events`, { headers: { ...headers, 'last-event-id': middle.id! } }),
    );
    expect(rest.filter((event) => event.id !== undefined).map((event) => Number(event.id))).toEqual(
      withIds.filter((event) => Number(event.id) > Number(middle.id)).map((event) => Number(event.id)),
    );
    const after = await readSse(
      await fetch(`${rig.url}/v1/jobs/${job.id}/events?after=${middle.id}`, { headers: { ...headers } }),
    );
    expect(after.length).toBe(rest.length);
  });

  it('refuses a client without a key (401), with another user key (404), and a plain GET (406)', async () => {
    const [job] = (await rig.api(alice.key, 'GET', '/v1/jobs?model=live')).body.jobs;
    expect(await refusedStatus(new WebSocket(wsUrl(job.id)))).toBe(401);
    expect(await refusedStatus(new WebSocket(wsUrl(job.id), { headers: { authorization: `Bearer ${bob.key}` } }))).toBe(
      404,
    );
    expect(await refusedStatus(new WebSocket(wsUrl(job.id), ['studio-events', 'studio-key.msk_wrong']))).toBe(401);
    const sse = await fetch(`${rig.url}/v1/jobs/${job.id}/events`, {
      headers: { authorization: `Bearer ${bob.key}`, accept: 'text/event-stream' },
    });
    expect(sse.status).toBe(404);
    expect((await sse.json()).code).toBe('JobNotFoundError');
    const plain = await fetch(`${rig.url}/v1/jobs/${job.id}/events`, {
      headers: { authorization: `Bearer ${alice.key}` },
    });
    expect(plain.status).toBe(406);
    expect((await plain.json()).code).toBe('NotAcceptable');
  });
});
