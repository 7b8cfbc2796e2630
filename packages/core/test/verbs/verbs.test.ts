/**
 * One test (or a few) per verb of the Studio, each run on a plain `StudioContext` with core's mock adapters: no
 * `createStudio`, no sharp, no HTTP. The whole Studio is tested in studio-orchestrator.test.ts and tests/e2e.
 */
import { createHash } from 'node:crypto';
import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConsentError, modelRecordFiles, storageKeys, ValidationError } from '@model-studio/core';
import { readMockImage } from '@model-studio/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { estimatePlan } from '../../src/orchestrator/verbs/estimate-plan.js';
import { importSources, importTargets } from '../../src/orchestrator/verbs/import-photos.js';
import { modelCosts } from '../../src/orchestrator/verbs/model-costs.js';
import { modelStatus } from '../../src/orchestrator/verbs/model-status.js';
import { planRun } from '../../src/orchestrator/verbs/plan-run.js';
import { resumeRun } from '../../src/orchestrator/verbs/resume-run.js';
import { revokeModelConsent } from '../../src/orchestrator/verbs/revoke-model-consent.js';
import { runPlan } from '../../src/orchestrator/verbs/run-plan.js';
import { photo, type VerbRig, verbRig } from './verb-rig.js';

let rig: VerbRig;
beforeEach(async () => {
  rig = await verbRig();
});
afterEach(async () => {
  await rig.dispose();
});

const sha256 = async (path: string) =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex');

describe('import', () => {
  it('numbers sources and targets after the highest stored, and refuses a photo with the wrong face count', async () => {
    await rig.model('ada', 1, 1);
    const context = rig.context();
    const results = await importSources(context, 'ada', [
      { name: 'two.jpg', bytes: photo('ada', 7) },
      { name: 'none.jpg', bytes: new Uint8Array(readMockless()) },
    ]);
    expect(results.map((result) => [result.accepted, result.key ?? result.reason?.code])).toEqual([
      [true, storageKeys.source('ada', 2)],
      [false, 'unreadable'],
    ]);
    const targets = await importTargets(context, 'ada', 'sfw', [{ name: 'b.jpg', bytes: photo('x', 9) }], {
      origin: 'tests',
      rightsStatement: 'Made for these tests.',
    });
    expect(targets[0]).toMatchObject({ accepted: true, number: 2, key: storageKeys.target('ada', 'sfw', 2) });
    expect((await rig.workspace.getTargets('ada', 'sfw')).map((record) => record.n)).toEqual([1, 2]);
  });

  it('needs a face checker and an image processor, and says which', async () => {
    await rig.model('ada', 1, 1);
    const refused = await importSources(rig.context({}), 'ada', [{ name: 'a.jpg', bytes: photo('ada') }]).catch(
      (error: unknown) => error,
    );
    expect(ValidationError.isInstance(refused) && refused.field).toBe('faceChecker');
  });
});

describe('plan', () => {
  it('plans every source x target of the ratings consent covers, with unit ids and stage keys', async () => {
    await rig.model('bea', 2, 2);
    const plan = await planRun(rig.context({}), 'bea', {});
    expect(plan.ratings).toEqual(['sfw']);
    expect(plan.units.map((unit) => unit.id)).toEqual([
      'bea:s1:t001:sfw',
      'bea:s1:t002:sfw',
      'bea:s2:t001:sfw',
      'bea:s2:t002:sfw',
    ]);
    expect(plan.units[0]?.enhancedKey).toBe(
      storageKeys.result({ model: 'bea', source: 1, target: 1, rating: 'sfw', stage: 'enhanced' }),
    );
  });

  it('refuses ratings consent does not cover, and a model without targets, with a hint', async () => {
    await rig.model('bea', 1, 0);
    const none = await planRun(rig.context({}), 'bea', {}).catch((error: unknown) => error);
    expect(ValidationError.isInstance(none) && none.hint).toEqual({ action: 'import-targets', model: 'bea' });
    const nsfw = await planRun(rig.context({}), 'bea', { ratings: ['nsfw'] }).catch((error: unknown) => error);
    expect(ConsentError.isInstance(nsfw)).toBe(true);
  });
});

describe('estimate', () => {
  it('prices the stages not done, from the price table, with the provider note', async () => {
    await rig.model('cleo', 1, 2);
    const context = rig.context();
    const plan = await planRun(context, 'cleo', {});
    const before = await estimatePlan(context, plan);
    expect(before.total).toEqual({ credits: 24 });
    expect(before.note).toMatch(/Mock provider/);
    await runPlan(context, { ...plan, units: plan.units.slice(0, 1) });
    const after = await estimatePlan(context, plan);
    expect(after).toMatchObject({ alreadyDone: 1, total: { credits: 12 } });
    // Without adapters, core's own note.
    expect((await estimatePlan(rig.context({}), plan)).note).toMatch(/price table/);
  });
});

describe('run', () => {
  it('runs each unit through swap and enhance: results marked, journal and ledger match the provider', async () => {
    await rig.model('dora', 1, 2);
    const context = rig.context();
    const events: string[] = [];
    const summary = await runPlan(context, await planRun(context, 'dora', {}), {
      concurrency: 1,
      onEvent: (event) => {
        if (event.type === 'stage-end') events.push(`${event.stage}:${event.ok}`);
      },
    });
    expect(summary).toMatchObject({ outcome: 'completed', succeeded: 2, spent: { credits: 24 } });
    expect(events.slice(0, 5)).toEqual([
      'consent:true',
      'target-check:true',
      'swap:true',
      'verify:true',
      'enhance:true',
    ]);
    expect(rig.account.charged()).toBe(24);
    const stored = readMockImage(await readFile(join(rig.root, summary.outputs[0]!)));
    expect(stored?.faces[0]?.identity).toBe('dora');
    expect(stored?.metadata?.digitalSourceType).toMatch(/compositeWithTrainedAlgorithmicMedia/);
  });

  it('needs the paid adapters, and journals nothing without them', async () => {
    await rig.model('dora', 1, 1);
    const context = rig.context({ faceChecker: rig.context().settings.faceChecker! });
    const refused = await runPlan(context, await planRun(context, 'dora', {})).catch((error: unknown) => error);
    expect(ValidationError.isInstance(refused) && refused.field).toBe('swapper');
    await expect(readFile(join(rig.root, 'models', 'dora', modelRecordFiles.journal))).rejects.toThrow(/ENOENT/);
  });

  it('an uncertain submission is left alone; a refused one releases its reservation and fails the unit', async () => {
    await rig.model('eve', 1, 2);
    const context = rig.context();
    rig.account.failNext('swap', 'uncertain');
    rig.account.failNext('swap', 'input');
    const summary = await runPlan(context, await planRun(context, 'eve', {}), { concurrency: 1 });
    expect(summary.uncertain).toEqual(['eve:s1:t001:sfw:swapped']);
    expect(summary.failed.map((failure) => [failure.unitId, failure.stageId, failure.stage, failure.code])).toEqual([
      ['eve:s1:t002:sfw', 'eve:s1:t002:sfw:swapped', 'swap', 'input'],
    ]);
    const costs = await modelCosts(context, 'eve', { by: [] });
    expect(costs.summary.totals[0]).toMatchObject({ actual: 0, reserved: 0, uncertain: 10 });
    expect(rig.account.charged()).toBe(10);
  });
});

describe('resume', () => {
  it('reattaches a job stopped while waiting, by its journaled id, paying nothing twice', async () => {
    await rig.model('fay', 1, 1);
    const { createMockSwapper } = await import('@model-studio/core/testing');
    const slow = createMockSwapper({ storage: rig.storage, account: rig.account, waitMs: 200 });
    const context = rig.context({ ...rig.context().settings, swapper: slow });
    const controller = new AbortController();
    // Stop once the swap's reservation is on disk: the request is sent anyway (a paid POST runs to its answer), its
    // job id is journaled, and the wait for it is what the stop cuts short.
    const first = await runPlan(context, await planRun(context, 'fay', {}), {
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'cost-recorded' && event.kind === 'reserved') controller.abort();
      },
    });
    expect(first.outcome).toBe('aborted');
    const status = await modelStatus(context, 'fay');
    expect(status.inFlight).toEqual([
      { stageId: 'fay:s1:t001:sfw:swapped', unitId: 'fay:s1:t001:sfw', jobId: 'mock-swap-1', op: 'swap' },
    ]);
    const resumed = await resumeRun(context, 'fay');
    expect(resumed).toMatchObject({ outcome: 'completed', succeeded: 1, reattached: 1 });
    expect(rig.account.charges.map((charge) => charge.jobId)).toEqual(['mock-swap-1', 'mock-enhance-2']);
  });

  it('finishes what a run stopped by the provider left, skipping its done stages', async () => {
    await rig.model('fay', 1, 1);
    const context = rig.context();
    rig.account.failNext('enhance', 'insufficient-credits');
    const first = await runPlan(context, await planRun(context, 'fay', {}));
    expect(first.outcome).toBe('insufficient-credits');
    const resumed = await resumeRun(context, 'fay');
    expect(resumed).toMatchObject({ outcome: 'completed', succeeded: 1 });
    expect(rig.account.charges.map((charge) => charge.op)).toEqual(['swap', 'enhance']);
  });

  it('refuses a model with nothing planned', async () => {
    await rig.model('fay', 1, 1);
    await expect(resumeRun(rig.context(), 'fay')).rejects.toThrow(/no planned run to resume/);
  });
});

describe('status and costs', () => {
  it('count units and stages, and never write the files they read, torn last lines included', async () => {
    await rig.model('gia', 1, 2);
    const writer = rig.context();
    rig.account.failNext('enhance', 'input');
    await runPlan(writer, await planRun(writer, 'gia', {}), { concurrency: 1 });
    const dir = join(rig.root, 'models', 'gia');
    const journal = join(dir, modelRecordFiles.journal);
    const ledger = join(dir, modelRecordFiles.ledger);
    await appendFile(journal, '{"type":"submitting","unitId":"gia:s1:t0');
    await appendFile(ledger, '{"kind":"reserved","mod');
    const before = [await sha256(journal), await sha256(ledger)];
    // A reader while the writer still holds the run lock (as a live run in another process would), then after.
    const reader = rig.context({});
    const status = await modelStatus(reader, 'gia');
    expect(status.units).toMatchObject({ total: 2, done: 1, failed: 1 });
    expect(status.stages).toMatchObject({ total: 4, done: 3, failed: 1 });
    expect(status.failed[0]).toMatchObject({
      unitId: 'gia:s1:t001:sfw',
      stageId: 'gia:s1:t001:sfw:enhanced',
      stage: 'enhance',
    });
    const costs = await modelCosts(reader, 'gia');
    expect(costs.skippedLines).toBe(1);
    expect(costs.summary.rows.map((row) => [row.op, row.actual])).toEqual([
      ['enhance', 2],
      ['swap', 20],
    ]);
    await writer.records.close();
    await modelStatus(reader, 'gia');
    await modelCosts(reader, 'gia');
    expect([await sha256(journal), await sha256(ledger)]).toEqual(before);
  });
});

describe('revoke consent', () => {
  it('stops the run, records the revocation and deletes the data when asked', async () => {
    await rig.model('hal', 1, 1);
    const context = rig.context();
    await revokeModelConsent(context, 'hal', { reason: 'withdrew', deleteData: true });
    expect((await rig.workspace.getModel('hal')).consent?.revokedAt).toBeDefined();
    expect(await rig.storage.head(storageKeys.source('hal', 1))).toBeUndefined();
    await expect(planRun(context, 'hal', {})).rejects.toThrow(ConsentError);
  });
});

/** Bytes that are not a mock image (the mock processor refuses them). */
function readMockless(): Uint8Array {
  return new TextEncoder().encode('not an image');
}
