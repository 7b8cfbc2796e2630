import { ProviderError } from '../errors/index.js';
import type { ProviderJob, ProviderJobResult, WaitOptions } from '../interfaces/provider-job.js';
import type { RunRecorder } from './run-recorder.js';
import type { StudioEvent } from './studio-types.js';

/** A submission whose earlier response was lost: skipped unless the user asked to resubmit. */
export class UncertainSubmission extends Error {
  constructor(readonly stageId: string) {
    super(
      `The earlier submission of ${stageId} is uncertain (it may have been charged); resubmit only when you choose to.`,
    );
  }
}

/** One paid provider call: reserve, journal, submit (or reattach), wait, store the result and record the charge. */
export interface PaidCall<Stored> {
  stageId: string;
  unitId: string;
  op: 'swap' | 'enhance';
  rating: string;
  provider: string;
  price: { units: number; unit: string };
  submit: () => Promise<ProviderJob>;
  wait: (job: ProviderJob, options: WaitOptions) => Promise<ProviderJobResult>;
  /** Stores the finished job's output; runs while the actual charge is written (they do not depend on each other). */
  store: (result: ProviderJobResult) => Promise<Stored>;
}

/** Dependencies of {@link runPaidCall}. */
export interface PaidCallContext {
  recorder: RunRecorder;
  signal: AbortSignal;
  resubmitUncertain: boolean;
  emit: (event: StudioEvent) => void;
}

/**
 * Runs one paid call exactly once across crashes: a recorded job id is reattached instead of paying again; a submission
 * whose response was lost is marked uncertain and not re-sent unless the user says so.
 */
export async function runPaidCall<Stored>(
  context: PaidCallContext,
  call: PaidCall<Stored>,
): Promise<{ result: ProviderJobResult; stored: Stored; reattached: boolean }> {
  const { recorder } = context;
  const charge = {
    stageId: call.stageId,
    op: call.op,
    provider: call.provider,
    amount: call.price.units,
    unit: call.price.unit,
    rating: call.rating,
  };
  const emitCost = (kind: 'reserved' | 'actual' | 'uncertain' | 'released', amount: number, unit: string) =>
    context.emit({
      type: 'cost-recorded',
      unitId: call.unitId,
      stageId: call.stageId,
      op: call.op,
      amount,
      unit,
      kind,
    });
  const state = recorder.state(call.stageId);
  let job: ProviderJob;
  let reattached = false;
  if (state.status === 'in-flight') {
    job = { id: state.jobId, provider: state.provider, operation: call.op };
    reattached = true;
  } else {
    if (state.status === 'uncertain' && !context.resubmitUncertain) throw new UncertainSubmission(call.stageId);
    context.signal.throwIfAborted();
    // The reservation and the `submitting` event are both on disk before the request is sent.
    await recorder.beginSubmission(charge);
    emitCost('reserved', charge.amount, charge.unit);
    try {
      job = await call.submit();
    } catch (error) {
      if (ProviderError.isInstance(error) && error.reason === 'uncertain') {
        await recorder.uncertain(call.stageId, call.op, error.message);
        await recorder.uncertainCharge(charge);
        emitCost('uncertain', charge.amount, charge.unit);
        throw new UncertainSubmission(call.stageId);
      }
      // Refused before acceptance (or aborted before sending): nothing was charged.
      await recorder.release(charge);
      emitCost('released', charge.amount, charge.unit);
      await recordFailure(recorder, call, error);
      throw error;
    }
    // The job id is on disk before waiting on the job (DESIGN.md): after a crash, resume reattaches instead of paying.
    await recorder.submitted(call.stageId, call.op, job.id, job.provider);
  }
  let result: ProviderJobResult;
  try {
    result = await call.wait(job, { signal: context.signal });
  } catch (error) {
    if (jobEnded(error)) {
      // The provider accepted the job, so it is charged even though it failed: the charge is on disk first.
      await recorder.actual({ ...charge, jobId: job.id });
      await recordFailure(recorder, call, error);
    }
    // Anything else (abort, timeout, a poll or download that kept failing) leaves the job in flight: the next
    // attempt or a resume reattaches it by id instead of paying again.
    throw error;
  }
  // Deferred, like the stage's `completed` event that follows; the two files are written independently. If a crash
  // loses this record while `completed` reached the journal, opening the files records it again from the charge on
  // `completed`; if it loses both, the op is still `submitted`, so a resume reattaches the job without paying.
  const recorded = recorder
    .actual({ ...charge, amount: result.units, unit: result.unit, jobId: job.id }, { deferred: true })
    .then(() => emitCost('actual', result.units, result.unit));
  // The result is stored (durably) before the stage's `completed` event is appended.
  const [stored] = await Promise.all([call.store(result), recorded]);
  return { result, stored, reattached };
}

/** Whether a wait error means the job itself is over (failed at the provider), not just that waiting failed. */
function jobEnded(error: unknown): boolean {
  return ProviderError.isInstance(error) && (error.reason === 'job-failed' || error.reason === 'input');
}

async function recordFailure(recorder: RunRecorder, call: PaidCall<unknown>, error: unknown): Promise<void> {
  const isProvider = ProviderError.isInstance(error);
  await recorder.failed(call.stageId, call.op, {
    code: isProvider ? error.reason : ((error as { code?: string }).code ?? 'error'),
    message: (error as Error).message,
    retryable: isProvider ? error.isRetryable : false,
  });
}
