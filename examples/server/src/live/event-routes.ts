import websocket from '@fastify/websocket';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HttpProblem } from '../errors/http-problem.js';
import { problemResponses } from '../errors/problem-schema.js';
import { ownedJob } from '../jobs/owned-job.js';
import type { ServerContext } from '../server-context.js';
import { startAfter } from './job-event-stream.js';
import { streamJobEventsAsSse } from './sse-stream.js';
import { streamJobEventsOverWebSocket } from './websocket-stream.js';

/** The subprotocol the server answers a browser with (it also sends `studio-key.<key>` to authenticate). */
export const jobEventsProtocol = 'studio-events';

/**
 * The subprotocol answered to a WebSocket client: `studio-events` when offered, else the first one offered that is
 * not a key (a browser fails a handshake whose answer names no offered protocol).
 */
function chooseProtocol(protocols: Set<string>): string | false {
  if (protocols.has(jobEventsProtocol)) return jobEventsProtocol;
  for (const protocol of protocols) if (!protocol.startsWith('studio-key.')) return protocol;
  const [first] = protocols;
  return first ?? false;
}

const params = z.object({ id: z.string().min(1).max(100).describe('The job id.') });
const query = z.object({
  after: z.coerce
    .number()
    .int()
    .min(0)
    .optional()
    .describe('Skip events up to this `seq` (an SSE client may send `Last-Event-ID` instead).'),
});

/**
 * `GET /v1/jobs/:id/events`, registered under `/v1`: the job's events (the orchestrator's unit start/end, stage ends,
 * costs so far, errors, training progress; the queue's state changes), first those logged before the client came
 * (the replay), then live ones, closed when the job ends. As a WebSocket (upgrade on the same path; browsers send
 * the key as the `studio-key.<key>` subprotocol beside `studio-events`) or as Server-Sent Events
 * (`Accept: text/event-stream`; `id:` is the `seq`, so `Last-Event-ID` resumes). 404 for another user's job.
 */
export async function eventRoutes(app: FastifyInstance, context: ServerContext): Promise<void> {
  if (!app.hasDecorator('websocketServer')) {
    await app.register(websocket, {
      options: { handleProtocols: chooseProtocol, maxPayload: 64 * 1024 },
    });
  }
  // An upgrade refused before the WebSocket plugin's own hook ran (401 from the auth hook) leaves a half-open socket
  // that would hold the server's close: end it once the refusal is sent.
  app.addHook('onResponse', async (request, reply) => {
    if (reply.statusCode !== 101 && request.headers.upgrade?.toLowerCase() === 'websocket')
      request.raw.socket.destroy();
  });
  const jobOf = new WeakMap<FastifyRequest, string>();
  app.withTypeProvider<ZodTypeProvider>().route({
    method: 'GET',
    url: '/jobs/:id/events',
    schema: {
      tags: ['jobs'],
      summary: "A job's live events: WebSocket upgrade, or Server-Sent Events with `Accept: text/event-stream`",
      description:
        'Replays the events logged so far (after `after` / `Last-Event-ID`), then streams new ones until the job ends. ' +
        'WebSocket: one JSON message per event (`{ seq, at, type, data }`), then `{ type: "end", job }`, then close ' +
        '1000. SSE: `id: <seq>`, `event: <type>`, `data: <JSON event>`, then `event: end`.',
      params,
      querystring: query,
      response: { ...problemResponses, 406: problemResponses[400] },
    },
    preHandler: async (request) => {
      const { id } = request.params as z.infer<typeof params>;
      await ownedJob(context.queue, id, request.caller.user.id);
      jobOf.set(request, id);
    },
    handler: async (request, reply) => {
      const accept = request.headers.accept ?? '';
      if (!accept.includes('text/event-stream')) {
        throw new HttpProblem(
          406,
          'NotAcceptable',
          'Ask for the events as Server-Sent Events (`Accept: text/event-stream`) or open a WebSocket on this path.',
        );
      }
      const after = startAfter(request.query.after, request.headers['last-event-id']);
      await streamJobEventsAsSse(request, reply, context.queue, request.params.id, after);
    },
    wsHandler: (socket, request) => {
      const id = jobOf.get(request) as string;
      const after = startAfter((request.query as z.infer<typeof query>).after, undefined);
      void streamJobEventsOverWebSocket(socket, request, context.queue, id, after);
    },
  });
}
