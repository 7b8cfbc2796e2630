import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ConsentError,
  createStudio,
  formatResultName,
  parseResultName,
  type StudioEvent,
  ValidationError,
} from '@model-studio/core';
import { createMaxStudio, createMaxStudioProvider } from '@model-studio/maxstudio';
import { createImageProcessor, readDigitalSourceType } from '@model-studio/quality';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { type PipelineRig, prepareModel, qualityChecker, rigsFor } from './helpers/pipeline-rig.js';

const rig = rigsFor(afterAll);

function chargesOf(r: PipelineRig, operation: 'swap' | 'enhance') {
  return r.sandbox.billing().charges.filter((charge) => charge.operation === operation);
}

async function ledgerLines(r: PipelineRig, model: string) {
  const text = await readFile(join(r.workspace.localModelDir(model), 'costs.jsonl'), 'utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { kind: string; amount: number; op: string; jobId?: string });
}

describe('the studio pipeline (orchestrator + MaxStudio sandbox + quality + LocalStorage)', () => {
  it('imports, plans, estimates and runs swap -> verify -> enhance, with journal, ledger and AI marks', async () => {
    const r = await rig();
    const { sources, targets } = await prepareModel(r, 'ada');
    expect(sources.map((s) => [s.accepted, s.key])).toEqual([[true, 'models/ada/source/ada-source-1.jpg']]);
    const coffee = targets.find((t) => t.name === 'coffee.jpg')!;
    expect(coffee.accepted).toBe(false);
    expect(coffee.reason?.code).toBe('no-face');
    const accepted = targets.filter((t) => t.accepted);
    expect(accepted.map((t) => t.key)).toEqual([
      'models/ada/targets/sfw/ada-t001.jpg',
      'models/ada/targets/sfw/ada-t002.jpg',
    ]);

    const plan = await r.studio.plan('ada', { ratings: ['sfw'] });
    expect(plan.units.map((u) => u.id)).toEqual(['ada:s1:t001:sfw', 'ada:s1:t002:sfw']);
    const estimate = await r.studio.estimate(plan);
    expect(estimate.perOp).toEqual({
      swap: { count: 2, amount: 20, unit: 'credits' },
      enhance: { count: 2, amount: 4, unit: 'credits' },
    });
    expect(estimate.total).toEqual({ credits: 24 });
    expect(estimate.note).toMatch(/price table/);

    const events: StudioEvent[] = [];
    const summary = await r.studio.run(plan, { onEvent: (event) => events.push(event) });
    expect(summary.outcome).toBe('completed');
    expect(summary.succeeded).toBe(2);
    expect(summary.failed).toEqual([]);
    expect(events[0]?.type).toBe('run-start');
    expect(events.at(-1)?.type).toBe('run-end');
    expect(
      events
        .filter((e) => e.type === 'unit-end')
        .map((e) => (e as { done: number }).done)
        .sort(),
    ).toEqual([1, 2]);

    for (const unit of plan.units) {
      const swapped = await readFile(r.storage.pathOf(unit.swappedKey));
      const enhanced = await readFile(r.storage.pathOf(unit.enhancedKey));
      expect(parseResultName(unit.enhancedKey.split('/').at(-1)!)).toMatchObject({
        model: 'ada',
        source: 1,
        rating: 'sfw',
        stage: 'enhanced',
      });
      const [s, e] = await Promise.all([sharp(swapped).metadata(), sharp(enhanced).metadata()]);
      expect(e.width).toBe(2 * s.width!);
      expect(await readDigitalSourceType(swapped)).toMatch(/compositeWithTrainedAlgorithmicMedia$/);
      expect(await readDigitalSourceType(enhanced)).toMatch(/compositeWithTrainedAlgorithmicMedia$/);
    }
    expect(summary.outputs).toEqual([
      `models/ada/results/sfw/source_1/enhanced/${formatResultName({ model: 'ada', source: 1, target: 1, rating: 'sfw', stage: 'enhanced' })}`,
      `models/ada/results/sfw/source_1/enhanced/${formatResultName({ model: 'ada', source: 1, target: 2, rating: 'sfw', stage: 'enhanced' })}`,
    ]);

    // Billing: what the sandbox charged is exactly what the ledger recorded as actual.
    const billed = r.sandbox.billing().charges.reduce((sum, c) => sum + c.credits, 0);
    const actual = (await ledgerLines(r, 'ada')).filter((l) => l.kind === 'actual');
    expect(actual.reduce((sum, l) => sum + l.amount, 0)).toBe(billed);
    expect(billed).toBe(24);
    expect(summary.spent).toEqual({ credits: 24 });

    // Every step is in the journal, in the order the unit took them.
    const journal = (await readFile(join(r.workspace.localModelDir('ada'), 'progress.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { unitId: string; type: string; op?: string });
    const steps = journal
      .filter((event) => event.unitId.startsWith('ada:s1:t001:sfw:') && event.type !== 'planned')
      .map((event) => `${event.unitId.split(':').at(-1)} ${event.type}${event.op ? ` ${event.op}` : ''}`);
    expect(steps).toEqual([
      'swapped passed consent',
      'swapped passed target-check',
      'swapped submitting swap',
      'swapped submitted swap',
      'swapped completed swap',
      'swapped completed',
      'enhanced passed verify',
      'enhanced submitting enhance',
      'enhanced submitted enhance',
      'enhanced completed enhance',
      'enhanced completed',
    ]);

    const status = await r.studio.status('ada');
    expect(status.done).toHaveLength(4);
    expect(status.inFlight).toEqual([]);

    // A second run skips everything: nothing is paid again.
    const again = await r.studio.run(await r.studio.plan('ada', { ratings: ['sfw'] }));
    expect(again.skipped).toBe(2);
    expect(r.sandbox.billing().charges).toHaveLength(4);
  });

  it('an aborted run resumes by reattaching recorded jobs, paying each job once', async () => {
    const r = await rig({
      sandbox: {
        jobDurations: { swap: { pendingMs: 20, runningMs: 60 }, enhance: { pendingMs: 50, runningMs: 1500 } },
      },
    });
    await prepareModel(r, 'bea');
    const plan = await r.studio.plan('bea', { ratings: ['sfw'] });
    const controller = new AbortController();
    const first = await r.studio.run(plan, {
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'cost-recorded' && event.op === 'enhance' && event.kind === 'reserved')
          setTimeout(() => controller.abort(new Error('operator pressed stop')), 400);
      },
    });
    expect(first.outcome).toBe('aborted');
    expect((await r.studio.status('bea')).inFlight.length).toBeGreaterThan(0);
    const resumed = await r.studio.resume('bea');
    expect(resumed.outcome).toBe('completed');
    expect(resumed.reattached).toBeGreaterThan(0);
    expect(first.succeeded + resumed.succeeded).toBe(2);
    expect(chargesOf(r, 'swap')).toHaveLength(2);
    expect(chargesOf(r, 'enhance')).toHaveLength(2);
    const actual = (await ledgerLines(r, 'bea')).filter((l) => l.kind === 'actual');
    expect(new Set(actual.map((l) => l.jobId)).size).toBe(4);
    expect(actual).toHaveLength(4);
  });

  it('stops before the budget would be exceeded, and on insufficient credits', async () => {
    const r = await rig();
    await prepareModel(r, 'cid');
    const plan = await r.studio.plan('cid', { ratings: ['sfw'] });
    const limited = await r.studio.run(plan, { budget: { limit: 15 }, concurrency: 1 });
    expect(limited.outcome).toBe('budget-exceeded');
    const billed = r.sandbox.billing().charges.reduce((sum, c) => sum + c.credits, 0);
    expect(billed).toBeLessThanOrEqual(15);
    expect(limited.succeeded).toBe(1);

    const poor = await rig({ sandbox: { credits: 10 } });
    await prepareModel(poor, 'dee');
    const summary = await poor.studio.run(await poor.studio.plan('dee', { ratings: ['sfw'] }), { concurrency: 1 });
    expect(summary.outcome).toBe('insufficient-credits');
    const actual = (await ledgerLines(poor, 'dee')).filter((l) => l.kind === 'actual');
    expect(actual.reduce((sum, l) => sum + l.amount, 0)).toBe(
      poor.sandbox.billing().charges.reduce((sum, c) => sum + c.credits, 0),
    );
  });

  it('a swap that does not show the source person is failed and never enhanced', async () => {
    const r = await rig();
    await prepareModel(r, 'eve', { identityThreshold: 0.0001 });
    const summary = await r.studio.run(await r.studio.plan('eve', { ratings: ['sfw'] }));
    expect(summary.succeeded).toBe(0);
    expect(summary.failed.map((f) => [f.stage, f.code])).toEqual([
      ['verify', 'swap-identity-mismatch'],
      ['verify', 'swap-identity-mismatch'],
    ]);
    expect(summary.failed[0]!.message).toMatch(/does not show the source person/);
    expect(chargesOf(r, 'swap')).toHaveLength(2);
    expect(chargesOf(r, 'enhance')).toHaveLength(0);
  });

  it('enforces consent: uncovered ratings are refused and revocation stops the run', async () => {
    const r = await rig({
      sandbox: { jobDurations: { swap: { pendingMs: 50, runningMs: 800 }, enhance: { pendingMs: 20, runningMs: 60 } } },
    });
    await prepareModel(r, 'fay');
    const refused = await r.studio.plan('fay', { ratings: ['nsfw'] }).catch((error: unknown) => error);
    expect(ConsentError.isInstance(refused)).toBe(true);
    expect((refused as ConsentError).missing).toEqual(['rating "nsfw" not in allowed ratings [sfw]']);

    const plan = await r.studio.plan('fay', { ratings: ['sfw'] });
    let revocation: Promise<void> | undefined;
    const summary = await r.studio.run(plan, {
      onEvent: (event) => {
        if (event.type === 'cost-recorded' && event.kind === 'reserved') {
          revocation ??= r.studio.revokeConsent('fay', { reason: 'subject withdrew' });
        }
      },
    });
    await revocation;
    expect(summary.outcome).toBe('consent-revoked');
    expect(chargesOf(r, 'enhance')).toHaveLength(0);
    const after = await r.studio.plan('fay', { ratings: ['sfw'] }).catch((error: unknown) => error);
    expect(ConsentError.isInstance(after)).toBe(true);
    expect((after as ConsentError).message).toMatch(/revoked/);
  });

  it('refuses to hand loopback storage URLs to the real cloud API', async () => {
    const r = await rig();
    const client = createMaxStudio({ baseURL: 'https://api.maxstudio.ai', apiKey: 'never-sent' });
    const { swapper, enhancer } = createMaxStudioProvider({ storage: r.storage, client });
    expect(() =>
      createStudio({
        workspace: r.workspace,
        swapper,
        enhancer,
        faceChecker: qualityChecker(),
        imageProcessor: createImageProcessor(),
      }),
    ).toThrow(ValidationError);
  });
});
