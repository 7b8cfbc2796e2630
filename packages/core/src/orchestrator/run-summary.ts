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
    // Its output key is not held while the run goes on: `summary.outputs` is built when read (see outputsOf).
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
 * Makes `summary.outputs` the array `build()` returns, built when the property is first read: it then becomes a plain
 * data property (enumerable and writable, so spreading, `JSON.stringify` and `structuredClone` see an array). Setting
 * it before does the same with the value set.
 */
export function setOutputsWhenRead(summary: RunSummary, build: () => string[]): void {
  const settle = (outputs: string[]) => {
    Object.defineProperty(summary, 'outputs', { value: outputs, writable: true, enumerable: true, configurable: true });
    return outputs;
  };
  Object.defineProperty(summary, 'outputs', {
    get: () => settle(build()),
    set: settle,
    enumerable: true,
    configurable: true,
  });
}

/**
 * The output keys of the units that succeeded in this run (`succeeded[i]` is 1 for `units[i]`), sorted: built from a
 * byte per unit when `summary.outputs` is first read (see setOutputsWhenRead), so a run holds no key per unit.
 */
export function outputsOf(units: readonly PlannedUnit[], succeeded: Uint8Array, last: PaidStage): string[] {
  const outputs: string[] = [];
  for (let i = 0; i < units.length; i++) if (succeeded[i] === 1) outputs.push(flat(last.outputKey(units[i]!)));
  return outputs.sort(byText);
}

/**
 * `text` stored as one piece. A key built from a dozen parts (as the naming rules build it) is held by V8 as a tree
 * of the parts, about 550 bytes for a key of 75 characters; reading a character makes V8 copy it into one string,
 * which the next collection keeps instead of the tree (about 100 bytes). For 100,000 outputs: 10 MB, not 55.
 */
function flat(text: string): string {
  text.charCodeAt(0);
  return text;
}

/** Orders strings by code unit (the same on every machine, unlike `localeCompare`). */
export function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
