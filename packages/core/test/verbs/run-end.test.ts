/**
 * What a run does when its units have ended (issue "Phase 1 complete", part 5: a run of 100,000 units must not raise
 * its memory there): the summary's output keys are made only when read, and the money left in flight is looked up
 * only for the units that did not succeed.
 */
import { storageKeys } from '@model-studio/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LeanPlannedUnit } from '../../src/orchestrator/planned-unit.js';
import { unitsNotSucceeded } from '../../src/orchestrator/run-money.js';
import { newRunSummary, setOutputsWhenRead } from '../../src/orchestrator/run-summary.js';
import type { Plan } from '../../src/orchestrator/studio-types.js';
import { planRun } from '../../src/orchestrator/verbs/plan-run.js';
import { runPlan } from '../../src/orchestrator/verbs/run-plan.js';
import { type VerbRig, verbRig } from './verb-rig.js';

const enhanced = (model: string, target: number) =>
  storageKeys.result({ model, source: 1, target, rating: 'sfw', stage: 'enhanced' });

/** A summary of an empty plan, as a run starts it. */
function emptySummary() {
  const plan = { model: 'ann', units: [] } as unknown as Plan;
  return newRunSummary(plan, { alreadyDone: 0 } as Parameters<typeof newRunSummary>[1]);
}

describe('summary.outputs', () => {
  it('is built when first read, once, then reads as a plain array property', () => {
    const summary = emptySummary();
    let builds = 0;
    setOutputsWhenRead(summary, () => {
      builds++;
      return ['a.jpg', 'b.jpg'];
    });
    expect(builds).toBe(0);
    expect(Object.keys(summary)).toContain('outputs');
    expect(builds).toBe(0);
    expect(summary.outputs).toEqual(['a.jpg', 'b.jpg']);
    expect(summary.outputs).toBe(summary.outputs);
    expect(builds).toBe(1);
    expect(Object.getOwnPropertyDescriptor(summary, 'outputs')).toMatchObject({ writable: true, enumerable: true });
    expect(JSON.parse(JSON.stringify(summary)).outputs).toEqual(['a.jpg', 'b.jpg']);
    expect(structuredClone(summary).outputs).toEqual(['a.jpg', 'b.jpg']);
    expect({ ...summary }.outputs).toEqual(['a.jpg', 'b.jpg']);
    expect(builds).toBe(1);
  });

  it('set before it is read, keeps the value set and never builds', () => {
    const summary = emptySummary();
    let builds = 0;
    setOutputsWhenRead(summary, () => {
      builds++;
      return ['a.jpg'];
    });
    summary.outputs = ['mine.jpg'];
    expect(summary.outputs).toEqual(['mine.jpg']);
    expect(builds).toBe(0);
  });

  it('serialized before anything reads it (JSON, structuredClone, spread), carries the run keys', () => {
    for (const copy of [
      (s: object) => JSON.parse(JSON.stringify(s)),
      (s: object) => structuredClone(s),
      (s: object) => ({ ...s }),
    ]) {
      const summary = emptySummary();
      setOutputsWhenRead(summary, () => ['x.jpg']);
      expect(copy(summary).outputs).toEqual(['x.jpg']);
    }
  });
});

describe('the end of a real run', () => {
  let rig: VerbRig;
  beforeEach(async () => {
    rig = await verbRig();
  });
  afterEach(async () => {
    await rig.dispose();
  });

  it("gives this run's enhanced keys, sorted, through every way a caller copies the summary", async () => {
    await rig.model('ann', 1, 3);
    const context = rig.context();
    const summary = await runPlan(context, await planRun(context, 'ann'), { concurrency: 3 });
    const keys = [enhanced('ann', 1), enhanced('ann', 2), enhanced('ann', 3)];
    expect(JSON.parse(JSON.stringify(summary))).toMatchObject({ outcome: 'completed', succeeded: 3, outputs: keys });
    expect(structuredClone(summary).outputs).toEqual(keys);
    expect(summary.outputs).toEqual(keys);
    // A second run has nothing left to do: no outputs of its own.
    const again = await runPlan(context, await planRun(context, 'ann'));
    expect(again).toMatchObject({ succeeded: 0, skipped: 3, outputs: [] });
  });
});

describe('unitsNotSucceeded', () => {
  const units = [1, 2, 3, 4, 5].map((target) => new LeanPlannedUnit('ann', 1, target, 'sfw'));
  const [u1, u2, u3, u4, u5] = units as [
    LeanPlannedUnit,
    LeanPlannedUnit,
    LeanPlannedUnit,
    LeanPlannedUnit,
    LeanPlannedUnit,
  ];

  it('leaves out exactly the units of the run that succeeded', () => {
    // u1 and u4 were not run (done before, or over the budget); of u2, u3, u5 run, u3 failed.
    const ran = [u2, u3, u5];
    expect([...unitsNotSucceeded(units, ran, Uint8Array.of(1, 0, 1))]).toEqual([u1, u3, u4]);
    expect([...unitsNotSucceeded(units, units, new Uint8Array(5).fill(1))]).toEqual([]);
    expect([...unitsNotSucceeded(units, [], new Uint8Array(0))]).toEqual(units);
  });

  it('never leaves out a unit that did not succeed when the run took them in another order (it checks more)', () => {
    expect([...unitsNotSucceeded(units, [u3, u2], Uint8Array.of(1, 1))]).toEqual([u1, u2, u4, u5]);
  });
});
