/**
 * The run mechanism's money rules (issue "Phase 1 money and data safety"), on a plain `StudioContext` with real
 * journal and ledger files and the mock provider: whole units within a budget, stops that drain or halt, money in
 * flight reported, a storage that keeps failing, a journal that fails after a job was accepted, uncertain submissions
 * attached or settled, and jobs the provider does not know.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ValidationError } from '@model-studio/core';
import { createMockSwapper } from '@model-studio/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recoveryFileOf } from '../../src/orchestrator/job-recovery.js';
import type { RunRecorder } from '../../src/orchestrator/run-recorder.js';
import { modelCosts } from '../../src/orchestrator/verbs/model-costs.js';
import { modelStatus } from '../../src/orchestrator/verbs/model-status.js';
import { planRun } from '../../src/orchestrator/verbs/plan-run.js';
import { resumeRun } from '../../src/orchestrator/verbs/resume-run.js';
import { runPlan } from '../../src/orchestrator/verbs/run-plan.js';
import { attachJob, settleUncertain } from '../../src/orchestrator/verbs/settle-uncertain.js';
import { failing, failingStorage } from './failing-parts.js';
import { type VerbRig, verbRig } from './verb-rig.js';

let rig: VerbRig;
beforeEach(async () => {
  rig = await verbRig();
});
afterEach(async () => {
  await rig.dispose();
});

/** A context whose swapper takes `waitMs` per submission and per wait. */
function slowContext(waitMs: number) {
  const swapper = createMockSwapper({ storage: rig.storage, account: rig.account, waitMs });
  return rig.context({ ...rig.context().settings, swapper });
}

describe('budgets take whole units', () => {
  it('runs only the units the budget covers whole, names the others, and never leaves a unit half paid', async () => {
    await rig.model('ann', 1, 3);
    const context = rig.context();
    // 12 credits a unit (10 + 2): 30 covers two whole units, not three.
    const summary = await runPlan(context, await planRun(context, 'ann'), { budget: { limit: 30 } });
    expect(summary).toMatchObject({ outcome: 'budget-exceeded', succeeded: 2, overBudget: ['ann:s1:t003:sfw'] });
    expect(summary.money.charged).toEqual({ credits: 24 });
    expect(rig.account.charges.map((charge) => charge.op).sort()).toEqual(['enhance', 'enhance', 'swap', 'swap']);
    expect((await modelStatus(context, 'ann')).stages.inFlight).toBe(0);
  });

  it('a budget smaller than one unit pays nothing', async () => {
    await rig.model('ann', 1, 1);
    const context = rig.context();
    const summary = await runPlan(context, await planRun(context, 'ann'), { budget: { limit: 11 } });
    expect(summary).toMatchObject({ outcome: 'budget-exceeded', succeeded: 0, spent: {} });
    expect(rig.account.charges).toEqual([]);
  });
});

describe('stops', () => {
  it('insufficient credits stops new submissions but waits for the jobs already accepted (they are paid)', async () => {
    await rig.model('bo', 1, 2);
    const context = slowContext(40);
    // Both swaps are accepted at once; the first enhance is refused for credits while the other swap is still
    // being waited for: that job is paid, so the run waits for it and stores its result.
    rig.account.failNext('enhance', 'insufficient-credits');
    const summary = await runPlan(context, await planRun(context, 'bo'), { concurrency: 2 });
    expect(summary.outcome).toBe('insufficient-credits');
    // Every accepted job was waited for: charged and stored, nothing left in flight (an enhance sent at the same
    // moment as the refused one may have been accepted too).
    expect(summary.money.charged.credits).toBe(rig.account.charged());
    expect(rig.account.charges.filter((charge) => charge.op === 'swap')).toHaveLength(2);
    expect(summary.money.inFlight).toEqual({});
    const status = await modelStatus(context, 'bo');
    expect(status.stages.inFlight).toBe(0);
    expect(status.stages.done).toBe(rig.account.charges.length);
  });

  it('Ctrl-C leaves accepted jobs journaled in flight, and the summary counts their money (never 0)', async () => {
    await rig.model('cy', 1, 1);
    const context = slowContext(100);
    const controller = new AbortController();
    const summary = await runPlan(context, await planRun(context, 'cy'), {
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'cost-recorded' && event.kind === 'reserved') controller.abort();
      },
    });
    expect(summary.outcome).toBe('aborted');
    expect(summary.money).toEqual({ charged: {}, inFlight: { credits: 10 }, uncertain: {} });
    expect(summary.spent).toEqual({ credits: 10 });
    expect(rig.account.charged()).toBe(10);
  });

  it('a storage that keeps failing (read-only) stops new submissions; the accepted job waits for resume', async () => {
    await rig.model('dee', 1, 4);
    const readOnly = failingStorage(rig.storage, 'EROFS');
    const context = rig.context();
    context.storage = readOnly.storage;
    const plan = await planRun(context, 'dee');
    readOnly.fail(true);
    const summary = await runPlan(context, plan, { concurrency: 1 });
    expect(summary.outcome).toBe('storage-failed');
    // One swap was bought (its result could not be stored); nothing else was submitted.
    expect(rig.account.charges).toHaveLength(1);
    readOnly.fail(false);
    const resumed = await resumeRun(context, 'dee');
    expect(resumed).toMatchObject({ outcome: 'completed', succeeded: 4 });
    expect(rig.account.charges.filter((charge) => charge.op === 'swap')).toHaveLength(4);
  });
});

describe('write-ahead: records that cannot be written', () => {
  it('nothing is sent when the submission cannot be recorded first; the run stops (storage-failed)', async () => {
    await rig.model('ada', 1, 2);
    const context = rig.context();
    const real = context.records.recorder.bind(context.records);
    context.records.recorder = async (model) => failing(await real(model), 'beginSubmission');
    const summary = await runPlan(context, await planRun(context, 'ada'));
    expect(summary.outcome).toBe('storage-failed');
    expect(rig.account.attempts).toEqual([]);
    expect(summary.spent).toEqual({});
  });
});

describe('a journal that fails after the provider accepted a job', () => {
  it('saves the job id in the recovery file, says so, and the next resume reattaches it without paying again', async () => {
    await rig.model('eli', 1, 1);
    const recoveryDir = join(rig.root, 'elsewhere');
    const context = rig.context({ ...rig.context().settings, recoveryDir });
    const unrecorded: string[] = [];
    const real = context.records.recorder.bind(context.records);
    context.records.recorder = async (model) => failingSubmitted(await real(model));
    const stopped = await runPlan(context, await planRun(context, 'eli'), {
      onEvent: (event) => {
        if (event.type === 'job-unrecorded') unrecorded.push(`${event.jobId} ${event.recoveryFile}`);
      },
    });
    expect(stopped.outcome).toBe('storage-failed');
    const file = recoveryFileOf(rig.workspace.localModelDir('eli'), recoveryDir);
    expect(unrecorded).toEqual([`mock-swap-1 ${file}`]);
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({
      stageId: 'eli:s1:t001:sfw:swapped',
      jobId: 'mock-swap-1',
    });
    await context.records.close();

    const fresh = rig.context({ ...rig.context().settings, recoveryDir });
    const resumed = await resumeRun(fresh, 'eli');
    expect(resumed).toMatchObject({ outcome: 'completed', succeeded: 1, reattached: 1 });
    expect(rig.account.charges.map((charge) => charge.jobId)).toEqual(['mock-swap-1', 'mock-enhance-2']);
    await expect(readFile(file)).rejects.toThrow(/ENOENT/);
  });
});

describe('uncertain submissions are settled by the user, never by paying again behind their back', () => {
  it('attach: the job id found in the provider account is polled, its charge settles the entry', async () => {
    await rig.model('fin', 1, 1);
    const context = rig.context();
    rig.account.failNext('swap', 'uncertain');
    const first = await runPlan(context, await planRun(context, 'fin'));
    expect(first).toMatchObject({ outcome: 'incomplete', uncertain: ['fin:s1:t001:sfw:swapped'] });
    expect(first.money.uncertain).toEqual({ credits: 10 });
    await attachJob(context, 'fin', 'fin:s1:t001:sfw:swapped', rig.account.jobs[0]!.id);
    const resumed = await resumeRun(context, 'fin');
    expect(resumed).toMatchObject({ outcome: 'completed', reattached: 1 });
    expect(rig.account.charges).toHaveLength(2);
    const totals = (await modelCosts(context, 'fin', { by: [] })).summary.totals[0];
    expect(totals).toMatchObject({ actual: rig.account.charged(), uncertain: 0, reserved: 0 });
  });

  it('settle --not-charged releases it and the next run submits it as new; --charged records the charge', async () => {
    await rig.model('gus', 1, 2);
    const context = rig.context();
    rig.account.failNext('swap', 'network');
    const plan = await planRun(context, 'gus');
    // Two uncertain swaps: the first was not charged (refused before acceptance but answered as lost), the second was.
    const recorder = await context.records.recorder('gus');
    for (const unit of plan.units) {
      const stageId = `${unit.id}:swapped`;
      await recorder.planned([{ stageId, op: 'swap' }]);
      const charge = { stageId, op: 'swap', provider: 'mock', amount: 10, unit: 'credits', rating: 'sfw' };
      await recorder.beginSubmission(charge);
      await recorder.uncertain(stageId, 'swap', 'the answer was lost');
      await recorder.uncertainCharge(charge);
    }
    await settleUncertain(context, 'gus', 'gus:s1:t001:sfw:swapped', { charged: false });
    await settleUncertain(context, 'gus', 'gus:s1:t002:sfw:swapped', { charged: true });
    const costs = (await modelCosts(context, 'gus', { by: [] })).summary.totals[0];
    expect(costs).toMatchObject({ actual: 10, uncertain: 0 });
    rig.account.faults.swap.length = 0;
    const resumed = await resumeRun(context, 'gus');
    expect(resumed).toMatchObject({ outcome: 'completed', succeeded: 2 });
    await expect(settleUncertain(context, 'gus', 'gus:s1:t001:sfw:swapped', { charged: true })).rejects.toThrow(
      ValidationError,
    );
    await expect(attachJob(context, 'gus', 'other:s1:t001:sfw:swapped', 'x')).rejects.toThrow(
      /not a stage id of model "gus"/,
    );
  });

  it('a job the provider does not know is not counted as spent, and is submitted again', async () => {
    await rig.model('hy', 1, 1);
    const context = slowContext(50);
    const controller = new AbortController();
    await runPlan(context, await planRun(context, 'hy'), {
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'cost-recorded' && event.kind === 'reserved') controller.abort();
      },
    });
    // The provider "restarts" and forgets its jobs (and their charges, as the sandbox does without a state file).
    rig.account.jobs.length = 0;
    rig.account.charges.length = 0;
    const resumed = await resumeRun(context, 'hy');
    expect(resumed).toMatchObject({ outcome: 'completed', succeeded: 1 });
    const totals = (await modelCosts(context, 'hy', { by: [] })).summary.totals[0];
    expect(totals?.actual).toBe(rig.account.charged());
  });
});

/** A recorder whose `submitted` fails as a journal on a full disk does, after the provider accepted the job. */
function failingSubmitted(recorder: RunRecorder): RunRecorder {
  return failing(recorder, 'submitted');
}
