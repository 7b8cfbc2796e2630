import { roundAmount } from '../ledger/ledger-summary.js';
import type { RunConfig } from '../workspace/index.js';
import type { RunRecorder } from './run-recorder.js';
import { stageIdOf } from './run-unit.js';
import type { PaidStage } from './stage.js';
import type { PlannedUnit, RunMoney, StudioSettings } from './studio-types.js';

/**
 * The money a run moved: actual and uncertain amounts recorded since `before` (a reading of the ledger at the start),
 * and the price of every planned stage left in flight (accepted by the provider, so charged, result not fetched).
 */
export function runMoney(
  before: Record<string, { actual: number; uncertain: number }>,
  context: {
    recorder: RunRecorder;
    stages: readonly PaidStage[];
    config: RunConfig;
    settings: StudioSettings;
    units: readonly PlannedUnit[];
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

/** Charged + in flight + uncertain, per unit of account. */
export function moneySpent(money: RunMoney): Record<string, number> {
  const spent: Record<string, number> = {};
  for (const part of [money.charged, money.inFlight, money.uncertain]) {
    for (const [unit, amount] of Object.entries(part)) spent[unit] = roundAmount((spent[unit] ?? 0) + amount);
  }
  return spent;
}
