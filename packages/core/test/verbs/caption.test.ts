/**
 * The caption stage and verb (`studio.caption`, `studio.captions`, `studio.editCaptions`) on a plain context with
 * core's mock adapters and mock captioner: consent `train`, one caption per enhanced result, journaled and ledgered,
 * never rewriting a person's caption, undo, and the caption stage inside `run` when the config asks for it.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConsentError, type StudioSettings, storageKeys, ValidationError } from '@model-studio/core';
import {
  createMockCaptioner,
  createMockEnhancer,
  createMockFaceChecker,
  createMockImageProcessor,
  createMockSwapper,
} from '@model-studio/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captionResults, editCaptions, listCaptions } from '../../src/orchestrator/verbs/caption-results.js';
import { modelCosts } from '../../src/orchestrator/verbs/model-costs.js';
import { modelStatus } from '../../src/orchestrator/verbs/model-status.js';
import { planRun } from '../../src/orchestrator/verbs/plan-run.js';
import { runPlan } from '../../src/orchestrator/verbs/run-plan.js';
import { type VerbRig, verbRig } from './verb-rig.js';

let rig: VerbRig;
beforeEach(async () => {
  rig = await verbRig();
});
afterEach(async () => {
  await rig.dispose();
});

/** A model with 1 source x 2 targets run through swap and enhance, and consent for `uses`. */
async function enhancedModel(name: string, uses: ('swap' | 'train')[] = ['swap', 'train']) {
  await rig.model(name, 1, 2);
  const context = rig.context();
  await runPlan(context, await planRun(context, name));
  await context.records.close();
  const config = await rig.workspace.getModel(name);
  await rig.workspace.setConsent(name, { ...config.consent!, allowedUses: uses });
}

function adapters(extra: Partial<StudioSettings>): Partial<StudioSettings> {
  return {
    swapper: createMockSwapper({ storage: rig.storage, account: rig.account }),
    enhancer: createMockEnhancer({ storage: rig.storage, account: rig.account }),
    faceChecker: createMockFaceChecker(),
    imageProcessor: createMockImageProcessor(),
    ...extra,
  };
}

describe('studio.caption', () => {
  it('needs consent that allows training, and a captioner', async () => {
    await enhancedModel('ada', ['swap']);
    const captioner = createMockCaptioner();
    await expect(captionResults(rig.context(adapters({ captioner })), 'ada')).rejects.toBeInstanceOf(ConsentError);
    expect(captioner.calls).toBe(0);
    const config = await rig.workspace.getModel('ada');
    await rig.workspace.setConsent('ada', { ...config.consent!, allowedUses: ['swap', 'train'] });
    const error = await captionResults(rig.context(adapters({})), 'ada').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(/captioner/);
  });

  it('refuses a model with no enhanced results, with a hint to run it', async () => {
    await rig.model('bea', 1, 1);
    const config = await rig.workspace.getModel('bea');
    await rig.workspace.setConsent('bea', { ...config.consent!, allowedUses: ['swap', 'train'] });
    const error = await captionResults(rig.context(adapters({ captioner: createMockCaptioner() })), 'bea').catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).hint).toEqual({ action: 'run', model: 'bea' });
  });

  it('writes one caption per enhanced result beside it, records it, and never captions it twice', async () => {
    await enhancedModel('ada');
    const captioner = createMockCaptioner();
    const context = rig.context(adapters({ captioner }));
    const summary = await captionResults(context, 'ada');
    expect(summary.outcome).toBe('completed');
    expect(summary.succeeded).toBe(2);
    expect(captioner.calls).toBe(2);
    const key = storageKeys.caption({ model: 'ada', source: 1, target: 1, rating: 'sfw' });
    const text = await readFile(join(rig.root, key), 'utf8');
    expect(text).toMatch(/^ada, person, portrait photo, one person/);
    const entries = await listCaptions(context, 'ada');
    expect(entries.map((entry) => [entry.name, entry.state, entry.source])).toEqual([
      [
        'ada-s1-t001-sfw-enhanced.jpg',
        'generated',
        { kind: 'captioner', provider: 'mock-captioner', model: 'mock-describer' },
      ],
      [
        'ada-s1-t002-sfw-enhanced.jpg',
        'generated',
        { kind: 'captioner', provider: 'mock-captioner', model: 'mock-describer' },
      ],
    ]);
    expect(entries[0]!.text).toBe(text);
    const status = await modelStatus(context, 'ada');
    expect(status.stages.done).toBe(6);
    const again = await captionResults(context, 'ada');
    expect(again.total).toBe(0);
    expect(captioner.calls).toBe(2);
  });

  it('records a paid captioner in the ledger at its token prices', async () => {
    await enhancedModel('ada');
    await rig.workspace.updateSettings('ada', {
      prices: { caption: { units: 0.01, unit: 'usd' } },
      captions: { tokenPrices: { input: 2, output: 10, unit: 'usd' } },
    });
    const captioner = createMockCaptioner({ paid: true, usage: { inputTokens: 1000, outputTokens: 100 } });
    const context = rig.context(adapters({ captioner }));
    const summary = await captionResults(context, 'ada');
    // 1000 x 2 / 1M + 100 x 10 / 1M = 0.003 usd per caption.
    expect(summary.money.charged).toEqual({ usd: 0.006 });
    const costs = await modelCosts(context, 'ada');
    const caption = costs.summary.rows.find((row) => row.op === 'caption');
    expect(caption).toMatchObject({ actual: 0.006, unitOfAccount: 'usd', actualCount: 2, reserved: 0 });
  });

  it('never rewrites a caption a person wrote, and undoes an edit', async () => {
    await enhancedModel('ada');
    const captioner = createMockCaptioner();
    const context = rig.context(adapters({ captioner }));
    const name = 'ada-s1-t002-sfw-enhanced.jpg';
    const captionKey = storageKeys.caption({ model: 'ada', source: 1, target: 2, rating: 'sfw' });
    await editCaptions(context, 'ada', async (records) => {
      const op = records.begin('set', 'by hand');
      await records.write(
        {
          name,
          imageKey: storageKeys.result({ model: 'ada', source: 1, target: 2, rating: 'sfw', stage: 'enhanced' }),
          captionKey,
          rating: 'sfw',
          text: 'a photo of ada, written by a person',
          source: { kind: 'person' },
          state: 'edited',
        },
        op,
      );
    });
    const summary = await captionResults(context, 'ada');
    expect(summary.succeeded).toBe(1);
    expect(captioner.calls).toBe(1);
    expect(await readFile(join(rig.root, captionKey), 'utf8')).toBe('a photo of ada, written by a person');

    const first = 'ada-s1-t001-sfw-enhanced.jpg';
    const generated = (await listCaptions(context, 'ada')).find((entry) => entry.name === first)!;
    await editCaptions(context, 'ada', async (records) => {
      const op = records.begin('set', 'fix one');
      await records.write(
        { ...generated, text: 'ada, person, fixed', source: { kind: 'person' }, state: 'edited' },
        op,
      );
    });
    const undone = await editCaptions(context, 'ada', (records) => records.undo());
    expect(undone.restored).toEqual([first]);
    const after = (await listCaptions(context, 'ada')).find((entry) => entry.name === first)!;
    expect(after.text).toBe(generated.text);
    expect(after.state).toBe('generated');
    expect(after.history.map((version) => version.text)).toEqual([generated.text, 'ada, person, fixed']);
    await expect(editCaptions(context, 'ada', (records) => records.undo('generate-nope'))).rejects.toThrow(
      /No caption/,
    );
  });

  it('adopts a caption file nobody recorded as imported, and never overwrites it', async () => {
    await enhancedModel('ada');
    const key = storageKeys.caption({ model: 'ada', source: 1, target: 2, rating: 'sfw' });
    await rig.storage.put(key, new TextEncoder().encode('ada, person, written in an editor\n'));
    const captioner = createMockCaptioner();
    const context = rig.context(adapters({ captioner }));
    const summary = await captionResults(context, 'ada');
    expect(summary.succeeded).toBe(2);
    expect(captioner.calls).toBe(1);
    expect(await readFile(join(rig.root, key), 'utf8')).toBe('ada, person, written in an editor\n');
    const adopted = (await listCaptions(context, 'ada')).find((entry) => entry.name === 'ada-s1-t002-sfw-enhanced.jpg');
    expect(adopted).toMatchObject({
      text: 'ada, person, written in an editor\n',
      source: { kind: 'imported', from: 'a caption file found beside the image' },
    });
  });

  it('captions as the last stage of run when the config asks for it, and a failed caption fails only its unit', async () => {
    await rig.model('cai', 1, 2);
    const config = await rig.workspace.getModel('cai');
    await rig.workspace.setConsent('cai', { ...config.consent!, allowedUses: ['swap', 'train'] });
    await rig.workspace.updateSettings('cai', { captions: { inRun: true, prefix: 'photo of ' } });
    const captioner = createMockCaptioner();
    captioner.failNext(new ValidationError('caption refused for the test', { field: 'image' }));
    const context = rig.context(adapters({ captioner }));
    const summary = await runPlan(context, await planRun(context, 'cai'), { maxUnitAttempts: 1 });
    expect(summary.succeeded).toBe(1);
    expect(summary.failed.map((failure) => failure.stage)).toEqual(['caption']);
    const entries = await listCaptions(context, 'cai');
    expect(entries).toHaveLength(1);
    expect(entries[0]!.text).toMatch(/^photo of cai, person, /);
    const status = await modelStatus(context, 'cai');
    expect(status.stages).toMatchObject({ total: 6, done: 5, failed: 1 });
  });
});
