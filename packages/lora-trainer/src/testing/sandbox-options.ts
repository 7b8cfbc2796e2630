import type { RunpodGpuType } from '../runpod/runpod-types.js';

/** A fault for the next pod(s) the sandbox creates. */
export type SandboxPodFault =
  /** The pod never leaves PROVISIONING. */
  | { kind: 'stuck-provisioning' }
  /** The pod dies (status ERROR, the trainer is killed) after `atStep` steps; it bills until terminated. */
  | { kind: 'dies'; atStep: number }
  /** The trainer fails at `atStep` (exit 1, uploads a failed status) and does not delete its pod. */
  | { kind: 'fails'; atStep: number }
  /** The trainer succeeds but does not delete its own pod (a broken EXIT trap). */
  | { kind: 'no-self-delete' };

/** A fault on the next matching HTTP request(s). */
export interface SandboxHttpFault {
  /** 429 (with Retry-After), 500, 502 or 503. */
  status: 429 | 500 | 502 | 503;
  /** Only requests with this method. */
  method?: string;
  /** Only requests whose path is exactly this (e.g. `/v2/pods`). */
  path?: string;
  /** How many requests get it. @default 1 */
  times?: number;
  /** Handle the request first, then answer with the fault (a lost response: the pod exists). @default false */
  afterHandling?: boolean;
  /** Retry-After seconds on a 429. @default 0 */
  retryAfterSeconds?: number;
}

/** Options of {@link startRunpodSandbox}. */
export interface RunpodSandboxOptions {
  /** The account API key the sandbox accepts. @default a random `sandbox-...` key */
  apiKey?: string;
  /** Emulated seconds per real second (pod times and billing use emulated time). @default 1 */
  clockFactor?: number;
  /** Emulated seconds in PROVISIONING, then in STARTING. @default 20 and 10 */
  provisionSeconds?: number;
  startSeconds?: number;
  /** Emulated seconds per training step of the sandbox trainer. @default 2 */
  stepSeconds?: number;
  /** Steps when the config has no `max_train_steps`. @default 20 */
  defaultSteps?: number;
  /** The GPU catalog. @default sandboxGpuCatalog() */
  gpus?: RunpodGpuType[];
  /** TCP port on 127.0.0.1. @default 0 (a free port) */
  port?: number;
}
