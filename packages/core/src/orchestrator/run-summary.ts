import type { UnitOutcome } from './run-unit.js';
import type { CostEstimate, Plan, RunSummary, StudioEvent } from './studio-types.js';

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
    // Kept for the whole run: as one flat string, not the dozen pieces the naming rules joined (about 0.5 KB a unit).
    summary.outputs.push(outcome.outputKey.normalize());
    return { type: 'unit-end', unitId, ok: true, outputKey: outcome.outputKey, ...progress };
  }
  if (outcome.kind === 'failed') {
    summary.failed.push(outcome.failure);
    return { type: 'unit-end', unitId, ok: false, failure: outcome.failure, ...progress };
  }
  summary.uncertain.push(outcome.stageId);
  return { type: 'unit-end', unitId, ok: false, ...progress };
}

/** Orders strings by code unit (the same on every machine, unlike `localeCompare`). */
export function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
