/**
 * The dataset stage (`studio.buildDataset`) on a plain context with core's mock adapters and an in-memory
 * `DatasetBuilder`: the candidates it is given (enhanced results, captions, caption states, scores, threshold and
 * words), consent `train`, the journaled stage, and a version that is built once.
 */
import {
  ConsentError,
  type DatasetBuilder,
  type DatasetBuildRequest,
  type DatasetBuildSummary,
  ValidationError,
} from '@model-studio/core';
import { createMockCaptioner } from '@model-studio/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildModelDataset } from '../../src/orchestrator/verbs/build-dataset.js';
import { captionResults } from '../../src/orchestrator/verbs/caption-results.js';
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

/** A builder that writes a manifest of what it selected (score above the threshold) and remembers its requests. */
function memoryBuilder() {
  const requests: DatasetBuildRequest[] = [];
  const builder: DatasetBuilder = {
    specificationVersion: 'v1',
    async build(request) {
      requests.push(request);
      const selected = request.candidates.filter((c) => (c.score ?? 0) > request.minScore && c.caption);
      const prefix = `models/${request.model}/datasets/${request.version}`;
      for (const candidate of selected)
        await request.storage.put(`${prefix}/images/${candidate.name}`, await candidate.read());
      const summary: DatasetBuildSummary = {
        model: request.model,
        version: request.version,
        prefix,
        manifestKey: `${prefix}/manifest.json`,
        archiveKey: `${prefix}/dataset.tar`,
        selected: selected.map((c) => c.name),
        rejected: request.candidates
          .filter((c) => !selected.includes(c))
          .map((c) => ({ name: c.name, reason: 'score' })),
      };
      await request.storage.put(summary.manifestKey, new TextEncoder().encode(JSON.stringify(summary)));
      return summary;
    },
    async read(storage, model, version) {
      const key = `models/${model}/datasets/${version}/manifest.json`;
      if (!(await storage.head(key))) return undefined;
      return JSON.parse(await new Response(await storage.get(key)).text()) as DatasetBuildSummary;
    },
  };
  return { builder, requests };
}

async function captionedModel(name: string, uses: ('swap' | 'train')[] = ['swap', 'train']) {
  await rig.model(name, 1, 2);
  const context = rig.context();
  await runPlan(context, await planRun(context, name));
  await context.records.close();
  const config = await rig.workspace.getModel(name);
  await rig.workspace.setConsent(name, { ...config.consent!, allowedUses: ['swap', 'train'] });
  const captioning = rig.context({ captioner: createMockCaptioner() });
  await captionResults(captioning, name);
  await captioning.records.close();
  await rig.workspace.setConsent(name, { ...config.consent!, allowedUses: uses });
}

describe('studio.buildDataset', () => {
  it('gives the builder every enhanced result with its caption, the words and the threshold; journals the stage once', async () => {
    await captionedModel('andie');
    const { builder, requests } = memoryBuilder();
    const context = rig.context({ datasetBuilder: builder });
    const summary = await buildModelDataset(context, 'andie', { version: 'v1', allowUnreviewed: true, minScore: -1 });
    expect(requests).toHaveLength(1);
    const request = requests[0]!;
    expect(request.candidates.map((c) => c.name)).toEqual([
      'andie-s1-t001-sfw-enhanced.jpg',
      'andie-s1-t002-sfw-enhanced.jpg',
    ]);
    expect(request.candidates.every((c) => c.caption?.state === 'generated' && c.samePerson === true)).toBe(true);
    expect(request.triggerWord).toBe('andie');
    expect(request.allowUnreviewed).toBe(true);
    expect(summary.selected).toHaveLength(2);
    expect(await rig.storage.head('models/andie/datasets/v1/images/andie-s1-t001-sfw-enhanced.jpg')).toBeTruthy();
    const status = await modelStatus(context, 'andie');
    expect(status.done).toContain('andie:dataset:v1');
    // Built once: asking again returns it as it is.
    const again = await buildModelDataset(context, 'andie', { version: 'v1' });
    expect(again.alreadyBuilt).toBe(true);
    expect(requests).toHaveLength(1);
  });

  it('uses the model’s minTrainingScore by default', async () => {
    await captionedModel('andie');
    const { builder, requests } = memoryBuilder();
    await buildModelDataset(rig.context({ datasetBuilder: builder }), 'andie', { version: 'v1' });
    const config = await rig.workspace.getModel('andie');
    expect(requests[0]!.minScore).toBe(config.settings.thresholds.minTrainingScore);
  });

  it('refuses without consent for `train`, without a builder, and without results, saying what to do', async () => {
    await captionedModel('andie', ['swap']);
    const { builder, requests } = memoryBuilder();
    const refused = await buildModelDataset(rig.context({ datasetBuilder: builder }), 'andie', { version: 'v1' }).catch(
      (e) => e,
    );
    expect(ConsentError.isInstance(refused)).toBe(true);
    expect(requests).toHaveLength(0);
    await expect(buildModelDataset(rig.context({}), 'andie', { version: 'v1' })).rejects.toThrow(
      'createDatasetBuilder()',
    );
    await rig.model('empty', 1, 1);
    const none = await buildModelDataset(rig.context({ datasetBuilder: builder }), 'empty', { version: 'v1' }).catch(
      (e) => e,
    );
    expect(ValidationError.isInstance(none)).toBe(true);
    expect((none as Error).message).toMatch(/run it/);
  });
});
