import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type DecodedImage, decodeImage } from './decode-image.js';
import { sandboxBlipCaption } from './sandbox-answers.js';
import { type SandboxFault, SandboxFaultQueue, type SandboxFaultSpec, type SandboxRoute } from './sandbox-faults.js';
import { parseSandboxCall, type SandboxCall, sandboxAnswer } from './sandbox-routes.js';

/** Options of {@link startCaptionSandbox}. */
export interface CaptionSandboxOptions {
  /**
   * The token Hugging Face-style routes accept; a request with another bearer token gets 401 (one with none is let
   * through, like a local server).
   * @default 'hf_sandbox_token'
   */
  accessToken?: string;
  /** Delay in ms before every answer (for benchmarks). */
  latencyMs?: number;
  /** Faults queued from the start. */
  faults?: SandboxFaultSpec[];
}

/** One request the sandbox received. */
export interface CaptionSandboxRequest {
  route: SandboxRoute | 'unknown';
  path: string;
  /** Milliseconds since the epoch when it arrived. */
  at: number;
  /** The HTTP status sent; 0 while it is being handled, and when the connection was dropped. */
  status: number;
  /** Whether the sandbox is done with it (answered, refused or dropped). */
  finished: boolean;
  /** The fault it met, if any. */
  fault?: SandboxFault['kind'];
  /** Width x height of the decoded image, when it decoded. */
  image?: { width: number; height: number };
}

/** A running caption sandbox: labelled `sandbox` in every model name it reports. */
export interface CaptionSandbox {
  /** Base URL on 127.0.0.1, e.g. `http://127.0.0.1:40123`. */
  url: string;
  /** The token it accepts. */
  accessToken: string;
  /** Calls that reached the model and were answered with a result (what a provider would bill). */
  paidCalls(): number;
  /** Every request, in order. */
  requests(): CaptionSandboxRequest[];
  /** Queues a fault for the next matching requests. */
  addFault(fault: SandboxFaultSpec): void;
  /** Removes queued faults. */
  clearFaults(): void;
  /** Sets the delay before every answer. */
  setLatency(ms: number): void;
  close(): Promise<void>;
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, {
    'content-type': 'application/json',
    'x-request-id': `sandbox-${Math.random().toString(36).slice(2, 10)}`,
    ...headers,
  });
  response.end(JSON.stringify(body));
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Answers a faulted request; returns the status sent, or `undefined` when the fault only changes the caption. */
function sendFault(fault: SandboxFault, response: ServerResponse, call: SandboxCall): number | undefined {
  switch (fault.kind) {
    case 'rate-limit':
      sendJson(
        response,
        429,
        { error: 'Rate limit reached (sandbox)' },
        { 'retry-after': String(fault.retryAfterSeconds) },
      );
      return 429;
    case 'model-loading':
      sendJson(response, 503, {
        error: `Model ${call.model} is currently loading (sandbox)`,
        estimated_time: fault.estimatedTime,
      });
      return 503;
    case 'server-error':
      sendJson(response, fault.status ?? 500, { error: 'Internal error (sandbox)' });
      return fault.status ?? 500;
    case 'drop-connection':
      response.socket?.destroy();
      return 0;
    case 'malformed-json':
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"choices": [{"message": {"content": "a perso');
      return 200;
    default:
      return undefined;
  }
}

/**
 * Starts a caption sandbox on 127.0.0.1: real HTTP speaking the wire formats of the Hugging Face router's chat
 * completion (`/v1/chat/completions`, `/<provider>/v1/chat/completions`), an OpenAI-compatible server (the same
 * route), Ollama's native `/api/chat`, an Inference Endpoint's image-to-text (`/endpoints/blip` answers
 * `{generated_text}`, `/endpoints/blip-pipeline` answers `[{generated_text}]`) and zero-shot image classification
 * (`/models/<org>/<name>`, for CLIP-IQA). It decodes every image (JPEG/PNG, pure JS) and captions it from its size,
 * orientation and mean colour, counts paid calls, and injects faults on request. Models are reported as `sandbox/...`.
 *
 * @example
 * ```ts no-run
 * const sandbox = await startCaptionSandbox();
 * sandbox.addFault({ kind: 'rate-limit', retryAfterSeconds: 1 });
 * // ... point a captioner at sandbox.url
 * await sandbox.close();
 * ```
 */
export async function startCaptionSandbox(options: CaptionSandboxOptions = {}): Promise<CaptionSandbox> {
  const accessToken = options.accessToken ?? 'hf_sandbox_token';
  const faults = new SandboxFaultQueue();
  for (const fault of options.faults ?? []) faults.add(fault);
  const log: CaptionSandboxRequest[] = [];
  let latencyMs = options.latencyMs ?? 0;
  let paid = 0;
  const decoded = new Map<string, DecodedImage>();

  async function handle(
    request: IncomingMessage,
    response: ServerResponse,
    record: CaptionSandboxRequest,
  ): Promise<void> {
    const path = record.path;
    const body = await readBody(request);
    const auth = request.headers.authorization;
    if (auth !== undefined && auth !== `Bearer ${accessToken}`) {
      record.status = 401;
      return sendJson(response, 401, { error: 'Invalid credentials in Authorization header (sandbox)' });
    }
    let call: SandboxCall | undefined;
    try {
      call =
        request.method === 'POST'
          ? parseSandboxCall(path, String(request.headers['content-type'] ?? ''), body)
          : undefined;
    } catch {
      record.status = 400;
      return sendJson(response, 400, { error: 'The body is not valid JSON (sandbox)' });
    }
    if (!call) {
      record.status = 404;
      return sendJson(response, 404, { error: `No sandbox route for ${request.method} ${path}` });
    }
    record.route = call.route;
    let fault = faults.take(call.route);
    if (latencyMs > 0) await wait(latencyMs);
    if (fault?.kind === 'latency') {
      record.fault = fault.kind;
      await wait(fault.ms);
      fault = undefined;
    }
    let image: DecodedImage;
    try {
      if (!call.image) throw new Error('no image');
      // Decoded once per distinct image (the sandbox shares the event loop with the tests that call it).
      const key = createHash('sha1').update(call.image).digest('hex');
      image = decoded.get(key) ?? decodeImage(call.image);
      decoded.set(key, image);
      record.image = { width: image.width, height: image.height };
    } catch {
      record.status = 400;
      return sendJson(response, 400, { error: 'Could not decode the image: send a JPEG or PNG (sandbox)' });
    }
    if (fault) {
      record.fault = fault.kind;
      const status = sendFault(fault, response, call);
      if (status !== undefined) {
        record.status = status;
        if (fault.kind === 'drop-connection' || fault.kind === 'malformed-json') paid++;
        return;
      }
    }
    const caption =
      fault?.kind === 'empty-caption' ? '' : fault?.kind === 'blip-artifacts' ? sandboxBlipCaption(image) : undefined;
    paid++;
    record.status = 200;
    sendJson(response, 200, sandboxAnswer(call, image, caption));
  }

  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://sandbox').pathname;
    const record: CaptionSandboxRequest = { route: 'unknown', path, at: Date.now(), status: 0, finished: false };
    log.push(record);
    const finish = () => {
      record.finished = true;
    };
    handle(request, response, record).then(finish, () => {
      finish();
      if (!response.headersSent) sendJson(response, 500, { error: 'sandbox failure' });
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    accessToken,
    paidCalls: () => paid,
    requests: () => log.map((record) => ({ ...record })),
    addFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    setLatency: (ms) => {
      latencyMs = ms;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
