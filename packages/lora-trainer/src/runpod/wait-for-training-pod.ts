import {
  BudgetExceededError,
  ProviderError,
  type TrainingJob,
  type TrainingProgress,
  type TrainingWaitOptions,
} from '@model-studio/core';
import type { PodSnapshot, RunpodTrainer } from './runpod-trainer.js';

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Throws when a guard says the pod must stop: failed, stuck provisioning, too long, over budget. */
function checkGuards(
  trainer: RunpodTrainer,
  job: TrainingJob,
  snapshot: PodSnapshot,
  pollCostUsd: number,
  stalledSeconds: number,
): void {
  const { progress } = snapshot;
  const settings = trainer.settings;
  const age = progress.cost?.billedSeconds ?? 0;
  if (progress.status === 'failed') {
    throw new ProviderError(
      `RunPod training job ${job.id} failed: ${progress.message ?? 'no message'}. Its logs are in train.log.`,
      {
        provider: 'runpod',
        reason: 'job-failed',
        isRetryable: false,
        jobId: job.id,
      },
    );
  }
  const provisioning = settings.provisioningTimeoutSeconds ?? 900;
  if (progress.status === 'queued' && age > provisioning) {
    throw new ProviderError(
      `RunPod pod ${job.id} was still ${snapshot.pod?.status ?? 'provisioning'} after ${provisioning} s; it was terminated. Try another GPU type or cloud.`,
      { provider: 'runpod', reason: 'timeout', isRetryable: true, jobId: job.id },
    );
  }
  const stall = settings.stallTimeoutSeconds ?? 3600;
  if (progress.status === 'running' && stalledSeconds > stall) {
    throw new ProviderError(
      `RunPod training job ${job.id} made no progress for ${stall} s (last step ${progress.step ?? 0}); the pod was terminated. Read its logs (trainer.logs) for the cause.`,
      { provider: 'runpod', reason: 'timeout', isRetryable: false, jobId: job.id },
    );
  }
  const maxDuration = settings.maxDurationSeconds ?? 14_400;
  if (age > maxDuration) {
    throw new ProviderError(
      `RunPod training job ${job.id} ran past maxDurationSeconds (${maxDuration} s) at step ${progress.step ?? 0}; the pod was terminated. Raise maxDurationSeconds or lower max_train_steps.`,
      { provider: 'runpod', reason: 'timeout', isRetryable: false, jobId: job.id },
    );
  }
  const budget = settings.budgetUsd;
  const spent = progress.cost?.usd ?? 0;
  if (budget !== undefined && spent + pollCostUsd >= budget) {
    throw new BudgetExceededError(
      `RunPod training job ${job.id} reached its budget ($${spent.toFixed(4)} of $${budget}) at step ${progress.step ?? 0}; the pod was terminated. Raise budgetUsd to train longer.`,
      { budget, committed: spent, requested: pollCostUsd, unit: 'USD' },
    );
  }
}

/** Terminates the pod after a stop; if RunPod keeps refusing, says so with the pod id instead of hiding it. */
async function terminateAfterStop(
  trainer: RunpodTrainer,
  job: TrainingJob,
  reason: string,
  stop: unknown,
): Promise<void> {
  try {
    await trainer.terminate(job, reason);
  } catch (error) {
    throw new ProviderError(
      `RunPod pod ${job.id} could not be terminated after the job stopped (${reason}); it may still be billing. Terminate it in the RunPod console or run sweepOrphanPods.`,
      {
        provider: 'runpod',
        reason: 'server',
        isRetryable: true,
        jobId: job.id,
        cause: new AggregateError([stop, error]),
      },
    );
  }
}

/**
 * Polls a training pod until it reports a result, emitting `progress` (step, loss, ETA, cost) and `job-end` events.
 * The pod is always terminated: after success when it has not deleted itself within `selfStopGraceSeconds`, and on
 * failure, stuck provisioning, no progress for `stallTimeoutSeconds`, `maxDurationSeconds`, `budgetUsd` (before the next poll would pass it) and abort
 * (Ctrl-C). Works the same for a job reattached after a crash.
 */
export async function waitForTrainingPod(
  trainer: RunpodTrainer,
  job: TrainingJob,
  options: TrainingWaitOptions = {},
): Promise<TrainingProgress> {
  const { signal, onEvent } = options;
  const grace = trainer.settings.selfStopGraceSeconds ?? 10;
  let podGone = false;
  let completedAt: number | undefined;
  let lastPoll: { at: number; usd: number } | undefined;
  let lastStep = -1;
  let lastAdvance = trainer.now();
  let lastStatus = '';
  try {
    for (;;) {
      signal?.throwIfAborted();
      const snapshot = await trainer.snapshot(job, signal);
      const { progress } = snapshot;
      podGone = snapshot.pod === undefined;
      if (progress.step !== lastStep || progress.status === 'queued') lastAdvance = trainer.now();
      if (progress.step !== lastStep || progress.status !== lastStatus) {
        lastStep = progress.step ?? lastStep;
        lastStatus = progress.status;
        trainer.emit({ type: 'progress', job, progress }, onEvent);
      }
      if (progress.status === 'completed') {
        completedAt ??= trainer.now();
        if (!podGone && (trainer.now() - completedAt) / 1000 >= grace) {
          await trainer.terminate(job, 'completed; the pod did not delete itself in time');
          podGone = true;
        }
        if (podGone) {
          trainer.emit({ type: 'job-end', job, status: 'completed', message: progress.message }, onEvent);
          return progress;
        }
      } else {
        const usd = progress.cost?.usd ?? 0;
        const pollCost = lastPoll ? Math.max(0, usd - lastPoll.usd) : 0;
        lastPoll = { at: trainer.now(), usd };
        checkGuards(trainer, job, snapshot, pollCost, (trainer.now() - lastAdvance) / 1000);
      }
      // Once training is done, look five times as often: a pod that does not delete itself is terminated soon after
      // its grace ends, not up to a whole poll later (it bills every second it stays).
      const interval = trainer.settings.pollIntervalMs ?? 15_000;
      await sleep(completedAt === undefined ? interval : interval / 5, signal);
    }
  } catch (error) {
    const aborted = signal?.aborted === true;
    if (!podGone) await terminateAfterStop(trainer, job, aborted ? 'aborted' : 'stopped', error);
    const message = error instanceof Error ? error.message : String(error);
    trainer.emit({ type: 'job-end', job, status: aborted ? 'cancelled' : 'failed', message }, onEvent);
    throw error;
  }
}
