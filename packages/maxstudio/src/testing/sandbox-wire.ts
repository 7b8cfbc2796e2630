import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BoundingBox } from '@model-studio/core';
import type { SandboxRoute } from './fault-plan.js';

/** The exact bodies the real API was seen to send. */
export const bodies = {
  rateLimited: { status: 429, error: 'Rate limit exceeded. Please try again later.' },
  noCredits: { status: 402, error: 'Insufficient credits. Please Buy credits.' },
  tooLarge: { status: 400, error: 'Image size must be less than 5MB' },
  /** The sandbox's own text: no video size limit of the real API is known. */
  videoTooLarge: { status: 400, error: 'Video size must be less than 50MB' },
  internal: { status: 500, error: 'Internal Server Error' },
  notFound: { status: 404, error: 'Not Found' },
  /** An unknown job id, in the form a MaxStudio client was seen to receive (a job status, HTTP 200). */
  unknownJob: { status: 'not-found' },
  /** An unknown job id as a 404, in the error shape the real API uses for other errors (unconfirmed for MaxStudio). */
  unknownJob404: { status: 404, error: 'Job not found' },
};

/** What the sandbox answers to one API request: status, JSON body, and the job created or polled. */
export type Answer = {
  status: number;
  body: unknown;
  jobId?: string;
  /** For an enhance: the `upscale` its body carried, to record in the request log. */
  upscale?: unknown;
};
export const badRequest = (error: string): Answer => ({ status: 400, body: { status: 400, error } });
const maxBodyBytes = 32 * 1024 * 1024;

/** The route (and job id) of a request. */
export function routeOf(method: string, path: string): { route: SandboxRoute; jobId?: string } {
  const status = /^\/(swap-image|image-enhancer|video-swap)\/([^/]+)$/.exec(path);
  if (method === 'GET' && status?.[1] && status[2]) {
    const route =
      status[1] === 'swap-image' ? 'swap-status' : status[1] === 'video-swap' ? 'video-swap-status' : 'enhance-status';
    return { route, jobId: decodeURIComponent(status[2]) };
  }
  // A job's output (`<jobId>.jpg`, `<jobId>.mp4`), a video swap's preview and thumbnail, a detected video face.
  const result = /^\/results\/(faces\/)?([^/]+?)(-preview|-thumbnail)?\.(jpg|mp4|webm)$/.exec(path);
  if (method === 'GET' && result?.[2]) return { route: 'result', jobId: decodeURIComponent(result[2]) };
  if (method === 'POST' && path === '/detect-face-video') return { route: 'detect-video' };
  if (method === 'POST' && path === '/video-swap') return { route: 'video-swap' };
  if (method === 'POST' && path === '/detect-face-image') return { route: 'detect' };
  if (method === 'POST' && path === '/swap-image') return { route: 'swap' };
  if (method === 'POST' && path === '/image-enhancer') return { route: 'enhance' };
  return { route: 'other' };
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

/** The request body, or `undefined` when it is over 32 MB. */
export async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.byteLength;
    if (size > maxBodyBytes) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
export const isBox = (value: unknown): value is BoundingBox =>
  isRecord(value) &&
  ['x', 'y', 'width', 'height'].every((name) => typeof value[name] === 'number' && Number.isFinite(value[name]));
