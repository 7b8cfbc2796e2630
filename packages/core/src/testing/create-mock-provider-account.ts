/** The paid operations of the mock provider. */
export type MockOperation = 'swap' | 'enhance';

/**
 * A failure the mock provider can be told to give the next submission of an operation:
 *
 * | fault                  | job created and charged? | what happens                                                        |
 * | ---------------------- | ------------------------ | ------------------------------------------------------------------- |
 * | `uncertain`            | yes                      | submit rejects: `ProviderError` `uncertain` (response lost)         |
 * | `job-failed`           | yes                      | submit succeeds; waiting rejects: `ProviderError` `job-failed`       |
 * | `insufficient-credits` | no                       | submit rejects: `insufficient-credits`, HTTP 402, not retryable      |
 * | `rate-limited`         | no                       | submit rejects: `rate-limited`, HTTP 429, retryable, `retryAfterMs`  |
 * | `server`               | no                       | submit rejects: `server`, HTTP 503, retryable                        |
 * | `network`              | no                       | submit rejects: `network` (connection refused), retryable            |
 * | `authentication`       | no                       | submit rejects: `authentication`, HTTP 401, not retryable            |
 * | `input`                | no                       | submit rejects: `input`, HTTP 400, not retryable                     |
 */
export type MockFault =
  | 'uncertain'
  | 'job-failed'
  | 'insufficient-credits'
  | 'rate-limited'
  | 'server'
  | 'network'
  | 'authentication'
  | 'input';

/** One queued fault: see {@link MockProviderAccount.failNext}. */
export interface MockFaultSpec {
  fault: MockFault;
  /** For `rate-limited`: the `retryAfterMs` of the error. */
  retryAfterMs?: number;
  /** The provider's message in the error (`providerMessage`). @default a message per fault */
  message?: string;
}

/** A job the mock provider accepted (and charged). */
export interface MockProviderJob {
  /** The job id, e.g. `mock-swap-1`: the provider id, the operation and the job's number in the account. */
  id: string;
  /** The provider id of the adapter that submitted it. */
  provider: string;
  operation: MockOperation;
  /** Storage keys the job read: `[targetKey, sourceKey]` for a swap, `[imageKey]` for an enhance. */
  keys: string[];
  /** `failed` when a `job-failed` fault was applied. Jobs finish the moment they are accepted. */
  status: 'completed' | 'failed';
  /** True when the submission's response was "lost" (an `uncertain` fault): the caller never learnt this id. */
  responseLost: boolean;
  units: number;
  unit: string;
  /** The output image (a mock image), for completed jobs. */
  output?: Uint8Array;
  /** Why the job failed, for failed jobs. */
  error?: string;
}

/** A charge the mock provider billed: one per accepted job, at acceptance. */
export interface MockProviderCharge {
  jobId: string;
  op: MockOperation;
  units: number;
  unit: string;
}

/** A submission that reached the mock provider, and what came of it. */
export interface MockProviderAttempt {
  op: MockOperation;
  /** `accepted`, or the fault that refused it (`uncertain` and `job-failed` submissions are accepted too). */
  outcome: 'accepted' | MockFault;
  /** The job created, when one was. */
  jobId?: string;
}

/**
 * The mock provider's memory: jobs, the charges billed, the submissions received and the faults queued. Share one
 * between adapter instances (`createMockSwapper({ storage, account })`) to reattach jobs after a "restart", and
 * compare `charges` with your ledger.
 */
export interface MockProviderAccount {
  /** Every job accepted, in order (including those whose response was lost). */
  readonly jobs: MockProviderJob[];
  /** Every charge billed, in order. Refused submissions (`input`, `rate-limited`, ...) are never charged. */
  readonly charges: MockProviderCharge[];
  /** Every submission that reached the provider (after the adapter read its inputs), in order. */
  readonly attempts: MockProviderAttempt[];
  /** Faults waiting for the next submissions, per operation, applied first in first out. */
  readonly faults: Record<MockOperation, MockFaultSpec[]>;
  /**
   * Makes the next `times` submissions of `op` fail with `fault` (queued after faults already waiting).
   * @param options.times how many submissions in a row. @default 1
   */
  failNext(
    op: MockOperation,
    fault: MockFault,
    options?: { times?: number; retryAfterMs?: number; message?: string },
  ): void;
  /** Units charged in `unit`, summed over {@link MockProviderAccount.charges}. @default unit 'credits' */
  charged(unit?: string): number;
  /** The job with this id, or `undefined` when the provider does not know it. */
  job(id: string): MockProviderJob | undefined;
}

/**
 * A fresh in-memory account for the mock swapper and enhancer. Pass the same account to new adapter instances to
 * simulate a process restart: jobs stay known and can be waited for by id.
 *
 * @example
 * ```ts no-run
 * const account = createMockProviderAccount();
 * account.failNext('swap', 'uncertain'); // the next swap is accepted and charged, but its response is lost
 * const swapper = createMockSwapper({ storage, account });
 * await swapper.submitSwap({ targetKey, sourceKey }).catch((error) => error.reason); // 'uncertain'
 * account.charges; // [{ jobId: 'mock-swap-1', op: 'swap', units: 10, unit: 'credits' }]
 * ```
 */
export function createMockProviderAccount(): MockProviderAccount {
  const jobs: MockProviderJob[] = [];
  const charges: MockProviderCharge[] = [];
  const faults: Record<MockOperation, MockFaultSpec[]> = { swap: [], enhance: [] };
  return {
    jobs,
    charges,
    attempts: [],
    faults,
    failNext(op, fault, options = {}) {
      const times = options.times ?? 1;
      if (!(Number.isInteger(times) && times >= 0)) throw new RangeError('failNext: times must be an integer >= 0.');
      if (!(op in faults)) throw new RangeError(`failNext: unknown operation "${op}"; use "swap" or "enhance".`);
      const spec: MockFaultSpec = { fault };
      if (options.retryAfterMs !== undefined) spec.retryAfterMs = options.retryAfterMs;
      if (options.message !== undefined) spec.message = options.message;
      for (let i = 0; i < times; i++) faults[op].push({ ...spec });
    },
    charged(unit = 'credits') {
      return charges.filter((charge) => charge.unit === unit).reduce((sum, charge) => sum + charge.units, 0);
    },
    job(id) {
      return jobs.find((job) => job.id === id);
    },
  };
}
