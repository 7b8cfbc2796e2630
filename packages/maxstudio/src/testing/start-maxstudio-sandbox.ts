import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FaultPlan } from './fault-plan.js';
import { createHeuristicFaceDetector } from './heuristic-face-detector.js';
import { rememberedFaces } from './remembered-faces.js';
import { SandboxApi } from './sandbox-api.js';
import { composeSwap, enhanceImage } from './sandbox-images.js';
import { type SandboxJobInput, SandboxJobs } from './sandbox-jobs.js';
import type { MaxStudioSandbox, MaxStudioSandboxOptions } from './sandbox-options.js';
import { SandboxRequestHandler } from './sandbox-request-handler.js';
import { bodies, sendJson } from './sandbox-wire.js';

/**
 * Starts a MaxStudio emulator on loopback: the documented paths, bodies, statuses and quirks over real HTTP, real image
 * downloads and real image output (each marked SANDBOX), a credit balance and billing record, a request log, and
 * scripted faults. Admin paths (`/__sandbox/billing`, `/__sandbox/requests`, `/__sandbox/faults`) exist only here.
 * With `stateFile`, jobs, charges and outputs persist across restarts (it rejects when another live sandbox holds
 * that file, or when the file is not sandbox state).
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
  // Remembered by image: the same photo sent again is not detected again (see rememberedFaces).
  const detector = rememberedFaces(options.faceDetector ?? createHeuristicFaceDetector());
  // The sandbox does not process video: a video swap's output is the target video as it was downloaded.
  const produce = async (input: SandboxJobInput) =>
    input.operation === 'swap'
      ? composeSwap(input.target, input.sources, input.boxes, detector)
      : input.operation === 'video-swap'
        ? input.video
        : enhanceImage(input.image, input.upscale);
  const jobs = await SandboxJobs.open({ credits: options.credits ?? 10_000, produce, stateFile: options.stateFile });
  let baseUrl = '';
  const api: SandboxApi = new SandboxApi({
    detector,
    prices: {
      swap: options.prices?.swap ?? 10,
      enhance: options.prices?.enhance ?? 2,
      'video-swap': options.prices?.['video-swap'] ?? 50,
    },
    durations: {
      swap: options.jobDurations?.swap ?? { pendingMs: 300, runningMs: 1500 },
      enhance: options.jobDurations?.enhance ?? { pendingMs: 500, runningMs: 3000 },
      'video-swap': options.jobDurations?.['video-swap'] ?? { pendingMs: 500, runningMs: 5000 },
    },
    downloadTimeout: options.downloadTimeout ?? 10_000,
    unknownJobHttpStatus: options.unknownJobHttpStatus ?? 200,
    jobs,
    faultPlan: (): FaultPlan => handler.plan,
    baseUrl: () => baseUrl,
  });
  const handler: SandboxRequestHandler = new SandboxRequestHandler(api, jobs, apiKeys, options.faults);

  const server = createServer((request, response) => {
    handler.handle(request, response).catch(() => {
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
  }).catch(async (error: unknown) => {
    await jobs.close();
    throw error;
  });
  const address = server.address() as AddressInfo;
  baseUrl = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;

  return {
    url: baseUrl,
    apiKey: firstKey,
    stateFile: jobs.stateFile,
    billing: () => jobs.billing(),
    requests: () => handler.log.map((record) => ({ ...record })),
    setFaults(plan: FaultPlan) {
      handler.setFaults(plan);
    },
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await jobs.close();
    },
  };
}
