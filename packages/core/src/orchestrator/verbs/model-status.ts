import { parseModelStageId, stageOfStageId, unitIdOfStage } from '../../naming/index.js';
import { stageStateOf } from '../open-run-recorder.js';
import { allStages } from '../plan-stages.js';
import type { StageState } from '../run-recorder.js';
import type { StudioContext } from '../studio-context.js';
import type { ModelStatus, StateCounts, UnitFailure } from '../studio-types.js';

const failureSteps: readonly UnitFailure['stage'][] = [
  'consent',
  'source-check',
  'target-check',
  'swap',
  'verify',
  'enhance',
  'store',
];

/** Which state wins when a unit's stages differ: a failure first, then uncertain, in flight, pending. */
const unitPrecedence: readonly Exclude<StageState['status'], 'done'>[] = [
  'failed',
  'uncertain',
  'in-flight',
  'pending',
];

/**
 * `studio.status`: the journal-derived status of a model, unit-level and stage-level. Read-only: it never writes or
 * locks the journal (this studio's open journal is read in memory; otherwise the file is read as it is).
 */
export async function modelStatus(context: StudioContext, model: string): Promise<ModelStatus> {
  await context.workspace.getModel(model);
  const journal = await context.records.journal(model);
  const status: ModelStatus = {
    model,
    units: emptyCounts(),
    stages: emptyCounts(),
    done: [],
    pending: [],
    inFlight: [],
    uncertain: [],
    failed: [],
  };
  const unitStates = new Map<string, Set<StageState['status']>>();
  for (const stage of journal.stages()) {
    const stageId = stage.unitId;
    const unitId = unitIdOfStage(stageId) ?? stageId;
    const state = stageStateOf(stage);
    count(status.stages, state.status);
    // Model-level stages (dataset, train) are stages of no unit: counted as stages, not as units.
    if (!parseModelStageId(stageId)) {
      const states = unitStates.get(unitId) ?? new Set();
      states.add(state.status);
      unitStates.set(unitId, states);
    }
    if (state.status === 'done') status.done.push(stageId);
    else if (state.status === 'pending') status.pending.push(stageId);
    else if (state.status === 'in-flight') status.inFlight.push({ stageId, unitId, jobId: state.jobId, op: state.op });
    else if (state.status === 'uncertain') status.uncertain.push(stageId);
    else {
      const step = failureSteps.find((name) => name === state.op) ?? stageNameOf(context, stageId);
      const { code, message, retryable } = state;
      status.failed.push({ unitId, stageId, stage: step, code, message, retryable });
    }
  }
  for (const states of unitStates.values()) {
    count(status.units, unitPrecedence.find((state) => states.has(state)) ?? 'done');
  }
  return status;
}

/** The name of the stage a stage id belongs to (`swap` for `...:swapped`), for failures journaled without a step. */
function stageNameOf(context: StudioContext, stageId: string): UnitFailure['stage'] {
  // Model-level stages (`andie:train:v1`, `andie:dataset:v1`) are named by their id.
  const modelStage = parseModelStageId(stageId)?.stage;
  if (modelStage) return modelStage;
  const result = stageOfStageId(stageId);
  return [...context.stages, ...allStages].find((stage) => stage.result === result)?.name ?? 'store';
}

function emptyCounts(): StateCounts {
  return { total: 0, done: 0, pending: 0, inFlight: 0, uncertain: 0, failed: 0 };
}

function count(counts: StateCounts, state: StageState['status']): void {
  counts.total += 1;
  if (state === 'in-flight') counts.inFlight += 1;
  else counts[state] += 1;
}
