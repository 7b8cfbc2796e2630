import { useEffect, useState } from 'react';
import type { JobEvent, JobView, StudioApi } from '../api/studio-api.js';

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
