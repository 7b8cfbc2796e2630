import { roundAmount } from '../ledger/ledger-summary.js';
import type { RunConfig } from '../workspace/index.js';
import type { RunRecorder } from './run-recorder.js';
import { stageIdOf } from './run-unit.js';
import type { PaidStage } from './stage.js';
import type { PlannedUnit, RunMoney, StudioSettings } from './studio-types.js';

/**
 * The money a run moved: actual and uncertain amounts recorded since `before` (a reading of the ledger at the start),
 * and the price of every stage of `units` left in flight (accepted by the provider, so charged, result not fetched).
 * `units` are the planned units that may have one: the plan's, less those that succeeded in the run (see
 * {@link unitsNotSucceeded}), so a run of 100,000 units that all succeeded looks up no stage here.
 */
export function runMoney(
  before: Record<string, { actual: number; uncertain: number }>,
  context: {
    recorder: RunRecorder;
    stages: readonly PaidStage[];
    config: RunConfig;
    settings: StudioSettings;
    units: Iterable<PlannedUnit>;
  },
): RunMoney {
  const money: RunMoney = { charged: {}, inFlight: {}, uncertain: {} };
  const after = context.recorder.ledgerTotals();
  for (const [unit, now] of Object.entries(after)) {
    const was = before[unit] ?? { actual: 0, uncertain: 0 };
    if (now.actual - was.actual > 1e-9) money.charged[unit] = roundAmount(now.actual - was.actual);
    if (now.uncertain - was.uncertain > 1e-9) money.uncertain[unit] = roundAmount(now.uncertain - was.uncertain);
  }
  for (const unit of context.units) {
    for (const stage of context.stages) {
      if (context.recorder.status(stageIdOf(unit, stage)) !== 'in-flight') continue;
      const price = stage.price(context.config, context.settings);
      money.inFlight[price.unit] = roundAmount((money.inFlight[price.unit] ?? 0) + price.units);
    }
  }
  return money;
}

/**
 * The units of `units` (a plan's) except those of `ran` (an ordered part of them, as the run took them) with
 * `succeeded[i]` set: every stage of a unit that succeeded is done, so none is in flight. Were `ran` not in the
 * order of `units`, the units from the first out of place on would all be yielded: checked, never wrongly skipped.
 */
export function* unitsNotSucceeded(
  units: readonly PlannedUnit[],
  ran: readonly PlannedUnit[],
  succeeded: Uint8Array,
): Generator<PlannedUnit> {
  let next = 0;
  for (const unit of units) {
    if (next < ran.length && ran[next] === unit) {
      if (succeeded[next++] === 1) continue;
    }
    yield unit;
  }
}

/** Charged + in flight + uncertain, per unit of account. */
export function moneySpent(money: RunMoney): Record<string, number> {
  const spent: Record<string, number> = {};
  for (const part of [money.charged, money.inFlight, money.uncertain]) {
    for (const [unit, amount] of Object.entries(part)) spent[unit] = roundAmount((spent[unit] ?? 0) + amount);
  }
  return spent;
}
