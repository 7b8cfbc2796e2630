import type { TrainingJob, TrainingProgress, TrainingWaitOptions } from '@model-studio/core';
import type { LocalTrainer } from './local-trainer.js';

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

/**
 * Polls a local run until it ends, emitting `progress`, `log-line` (new console lines) and `job-end` events. An
 * aborted signal kills the run's process group before the abort reason is thrown.
 */
export async function waitForLocalJob(
  trainer: LocalTrainer,
  job: TrainingJob,
  options: TrainingWaitOptions = {},
): Promise<TrainingProgress> {
  const emit = (event: Parameters<NonNullable<TrainingWaitOptions['onEvent']>>[0]) => {
    trainer.settings.onEvent?.(event);
    options.onEvent?.(event);
  };
  let seenLines = 0;
  let lastStep = -1;
  try {
    for (;;) {
      options.signal?.throwIfAborted();
      const progress = await trainer.status(job);
      const lines = await trainer.logs(job);
      for (const line of lines.slice(seenLines)) emit({ type: 'log-line', job, line });
      seenLines = lines.length;
      if (progress.step !== lastStep || progress.status !== 'running') {
        lastStep = progress.step ?? lastStep;
        emit({ type: 'progress', job, progress });
      }
      if (progress.status === 'completed') {
        emit({ type: 'job-end', job, status: 'completed' });
        return progress;
      }
      if (progress.status === 'failed' || progress.status === 'cancelled') throw trainer.failure(job, progress);
      await sleep(trainer.settings.pollIntervalMs ?? 2000, options.signal);
    }
  } catch (error) {
    const aborted = options.signal?.aborted === true;
    if (aborted) await trainer.cancel(job);
    emit({
      type: 'job-end',
      job,
      status: aborted ? 'cancelled' : 'failed',
      message: error instanceof Error ? error.message : String(error),
    });
    throw error;
  }
}
