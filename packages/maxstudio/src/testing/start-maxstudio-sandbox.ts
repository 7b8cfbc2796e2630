import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BoundingBox } from '@model-studio/core';
import { maxImageBytes } from '../image-limits.js';
import { downloadImage } from './download-image.js';
import { FaultInjector, type FaultPlan, type FaultRule, type SandboxRoute } from './fault-plan.js';
import { createHeuristicFaceDetector } from './heuristic-face-detector.js';
import { composeSwap, decodableSize, enhanceTwice } from './sandbox-images.js';
import { SandboxJobs } from './sandbox-jobs.js';
import type {
  MaxStudioSandbox,
  MaxStudioSandboxOptions,
  SandboxJobDuration,
  SandboxRequestRecord,
} from './sandbox-options.js';

/** The exact bodies the real API was seen to send. */
const bodies = {
  rateLimited: { status: 429, error: 'Rate limit exceeded. Please try again later.' },
  noCredits: { status: 402, error: 'Insufficient credits. Please Buy credits.' },
  tooLarge: { status: 400, error: 'Image size must be less than 5MB' },
  internal: { status: 500, error: 'Internal Server Error' },
  notFound: { status: 404, error: 'Not Found' },
  /** An unknown job id, in the form a MaxStudio client was seen to receive (a job status, HTTP 200). */
  unknownJob: { status: 'not-found' },
  /** An unknown job id as a 404, in the error shape the real API uses for other errors (unconfirmed for MaxStudio). */
  unknownJob404: { status: 404, error: 'Job not found' },
};

type Answer = { status: number; body: unknown; jobId?: string };
const badRequest = (error: string): Answer => ({ status: 400, body: { status: 400, error } });
const maxBodyBytes = 32 * 1024 * 1024;

function routeOf(method: string, path: string): { route: SandboxRoute; jobId?: string } {
  const status = /^\/(swap-image|image-enhancer)\/([^/]+)$/.exec(path);
  if (method === 'GET' && status?.[1] && status[2]) {
    return {
      route: status[1] === 'swap-image' ? 'swap-status' : 'enhance-status',
      jobId: decodeURIComponent(status[2]),
    };
  }
  const result = /^\/results\/([^/]+)\.jpg$/.exec(path);
  if (method === 'GET' && result?.[1]) return { route: 'result', jobId: decodeURIComponent(result[1]) };
  if (method === 'POST' && path === '/detect-face-image') return { route: 'detect' };
  if (method === 'POST' && path === '/swap-image') return { route: 'swap' };
  if (method === 'POST' && path === '/image-enhancer') return { route: 'enhance' };
  return { route: 'other' };
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
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

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isBox = (value: unknown): value is BoundingBox =>
  isRecord(value) &&
  ['x', 'y', 'width', 'height'].every((name) => typeof value[name] === 'number' && Number.isFinite(value[name]));

/**
 * Starts a MaxStudio emulator on loopback: the documented paths, bodies, statuses and quirks over real HTTP, real image
 * downloads and real image output (each marked SANDBOX), a credit balance and billing record, a request log, and
 * scripted faults. Admin paths (`/__sandbox/billing`, `/__sandbox/requests`, `/__sandbox/faults`) exist only here.
 *
 * @example
 * ```ts no-run
 * const sandbox = await startMaxStudioSandbox({ jobDurations: { swap: { pendingMs: 10, runningMs: 50 } } });
 * const client = createMaxStudio({ baseURL: sandbox.url, apiKey: sandbox.apiKey });
 * // ...
 * await sandbox.close();
 * ```
 */
export async function startMaxStudioSandbox(options: MaxStudioSandboxOptions = {}): Promise<MaxStudioSandbox> {
  const apiKeys = new Set(options.apiKeys ?? ['sandbox-key']);
  const firstKey = [...apiKeys][0];
  if (firstKey === undefined) throw new Error('startMaxStudioSandbox needs at least one API key in apiKeys.');
  const detector = options.faceDetector ?? createHeuristicFaceDetector();
  const prices = { swap: options.prices?.swap ?? 10, enhance: options.prices?.enhance ?? 2 };
  const durations: Record<'swap' | 'enhance', SandboxJobDuration> = {
    swap: options.jobDurations?.swap ?? { pendingMs: 300, runningMs: 1500 },
    enhance: options.jobDurations?.enhance ?? { pendingMs: 500, runningMs: 3000 },
  };
  const downloadTimeout = options.downloadTimeout ?? 10_000;
  const jobs = new SandboxJobs(options.credits ?? 10_000);
  const log: SandboxRequestRecord[] = [];
  let faults = new FaultInjector(options.faults);
  let baseUrl = '';

  async function download(urls: string[]): Promise<Uint8Array[] | Answer> {
    if (urls.some((url) => url.startsWith('data:'))) return { status: 500, body: bodies.internal };
    if (urls.some((url) => !/^https?:\/\//i.test(url))) return badRequest('Invalid image URL');
    const results = await Promise.all(
      [...new Set(urls)].map(async (url) => [url, await downloadImage(url, downloadTimeout)] as const),
    );
    const byUrl = new Map(results);
    const images: Uint8Array[] = [];
    for (const url of urls) {
      const result = byUrl.get(url);
      if (!result?.ok)
        return result?.tooLarge ? { status: 400, body: bodies.tooLarge } : badRequest('Failed to download image');
      if (!(await decodableSize(result.bytes))) return badRequest('Invalid image');
      images.push(result.bytes);
    }
    return images;
  }

  function accept(
    operation: 'swap' | 'enhance',
    rule: FaultRule | undefined,
    produce: () => Promise<Uint8Array>,
  ): Answer {
    if (!jobs.canCharge(prices[operation], faults.plan.insufficientCreditsAfter))
      return { status: 402, body: bodies.noCredits };
    const scripted = rule?.kind === 'job-fails' ? 'fail' : rule?.kind === 'job-never-finishes' ? 'hang' : undefined;
    const job = jobs.accept(operation, prices[operation], durations[operation], scripted, produce);
    return { status: 200, body: { jobId: job.id }, jobId: job.id };
  }

  async function detect(body: Record<string, unknown>): Promise<Answer> {
    if (typeof body.imageUrl !== 'string') return badRequest('imageUrl is required');
    const images = await download([body.imageUrl]);
    if (!Array.isArray(images)) return images;
    const [image] = images;
    const faces = image ? await detector.detectFaces({ bytes: image }) : [];
    const detectedFaces = faces.map(({ box }) => ({
      x: Math.round(box.x),
      y: Math.round(box.y),
      width: Math.round(box.width),
      height: Math.round(box.height),
    }));
    return { status: 200, body: { detectedFaces } };
  }

  async function swap(body: Record<string, unknown>, rule: FaultRule | undefined): Promise<Answer> {
    if (typeof body.mediaUrl !== 'string') return badRequest('mediaUrl is required');
    if (!Array.isArray(body.faces) || body.faces.length === 0) return badRequest('faces is required');
    const boxes: BoundingBox[] = [];
    const sourceUrls: string[] = [];
    for (const face of body.faces) {
      if (!isRecord(face) || !isBox(face.originalFace))
        return badRequest('originalFace must have x, y, width and height');
      if (typeof face.newFace !== 'string') return badRequest('newFace must be an image URL');
      boxes.push(face.originalFace);
      sourceUrls.push(face.newFace);
    }
    const images = await download([body.mediaUrl, ...sourceUrls]);
    if (!Array.isArray(images)) return images;
    const [target, ...sources] = images;
    if (!target) return badRequest('Failed to download image');
    return accept('swap', rule, () => composeSwap(target, sources, boxes, detector));
  }

  async function enhance(body: Record<string, unknown>, rule: FaultRule | undefined): Promise<Answer> {
    if (typeof body.image !== 'string' || body.image === '') return badRequest('image is required');
    if (body.image.startsWith('data:')) return { status: 500, body: bodies.internal };
    const bytes = Buffer.from(body.image, 'base64');
    if (bytes.byteLength > maxImageBytes) return { status: 400, body: bodies.tooLarge };
    if (!(await decodableSize(bytes))) return badRequest('Invalid image');
    return accept('enhance', rule, () => enhanceTwice(bytes));
  }

  function unknownJob(jobId: string, httpStatus: number = options.unknownJobHttpStatus ?? 200): Answer {
    return httpStatus === 404
      ? { status: 404, body: bodies.unknownJob404, jobId }
      : { status: 200, body: bodies.unknownJob, jobId };
  }

  function poll(operation: 'swap' | 'enhance', jobId: string, rule: FaultRule | undefined): Answer {
    if (rule?.kind === 'job-not-found') return unknownJob(jobId, rule.status);
    const job = jobs.get(jobId);
    if (!job || job.operation !== operation) return unknownJob(jobId);
    const status = jobs.status(job);
    if (status !== 'completed' || !job.output) return { status: 200, body: { status }, jobId };
    const result =
      operation === 'swap'
        ? { mediaUrl: `${baseUrl}/results/${encodeURIComponent(job.id)}.jpg` }
        : Buffer.from(job.output).toString('base64');
    return { status: 200, body: { status, result }, jobId };
  }

  async function answerApi(
    route: SandboxRoute,
    jobId: string | undefined,
    request: IncomingMessage,
    rule: FaultRule | undefined,
  ): Promise<Answer> {
    if (route === 'swap-status' && jobId !== undefined) return poll('swap', jobId, rule);
    if (route === 'enhance-status' && jobId !== undefined) return poll('enhance', jobId, rule);
    const raw = await readBody(request);
    if (raw === undefined) return { status: 400, body: bodies.tooLarge };
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return badRequest('Invalid JSON body');
    }
    if (!isRecord(body)) return badRequest('Invalid JSON body');
    if (route === 'detect') return detect(body);
    if (route === 'swap') return swap(body, rule);
    return enhance(body, rule);
  }

  async function admin(request: IncomingMessage, response: ServerResponse, path: string): Promise<void> {
    if (request.method === 'GET' && path === '/__sandbox/billing') return sendJson(response, 200, jobs.billing());
    if (request.method === 'GET' && path === '/__sandbox/requests') return sendJson(response, 200, { requests: log });
    if (path === '/__sandbox/faults' && request.method === 'GET') return sendJson(response, 200, faults.plan);
    if (path === '/__sandbox/faults' && (request.method === 'PUT' || request.method === 'POST')) {
      const raw = await readBody(request);
      try {
        faults = new FaultInjector(JSON.parse(raw?.toString('utf8') ?? '{}') as FaultPlan);
      } catch {
        return sendJson(response, 400, { status: 400, error: 'Invalid JSON body' });
      }
      response.writeHead(204).end();
      return;
    }
    sendJson(response, 404, bodies.notFound);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = request.method ?? 'GET';
    const path = new URL(request.url ?? '/', 'http://sandbox').pathname;
    if (path.startsWith('/__sandbox/')) return admin(request, response, path);
    const { route, jobId } = routeOf(method, path);
    const key = request.headers['x-api-key'];
    const record: SandboxRequestRecord = {
      seq: log.length + 1,
      at: performance.timeOrigin + performance.now(),
      method,
      path,
      route,
      apiKey: key === undefined ? 'missing' : typeof key === 'string' && apiKeys.has(key) ? 'valid' : 'invalid',
      status: null,
      ...(jobId === undefined ? {} : { jobId }),
    };
    log.push(record);
    const { rule, latencyMs } = faults.next(route);
    if (rule) record.fault = rule.kind;
    if (latencyMs > 0) await sleep(latencyMs);
    if (rule?.kind === 'drop-before-accept') {
      request.socket.destroy();
      return;
    }
    if (rule?.kind === 'rate-limit') {
      record.status = 429;
      return sendJson(
        response,
        429,
        bodies.rateLimited,
        rule.retryAfter === undefined ? {} : { 'retry-after': rule.retryAfter },
      );
    }
    if (rule?.kind === 'server-error') {
      const status = rule.status ?? 503;
      record.status = status;
      return sendJson(response, status, {
        status,
        error: status === 500 ? 'Internal Server Error' : 'Service Unavailable',
      });
    }
    if (route === 'result') {
      const output = jobId === undefined ? undefined : jobs.get(jobId)?.output;
      record.status = output ? 200 : 404;
      if (!output) return sendJson(response, 404, bodies.notFound);
      response.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': output.byteLength });
      response.end(output);
      return;
    }
    if (route === 'other') {
      record.status = 404;
      return sendJson(response, 404, bodies.notFound);
    }
    if (record.apiKey !== 'valid') {
      // The real API answers an invalid or missing key with 500, not 401.
      record.status = 500;
      return sendJson(response, 500, bodies.internal);
    }
    const answer = await answerApi(route, jobId, request, rule);
    if (answer.jobId !== undefined) record.jobId = answer.jobId;
    if (rule?.kind === 'drop-after-accept') {
      request.socket.destroy();
      return;
    }
    record.status = answer.status;
    if (rule?.kind === 'malformed-json' && answer.status === 200) {
      const text = JSON.stringify(answer.body);
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      response.end(text.slice(0, Math.max(1, Math.floor(text.length / 2))));
      return;
    }
    sendJson(response, answer.status, answer.body);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) sendJson(response, 500, bodies.internal);
      else response.destroy();
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  baseUrl = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;

  return {
    url: baseUrl,
    apiKey: firstKey,
    billing: () => jobs.billing(),
    requests: () => log.map((record) => ({ ...record })),
    setFaults(plan: FaultPlan) {
      faults = new FaultInjector(plan);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
