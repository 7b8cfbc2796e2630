import { useEffect, useState } from 'react';
import type { JobEvent, JobView, LossPoint, StudioApi } from '../api/studio-api.js';

/** What the progress view shows of a job's live events. */
export interface JobProgress {
  done: number;
  total: number;
  /** The file being made now (from the unit id), or the last one written. */
  current?: string;
  costSoFar: Record<string, number>;
  failures: number;
  /** The job as it ended (from the final `end` message). */
  ended?: JobView;
  connected: boolean;
  /** A training job's progress (from `training-progress`, `training-cost` and `training-end` events). */
  training?: TrainingProgress;
}

/** What a training job's events say: the step, loss, ETA and cost so far, and the loss curve seen live. */
export interface TrainingProgress {
  /** The trainer's status (`queued`, `running`, `completed`, ...). */
  status?: string;
  step?: number;
  totalSteps?: number;
  loss?: number;
  etaSeconds?: number;
  /** The cost so far in USD (actual when the training ended, else the trainer's running figure). */
  costUsd?: number;
  /** What was reserved against the budget before the pod started. */
  reservedUsd?: number;
  /** Loss points in step order (one per progress event that carried a loss). */
  points: LossPoint[];
  /** The trainer's last word, from `training-end`. */
  endMessage?: string;
}

const finite = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

/** Folds one training event into the training progress. */
function applyTrainingEvent(training: TrainingProgress, type: string, data: Record<string, unknown>): TrainingProgress {
  if (type === 'training-cost') {
    const usd = finite(data.usd);
    return data.kind === 'reserved' ? { ...training, reservedUsd: usd } : { ...training, costUsd: usd };
  }
  if (type === 'training-end') {
    return { ...training, status: String(data.status ?? training.status), endMessage: data.message as string };
  }
  const step = finite(data.step) ?? training.step;
  const loss = finite(data.loss);
  const last = training.points.at(-1);
  const points =
    loss !== undefined && step !== undefined && (last === undefined || step > last.step)
      ? [...training.points, { step, loss }]
      : training.points;
  return {
    ...training,
    status: typeof data.status === 'string' ? data.status : training.status,
    step,
    totalSteps: finite(data.totalSteps) ?? training.totalSteps,
    loss: loss ?? training.loss,
    etaSeconds: finite(data.etaSeconds) ?? training.etaSeconds,
    costUsd: finite(data.costUsd) ?? training.costUsd,
    points,
  };
}

/** `andie:s1:t002:sfw` → `andie-s1-t002-sfw`. */
function unitFileName(unitId: unknown): string | undefined {
  return typeof unitId === 'string' ? unitId.split(':').slice(0, 4).join('-') : undefined;
}

function baseName(key: unknown): string | undefined {
  return typeof key === 'string' ? key.slice(key.lastIndexOf('/') + 1) : undefined;
}

/** Folds one event into the progress. */
export function applyJobEvent(progress: JobProgress, event: JobEvent): JobProgress {
  const data = event.data ?? {};
  switch (event.type) {
    case 'run-start':
      return {
        ...progress,
        total: Number(data.total ?? progress.total),
        done: Number(data.alreadyDone ?? progress.done),
      };
    case 'unit-start':
      return { ...progress, total: Number(data.total ?? progress.total), current: unitFileName(data.unitId) };
    case 'unit-end':
      return {
        ...progress,
        done: Number(data.done ?? progress.done + 1),
        total: Number(data.total ?? progress.total),
        current: baseName(data.outputKey) ?? progress.current,
        failures: progress.failures + (data.ok === false ? 1 : 0),
      };
    case 'cost-recorded':
    case 'run-end':
      return data.costSoFar ? { ...progress, costSoFar: data.costSoFar as Record<string, number> } : progress;
    case 'training-progress':
    case 'training-cost':
    case 'training-end':
      return { ...progress, training: applyTrainingEvent(progress.training ?? { points: [] }, event.type, data) };
    case 'end':
      return { ...progress, ended: event.job ?? undefined };
    default:
      return progress;
  }
}

const initial: JobProgress = { done: 0, total: 0, costSoFar: {}, failures: 0, connected: false };

/**
 * Follows a job's events over the WebSocket while `jobId` is set (replay first, then live); a new `round` (the same
 * job resumed) opens a new stream.
 */
export function useJobProgress(api: StudioApi, jobId: string | undefined, round = 0): JobProgress {
  const [progress, setProgress] = useState(initial);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a resumed job keeps its id: a new `round` needs a new stream.
  useEffect(() => {
    setProgress(initial);
    if (!jobId) return;
    setProgress({ ...initial, connected: true });
    return api.openJobEvents(
      jobId,
      (event) => setProgress((current) => applyJobEvent(current, event)),
      () => setProgress((current) => ({ ...current, connected: false })),
    );
  }, [api, jobId, round]);
  return progress;
}
