import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalStorage, ProviderError, type TrainingEvent, ValidationError } from '@model-studio/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildAiToolkitConfig } from '../src/ai-toolkit/index.js';
import { LocalTrainer, type LocalTrainerSettings } from '../src/local/index.js';
import { listCheckpoints } from '../src/versions/index.js';
import { smallDatasetTar } from './runpod-harness.js';

const fake = fileURLToPath(new URL('./fixtures/fake-ai-toolkit.mjs', import.meta.url));
const datasetPrefix = 'models/andie/datasets/v1';
const config = buildAiToolkitConfig({
  family: 'flux',
  trigger: 'andie',
  overrides: { 'train.steps': 8, 'save.save_every': 4, 'sample.sample_every': 4, 'network.linear': 8 },
}) as unknown as Record<string, unknown>;

describe('LocalTrainer with an ai-toolkit config (a fake `python run.py`)', () => {
  let root: string;
  let storage: LocalStorage;
  let events: TrainingEvent[];
  const make = (extra: Partial<LocalTrainerSettings> = {}) =>
    new LocalTrainer({
      storage,
      workRoot: join(root, 'runs'),
      command: [process.execPath, fake],
      pollIntervalMs: 20,
      killGraceMs: 2000,
      onEvent: (event) => events.push(event),
      ...extra,
    });

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'local-aitk-'));
    storage = new LocalStorage({ root: join(root, 'workspace') });
    await storage.put(`${datasetPrefix}/dataset.tar`, await smallDatasetTar());
    events = [];
  });
  afterEach(async () => {
    await storage.close();
    await rm(root, { recursive: true, force: true });
  });

  it('writes config.yaml into the run, reads the training bar, returns the LoRA, checkpoints and samples', async () => {
    const trainer = make();
    const request = { model: 'andie', datasetPrefix, config, runId: 'aitk1', outputPrefix: 'models/andie/loras/aitk1' };
    await trainer.prepare(request);
    const job = await trainer.start(request);
    const dir = trainer.runDir(job);
    const yaml = parse(await readFile(join(dir, 'config.yaml'), 'utf8'));
    expect(yaml.config.process[0].training_folder).toBe(join(dir, 'output'));
    expect(yaml.config.process[0].datasets[0].folder_path).toBe(join(dir, 'dataset/simpletuner/images'));
    const final = await trainer.wait(job);
    expect(final).toMatchObject({ status: 'completed', step: 8, totalSteps: 8 });
    expect(final.loss).toBeCloseTo(0.0625);
    expect(
      events.some((e) => e.type === 'progress' && (e.progress.step ?? 0) > 0 && e.progress.loss !== undefined),
    ).toBe(true);

    const artifacts = await trainer.fetchArtifacts(job);
    const names = artifacts.map((artifact) => artifact.name).sort();
    expect(names).toContain('andie_flux_lora.safetensors');
    expect(names).toContain('checkpoints/andie_flux_lora_000000004.safetensors');
    expect(names).not.toContain('andie_flux_lora/optimizer.pt');
    expect(listCheckpoints(names, { finalStep: 8 }).map((c) => [c.step, c.final, c.samples.length])).toEqual([
      [4, false, 2],
      [8, true, 2],
    ]);
    const metrics = artifacts.find((a) => a.name === 'training_metrics.jsonl')!;
    expect(new TextDecoder().decode(metrics.bytes).trim().split('\n')).toHaveLength(8);
    expect(
      await storage.head('models/andie/loras/aitk1/checkpoints/andie_flux_lora_000000004.safetensors'),
    ).toBeTruthy();
  });

  it('exit 0 without the final LoRA (ai-toolkit\'s "Job stopped") is a failure, not a success', async () => {
    const trainer = make({ env: { FAKE_STOP_AT: '3' } });
    const job = await trainer.start({ model: 'andie', datasetPrefix, config, runId: 'aitk-stop' });
    const error = await trainer.wait(job).catch((caught: unknown) => caught);
    expect(ProviderError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/exited 0 but wrote no andie_flux_lora\.safetensors/);
  });

  it('prepare refuses an aiToolkitDir without run.py, with a typed error', async () => {
    const trainer = make({ aiToolkitDir: root });
    const error = await trainer.prepare({ model: 'andie', datasetPrefix, config }).catch((caught: unknown) => caught);
    expect(ValidationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/has no run\.py/);
  });
});
