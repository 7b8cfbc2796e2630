import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalStorage, NotFoundError, ValidationError } from '@model-studio/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  buildDataset,
  createRunpodTrainerFromSettings,
  engineOfConfig,
  loadTrainingSetup,
  RunpodTrainer,
  runPreflight,
} from '../src/index.js';
import { startRunpodSandbox } from '../src/testing/index.js';
import { candidate } from './fixtures/dataset-candidates.js';

let root: string;
let storage: LocalStorage;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'lora-setup-'));
  storage = new LocalStorage({ root });
  await buildDataset({
    storage,
    model: 'andie',
    version: 'v1',
    candidates: [candidate(1), candidate(2)],
    family: 'flux',
    trigger: 'andie',
    classWord: 'woman',
    repeats: 10,
  });
});
afterEach(async () => {
  await storage.close();
  await rm(root, { recursive: true, force: true });
});

describe('loadTrainingSetup', () => {
  it('reads the built dataset and builds the SimpleTuner config with its backends, ready for the pre-flight', async () => {
    const setup = await loadTrainingSetup({ storage, model: 'andie', trigger: 'andie', classWord: 'woman', steps: 8 });
    expect(setup.engine).toBe('simpletuner');
    expect(setup.family).toBe('flux');
    expect(setup.manifest.files.map((file) => file.file)).toEqual([
      'andie-s1-t001-sfw-enhanced.jpg',
      'andie-s1-t002-sfw-enhanced.jpg',
    ]);
    expect(engineOfConfig(setup.config)).toBe('simpletuner');
    expect(setup.config).toMatchObject({ max_train_steps: 8 });
    expect(setup.preflight.backends?.[0]).toMatchObject({ repeats: 9 });
    expect(setup.preflight.images).toEqual([
      { name: 'andie-s1-t001-sfw-enhanced.jpg', width: 1024, height: 1024, caption: 'a photo of andie woman, pose 1' },
      { name: 'andie-s1-t002-sfw-enhanced.jpg', width: 1024, height: 1024, caption: 'a photo of andie woman, pose 2' },
    ]);
    const report = await runPreflight(setup.preflight);
    expect(report.estimates.loraBytes).toBeGreaterThan(0);
    expect(report.findings.some((finding) => finding.check === 'base-model-access')).toBe(true);
  });

  it('builds an ai-toolkit config with the rank asked for and no SimpleTuner backends', async () => {
    const setup = await loadTrainingSetup({
      storage,
      model: 'andie',
      dataset: 'v1',
      engine: 'ai-toolkit',
      trigger: 'andie',
      rank: 8,
    });
    expect(engineOfConfig(setup.config)).toBe('ai-toolkit');
    expect(JSON.stringify(setup.config)).toContain('"linear":8');
    expect(setup.preflight.backends).toBeUndefined();
    expect((await runPreflight(setup.preflight)).estimates.loraBytes).toBeGreaterThan(0);
  });

  it('refuses a dataset that is not built with a NotFoundError ending with the caller hint', async () => {
    const attempt = loadTrainingSetup({
      storage,
      model: 'andie',
      dataset: 'v9',
      trigger: 'andie',
      buildHint: 'run `studio dataset build andie v9`',
    });
    await expect(attempt).rejects.toBeInstanceOf(NotFoundError);
    await expect(attempt).rejects.toThrow('Dataset v9 of "andie" is not built: run `studio dataset build andie v9`.');
  });

  it('refuses a version name that could escape the workspace, and a corrupt manifest', async () => {
    await expect(
      loadTrainingSetup({ storage, model: 'andie', dataset: '../v1', trigger: 'andie' }),
    ).rejects.toBeInstanceOf(ValidationError);
    await writeFile(join(root, 'models/andie/datasets/v1/manifest.json'), '{"manifestVersion": 1,');
    const attempt = loadTrainingSetup({ storage, model: 'andie', trigger: 'andie' });
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toThrow('models/andie/datasets/v1/manifest.json is not valid JSON');
  });
});

describe('createRunpodTrainerFromSettings', () => {
  it('trains on the in-process sandbox when one is given, and closes it', async () => {
    const sandbox = await startRunpodSandbox({ clockFactor: 60 });
    const chosen = createRunpodTrainerFromSettings({ storage, apiKey: 'rp_key', inProcessSandbox: sandbox });
    expect(chosen.trainer).toBeInstanceOf(RunpodTrainer);
    expect(chosen).toMatchObject({ sandbox: true, inProcess: true });
    expect(chosen.label).toBe(
      `RunPod sandbox (in-process at ${sandbox.url}; nothing is paid, the LoRA is a sandbox file)`,
    );
    expect(await chosen.estimateUsd()).toBeGreaterThan(0);
    await chosen.close();
    await expect(fetch(`${sandbox.url}/pods`)).rejects.toThrow();
  });

  it('takes a loopback base URL for a sandbox on this machine, else the real API with the key', async () => {
    const sandbox = await startRunpodSandbox();
    try {
      const loopback = createRunpodTrainerFromSettings({ storage, baseUrl: sandbox.url, apiKey: sandbox.apiKey });
      expect(loopback).toMatchObject({ sandbox: true, inProcess: false });
      expect(loopback.label).toBe(`RunPod sandbox at ${sandbox.url} (loopback; nothing is paid)`);
      expect(await loopback.estimateUsd()).toBeGreaterThan(0);
      await loopback.close();
    } finally {
      await sandbox.close();
    }
    const real = createRunpodTrainerFromSettings({ storage, apiKey: 'rp_key' });
    expect(real).toMatchObject({ sandbox: false, inProcess: false, label: 'RunPod (https://api.runpod.io)' });
  });

  it('refuses without a key or a sandbox, naming the setting and not a secret', () => {
    const attempt = () => createRunpodTrainerFromSettings({ storage, baseUrl: 'https://api.runpod.io' });
    expect(attempt).toThrow(ValidationError);
    expect(attempt).toThrow('No RunPod API key is configured: set RUNPOD_API_KEY');
  });
});
