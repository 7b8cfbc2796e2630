import { spawnSync } from 'node:child_process';
import { ValidationError } from '@model-studio/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aiToolkitPinnedRef } from '../src/ai-toolkit/ai-toolkit-start-command.js';
import { inspectLora } from '../src/safetensors/index.js';
import type { TrainingEngine } from '../src/training-engine.js';
import { compareLoraVersions, listCheckpoints, recordLoraVersion, showLoraVersion } from '../src/versions/index.js';
import {
  aiToolkitTestConfig,
  datasetPrefix,
  type RunpodHarness,
  runpodHarness,
  simpleTunerCheckpointConfig,
} from './runpod-harness.js';

interface EngineCase {
  engine: TrainingEngine;
  config: Record<string, unknown>;
  lora: string;
  /** What the pod's start command must run. */
  command: RegExp[];
  /** A console line the engine prints. */
  consoleLine: RegExp;
  podConfig: (config: Record<string, unknown>) => unknown;
}

const engines: EngineCase[] = [
  {
    engine: 'simpletuner',
    config: simpleTunerCheckpointConfig,
    lora: 'pytorch_lora_weights.safetensors',
    command: [/simpletuner\[cuda\]/, /CONFIG_BACKEND=json CONFIG_PATH=config\.json simpletuner train/],
    consoleLine: /Total optimization steps = 12/,
    podConfig: (config) => config.data_backend_config,
  },
  {
    engine: 'ai-toolkit',
    config: aiToolkitTestConfig,
    lora: 'andie_flux_lora.safetensors',
    command: [
      /git clone --filter=blob:none https:\/\/github\.com\/ostris\/ai-toolkit\.git/,
      new RegExp(`git checkout --quiet ${aiToolkitPinnedRef}`),
      /PYTHONUNBUFFERED=1 python run\.py \/workspace\/run\/config\.yaml/,
    ],
    consoleLine: /andie_flux_lora: +\d+%\|.*\| 12\/12 \[.*lr: 4\.0e-04 loss: \d\.\d{3}e-0\d\]/,
    podConfig: (config) => {
      const process = (config.config as { process: Array<Record<string, unknown>> }).process[0]!;
      return [process.training_folder, (process.datasets as Array<{ folder_path: string }>)[0]!.folder_path];
    },
  },
];

describe('both engines through the RunPod sandbox: the same Trainer, the same dataset version', () => {
  let h: RunpodHarness;
  beforeAll(async () => {
    h = await runpodHarness();
  });
  afterAll(() => h.close());

  for (const [index, c] of engines.entries()) {
    it(`${c.engine}: trains, uploads LoRA, checkpoints, step samples and log, terminates the pod, records the version`, async () => {
      const trainer = h.trainer();
      const request = { model: 'andie', datasetPrefix, config: c.config, runId: `flow-${c.engine}` };
      await trainer.prepare(request);
      const job = await trainer.start(request);
      const final = await trainer.wait(job);
      expect(final).toMatchObject({ status: 'completed', step: 12, totalSteps: 12 });
      expect(h.sandbox.livePods()).toEqual([]);

      const pod = h.sandbox.created[index]!;
      for (const pattern of c.command) expect(pod.request.args).toMatch(pattern);
      const syntax = spawnSync('bash', ['-c', pod.request.args!.replace(/^bash -c /, 'bash -n -c ')]);
      expect(syntax.stderr.toString()).toBe('');
      expect(syntax.status).toBe(0);
      const progress = h.events.filter((e) => e.type === 'progress' && e.job.id === job.id);
      expect(
        progress.some((e) => e.type === 'progress' && (e.progress.step ?? 0) > 0 && e.progress.loss !== undefined),
      ).toBe(true);

      const artifacts = await trainer.fetchArtifacts(job);
      const names = artifacts.map((artifact) => artifact.name);
      const lora = artifacts.find((artifact) => artifact.name === c.lora)!;
      expect(inspectLora(lora.bytes)).toMatchObject({ rank: 8 });
      expect(new TextDecoder().decode(artifacts.find((a) => a.name === 'train.log')!.bytes)).toMatch(c.consoleLine);
      const podConfig = JSON.parse(new TextDecoder().decode(artifacts.find((a) => a.name === 'config.json')!.bytes));
      expect(c.podConfig(podConfig)).toEqual(
        c.engine === 'ai-toolkit'
          ? ['/workspace/run/output', '/workspace/dataset/simpletuner/images']
          : '/workspace/dataset/simpletuner/multidatabackend.json',
      );
      const checkpoints = listCheckpoints(names, { finalStep: 12 });
      expect(checkpoints.map((checkpoint) => [checkpoint.step, checkpoint.final, checkpoint.samples.length])).toEqual([
        [4, false, 2],
        [8, false, 2],
        [12, true, 2],
      ]);

      const record = await recordLoraVersion({
        storage: h.storage,
        model: 'andie',
        version: c.engine,
        family: 'flux',
        config: c.config,
        artifacts,
        trainer: { provider: job.provider, jobId: job.id },
      });
      expect(record).toMatchObject({
        engine: c.engine,
        sandbox: true,
        metrics: { steps: 12 },
        artifact: { file: c.lora, rank: 8 },
      });
      const shown = await showLoraVersion(h.storage, 'andie', c.engine);
      expect(shown.loss).toHaveLength(12);
    });
  }

  it('an invalid ai-toolkit config is a typed error before any pod is created', async () => {
    const broken = JSON.parse(JSON.stringify(aiToolkitTestConfig));
    broken.config.process[0].network.lineer = 8;
    const trainer = h.trainer();
    const request = { model: 'andie', datasetPrefix, config: broken, runId: 'broken' };
    const before = h.sandbox.created.length;
    for (const call of [() => trainer.prepare(request), () => trainer.start(request)]) {
      const error = await call().catch((caught: unknown) => caught);
      expect(ValidationError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(/unknown key "lineer"/);
    }
    expect(h.sandbox.created).toHaveLength(before);
  });

  it('compare works across engines: the diff shows the engine, the losses share an axis', async () => {
    const comparison = await compareLoraVersions(h.storage, 'andie', 'simpletuner', 'ai-toolkit');
    expect(comparison.engines).toEqual({ a: 'simpletuner', b: 'ai-toolkit' });
    expect(comparison.configDiff[0]).toEqual({ key: 'engine', a: 'simpletuner', b: 'ai-toolkit' });
    expect(comparison.configDiff.some((d) => d.key === 'config.process.0.network.linear' && d.b === 8)).toBe(true);
    expect(comparison.a.loss.map((p) => p.step)).toEqual(comparison.b.loss.map((p) => p.step));
    expect(comparison.lossChartSvg).toContain('<svg');
  });
});
