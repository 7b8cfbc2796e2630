import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalStorage, type TrainSummary, ValidationError } from '@model-studio/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  buildDataset,
  prepareTrainingRequest,
  readLoraVersion,
  recordTrainedVersion,
  sandboxLoraFile,
  trainingRequestKey,
} from '../src/index.js';
import { candidate } from './fixtures/dataset-candidates.js';

let root: string;
let storage: LocalStorage;
const base = { model: 'andie', version: 'v1', dataset: 'v1', trigger: 'andie', classWord: 'woman' };

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'lora-request-'));
  storage = new LocalStorage({ root });
  await buildDataset({
    storage,
    model: 'andie',
    version: 'v1',
    candidates: [candidate(1), candidate(2)],
    family: 'sdxl',
    trigger: 'andie',
    classWord: 'woman',
    repeats: 10,
  });
});
afterEach(async () => {
  await storage.close();
  await rm(root, { recursive: true, force: true });
});

const readSaved = async () =>
  JSON.parse(await new Response(await storage.get(trainingRequestKey('andie', 'v1'))).text()) as Record<
    string,
    unknown
  >;

describe('prepareTrainingRequest', () => {
  it('builds a SimpleTuner request with the steps and rank asked for, for the dataset family, and saves it', async () => {
    const request = await prepareTrainingRequest({ storage, ...base, steps: 40, rank: 4 });
    expect(request).toMatchObject({ dataset: 'v1', family: 'sdxl', engine: 'simpletuner' });
    expect(request.config).toMatchObject({ max_train_steps: 40, lora_rank: 4, lora_alpha: 4 });
    expect(await readSaved()).toEqual(request);
  });

  it('builds an ai-toolkit request with the steps and rank in its process', async () => {
    const request = await prepareTrainingRequest({ storage, ...base, engine: 'ai-toolkit', steps: 50, rank: 8 });
    expect(request.engine).toBe('ai-toolkit');
    const process = (request.config.config as { process: Array<Record<string, Record<string, unknown>>> }).process[0];
    expect(process?.train?.steps).toBe(50);
    expect(process?.network).toMatchObject({ linear: 8, linear_alpha: 8 });
    expect((await readSaved()).engine).toBe('ai-toolkit');
  });

  it('reuses the saved request of an earlier attempt (new steps, rank and dataset do not change it)', async () => {
    const first = await prepareTrainingRequest({ storage, ...base, engine: 'ai-toolkit', rank: 8 });
    const again = await prepareTrainingRequest({ storage, ...base, dataset: 'v9', rank: 32, steps: 5 });
    expect(again).toEqual(first);
  });

  it('refuses another engine than the saved request used, saying how to go on', async () => {
    await prepareTrainingRequest({ storage, ...base });
    const refused = await prepareTrainingRequest({ storage, ...base, engine: 'ai-toolkit' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).field).toBe('engine');
    expect((refused as Error).message).toMatch(/started with simpletuner.*finish it.*new version/);
  });

  it('refuses a dataset that is not built, with the caller hint or a neutral one', async () => {
    const neutral = await prepareTrainingRequest({ storage, ...base, version: 'v2', dataset: 'v2' }).catch(
      (e: unknown) => e,
    );
    expect(neutral).toBeInstanceOf(ValidationError);
    expect((neutral as Error).message).toBe('Dataset v2 of "andie" is not built: build dataset v2 first.');
    const hinted = await prepareTrainingRequest({
      storage,
      ...base,
      version: 'v2',
      dataset: 'v2',
      buildHint: 'run `build v2`',
    }).catch((e: unknown) => e);
    expect((hinted as Error).message).toMatch(/run `build v2`\.$/);
    expect(await storage.head(trainingRequestKey('andie', 'v2'))).toBeFalsy();
  });
});

describe('recordTrainedVersion', () => {
  it('records the version from the output keys, once', async () => {
    const request = await prepareTrainingRequest({ storage, ...base, rank: 4 });
    const outputKey = 'models/andie/training/v1/output/models/pytorch_lora_weights.safetensors';
    await storage.put(outputKey, sandboxLoraFile({ family: 'sdxl', rank: 4 }));
    const summary: TrainSummary = {
      model: 'andie',
      stageId: 'andie:train:v1',
      version: 'v1',
      dataset: 'v1',
      job: { id: 'job-1', provider: 'runpod' },
      reattached: false,
      alreadyDone: true,
      progress: { status: 'completed' },
      outputKeys: [outputKey],
    };
    const recorded = await recordTrainedVersion({ storage, model: 'andie', version: 'v1', request, summary });
    expect(recorded).toMatchObject({
      key: 'models/andie/loras/v1/pytorch_lora_weights.safetensors',
      sandbox: true,
      engine: 'simpletuner',
    });
    expect(recorded.bytes).toBeGreaterThan(0);
    expect((await readLoraVersion(storage, 'andie', 'v1')).trainer).toEqual({ provider: 'runpod', jobId: 'job-1' });
    const again = await recordTrainedVersion({ storage, model: 'andie', version: 'v1', request, summary });
    expect(again).toEqual(recorded);
  });
});
