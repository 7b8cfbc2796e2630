import { ProviderError, StorageError } from '../errors/index.js';
import type { ProviderJob, ProviderJobResult, WaitOptions } from '../interfaces/provider-job.js';
import { saveUnrecordedJob } from './job-recovery.js';
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
  op: string;
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
  /** Stops everything, waits included (Ctrl-C, revoked consent, a storage that fails). */
  signal: AbortSignal;
  /** Stops new submissions only: jobs already accepted are still waited for (budget, insufficient credits). */
  submitSignal: AbortSignal;
  resubmitUncertain: boolean;
  emit: (event: StudioEvent) => void;
  /** Where a job id goes when the journal cannot record it (see `saveUnrecordedJob`). */
  recovery: { model: string; modelDir: string; recoveryDir?: string | undefined };
}

/**
 * Runs one paid call exactly once across crashes: a recorded job id is reattached instead of paying again; a submission
 * whose response was lost is marked uncertain and not re-sent unless the user says so. Write-ahead: nothing is sent
 * unless its reservation is on disk, and a job id the journal cannot record is saved in a recovery file.
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
  const emitCost = (kind: CostKind, amount: number, unit: string) => emitCostOf(context, call, kind, amount, unit);
  const state = recorder.state(call.stageId);
  let job: ProviderJob;
  let reattached = false;
  if (state.status === 'in-flight') {
    job = { id: state.jobId, provider: state.provider, operation: call.op };
    reattached = true;
  } else {
    if (state.status === 'uncertain' && !context.resubmitUncertain) throw new UncertainSubmission(call.stageId);
    context.submitSignal.throwIfAborted();
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
    await recordJobId(context, call, job);
  }
  let result: ProviderJobResult;
  try {
    result = await call.wait(job, { signal: context.signal });
  } catch (error) {
    await recordEndedJob(context, call, charge, job, error);
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

/**
 * Journals an accepted job's id. When the journal cannot be written, the id is saved in the recovery file (read by
 * the next open of the model's records) and reported (`job-unrecorded`), and the run stops with a `StorageError`
 * that says where the id is: the job is charged, and a resume polls it instead of paying again.
 */
async function recordJobId(context: PaidCallContext, call: PaidCall<unknown>, job: ProviderJob): Promise<void> {
  try {
    await context.recorder.submitted(call.stageId, call.op, job.id, job.provider);
  } catch (error) {
    const unrecorded = { model: context.recovery.model, stageId: call.stageId, op: call.op, jobId: job.id };
    const saved = await saveUnrecordedJob(
      context.recovery.modelDir,
      { ...unrecorded, provider: job.provider, at: new Date().toISOString() },
      context.recovery.recoveryDir,
    ).catch(() => undefined);
    context.emit({ type: 'job-unrecorded', ...unrecorded, provider: job.provider, recoveryFile: saved });
    const where = saved
      ? `its id is saved in ${saved}, and \`resume\` polls it (without paying again) once the journal can be written`
      : 'the recovery file could not be written either: note the job id to attach it later';
    throw new StorageError(
      `The journal could not record ${call.op} job ${job.id} of ${call.stageId}, which the provider accepted (it is charged): ${where}. ` +
        `Cause: ${(error as Error).message}`,
      {
        operation: 'journal',
        key: call.stageId,
        cause: error,
        ...(StorageError.isInstance(error) && error.backendCode ? { backendCode: error.backendCode } : {}),
      },
    );
  }
}

/**
 * What a failed wait means for the records. A job the provider ran and failed is charged: the charge is on disk
 * first. A job the provider does not know was never charged: its reservation is released and the stage may be
 * submitted again. Anything else (abort, timeout, a poll that kept failing) leaves the job in flight: the next attempt
 * or a resume reattaches it by id instead of paying again.
 */
async function recordEndedJob(
  context: PaidCallContext,
  call: PaidCall<unknown>,
  charge: Parameters<RunRecorder['release']>[0],
  job: ProviderJob,
  error: unknown,
): Promise<void> {
  if (!ProviderError.isInstance(error) || (error.reason !== 'job-failed' && error.reason !== 'input')) return;
  if (error.unknownJob) {
    await context.recorder.release(charge);
    emitCostOf(context, call, 'released', charge.amount, charge.unit);
  } else {
    await context.recorder.actual({ ...charge, jobId: job.id });
  }
  await recordFailure(context.recorder, call, error);
}

type CostKind = 'reserved' | 'actual' | 'uncertain' | 'released';

/** Emits the `cost-recorded` event of a paid call. */
function emitCostOf(context: PaidCallContext, call: PaidCall<unknown>, kind: CostKind, amount: number, unit: string) {
  context.emit({ type: 'cost-recorded', unitId: call.unitId, stageId: call.stageId, op: call.op, amount, unit, kind });
}

async function recordFailure(recorder: RunRecorder, call: PaidCall<unknown>, error: unknown): Promise<void> {
  const isProvider = ProviderError.isInstance(error);
  await recorder.failed(call.stageId, call.op, {
    code: isProvider ? error.reason : ((error as { code?: string }).code ?? 'error'),
    message: (error as Error).message,
    retryable: isProvider ? error.isRetryable : false,
  });
}
