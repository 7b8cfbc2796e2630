import { ProviderError, type ProviderErrorOptions } from '../errors/index.js';
import type { ProviderJob, ProviderJobResult, WaitOptions } from '../interfaces/provider-job.js';
import type { CallOptions } from '../interfaces/shared.js';
import type {
  MockFaultSpec,
  MockOperation,
  MockProviderAccount,
  MockProviderJob,
} from './create-mock-provider-account.js';
import { encodeMockImage, type MockImage, mockImageContentType } from './mock-image.js';

/** What the mock swapper and enhancer share. */
export interface MockJobContext {
  provider: string;
  account: MockProviderAccount;
  price: { units: number; unit: string };
  waitMs: number;
}

/** Waits `ms`, or rejects with the signal's reason when it fires first. */
export function mockDelay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A `ProviderError` from the mock provider. */
export function mockProviderError(
  context: Pick<MockJobContext, 'provider'>,
  message: string,
  options: Omit<ProviderErrorOptions, 'provider'>,
): ProviderError {
  return new ProviderError(message, { provider: context.provider, ...options });
}

/** The error a refusing fault gives a submission; nothing was created or charged. */
function refusal(context: MockJobContext, op: MockOperation, spec: MockFaultSpec): ProviderError {
  const what = `The mock provider refused the ${op} submission`;
  const said = (fallback: string) => spec.message ?? fallback;
  switch (spec.fault) {
    case 'insufficient-credits':
      return mockProviderError(
        context,
        `${what} (HTTP 402): the account has insufficient credits. Nothing was charged.`,
        {
          reason: 'insufficient-credits',
          isRetryable: false,
          status: 402,
          providerMessage: said('Insufficient credits'),
        },
      );
    case 'rate-limited':
      return mockProviderError(context, `${what} (HTTP 429): rate limited. Nothing was charged; retry later.`, {
        reason: 'rate-limited',
        isRetryable: true,
        status: 429,
        providerMessage: said('Rate limit exceeded. Please try again later.'),
        retryAfterMs: spec.retryAfterMs,
      });
    case 'server':
      return mockProviderError(context, `${what} (HTTP 503): the service failed. Nothing was charged; retry later.`, {
        reason: 'server',
        isRetryable: true,
        status: 503,
        providerMessage: said('Service Unavailable'),
      });
    case 'network':
      return mockProviderError(
        context,
        `The mock ${op} submission failed: the connection was refused before anything was sent. Nothing was charged.`,
        { reason: 'network', isRetryable: true, providerMessage: spec.message },
      );
    case 'authentication':
      return mockProviderError(context, `${what} (HTTP 401): the API key was refused. Nothing was charged.`, {
        reason: 'authentication',
        isRetryable: false,
        status: 401,
        providerMessage: said('Unauthorized'),
      });
    default:
      return mockProviderError(context, `${what} (HTTP 400): the input was refused. Nothing was charged.`, {
        reason: 'input',
        isRetryable: false,
        status: 400,
        providerMessage: said('Invalid input'),
      });
  }
}

/**
 * One paid submission: checks the signal, makes the output with `make` (which reads and checks the inputs and may
 * throw before anything reaches the provider), waits `waitMs`, applies the next queued fault of `op`, then creates and
 * charges the job. The job finishes at once; its output carries `<op> <jobId>` in its history.
 */
export async function submitMockJob(
  context: MockJobContext,
  op: MockOperation,
  keys: string[],
  make: (signal: AbortSignal | undefined) => Promise<MockImage>,
  options: CallOptions = {},
): Promise<ProviderJob> {
  const { signal } = options;
  signal?.throwIfAborted();
  const image = await make(signal);
  await mockDelay(context.waitMs, signal);
  signal?.throwIfAborted();
  const { account } = context;
  const spec = account.faults[op].shift();
  if (spec && spec.fault !== 'uncertain' && spec.fault !== 'job-failed') {
    account.attempts.push({ op, outcome: spec.fault });
    throw refusal(context, op, spec);
  }
  const id = `${context.provider}-${op}-${account.jobs.length + 1}`;
  const { units, unit } = context.price;
  const job: MockProviderJob = {
    id,
    provider: context.provider,
    operation: op,
    keys,
    status: spec?.fault === 'job-failed' ? 'failed' : 'completed',
    responseLost: spec?.fault === 'uncertain',
    units,
    unit,
  };
  if (job.status === 'completed')
    job.output = encodeMockImage({ ...image, history: [...image.history, `${op} ${id}`] });
  else job.error = spec?.message ?? 'The job failed (a job-failed fault was injected).';
  account.jobs.push(job);
  account.charges.push({ jobId: id, op, units, unit });
  account.attempts.push({ op, outcome: spec?.fault ?? 'accepted', jobId: id });
  if (job.responseLost) {
    throw mockProviderError(
      context,
      `The mock ${op} submission may have been accepted and charged: its response was lost (an injected uncertain fault). It was not re-sent, to avoid paying twice; check the account before submitting again.`,
      { reason: 'uncertain', isRetryable: false, providerMessage: spec?.message },
    );
  }
  return { id, provider: context.provider, operation: op };
}

/**
 * Waits for a mock job by id (a fresh handle from a journal works): the output of a completed job, a `job-failed`
 * error for a failed one, and `job-failed` (retryable, `providerMessage: 'not-found'`) for an id the account does not
 * know, as the MaxStudio adapter reports a job the service does not know. Honours the signal (rejects with its
 * reason), `timeout` (a retryable `timeout` error when `waitMs` exceeds it) and `onStatus`.
 */
export async function waitForMockJob(
  context: MockJobContext,
  op: MockOperation,
  job: ProviderJob,
  options: WaitOptions = {},
): Promise<ProviderJobResult> {
  const { signal } = options;
  signal?.throwIfAborted();
  const record = context.account.job(job.id);
  if (!record || record.operation !== op) {
    throw mockProviderError(
      context,
      `The mock provider does not know ${op} job ${job.id}: it was never accepted by this account (pass the same account to the new adapter to reattach). It will never finish: submit the work again.`,
      { reason: 'job-failed', isRetryable: true, jobId: job.id, providerMessage: 'not-found', unknownJob: true },
    );
  }
  options.onStatus?.('running');
  if (options.timeout !== undefined && context.waitMs > options.timeout) {
    await mockDelay(options.timeout, signal);
    throw mockProviderError(
      context,
      `Mock ${op} job ${job.id} did not finish within ${options.timeout} ms. It may still finish: wait again with the same job id.`,
      { reason: 'timeout', isRetryable: true, jobId: job.id },
    );
  }
  await mockDelay(context.waitMs, signal);
  options.onStatus?.(record.status);
  if (record.status === 'failed' || !record.output) {
    throw mockProviderError(
      context,
      `The mock provider reports ${op} job ${job.id} failed: "${record.error ?? 'failed'}". Submit a new job (this one was charged).`,
      { reason: 'job-failed', isRetryable: false, jobId: job.id, providerMessage: record.error },
    );
  }
  return {
    job,
    bytes: record.output.slice(),
    contentType: mockImageContentType,
    units: record.units,
    unit: record.unit,
  };
}
