import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunpodCreatePodRequest, RunpodGpuType } from '../runpod/runpod-types.js';
import { sandboxGpuCatalog } from './sandbox-gpus.js';
import { sendProblem } from './sandbox-http.js';
import type { RunpodSandboxOptions, SandboxHttpFault, SandboxPodFault } from './sandbox-options.js';
import { SandboxPod } from './sandbox-pod.js';
import { routeSandboxRequest, type SandboxCaller } from './sandbox-routes.js';

/** The sandbox's own billing record of one pod (emulated seconds). */
export interface SandboxPodBilling {
  podId: string;
  name: string;
  gpu: string;
  costPerHour: number;
  status: string;
  createdAt: number;
  terminatedAt: number | undefined;
  /** When the trainer finished, failed or died (emulated ms since the epoch). */
  trainingEndedAt: number | undefined;
  billedSeconds: number;
  usd: number;
  /** Always true: this is a sandbox record, nothing was charged. */
  sandbox: true;
}

/**
 * A RunPod REST v2 sandbox on 127.0.0.1: the documented paths (`/v2/pods`, `/v2/pods/{id}`, `/logs`, `/action`,
 * `/v2/catalog/gpus`, `/v2/billing/pods`), Bearer auth (the account key, and a pod-scoped key per pod that reaches
 * only that pod), RFC 9457 errors, wrapped lists, PROVISIONING -> STARTING -> RUNNING, hourly cost and a billing
 * record of its own, on an emulated clock. Pods run the sandbox trainer as a node child process, which plays the engine
 * of the config it receives (SimpleTuner or ai-toolkit: their files, console lines, checkpoints and step samples in the
 * layout `listCheckpoints` reads; see `sandbox-trainer-process.ts`). Faults on request:
 * 429/5xx on any request, out-of-capacity on create, pods that die, get stuck provisioning, fail or never delete
 * themselves. Every response carries `x-sandbox: runpod`.
 */
export class RunpodSandbox {
  /** Base URL, `http://127.0.0.1:<port>` (pass as `baseUrl`). */
  readonly url: string;
  /** The account API key it accepts. */
  readonly apiKey: string;
  /** Emulated seconds per real second. */
  readonly clockFactor: number;
  /** Emulated seconds a pod spends PROVISIONING. */
  readonly provisionSeconds: number;
  /** Emulated seconds a pod spends STARTING. */
  readonly startSeconds: number;
  /** Emulated seconds per step of the sandbox trainer. */
  readonly stepSeconds: number;
  /** Steps when the config has no `max_train_steps`. */
  readonly defaultSteps: number;
  /** The GPU catalog it serves. */
  readonly gpus: RunpodGpuType[];
  /** Every `POST /v2/pods` that created a pod, in order. */
  readonly created: SandboxPod[] = [];
  /** Every request received: method and path. */
  readonly requests: { method: string; path: string; status?: number }[] = [];
  readonly #server: Server;
  readonly #pods = new Map<string, SandboxPod>();
  readonly #httpFaults: (SandboxHttpFault & { times: number })[] = [];
  readonly #podFaults: SandboxPodFault[] = [];
  #capacityFaults: { gpuIds?: string[]; times: number }[] = [];
  readonly #realStart = Date.now();

  /** @internal use {@link startRunpodSandbox} */
  constructor(server: Server, url: string, options: RunpodSandboxOptions) {
    this.#server = server;
    this.url = url;
    this.apiKey = options.apiKey ?? `sandbox-${randomBytes(16).toString('hex')}`;
    this.clockFactor = options.clockFactor ?? 1;
    this.provisionSeconds = options.provisionSeconds ?? 20;
    this.startSeconds = options.startSeconds ?? 10;
    this.stepSeconds = options.stepSeconds ?? 2;
    this.defaultSteps = options.defaultSteps ?? 20;
    this.gpus = options.gpus ?? sandboxGpuCatalog();
  }

  /** Emulated time, ms since the epoch: starts at the real time and runs `clockFactor` times faster. */
  now = (): number => this.#realStart + (Date.now() - this.#realStart) * this.clockFactor;

  /** Answers the next matching request(s) with a fault. */
  injectHttpFault(fault: SandboxHttpFault): void {
    this.#httpFaults.push({ ...fault, times: fault.times ?? 1 });
  }

  /** The next created pod gets this fault (queued: one fault per pod). */
  injectPodFault(fault: SandboxPodFault): void {
    this.#podFaults.push(fault);
  }

  /** The next `times` creates (on `gpuIds`, or any GPU) fail with RunPod's 400 "no instances available". */
  injectOutOfCapacity(options: { gpuIds?: string[]; times?: number } = {}): void {
    this.#capacityFaults.push({ gpuIds: options.gpuIds, times: options.times ?? 1 });
  }

  /** @internal */
  takeCapacityFault(gpuId: string): boolean {
    const fault = this.#capacityFaults.find((f) => f.times > 0 && (!f.gpuIds || f.gpuIds.includes(gpuId)));
    if (!fault) return false;
    fault.times--;
    return true;
  }

  /** @internal */
  addPod(request: RunpodCreatePodRequest, costPerHour: number): SandboxPod {
    const pod = new SandboxPod(this, request, costPerHour, this.#podFaults.shift());
    this.#pods.set(pod.id, pod);
    this.created.push(pod);
    return pod;
  }

  /** A pod RunPod still shows (not terminated). */
  livePod(id: string): SandboxPod | undefined {
    const pod = this.#pods.get(id);
    return pod && pod.status !== 'TERMINATED' ? pod : undefined;
  }

  /** Pods not terminated. */
  livePods(): SandboxPod[] {
    return this.allPods().filter((pod) => pod.status !== 'TERMINATED');
  }

  /** Every pod ever created, terminated ones included. */
  allPods(): SandboxPod[] {
    return [...this.#pods.values()];
  }

  /** The sandbox's own billing record, per pod. */
  billing(): SandboxPodBilling[] {
    return this.allPods().map((pod) => ({
      podId: pod.id,
      name: pod.request.name,
      gpu: pod.request.gpu?.id ?? '',
      costPerHour: pod.costPerHour,
      status: pod.status,
      createdAt: pod.createdAt,
      terminatedAt: pod.terminatedAt,
      trainingEndedAt: pod.trainingEndedAt,
      billedSeconds: pod.billedSeconds(),
      usd: Math.round(((pod.costPerHour * pod.billedSeconds()) / 3600) * 1e6) / 1e6,
      sandbox: true,
    }));
  }

  #caller(req: IncomingMessage): SandboxCaller | undefined {
    const header = req.headers.authorization ?? '';
    const key = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (key === this.apiKey) return { kind: 'account' };
    const pod = this.allPods().find((candidate) => candidate.podKey === key);
    return pod ? { kind: 'pod', podId: pod.id } : undefined;
  }

  #fault(req: IncomingMessage, path: string): SandboxHttpFault | undefined {
    const index = this.#httpFaults.findIndex(
      (f) => (!f.method || f.method === req.method) && (!f.path || f.path === path),
    );
    if (index === -1) return undefined;
    const fault = this.#httpFaults[index]!;
    if (--fault.times <= 0) this.#httpFaults.splice(index, 1);
    return fault;
  }

  /** @internal */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://sandbox').pathname;
    this.requests.push({ method: req.method ?? 'GET', path });
    res.on('finish', () => {
      this.requests.at(-1)!.status = res.statusCode;
    });
    if (!req.headers.authorization) return sendProblem(res, 401, 'missing bearer token');
    const caller = this.#caller(req);
    if (!caller) return sendProblem(res, 401, 'invalid API key');
    const fault = this.#fault(req, path);
    const faultHeaders = fault?.status === 429 ? { 'retry-after': String(fault.retryAfterSeconds ?? 0) } : undefined;
    if (fault && !fault.afterHandling) {
      return sendProblem(res, fault.status, `sandbox fault: ${fault.status}`, { headers: faultHeaders });
    }
    if (fault) {
      const discard = {
        writeHead: () => discard,
        write: () => true,
        end: () => discard,
        on: () => discard,
      } as unknown as ServerResponse;
      await routeSandboxRequest(this, caller, req, discard);
      return sendProblem(res, fault.status, `sandbox fault: ${fault.status} after handling`, { headers: faultHeaders });
    }
    await routeSandboxRequest(this, caller, req, res);
  }

  /** Terminates every pod (killing the trainer processes) and stops the server. */
  async close(): Promise<void> {
    for (const pod of this.allPods()) pod.terminate('sandbox shutdown');
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }
}

/**
 * Starts a RunPod REST v2 sandbox on 127.0.0.1 (see {@link RunpodSandbox}).
 *
 * @example
 * ```ts no-run
 * const sandbox = await startRunpodSandbox({ clockFactor: 60 });
 * const trainer = new RunpodTrainer({ baseUrl: sandbox.url, apiKey: sandbox.apiKey, storage, allowLoopbackUrls: true, clock: sandbox.now });
 * ```
 */
export async function startRunpodSandbox(options: RunpodSandboxOptions = {}): Promise<RunpodSandbox> {
  let sandbox: RunpodSandbox | undefined;
  const server = createServer((req, res) => {
    sandbox!.handle(req, res).catch((error) => sendProblem(res, 500, `sandbox error: ${(error as Error).message}`));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  sandbox = new RunpodSandbox(server, `http://127.0.0.1:${port}`, options);
  return sandbox;
}
