/**
 * The caption stage's money rules (issue 21's follow-up to "Phase 1 money and data safety"), with the techniques of
 * run-money.test.ts: real journal, ledger and caption files, core's mock captioner billed per call, a recorder whose
 * journal write fails as on a full disk (ENOSPC), and a result storage that turns read-only (EROFS). Each run that
 * hits a failure stops with a typed, clear error, loses nothing already done, and a resume completes with every
 * caption paid once.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type StudioSettings, storageKeys } from '@model-studio/core';
import {
  createMockCaptioner,
  createMockEnhancer,
  createMockFaceChecker,
  createMockImageProcessor,
  createMockSwapper,
  type MockCaptioner,
} from '@model-studio/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recoveryFileOf } from '../../src/orchestrator/job-recovery.js';
import { keptAnswersFileOf } from '../../src/orchestrator/kept-answers.js';
import type { StudioContext } from '../../src/orchestrator/studio-context.js';
import type { StudioEvent } from '../../src/orchestrator/studio-types.js';
import { captionResults, listCaptions } from '../../src/orchestrator/verbs/caption-results.js';
import { modelCosts } from '../../src/orchestrator/verbs/model-costs.js';
import { modelStatus } from '../../src/orchestrator/verbs/model-status.js';
import { planRun } from '../../src/orchestrator/verbs/plan-run.js';
import { runPlan } from '../../src/orchestrator/verbs/run-plan.js';
import { failing, failingStorage } from './failing-parts.js';
import { type VerbRig, verbRig } from './verb-rig.js';

let rig: VerbRig;
beforeEach(async () => {
  rig = await verbRig();
});
afterEach(async () => {
  await rig.dispose();
});

/** The price of one caption in these tests: 0.01 usd, reserved before the call and charged after it. */
const captionPrice = 0.01;

/** A model with 1 source x `targets` enhanced results, consent to train, and a caption price (no token prices). */
async function enhancedModel(name: string, targets: number): Promise<void> {
  await rig.model(name, 1, targets);
  const context = rig.context();
  const run = await runPlan(context, await planRun(context, name));
  expect(run).toMatchObject({ outcome: 'completed', succeeded: targets });
  await context.records.close();
  const config = await rig.workspace.getModel(name);
  await rig.workspace.setConsent(name, { ...config.consent!, allowedUses: ['swap', 'train'] });
  await rig.workspace.updateSettings(name, { prices: { caption: { units: captionPrice, unit: 'usd' } } });
}

/** A context with the mock adapters and a paid captioner, over `storage` (the rig's own by default). */
function captionContext(captioner: MockCaptioner, extra: Partial<StudioSettings> = {}): StudioContext {
  const settings: Partial<StudioSettings> = {
    swapper: createMockSwapper({ storage: rig.storage, account: rig.account }),
    enhancer: createMockEnhancer({ storage: rig.storage, account: rig.account }),
    faceChecker: createMockFaceChecker(),
    imageProcessor: createMockImageProcessor(),
    captioner,
    ...extra,
  };
  return rig.context(settings);
}

/** What the ledger and the caption records say about the model's captions. */
async function captionMoney(context: StudioContext, model: string) {
  const costs = await modelCosts(context, model);
  const row = costs.summary.rows.find((entry) => entry.op === 'caption');
  const captions = await listCaptions(context, model);
  return { row, captions };
}

/** Every caption was written once and charged once: one ledger charge per caption, nothing reserved or uncertain. */
async function expectEachCaptionPaidOnce(context: StudioContext, model: string, targets: number) {
  const { row, captions } = await captionMoney(context, model);
  expect(captions.map((entry) => entry.state)).toEqual(Array(targets).fill('generated'));
  expect(row).toMatchObject({ actualCount: targets, reserved: 0, uncertain: 0, unitOfAccount: 'usd' });
  expect(row?.actual).toBeCloseTo(targets * captionPrice, 9);
  const status = await modelStatus(context, model);
  expect(status.stages).toMatchObject({ total: targets * 3, done: targets * 3, inFlight: 0 });
  for (let target = 1; target <= targets; target += 1) {
    const key = storageKeys.caption({ model, source: 1, target, rating: 'sfw' });
    expect(await readFile(join(rig.root, key), 'utf8')).toMatch(new RegExp(`^${model}, person, `));
  }
}

describe('caption stage: a journal that cannot be written (full disk)', () => {
  it('sends no caption call when its reservation cannot be journaled; resume captions each once', async () => {
    await enhancedModel('ana', 2);
    const captioner = createMockCaptioner({ paid: true });
    const context = captionContext(captioner);
    const real = context.records.recorder.bind(context.records);
    context.records.recorder = async (model) => failing(await real(model), 'beginSubmission');
    const stopped = await captionResults(context, 'ana');
    expect(stopped.outcome).toBe('storage-failed');
    expect(captioner.calls).toBe(0);
    expect(stopped.spent).toEqual({});
    expect(stopped.failed).toEqual([]);
    await context.records.close();

    const fresh = captionContext(captioner);
    const resumed = await captionResults(fresh, 'ana');
    expect(resumed).toMatchObject({ outcome: 'completed', succeeded: 2 });
    expect(captioner.calls).toBe(2);
    await expectEachCaptionPaidOnce(fresh, 'ana', 2);
  });

  it('a caption answered but not journaled is saved for recovery and read back on resume, never paid again', async () => {
    await enhancedModel('ben', 2);
    const recoveryDir = join(rig.root, 'elsewhere');
    const captioner = createMockCaptioner({ paid: true });
    const context = captionContext(captioner, { recoveryDir });
    const real = context.records.recorder.bind(context.records);
    context.records.recorder = async (model) => failing(await real(model), 'submitted');
    const events: StudioEvent[] = [];
    const stopped = await captionResults(context, 'ben', { concurrency: 1, onEvent: (event) => events.push(event) });
    expect(stopped.outcome).toBe('storage-failed');
    // The first caption was answered (and paid); its id could not be journaled, so nothing else was sent.
    expect(captioner.calls).toBe(1);
    const unrecorded = events.filter((event) => event.type === 'job-unrecorded');
    const file = recoveryFileOf(rig.workspace.localModelDir('ben'), recoveryDir);
    expect(unrecorded).toEqual([expect.objectContaining({ stageId: 'ben:s1:t001:sfw:caption', recoveryFile: file })]);
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({
      stageId: 'ben:s1:t001:sfw:caption',
      op: 'caption',
    });
    await context.records.close();

    const fresh = captionContext(captioner, { recoveryDir });
    const resumed = await captionResults(fresh, 'ben');
    expect(resumed).toMatchObject({ outcome: 'completed' });
    // One more call for the second caption only: the first was read back from storage.
    expect(captioner.calls).toBe(2);
    await expectEachCaptionPaidOnce(fresh, 'ben', 2);
    await expect(readFile(file)).rejects.toThrow(/ENOENT/);
  });
});

describe('caption stage: a result storage that turns read-only', () => {
  /** Captions `cas` (3 results) with every write under results/ refused (EROFS), then resumes with writes allowed. */
  async function readOnlyThenResume() {
    await enhancedModel('cas', 3);
    const readOnly = failingStorage(rig.storage, 'EROFS');
    const captioner = createMockCaptioner({ paid: true });
    const context = captionContext(captioner);
    context.storage = readOnly.storage;
    readOnly.fail(true);
    const stopped = await captionResults(context, 'cas', { concurrency: 1 });
    const callsAtStop = captioner.calls;
    await context.records.close();
    readOnly.fail(false);
    const fresh = captionContext(captioner);
    fresh.storage = readOnly.storage;
    const resumed = await captionResults(fresh, 'cas');
    return { stopped, callsAtStop, resumed, captioner, fresh };
  }

  it('stops new caption calls at the first refused write, loses no caption, and resume completes', async () => {
    const { stopped, callsAtStop, resumed, fresh } = await readOnlyThenResume();
    expect(stopped.outcome).toBe('storage-failed');
    // One caption was answered before its text could not be stored; nothing else was sent.
    expect(callsAtStop).toBe(1);
    expect(stopped.succeeded).toBe(0);
    expect(resumed).toMatchObject({ outcome: 'completed', succeeded: 3 });
    // Every caption is stored, recorded and charged in the ledger once; nothing is left reserved or uncertain.
    await expectEachCaptionPaidOnce(fresh, 'cas', 3);
  });

  it('the caption answered before the refused write is on the ledger, kept aside, and never bought again', async () => {
    const { stopped, captioner } = await readOnlyThenResume();
    expect(stopped.money.charged).toEqual({ usd: captionPrice });
    expect(captioner.calls).toBe(3);
    // The kept copy of its text went once the resume stored it.
    await expect(readFile(keptAnswersFileOf({ modelDir: rig.workspace.localModelDir('cas') }))).rejects.toThrow(
      /ENOENT/,
    );
  });

  it('a caption refused by the storage AND not journaled is read back from the kept copy on resume', async () => {
    await enhancedModel('dia', 2);
    const recoveryDir = join(rig.root, 'elsewhere');
    const readOnly = failingStorage(rig.storage, 'EROFS');
    const captioner = createMockCaptioner({ paid: true });
    const context = captionContext(captioner, { recoveryDir });
    context.storage = readOnly.storage;
    const real = context.records.recorder.bind(context.records);
    context.records.recorder = async (model) => failing(await real(model), 'submitted');
    readOnly.fail(true);
    const stopped = await captionResults(context, 'dia', { concurrency: 1 });
    expect(stopped.outcome).toBe('storage-failed');
    expect(captioner.calls).toBe(1);
    const kept = keptAnswersFileOf({ modelDir: rig.workspace.localModelDir('dia'), recoveryDir });
    expect(JSON.parse(await readFile(kept, 'utf8'))).toMatchObject({ stageId: 'dia:s1:t001:sfw:caption' });
    await context.records.close();

    readOnly.fail(false);
    const fresh = captionContext(captioner, { recoveryDir });
    fresh.storage = readOnly.storage;
    const resumed = await captionResults(fresh, 'dia');
    expect(resumed).toMatchObject({ outcome: 'completed', succeeded: 2 });
    expect(captioner.calls).toBe(2);
    await expectEachCaptionPaidOnce(fresh, 'dia', 2);
    await expect(readFile(kept)).rejects.toThrow(/ENOENT/);
  });
});
