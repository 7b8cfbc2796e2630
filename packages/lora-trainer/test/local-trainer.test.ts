import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalStorage, ProviderError, type TrainingEvent, ValidationError } from '@model-studio/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalTrainer, type LocalTrainerSettings } from '../src/local/index.js';
import { isAlive } from '../src/local/process-group.js';
import { smallDatasetTar } from './runpod-harness.js';

const fake = fileURLToPath(new URL('./fixtures/fake-simpletuner.mjs', import.meta.url));
const datasetPrefix = 'models/andie/datasets/v1';
const config = { model_family: 'flux', max_train_steps: 8, lora_rank: 8 };

describe('LocalTrainer with a fake simpletuner command', () => {
  let root: string;
  let storage: LocalStorage;
  let events: TrainingEvent[];
  const make = (extra: Partial<LocalTrainerSettings> = {}) =>
    new LocalTrainer({
      storage,
      workRoot: join(root, 'runs'),
      command: [process.execPath, fake, 'train'],
      pollIntervalMs: 20,
      killGraceMs: 2000,
      onEvent: (event) => events.push(event),
      ...extra,
    });

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'local-trainer-'));
    storage = new LocalStorage({ root: join(root, 'workspace') });
    await storage.put(`${datasetPrefix}/dataset.tar`, await smallDatasetTar());
    events = [];
  });
  afterEach(async () => {
    await storage.close();
    await rm(root, { recursive: true, force: true });
  });

  it('trains: unpacks the dataset, reads metrics and console, returns the artifacts and copies them to storage', async () => {
    const trainer = make();
    await trainer.prepare({ model: 'andie', datasetPrefix, config });
    const job = await trainer.start({
      model: 'andie',
      datasetPrefix,
      config,
      runId: 'run1',
      outputPrefix: 'models/andie/loras/run1',
    });
    const dir = trainer.runDir(job);
    expect(await readFile(join(dir, 'dataset/images/andie-1.txt'), 'utf8')).toBe('photo of sar woman');
    const runConfig = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
    expect(runConfig.data_backend_config).toBe(join(dir, 'dataset/simpletuner/multidatabackend.json'));
    const backends = JSON.parse(await readFile(runConfig.data_backend_config, 'utf8'));
    expect(backends[0].instance_data_dir).toBe(join(dir, 'dataset/simpletuner/images'));
    const final = await trainer.wait(job);
    expect(final).toMatchObject({ status: 'completed', step: 8, totalSteps: 8 });
    expect(final.loss).toBeCloseTo(0.0625);
    expect(events.some((e) => e.type === 'log-line' && e.line.line.includes('Total optimization steps = 8'))).toBe(
      true,
    );
    expect(events.at(-1)).toMatchObject({ type: 'job-end', status: 'completed' });
    const artifacts = await trainer.fetchArtifacts(job);
    const names = artifacts.map((a) => `${a.kind}:${a.name}`).sort();
    expect(names).toEqual([
      'log:train.log',
      'lora:pytorch_lora_weights.safetensors',
      'metrics:training_metrics.jsonl',
      'sample:validation_images/step_10_sample.png',
    ]);
    expect(await storage.head('models/andie/loras/run1/pytorch_lora_weights.safetensors')).toBeDefined();
    expect(await trainer.cost()).toMatchObject({ usd: 0, final: true });
    // A second start of the same run reattaches instead of starting again.
    expect((await trainer.start({ model: 'andie', datasetPrefix, config, runId: 'run1' })).id).toBe('run1');
  });

  it('reports a failing command with its exit code, and a fresh instance reattaches by run id', async () => {
    const job = await make({ env: { FAKE_FAIL_AT: '3' } }).start({
      model: 'andie',
      datasetPrefix,
      config,
      runId: 'bad',
    });
    const fresh = make();
    const error = await fresh.wait(await fresh.attach('bad')).catch((e: unknown) => e);
    expect(ProviderError.isInstance(error) && error.reason).toBe('job-failed');
    expect((error as Error).message).toContain('exited with code 3');
    expect((await fresh.logs(job)).some((line) => line.line.includes('CUDA out of memory'))).toBe(true);
  });

  it('cancel (an aborted wait) kills the whole process group, grandchildren included', async () => {
    const trainer = make({ env: { FAKE_GRANDCHILD: '1', FAKE_STEP_MS: '200' } });
    const job = await trainer.start({
      model: 'andie',
      datasetPrefix,
      config: { ...config, max_train_steps: 1000 },
      runId: 'cancel',
    });
    const controller = new AbortController();
    const waiting = trainer.wait(job, {
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'progress' && (event.progress.step ?? 0) >= 1) controller.abort(new Error('Ctrl-C'));
      },
    });
    await expect(waiting).rejects.toThrow('Ctrl-C');
    const grandchild = Number(await readFile(join(trainer.runDir(job), 'output/grandchild.pid'), 'utf8'));
    const { pid } = JSON.parse(await readFile(join(trainer.runDir(job), 'job.json'), 'utf8'));
    expect(isAlive(-pid)).toBe(false);
    expect(isAlive(grandchild)).toBe(false);
    expect((await trainer.status(job)).status).toBe('cancelled');
  });

  it('refuses a missing command and a missing dataset before starting', async () => {
    const missing = await make({ command: ['no-such-simpletuner-binary', 'train'] })
      .prepare({ model: 'andie', datasetPrefix, config })
      .catch((e: unknown) => e);
    expect(ValidationError.isInstance(missing)).toBe(true);
    expect((missing as Error).message).toContain("pip install 'simpletuner[cuda]'");
    await expect(
      make().prepare({ model: 'andie', datasetPrefix: 'models/andie/datasets/none', config }),
    ).rejects.toThrow(/archive .* is missing/);
    await expect(make().attach('../escape')).rejects.toThrow(/Bad local run id/);
  });
});
