import type { FaceDetector } from '@model-studio/core';
import type { FaultKind, FaultPlan, SandboxRoute } from './fault-plan.js';

/** How long a job stays in each status. */
export interface SandboxJobDuration {
  /** Time in `pending`, ms. */
  pendingMs: number;
  /** Time in `running` after that, ms (the job stays `running` until its output is ready). */
  runningMs: number;
}

/** The kinds of paid job the sandbox runs. */
export type SandboxOperation = 'swap' | 'enhance' | 'video-swap';

/** Options of {@link startMaxStudioSandbox}. */
export interface MaxStudioSandboxOptions {
  /** Port to listen on; 0 picks a free one. @default 0 */
  port?: number;
  /** Interface to listen on. Keep it on loopback. @default '127.0.0.1' */
  host?: string;
  /** Keys the sandbox accepts in `x-api-key`; any other key answers 500, as the real API does. @default ['sandbox-key'] */
  apiKeys?: string[];
  /** Finds faces for `/detect-face-image` and in swap sources. @default the heuristic detector (see `heuristicFaceBox`) */
  faceDetector?: FaceDetector;
  /**
   * Credits charged per accepted job. No video price is known (no price page was found): `'video-swap'` defaults to
   * the sandbox's own figure. @default { swap: 10, enhance: 2, 'video-swap': 50 }
   */
  prices?: { swap?: number; enhance?: number; 'video-swap'?: number };
  /** Starting credit balance. @default 10000 */
  credits?: number;
  /** Scripted faults (replace later with `setFaults`). */
  faults?: FaultPlan;
  /**
   * Time jobs spend pending and running.
   * @default { swap: { pendingMs: 300, runningMs: 1500 }, enhance: { pendingMs: 500, runningMs: 3000 }, 'video-swap': { pendingMs: 500, runningMs: 5000 } }
   */
  jobDurations?: { swap?: SandboxJobDuration; enhance?: SandboxJobDuration; 'video-swap'?: SandboxJobDuration };
  /** Timeout of each download of an image URL the sandbox is given, ms. @default 10000 */
  downloadTimeout?: number;
  /**
   * A file (JSON lines) where the sandbox keeps its jobs and billing across restarts, as the real API does: it is read
   * at start (created when missing), and every accepted job (id, operation, timing, scripted outcome) with its charge
   * is appended and fsynced before its id is answered, so a `kill -9` at any moment loses nothing that was answered (a
   * torn last line is ignored). The balance is the file's starting balance (its header keeps `credits` from when it was
   * created) minus its charges. Input and output images live in the folder `<stateFile>.jobs/`: a job that was running
   * when the sandbox stopped is made again from its inputs and completes when polled after the restart, and finished
   * outputs stay downloadable. Its first line marks it as sandbox state (`"sandbox": true`, a note that no real credits
   * are involved); a file without that header is refused. It is locked with `<stateFile>.lock` (pid lockfile): a second
   * sandbox on the same file is refused while the first lives, and a lock left by a dead process is taken over.
   * The request log and fault plan are not kept. Omitted: everything lives in memory and is gone when the process ends.
   */
  stateFile?: string;
  /**
   * How a poll of a job id the sandbox does not know is answered (without a `stateFile`, jobs live in memory: a
   * restarted sandbox knows none of the earlier ones). `200`: `200 {"status":"not-found"}`, the status a MaxStudio client was seen to receive. `404`:
   * `404 {"status":404,"error":"Job not found"}`, the other form a service may use (unconfirmed for MaxStudio; the
   * client handles both). The `job-not-found` fault answers the same way unless its rule sets `status`.
   * @default 200
   */
  unknownJobHttpStatus?: 200 | 404;
}

/** One request the sandbox received (admin paths excluded). The API key itself is never recorded. */
export interface SandboxRequestRecord {
  /** 1, 2, 3, ... in arrival order. */
  seq: number;
  /** Arrival time, ms since the epoch (sub-millisecond precision). */
  at: number;
  method: string;
  path: string;
  route: SandboxRoute;
  /** Whether `x-api-key` was missing, valid or invalid. */
  apiKey: 'missing' | 'valid' | 'invalid';
  /** The status answered, or `null` when the connection was dropped. */
  status: number | null;
  /** The fault applied, if any. */
  fault?: FaultKind;
  /** The job created or polled, if any. */
  jobId?: string;
  /** For an enhance request whose body was read: the `upscale` it carried (absent from the body: not set). */
  upscale?: unknown;
}

/** One charge: a job accepted and billed. */
export interface SandboxCharge {
  jobId: string;
  operation: SandboxOperation;
  credits: number;
  /**
   * What the job was given, one entry per input image in order (a swap: the target, then one source per face; an
   * enhance: the image): the path of the image's URL without its query string (signed URLs carry their secret in the
   * query, which is never kept), e.g. `/models/andie/targets/sfw/andie-t007.jpg`, or `sha256:<hex>` of the decoded
   * bytes of an image sent as base64. Tells which charge was for which piece of work. Empty for charges read from a
   * state file written before this field existed.
   */
  inputs: string[];
  /** ISO time of the charge. */
  at: string;
  balanceAfter: number;
}

/** The sandbox's billing record. */
export interface SandboxBilling {
  initialCredits: number;
  balance: number;
  charges: SandboxCharge[];
}

/** A running sandbox. */
export interface MaxStudioSandbox {
  /** Base URL to give the client as `baseURL`, e.g. `http://127.0.0.1:54321`. */
  readonly url: string;
  /** The first accepted API key. */
  readonly apiKey: string;
  /** The absolute path of the state file its jobs and billing persist in, when started with `stateFile`. */
  readonly stateFile: string | undefined;
  /** Every charge so far (also at `GET /__sandbox/billing`). */
  billing(): SandboxBilling;
  /** Every API request so far (also at `GET /__sandbox/requests`). */
  requests(): SandboxRequestRecord[];
  /** Replaces the fault plan and resets its counters (also `PUT /__sandbox/faults`). */
  setFaults(plan: FaultPlan): void;
  /** Stops the server, drops open connections, waits for outputs being made, and releases the state file. */
  close(): Promise<void>;
}
