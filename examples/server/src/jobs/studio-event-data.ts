import type { StudioEvent } from '@model-studio/core';

/** Money recorded so far in a run, per unit of account (e.g. `{ credits: 24 }`): actual charges only. */
export type CostSoFar = Record<string, number>;

/** Stages that pay (or build what was paid for): their ends are logged; a free gate's end only when it refused. */
const loggedStages = new Set(['swap', 'enhance', 'caption', 'dataset', 'train']);

/**
 * What a job's log keeps of an orchestrator event: unit start and end (with the cost so far), the ends of paid stages
 * and of any step that failed, uncertain charges, errors, and the run's start and end. Stage starts, passed gates,
 * reservations and each actual charge are left out: a progress view does not need them, and every logged event is an
 * fsync'd append (a 1,000-unit run logs about 4,000 events, not 9,000). Returns `undefined` for events left out.
 */
export function studioEventData(
  event: StudioEvent,
  costSoFar: CostSoFar,
): { type: string; data: Record<string, unknown> } | undefined {
  switch (event.type) {
    case 'run-start':
      return {
        type: 'run-start',
        data: {
          model: event.model,
          total: event.total,
          alreadyDone: event.alreadyDone,
          estimate: event.estimate.total,
        },
      };
    case 'unit-start':
      return { type: 'unit-start', data: { unitId: event.unitId, index: event.index, total: event.total } };
    case 'stage-end': {
      if (event.ok && !loggedStages.has(event.stage)) return undefined;
      const { type: _type, ...data } = event;
      return { type: 'stage-end', data };
    }
    case 'cost-recorded': {
      if (event.kind === 'actual') costSoFar[event.unit] = (costSoFar[event.unit] ?? 0) + event.amount;
      if (event.kind !== 'uncertain') return undefined;
      const { type: _type, ...data } = event;
      return { type: 'cost-recorded', data: { ...data, costSoFar: { ...costSoFar } } };
    }
    case 'unit-end':
      return {
        type: 'unit-end',
        data: {
          unitId: event.unitId,
          ok: event.ok,
          done: event.done,
          total: event.total,
          costSoFar: { ...costSoFar },
          ...(event.outputKey && { outputKey: event.outputKey }),
          ...(event.failure && { failure: event.failure }),
        },
      };
    case 'job-unrecorded':
    case 'result-mirror-failed': {
      const { type, ...data } = event;
      return { type, data };
    }
    case 'run-end': {
      const { outputs: _outputs, ...summary } = event.summary;
      return { type: 'run-end', data: { ...summary, costSoFar: { ...costSoFar } } };
    }
    default:
      return undefined;
  }
}
