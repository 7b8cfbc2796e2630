import type { TrainEvent, TrainOptions } from '@model-studio/core';
import type { JobHandler } from '@model-studio/jobs';
import { createJobEventForwarder, type JobEventForwarder } from '../job-event-forwarder.js';
import type { TrainJobParams } from '../job-params.js';
import type { OpenJobStudio } from '../job-studio.js';
import { abortError } from '../run-summary-result.js';
import { recordTrainingVersion } from './record-training-version.js';
import { trainingRequest } from './training-request.js';

/** What a `train` job returns. */
export interface TrainJobResult {
  model: string;
  stageId: string;
  version: string;
  dataset: string;
  job: { id: string; provider: string };
  /** True when an earlier attempt started the job and this one reattached it (nothing paid again). */
  reattached: boolean;
  alreadyDone: boolean;
  status: string;
  costUsd?: number;
  lora: { key: string; bytes: number };
  /** The program that trained it. */
  engine: 'simpletuner' | 'ai-toolkit';
  sandbox: boolean;
}

/** Training events kept in the job's log: the job's start and end, progress (step, loss, ETA, cost), the ledger's. */
function forwardTrainEvent(events: JobEventForwarder, event: TrainEvent): void {
  switch (event.type) {
    case 'job-start':
    case 'training-reattach':
      events.push(event.type, { jobId: event.job.id, provider: event.job.provider });
      return;
    case 'progress': {
      const { status, step, totalSteps, loss, etaSeconds, cost } = event.progress;
      events.push('training-progress', {
        status,
        ...(step !== undefined && { step }),
        ...(totalSteps !== undefined && { totalSteps }),
        ...(loss !== undefined && { loss }),
        ...(etaSeconds !== undefined && { etaSeconds }),
        ...(cost && { costUsd: cost.usd }),
      });
      return;
    }
    case 'training-cost':
      events.push('training-cost', { kind: event.kind, usd: event.usd });
      return;
    case 'job-end':
      events.push('training-end', {
        jobId: event.job.id,
        status: event.status,
        ...(event.message && { message: event.message }),
      });
      return;
    default:
      return;
  }
}

/**
 * The `train` job: trains LoRA version `version` on dataset `dataset` with the studio's trainer (`studio.train`),
 * then records the version. Safe to run again: the training request is stored before the job starts and the
 * orchestrator's journal reattaches a started job instead of paying for another.
 */
export function trainJobHandler(openStudio: OpenJobStudio): JobHandler {
  return async (job, context) => {
    const raw = job.params as TrainJobParams;
    const params = { ...raw, dataset: raw.dataset ?? 'v1', version: raw.version ?? raw.dataset ?? 'v1' };
    const opened = await openStudio();
    try {
      const request = await trainingRequest(opened.workspace, job.model, params);
      const events = createJobEventForwarder(context);
      const options: TrainOptions = {
        dataset: request.dataset,
        version: params.version,
        config: request.config,
        estimateUsd: (await opened.trainerEstimateUsd?.()) ?? 0,
        signal: context.signal,
        onEvent: (event) => forwardTrainEvent(events, event),
        // A cancel stops the pod (it stops billing) and settles its cost; a worker stopping keeps it for the next
        // attempt, which reattaches it.
        cancelOnAbort: () => context.cancelled(),
      };
      if (params.budgetUsd !== undefined) options.budget = { limit: params.budgetUsd, unit: 'USD' };
      if (params.resubmitUncertain) options.resubmitUncertain = true;
      const summary = await opened.studio.train(job.model, options).finally(() => events.flush());
      if (context.signal.aborted) throw abortError(context.signal);
      const lora = await recordTrainingVersion(opened.workspace.storage, job.model, params.version, request, summary);
      const result: TrainJobResult = {
        model: summary.model,
        stageId: summary.stageId,
        version: summary.version,
        dataset: summary.dataset,
        job: { id: summary.job.id, provider: summary.job.provider },
        reattached: summary.reattached,
        alreadyDone: summary.alreadyDone,
        status: summary.progress.status,
        lora: { key: lora.key, bytes: lora.bytes },
        engine: lora.engine,
        sandbox: opened.sandbox || lora.sandbox,
      };
      if (summary.cost) result.costUsd = summary.cost.usd;
      return result;
    } catch (error) {
      if (context.signal.aborted) throw abortError(context.signal);
      throw error;
    } finally {
      await opened.close();
    }
  };
}
