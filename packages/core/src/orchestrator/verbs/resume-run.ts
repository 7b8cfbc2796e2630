import { ValidationError } from '../../errors/index.js';
import { parseStageId } from '../../naming/index.js';
import type { StudioContext } from '../studio-context.js';
import type { Plan, PlannedUnit, RunOptions, RunSummary } from '../studio-types.js';
import { plannedUnit } from './plan-run.js';
import { runPlan } from './run-plan.js';

/**
 * `studio.resume`: runs what is left of every unit the model's journal shows as planned: skips done stages, reattaches
 * jobs whose id was recorded, and leaves uncertain submissions alone unless `resubmitUncertain` is set.
 */
export async function resumeRun(context: StudioContext, model: string, options: RunOptions = {}): Promise<RunSummary> {
  const recorder = await context.records.recorder(model);
  const units = new Map<string, PlannedUnit>();
  const stages = new Set<NonNullable<Plan['stages']>[number]>();
  for (const stageId of recorder.plannedStages()) {
    const parts = parseStageId(stageId);
    if (!parts || parts.model !== model) continue;
    stages.add(parts.stage === 'swapped' ? 'swap' : parts.stage === 'enhanced' ? 'enhance' : 'caption');
    const unit = plannedUnit(model, parts.source, parts.target, parts.rating);
    if (!units.has(unit.id)) units.set(unit.id, unit);
  }
  if (units.size === 0) {
    throw new ValidationError(`Model "${model}" has no planned run to resume: plan and run one first.`, {
      field: 'model',
    });
  }
  const planned = [...units.values()];
  return runPlan(
    context,
    {
      model,
      ratings: [...new Set(planned.map((unit) => unit.rating))],
      units: planned,
      stages: (['swap', 'enhance', 'caption'] as const).filter((stage) => stages.has(stage)),
    },
    options,
  );
}
