import { assertConsent } from '../../consent/index.js';
import { NotFoundError, ProviderError, ValidationError } from '../../errors/index.js';
import type { Trainer, TrainingCost, TrainingJob, TrainingProgress } from '../../interfaces/trainer.js';
import { assertVersionName, modelStageId, parseStageId, SAFE_RATING, storageKeys } from '../../naming/index.js';
import type { RunRecorder } from '../run-recorder.js';
import type { StudioContext } from '../studio-context.js';
import { storeTrainingOutputs, waitForTraining } from './train-job.js';
import type { TrainEvent, TrainOptions, TrainSummary } from './train-types.js';

/** The journal op and the ledger's unit of account of the train stage. */
export const TRAIN_OP = 'train';
export const TRAIN_UNIT = 'USD';

/** The studio's trainer, or a `ValidationError` that says how to give one. */
export function requireTrainer(context: StudioContext): Trainer {
  const trainer = context.settings.trainer;
  if (!trainer) {
    throw new ValidationError(
      'To train a LoRA, createStudio needs a trainer (any Trainer: @model-studio/lora-trainer\'s RunpodTrainer or LocalTrainer): pass it as "trainer".',
      { field: 'trainer' },
    );
  }
  return trainer;
}

/**
 * `studio.train`: trains a LoRA on a built dataset with the studio's trainer, exactly once across crashes. Consent: the
 * model's record must allow `train` for every rating in the dataset. Money: the estimate is reserved in the ledger
 * (budget checked) before the job is started; the job id is journaled before waiting; the trainer's actual cost is
 * settled afterwards. After a crash (even kill -9 while the pod trains) calling it again reattaches the journaled
 * job instead of starting another one; a finished stage is returned as it is.
 */
export async function trainLora(context: StudioContext, model: string, options: TrainOptions): Promise<TrainSummary> {
  const trainer = requireTrainer(context);
  assertVersionName(options.dataset);
  const version = options.version ?? options.dataset;
  assertVersionName(version);
  const config = await context.workspace.getModel(model);
  if (context.runs.has(model)) {
    throw new ValidationError(`Model "${model}" already has a run in progress in this studio.`, { field: 'model' });
  }
  const recorder = await context.records.recorder(model);
  for (const rating of trainingRatings(recorder, model, options)) assertConsent(config, { rating, use: 'train' });
  const stageId = modelStageId({ model, stage: 'train', version });
  const emit = (event: TrainEvent) => {
    try {
      options.onEvent?.(event);
    } catch (error) {
      context.settings.logger?.warn('onEvent handler threw', { error: String(error) });
    }
  };
  const base = { model, stageId, version, dataset: options.dataset };
  const state = recorder.state(stageId);
  if (state.status === 'done') {
    const jobId = recorder.units().find((unit) => unit.unitId === stageId)?.ops[TRAIN_OP]?.jobId ?? 'unknown';
    const outputKeys = state.outputKeys;
    const loraKey = outputKeys.find((key) => key.endsWith('.safetensors'));
    return {
      ...base,
      job: { id: jobId, provider: trainer.provider },
      reattached: false,
      alreadyDone: true,
      progress: { status: 'completed' },
      outputKeys,
      ...(loraKey && { loraKey }),
    };
  }
  const controller = new AbortController();
  let finished!: () => void;
  context.runs.set(model, { controller, done: new Promise<void>((resolve) => (finished = resolve)) });
  const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
  try {
    // The trainer's raw outputs; the recorded LoRA version (`loras/<version>/`) is written from them afterwards.
    const outputPrefix = `${storageKeys.modelPrefix(model)}training/${version}`;
    const { job, reattached } = await startOrReattach(trainer, recorder, {
      ...base,
      options,
      outputPrefix,
      signal,
      emit,
    });
    const { progress, cost } = await waitForTraining(trainer, job, { signal, emit }).catch((error: unknown) =>
      options.signal?.aborted && cancelsOnAbort(options)
        ? cancelledJob(trainer, job, error, emit)
        : endedJob(trainer, job, error, signal),
    );
    const usd = cost?.usd ?? options.estimateUsd ?? 0;
    const charge = chargeOf(stageId, trainer, usd);
    await recorder.actual({ ...charge, jobId: job.id });
    emit({ type: 'training-cost', kind: 'actual', usd });
    if (progress.status !== 'completed') {
      await recorder.failed(stageId, TRAIN_OP, {
        code: progress.status,
        message: progress.message ?? `Training ${progress.status}.`,
        retryable: true,
      });
      await recorder.flush();
      throw new ProviderError(
        `Training ${stageId} ${progress.status} (job ${job.id}): ${progress.message ?? 'no message'}. It cost $${usd.toFixed(4)}; fix the cause and run \`train\` again to start a new job.`,
        { provider: trainer.provider, reason: 'job-failed', isRetryable: true },
      );
    }
    const { keys: outputKeys, artifacts } = await storeTrainingOutputs(context, trainer, job, outputPrefix, signal);
    await recorder.completed(stageId, TRAIN_OP, outputKeys, { amount: usd, unit: TRAIN_UNIT });
    await recorder.flush();
    const loraKey = outputKeys.find((key) => key.endsWith('.safetensors'));
    return {
      ...base,
      job,
      reattached,
      alreadyDone: false,
      progress,
      ...(cost && { cost }),
      outputKeys,
      artifacts,
      ...(loraKey && { loraKey }),
    };
  } finally {
    context.runs.delete(model);
    finished();
  }
}

/** The ledger charge of the train stage. */
export function chargeOf(stageId: string, trainer: Trainer, usd: number) {
  return { stageId, op: TRAIN_OP, provider: trainer.provider, amount: usd, unit: TRAIN_UNIT, rating: 'all' };
}

/** The ratings to check consent for: the option's, else those of the model's enhanced results. */
function trainingRatings(recorder: RunRecorder, model: string, options: TrainOptions): string[] {
  if (options.ratings && options.ratings.length > 0) return options.ratings;
  const ratings = new Set<string>();
  for (const unit of recorder.units()) {
    const parts = parseStageId(unit.unitId);
    if (parts?.model === model && parts.stage === 'enhanced') ratings.add(parts.rating);
  }
  return ratings.size > 0 ? [...ratings].sort() : [SAFE_RATING];
}

interface StartContext {
  model: string;
  stageId: string;
  version: string;
  dataset: string;
  options: TrainOptions;
  outputPrefix: string;
  signal: AbortSignal;
  emit: (event: TrainEvent) => void;
}

/**
 * A journaled job is reattached (no new job, nothing paid again). Otherwise: checks (`prepare`), then the reservation
 * and `submitting` on disk, then `start`, then the job id in the journal before anything waits on it.
 */
async function startOrReattach(
  trainer: Trainer,
  recorder: RunRecorder,
  start: StartContext,
): Promise<{ job: TrainingJob; reattached: boolean }> {
  const { stageId, options, signal, emit } = start;
  const state = recorder.state(stageId);
  if (state.status === 'in-flight') {
    const bare = { id: state.jobId, provider: state.provider, outputPrefix: start.outputPrefix };
    // A job the provider has already removed (e.g. a terminated pod) is still waited on by id: its final status and
    // cost settle the records.
    const job = trainer.attach
      ? await trainer.attach(state.jobId, { signal }).catch((error: unknown) => {
          if (NotFoundError.isInstance(error)) return bare;
          throw error;
        })
      : bare;
    emit({ type: 'training-reattach', job });
    return { job, reattached: true };
  }
  if (state.status === 'uncertain' && !options.resubmitUncertain) {
    throw new ValidationError(
      `The earlier start of ${stageId} is uncertain (the process stopped before the job id was recorded: a job may exist and be charged). Find it in the provider's account and attach it (\`studio.attachJob\`), or train again with resubmitUncertain when the trainer reuses the job of the same run id (the RunPod trainer does).`,
      { field: 'resubmitUncertain', hint: { action: 'status', model: start.model } },
    );
  }
  const request = {
    model: start.model,
    datasetPrefix: storageKeys.datasetPrefix(start.model, start.dataset).replace(/\/$/, ''),
    config: options.config,
    outputPrefix: start.outputPrefix,
    runId: `${start.model}-${start.version}`,
  };
  await trainer.prepare(request, { signal });
  if (state.status !== 'pending' && state.status !== 'failed' && state.status !== 'uncertain') {
    throw new ValidationError(`Training ${stageId} cannot start from state ${state.status}.`, { field: 'stage' });
  }
  await recorder.planned([{ stageId, op: TRAIN_OP }]);
  if (options.budget) recorder.setBudget({ limit: options.budget.limit, unit: options.budget.unit ?? TRAIN_UNIT });
  const usd = options.estimateUsd ?? 0;
  const charge = chargeOf(stageId, trainer, usd);
  signal.throwIfAborted();
  await recorder.beginSubmission(charge);
  emit({ type: 'training-cost', kind: 'reserved', usd });
  let job: TrainingJob;
  try {
    job = await trainer.start(request, { signal });
  } catch (error) {
    await recorder.release(charge);
    emit({ type: 'training-cost', kind: 'released', usd });
    await recorder.failed(stageId, TRAIN_OP, {
      code: ProviderError.isInstance(error) ? error.reason : 'error',
      message: (error as Error).message,
      retryable: ProviderError.isInstance(error) ? error.isRetryable : false,
    });
    throw error;
  }
  await recorder.submitted(stageId, TRAIN_OP, job.id, job.provider);
  emit({ type: 'job-start', job });
  return { job, reattached: false };
}

/** Whether an abort of the caller's signal cancels the job (asked when it aborted). */
function cancelsOnAbort(options: TrainOptions): boolean {
  const { cancelOnAbort } = options;
  return typeof cancelOnAbort === 'function' ? cancelOnAbort() : cancelOnAbort === true;
}

/** How long a cancel on abort waits for the trainer to stop the job and report its final status and cost. */
const CANCEL_SETTLE_MS = 120_000;

/**
 * The caller's signal aborted with `cancelOnAbort`: the job is cancelled at the trainer (it stops billing), then its
 * final status and cost are read with a signal of their own, so the ledger and the journal settle it (the stage ends
 * failed: cancelled; `train` again starts a new job). A trainer that reports a cancelled job as gone or failed is
 * settled the same way, at its `cost` (else the reservation). When the cancel itself fails, the abort is rethrown and
 * the job stays in flight in the journal, to reattach or cancel later.
 */
async function cancelledJob(
  trainer: Trainer,
  job: TrainingJob,
  abort: unknown,
  emit: (event: TrainEvent) => void,
): Promise<{ progress: TrainingProgress; cost: TrainingCost | undefined }> {
  const signal = AbortSignal.timeout(CANCEL_SETTLE_MS);
  await trainer.cancel(job, { signal }).catch(() => {
    throw abort;
  });
  const ended = await waitForTraining(trainer, job, { signal, emit }).catch(() => undefined);
  // A job that completed before the cancel reached it is kept: its outputs are stored by the next `train`.
  if (ended) return ended;
  const cost = trainer.cost ? await trainer.cost(job, { signal }).catch(() => undefined) : undefined;
  return { progress: { status: 'cancelled', message: 'cancelled by the caller' }, cost };
}

/**
 * A wait that threw: a job the provider ran and failed (`job-failed`) was charged, so it is settled like a failed
 * status (its cost read from the trainer). Anything else (abort, a poll that kept failing, an unknown job) leaves the
 * job in flight in the journal: `train` again reattaches it by id.
 */
async function endedJob(
  trainer: Trainer,
  job: TrainingJob,
  error: unknown,
  signal: AbortSignal,
): Promise<{ progress: TrainingProgress; cost: TrainingCost | undefined }> {
  if (!ProviderError.isInstance(error) || error.reason !== 'job-failed' || error.unknownJob) throw error;
  const cost = trainer.cost ? await trainer.cost(job, { signal }).catch(() => undefined) : undefined;
  return { progress: { status: 'failed', message: error.message }, cost };
}
