import type { JobQueue } from '@model-studio/jobs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { jobEventStream } from './job-event-stream.js';

const heartbeatMs = 15_000;

/**
 * Streams a job's events as Server-Sent Events on a hijacked reply: `id:` is the event's `seq` (so a reconnecting
 * `EventSource` sends `Last-Event-ID` and gets only what it missed), `event:` its type, `data:` the JSON event; an
 * `end` event carries the job once it ended, then the stream closes. A comment line every 15 s keeps proxies open.
 */
export async function streamJobEventsAsSse(
  request: FastifyRequest,
  reply: FastifyReply,
  queue: JobQueue,
  id: string,
  after: number,
): Promise<void> {
  const left = new AbortController();
  const raw = reply.raw;
  reply.hijack();
  const headers: Record<string, string | number | string[]> = {};
  for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) headers[name] = value;
  raw.writeHead(200, {
    ...headers,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  raw.write(': job events\n\n');
  const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), heartbeatMs);
  request.raw.once('close', () => left.abort());
  raw.once('close', () => left.abort());
  try {
    for await (const message of jobEventStream(queue, id, after, left.signal)) {
      if (message.kind === 'event') {
        const { kind: _kind, ...event } = message;
        raw.write(`id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
      } else {
        raw.write(`event: end\ndata: ${JSON.stringify({ job: message.job ?? null })}\n\n`);
      }
    }
  } catch (error) {
    if (!left.signal.aborted) {
      request.log.warn({ err: error, job: id }, 'job event stream failed');
      raw.write(`event: error\ndata: ${JSON.stringify({ message: 'The event stream failed: reconnect.' })}\n\n`);
    }
  } finally {
    clearInterval(heartbeat);
    raw.end();
  }
}
