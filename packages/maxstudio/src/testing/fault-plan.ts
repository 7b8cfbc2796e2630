import type { Malformation } from './malformed-body.js';
import { seededRandom } from './seeded-random.js';

/** The sandbox's API routes, for matching faults and reading the request log. */
export type SandboxRoute =
  | 'detect'
  | 'swap'
  | 'swap-status'
  | 'enhance'
  | 'enhance-status'
  | 'detect-video'
  | 'video-swap'
  | 'video-swap-status'
  | 'result'
  | 'other';

/**
 * What a fault does to one request:
 * - `rate-limit`: 429 `{"status":429,"error":"Rate limit exceeded. Please try again later."}` (with `Retry-After` when `retryAfter` is set).
 * - `server-error`: a 5xx (`status`, default 503) with `{"status":503,"error":"Service Unavailable"}`.
 * - `drop-before-accept`: the socket is destroyed before the request is handled: nothing is created or charged.
 * - `drop-after-accept`: the request is handled (a submission's job is created and charged), then the socket is destroyed before the answer.
 * - `malformed-json`: the request is handled, then the answer is broken JSON with status 200: cut off, by default, or
 *   as the rule's `malformation` says (cut right after the job id, or garbled before it).
 * - `job-fails`: the submitted job ends with status `failed`.
 * - `job-never-finishes`: the submitted job stays `running` forever.
 * - `job-not-found`: a poll is answered as if the job were unknown (`200 {"status":"not-found"}`, or with `status: 404`
 *   `404 {"status":404,"error":"Job not found"}`), even for a job the sandbox knows: with `times`, a job that is briefly
 *   unknown, as on an eventually consistent service. Applies to polls only (`swap-status`, `enhance-status`).
 */
export type FaultKind =
  | 'rate-limit'
  | 'server-error'
  | 'drop-before-accept'
  | 'drop-after-accept'
  | 'malformed-json'
  | 'job-fails'
  | 'job-never-finishes'
  | 'job-not-found';

/** One scripted fault. Rules are checked in order; the first that fires applies. */
export interface FaultRule {
  kind: FaultKind;
  /** Routes it applies to. @default every API route (not results or admin paths); for `job-not-found`, the poll routes */
  on?: SandboxRoute | SandboxRoute[];
  /** Chance in [0, 1] that a matching request gets the fault, drawn from the plan's seed. @default 1 */
  probability?: number;
  /** Let this many matching requests through first. @default 0 */
  skip?: number;
  /** Fire at most this many times. @default unlimited */
  times?: number;
  /** For `rate-limit`: the `Retry-After` header value (seconds, e.g. `"1"`, or an HTTP-date). Omitted: no header. */
  retryAfter?: string;
  /**
   * For `server-error`: the status. @default 503
   * For `job-not-found`: 200 or 404 (see {@link FaultKind}). @default the sandbox's `unknownJobHttpStatus` (200)
   */
  status?: number;
  /**
   * For `malformed-json`: how the body is broken. `truncated` cuts it in half (a submission's job id is cut too);
   * `truncated-after-id` cuts it right after the job id (`{"jobId":"..."`); `garbled-before-id` replaces what comes
   * before the id with garbage bytes. A client can recover the id from the last two, not from the first.
   * @default 'truncated'
   */
  malformation?: Malformation;
}

/**
 * Faults scripted per request from a seed: the same plan and the same request order give the same faults.
 *
 * @example
 * ```ts no-run
 * sandbox.setFaults({ seed: 7, latency: { minMs: 5, maxMs: 50 }, rules: [{ kind: 'rate-limit', on: 'swap', times: 2, retryAfter: '1' }] });
 * ```
 */
export interface FaultPlan {
  /** Seed of the random draws (probabilities and latency). @default 1 */
  seed?: number;
  /** Extra latency on every API request, uniform in [minMs, maxMs]. */
  latency?: { minMs: number; maxMs: number };
  rules?: FaultRule[];
  /** After this many charges, every paid submission answers 402 "Insufficient credits". */
  insufficientCreditsAfter?: number;
}

/** A fault decided for one request. */
export interface FaultDecision {
  rule: FaultRule | undefined;
  latencyMs: number;
}

const apiRoutes: SandboxRoute[] = [
  'detect',
  'swap',
  'swap-status',
  'enhance',
  'enhance-status',
  'detect-video',
  'video-swap',
  'video-swap-status',
];
const pollRoutes: SandboxRoute[] = ['swap-status', 'enhance-status', 'video-swap-status'];

/** Applies a {@link FaultPlan} to requests one by one, deterministically. */
export class FaultInjector {
  readonly plan: FaultPlan;
  private readonly random: () => number;
  private readonly latencyRandom: () => number;
  private readonly matched: number[];
  private readonly fired: number[];

  constructor(plan: FaultPlan = {}) {
    this.plan = plan;
    const seed = plan.seed ?? 1;
    this.random = seededRandom(seed);
    this.latencyRandom = seededRandom(seed ^ 0x9e3779b9);
    this.matched = (plan.rules ?? []).map(() => 0);
    this.fired = (plan.rules ?? []).map(() => 0);
  }

  /** Decides the fault and latency for the next request on `route`. */
  next(route: SandboxRoute): FaultDecision {
    const latency = this.plan.latency;
    const latencyMs =
      latency && apiRoutes.includes(route)
        ? latency.minMs + this.latencyRandom() * Math.max(0, latency.maxMs - latency.minMs)
        : 0;
    const rules = this.plan.rules ?? [];
    for (const [index, rule] of rules.entries()) {
      const defaultRoutes = rule.kind === 'job-not-found' ? pollRoutes : apiRoutes;
      const routes = rule.on === undefined ? defaultRoutes : [rule.on].flat();
      if (!routes.includes(route) || (rule.kind === 'job-not-found' && !pollRoutes.includes(route))) continue;
      const matched = (this.matched[index] ?? 0) + 1;
      this.matched[index] = matched;
      if (matched <= (rule.skip ?? 0)) continue;
      if (rule.times !== undefined && (this.fired[index] ?? 0) >= rule.times) continue;
      if (this.random() >= (rule.probability ?? 1)) continue;
      this.fired[index] = (this.fired[index] ?? 0) + 1;
      return { rule, latencyMs };
    }
    return { rule: undefined, latencyMs };
  }
}
