import type { UnitOutcome } from './run-unit.js';
import type { PaidStage } from './stage.js';
import type { CostEstimate, Plan, PlannedUnit, RunSummary, StudioEvent } from './studio-types.js';

/** The summary of a run about to start: nothing done yet, the units done earlier counted as skipped. */
export function newRunSummary(plan: Plan, estimate: CostEstimate): RunSummary {
  return {
    model: plan.model,
    outcome: 'completed',
    total: plan.units.length,
    succeeded: 0,
    skipped: estimate.alreadyDone,
    failed: [],
    uncertain: [],
    reattached: 0,
    spent: {},
    money: { charged: {}, inFlight: {}, uncertain: {} },
    overBudget: [],
    outputs: [],
    mirrored: 0,
    copyFailures: [],
    durationMs: 0,
    costNote: estimate.note,
  };
}

/** Adds how a unit ended to the summary; returns the `unit-end` event to emit. */
export function addUnitOutcome(
  summary: RunSummary,
  unitId: string,
  outcome: UnitOutcome,
  progress: { done: number; total: number },
): Extract<StudioEvent, { type: 'unit-end' }> {
  if (outcome.kind === 'succeeded') {
    summary.succeeded += 1;
    summary.reattached += outcome.reattached;
    summary.mirrored += outcome.mirrored;
    summary.copyFailures.push(...outcome.copyFailures);
    // Its output key is added to `summary.outputs` when the run ends (see outputsOf), not held while it runs.
    return { type: 'unit-end', unitId, ok: true, outputKey: outcome.outputKey, ...progress };
  }
  if (outcome.kind === 'failed') {
    summary.failed.push(outcome.failure);
    return { type: 'unit-end', unitId, ok: false, failure: outcome.failure, ...progress };
  }
  summary.uncertain.push(outcome.stageId);
  return { type: 'unit-end', unitId, ok: false, ...progress };
}

/**
 * The output keys of the units that succeeded in this run (`succeeded[i]` is 1 for `units[i]`), sorted: built when
 * the run ends from a byte per unit, so a run of 100,000 units does not hold a key per unit while it runs.
 */
export function outputsOf(units: readonly PlannedUnit[], succeeded: Uint8Array, last: PaidStage): string[] {
  const outputs: string[] = [];
  for (let i = 0; i < units.length; i++) if (succeeded[i] === 1) outputs.push(last.outputKey(units[i]!));
  return outputs.sort(byText);
}

/** Orders strings by code unit (the same on every machine, unlike `localeCompare`). */
export function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
