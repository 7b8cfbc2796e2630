import { ValidationError } from '../errors/index.js';
import type { RunConfig } from '../workspace/index.js';
import type { RunRecorder } from './run-recorder.js';
import { stageIdOf } from './run-unit.js';
import type { PaidStage } from './stage.js';
import type { PlannedUnit, RunBudget, StudioSettings } from './studio-types.js';

/** Checks that the budget is in a unit the model's prices use, and sets it on the recorder. */
export function applyBudget(recorder: RunRecorder, config: RunConfig, budget: RunBudget | undefined): void {
  if (!budget) return;
  const units = new Set(Object.values(config.settings.prices).map((price) => price.unit));
  const unit = budget.unit ?? 'credits';
  if (!units.has(unit)) {
    throw new ValidationError(
      `The budget is in ${unit} but model "${config.name}" prices its work in ${[...units].join(', ')}: give the budget in that unit.`,
      { field: 'budget.unit', value: unit },
    );
  }
  recorder.setBudget(budget);
}

/**
 * The units a budget covers whole, in plan order: a unit's cost is the price of its stages still to submit (a stage
 * done, in flight or uncertain and not to be resubmitted costs nothing more). A unit that does not fit is left out
 * (and a later, cheaper one may still fit), so the run never stops with a unit half paid for.
 */
export function unitsWithinBudget(
  units: readonly PlannedUnit[],
  context: {
    stages: readonly PaidStage[];
    recorder: RunRecorder;
    config: RunConfig;
    settings: StudioSettings;
    budget: RunBudget | undefined;
    resubmitUncertain: boolean;
  },
): { within: PlannedUnit[]; over: PlannedUnit[] } {
  const { budget } = context;
  if (!budget) return { within: [...units], over: [] };
  const unit = budget.unit ?? 'credits';
  let left = budget.limit;
  const within: PlannedUnit[] = [];
  const over: PlannedUnit[] = [];
  for (const planned of units) {
    let cost = 0;
    for (const stage of context.stages) {
      const status = context.recorder.status(stageIdOf(planned, stage));
      if (status === 'done' || status === 'in-flight') continue;
      if (status === 'uncertain' && !context.resubmitUncertain) continue;
      const price = stage.price(context.config, context.settings);
      if (price.unit === unit) cost += price.units;
    }
    if (cost <= left + 1e-9) {
      left -= cost;
      within.push(planned);
    } else {
      over.push(planned);
    }
  }
  return { within, over };
}
