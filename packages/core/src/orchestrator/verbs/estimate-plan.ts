import type { RunConfig } from '../../workspace/index.js';
import { contextOfPlan } from '../plan-stages.js';
import { priceNoteOf } from '../price-note.js';
import { stageIdOf } from '../run-unit.js';
import type { StudioContext } from '../studio-context.js';
import type { CostEstimate, Plan } from '../studio-types.js';

/**
 * `studio.estimate`: paid calls per operation and in total, from the model's price table. Stages already done are not
 * counted; a unit with every stage done counts as `alreadyDone`. Read-only: the journal is read without a lock.
 */
export async function estimatePlan(studio: StudioContext, plan: Plan): Promise<CostEstimate> {
  const config = await studio.workspace.getModel(plan.model);
  const context = contextOfPlan(studio, plan, config);
  const journal = await context.records.journal(plan.model);
  return estimateOf(context, plan, config, (stageId) => journal.status(stageId) === 'done');
}

/**
 * The estimate of a plan whose config and journal are already read (a run's own, so that a plan of 100,000 units does
 * not parse its config once more): `context` is the plan's (see `contextOfPlan`), `isDone` tells a stage done.
 */
export function estimateOf(
  context: StudioContext,
  plan: Plan,
  config: RunConfig,
  isDone: (stageId: string) => boolean,
): CostEstimate {
  const perOp: CostEstimate['perOp'] = {};
  const total: Record<string, number> = {};
  let alreadyDone = 0;
  for (const unit of plan.units) {
    const pending = context.stages.filter((stage) => !isDone(stageIdOf(unit, stage)));
    if (pending.length === 0) {
      alreadyDone += 1;
      continue;
    }
    for (const stage of pending) {
      const price = stage.price(config, context.settings);
      const entry = perOp[stage.op] ?? { count: 0, amount: 0, unit: price.unit };
      perOp[stage.op] = entry;
      entry.count += 1;
      entry.amount += price.units;
      total[price.unit] = (total[price.unit] ?? 0) + price.units;
    }
  }
  return { perOp, total, alreadyDone, note: priceNoteOf(context.settings) };
}
