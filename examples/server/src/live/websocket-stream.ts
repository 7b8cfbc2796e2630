import type { JobQueue } from '@model-studio/jobs';
import type { FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { jobEventStream } from './job-event-stream.js';

/** WebSocket close code when the job ended (normal closure). */
export const closeJobEnded = 1000;
/** WebSocket close code when the stream failed on the server (try again). */
export const closeStreamFailed = 1011;

/**
 * Sends a job's events over an open WebSocket, one JSON text message each (`{ seq, at, type, data }`), then
 * `{ type: 'end', job }` once the job ended, and closes with 1000. The client closing stops the stream.
 */
export async function streamJobEventsOverWebSocket(
  socket: WebSocket,
  request: FastifyRequest,
  queue: JobQueue,
  id: string,
  after: number,
): Promise<void> {
  const left = new AbortController();
  socket.once('close', () => left.abort());
  socket.on('message', () => {
    // The stream is one-way: messages from the client are ignored.
  });
  try {
    for await (const message of jobEventStream(queue, id, after, left.signal)) {
      if (socket.readyState !== socket.OPEN) break;
      if (message.kind === 'event') {
        const { kind: _kind, ...event } = message;
        socket.send(JSON.stringify(event));
      } else {
        socket.send(JSON.stringify({ type: 'end', job: message.job ?? null }));
      }
    }
    if (socket.readyState === socket.OPEN) socket.close(closeJobEnded, 'job ended');
  } catch (error) {
    if (left.signal.aborted) return;
    request.log.warn({ err: error, job: id }, 'job event stream failed');
    if (socket.readyState === socket.OPEN) socket.close(closeStreamFailed, 'event stream failed');
  }
}
