import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RunpodCreatePodRequest } from '../runpod/runpod-types.js';
import { readJson, sendJson, sendProblem } from './sandbox-http.js';
import type { SandboxPod } from './sandbox-pod.js';
import type { RunpodSandbox } from './start-runpod-sandbox.js';

/** Who is calling: the account, or one pod with its pod-scoped key. */
type Caller = { kind: 'account' } | { kind: 'pod'; podId: string };

function checkCreate(body: unknown): string[] {
  if (typeof body !== 'object' || body === null) return ['$: body must be an object'];
  const request = body as Record<string, unknown>;
  const errors: string[] = [];
  if (typeof request.name !== 'string' || request.name === '') errors.push('$.name: required, minLength 1');
  if (!request.gpu && !request.cpu) errors.push('$: exactly one of gpu or cpu must be set');
  if (request.image === undefined && request.templateId === undefined)
    errors.push('$.image: required unless templateId is set');
  if (
    request.env !== undefined &&
    (typeof request.env !== 'object' || Object.values(request.env as object).some((v) => typeof v !== 'string'))
  ) {
    errors.push('$.env: values must be strings');
  }
  return errors;
}

function createPod(sandbox: RunpodSandbox, body: unknown, res: ServerResponse) {
  const errors = checkCreate(body);
  if (errors.length > 0) return sendProblem(res, 422, 'Request validation failed.', { errors });
  const request = body as RunpodCreatePodRequest;
  const gpu = sandbox.gpus.find((candidate) => candidate.id === request.gpu?.id);
  if (!gpu) return sendProblem(res, 400, `unknown GPU type: ${request.gpu?.id}`);
  const capacity = sandbox.takeCapacityFault(gpu.id);
  if (capacity || gpu.availability === 'NONE') {
    return sendProblem(
      res,
      400,
      'There are no longer any instances available with the requested specifications. Please refresh and try again.',
    );
  }
  const price = (request.cloud ?? 'SECURE') === 'SECURE' ? gpu.price.secure : gpu.price.community;
  const pod = sandbox.addPod(request, price * (request.gpu?.count ?? 1));
  sendJson(res, 201, pod.view());
}

function podRoute(caller: Caller, method: string, pod: SandboxPod, res: ServerResponse, body: unknown) {
  if (caller.kind === 'pod' && caller.podId !== pod.id) return sendProblem(res, 403, 'access denied');
  if (method === 'GET') return sendJson(res, 200, pod.view());
  if (method === 'DELETE') {
    pod.terminate(caller.kind === 'pod' ? 'itself (pod-scoped key)' : 'the account key');
    res.writeHead(204, { 'x-sandbox': 'runpod' });
    res.end();
    return;
  }
  if (method === 'POST' && body !== undefined) {
    const action = (body as { action?: string }).action;
    if (action !== 'terminate')
      return sendProblem(res, 409, `the sandbox only supports the terminate action, not ${action}`);
    pod.terminate(caller.kind === 'pod' ? 'itself (pod-scoped key)' : 'the account key');
    res.writeHead(204, { 'x-sandbox': 'runpod' });
    res.end();
    return;
  }
  return sendProblem(res, 405, `${method} is not allowed here`);
}

function sendLogs(pod: SandboxPod, url: URL, res: ServerResponse): void {
  const tail = Number(url.searchParams.get('tail') ?? '200');
  const lines = pod.logs.slice(-tail);
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-sandbox': 'runpod' });
  for (const [index, line] of lines.entries()) {
    res.write(`id: ${line.ts}/${String(index).padStart(12, '0')}\ndata: ${JSON.stringify(line)}\n\n`);
  }
  res.end();
}

function billing(sandbox: RunpodSandbox, url: URL, res: ServerResponse): void {
  const podId = url.searchParams.get('podId');
  const pods = sandbox.allPods().filter((pod) => !podId || pod.id === podId);
  const records = pods.map((pod) => {
    const usd = Math.round(((pod.costPerHour * pod.billedSeconds()) / 3600) * 1e6) / 1e6;
    return {
      startTime: new Date(pod.createdAt).toISOString(),
      endTime: new Date(pod.terminatedAt ?? sandbox.now()).toISOString(),
      podId: pod.id,
      totalAmount: usd,
      gpuAmount: usd,
      cpuAmount: 0,
      diskAmount: 0,
    };
  });
  const total = records.reduce((sum, record) => sum + record.totalAmount, 0);
  sendJson(res, 200, {
    records,
    metadata: {
      query: {
        startTime: records[0]?.startTime ?? new Date(sandbox.now()).toISOString(),
        endTime: new Date(sandbox.now()).toISOString(),
        bucketSize: 'hour',
        podId,
      },
      recordCount: records.length,
      uniquePodCount: records.length,
      totals: { totalAmount: total, gpuAmount: total, cpuAmount: 0, diskAmount: 0 },
    },
  });
}

/** Routes one authenticated request of the RunPod sandbox. @internal */
export async function routeSandboxRequest(
  sandbox: RunpodSandbox,
  caller: Caller,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sandbox');
  const method = req.method ?? 'GET';
  const body = method === 'POST' || method === 'PATCH' ? await readJson(req) : undefined;
  if (typeof body === 'string') return sendProblem(res, 400, body);
  const podMatch = /^\/v2\/pods\/([^/]+)(\/logs|\/action)?$/.exec(url.pathname);
  if (podMatch) {
    const pod = sandbox.livePod(decodeURIComponent(podMatch[1]!));
    if (!pod) return sendProblem(res, 404, 'pod not found');
    if (podMatch[2] === '/logs') return sendLogs(pod, url, res);
    if (podMatch[2] === '/action' && method !== 'POST') return sendProblem(res, 405, 'use POST');
    if (podMatch[2] !== '/action' && method === 'POST') return sendProblem(res, 405, 'use /action');
    return podRoute(caller, method, pod, res, body);
  }
  if (caller.kind === 'pod') return sendProblem(res, 403, 'a pod-scoped key only reaches its own pod');
  if (url.pathname === '/v2/pods' && method === 'GET')
    return sendJson(res, 200, { pods: sandbox.livePods().map((pod) => pod.view()) });
  if (url.pathname === '/v2/pods' && method === 'POST') return createPod(sandbox, body, res);
  if (url.pathname === '/v2/catalog/gpus' && method === 'GET') {
    const withAvailability = url.searchParams.get('include') === 'AVAILABILITY';
    if (withAvailability !== (url.searchParams.get('product') !== null)) {
      return sendProblem(res, 400, 'product is required with include=AVAILABILITY, and valid only with it');
    }
    return sendJson(res, 200, {
      gpus: sandbox.gpus.map(({ availability, ...gpu }) => (withAvailability ? { ...gpu, availability } : gpu)),
    });
  }
  if (url.pathname === '/v2/billing/pods' && method === 'GET') return billing(sandbox, url, res);
  return sendProblem(res, 404, `the RunPod sandbox does not serve ${method} ${url.pathname}`);
}

export type { Caller as SandboxCaller };
